package report

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/hookdrill/hookdrill/assert"
)

// Formats lists the formats Write knows; text is the default.
func Formats() []string { return []string{"text", "json", "junit", "html"} }

// Options tune Write.
type Options struct {
	// Verbose: the text report also lists the steps of passing scenarios.
	Verbose bool
	// Title heads the HTML report (default "hookdrill report").
	Title string
}

// Write renders r in format: "text", "json", "junit" or "html".
func Write(w io.Writer, r assert.Report, format string, opt Options) error {
	switch format {
	case "", "text":
		return assert.WriteText(w, r, assert.TextOptions{Verbose: opt.Verbose})
	case "json":
		return assert.WriteJSON(w, r)
	case "junit":
		return assert.WriteJUnit(w, r)
	case "html":
		return WriteHTML(w, r, opt)
	}
	return fmt.Errorf("report: unknown format %q (valid: %s)", format, strings.Join(Formats(), ", "))
}

// ValidFormat reports whether Write knows format.
func ValidFormat(format string) bool { return slices.Contains(Formats(), format) }
