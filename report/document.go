package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/hookdrill/hookdrill/assert"
	"github.com/hookdrill/hookdrill/load"
)

// Document is one JSON document read by Decode.
type Document struct {
	// Source names where it came from: "FILE" or "FILE[i]" for the i-th
	// document of a file holding several (an array, or a stream).
	Source string
	// Kind is the document's "kind" (assert.ReportKind for reports that
	// predate the field).
	Kind string
	// Raw is the document's JSON.
	Raw json.RawMessage
}

// Decode reads every document of r, which holds one JSON object, an array
// of them (as "hookdrill conform --format json" writes for several
// platforms) or several concatenated. source names r in errors.
func Decode(r io.Reader, source string) ([]Document, error) {
	dec := json.NewDecoder(r)
	var out []Document
	var values []json.RawMessage
	for {
		var v json.RawMessage
		err := dec.Decode(&v)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", source, err)
		}
		if t := bytes.TrimSpace(v); len(t) > 0 && t[0] == '[' {
			var arr []json.RawMessage
			if err := json.Unmarshal(t, &arr); err != nil {
				return nil, fmt.Errorf("%s: %w", source, err)
			}
			values = append(values, arr...)
			continue
		}
		values = append(values, v)
	}
	if len(values) == 0 {
		return nil, fmt.Errorf("%s: no JSON document", source)
	}
	for i, v := range values {
		src := source
		if len(values) > 1 {
			src = fmt.Sprintf("%s[%d]", source, i)
		}
		kind, err := kindOf(v)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", src, err)
		}
		out = append(out, Document{Source: src, Kind: kind, Raw: v})
	}
	return out, nil
}

// kindOf reads a document's kind.
func kindOf(raw json.RawMessage) (string, error) {
	var head struct {
		Kind      string          `json:"kind"`
		Tool      string          `json:"tool"`
		Scenarios json.RawMessage `json:"scenarios"`
	}
	if err := json.Unmarshal(raw, &head); err != nil {
		return "", fmt.Errorf("not a hookdrill JSON document: %w", err)
	}
	switch {
	case head.Kind != "":
		return head.Kind, nil
	case head.Tool == "hookdrill" && head.Scenarios != nil:
		return assert.ReportKind, nil
	}
	return "", errors.New(`not a hookdrill JSON document: no "kind" field`)
}

// Output is a merged document, ready to be written.
type Output interface {
	// Formats lists the formats Write accepts; the first is the default.
	Formats() []string
	// Write renders the document in one of its formats.
	Write(w io.Writer, format string, opt Options) error
	// Failed reports whether what the document describes failed (the
	// report command's exit status).
	Failed() bool
}

// Kind merges and writes the documents of one kind.
type Kind interface {
	// Merge decodes docs (all of this kind, at least one) and combines
	// them into one.
	Merge(docs []Document) (Output, error)
}

// Kinds maps a document kind to what handles it.
type Kinds map[string]Kind

// DefaultKinds returns the kinds hookdrill knows: scenario and conformance
// reports (assert.ReportKind) and load results (load.Kind). A new kind of
// result is added here.
func DefaultKinds() Kinds {
	return Kinds{assert.ReportKind: reportKind{}, load.Kind: loadKind{}}
}

// Combine merges docs, which must all be of one kind that ks knows.
func (ks Kinds) Combine(docs []Document) (Output, error) {
	if len(docs) == 0 {
		return nil, errors.New("report: no document to merge")
	}
	kind := docs[0].Kind
	for _, d := range docs[1:] {
		if d.Kind != kind {
			return nil, fmt.Errorf("report: cannot merge a %q document (%s) with a %q document (%s)", d.Kind, d.Source, kind, docs[0].Source)
		}
	}
	k, ok := ks[kind]
	if !ok {
		names := make([]string, 0, len(ks))
		for n := range ks {
			names = append(names, n)
		}
		sort.Strings(names)
		return nil, fmt.Errorf("report: %s: unknown document kind %q (known: %s)", docs[0].Source, kind, strings.Join(names, ", "))
	}
	return k.Merge(docs)
}

// reportKind handles assert.Report documents.
type reportKind struct{}

func (reportKind) Merge(docs []Document) (Output, error) {
	reps := make([]assert.Report, len(docs))
	for i, d := range docs {
		r, err := assert.ReadJSON(bytes.NewReader(d.Raw))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", d.Source, err)
		}
		reps[i] = r
	}
	m, err := Merge(reps...)
	if err != nil {
		return nil, err
	}
	return reportOutput{m}, nil
}

// reportOutput writes a merged assert.Report.
type reportOutput struct{ r assert.Report }

func (o reportOutput) Formats() []string { return Formats() }
func (o reportOutput) Write(w io.Writer, format string, opt Options) error {
	return Write(w, o.r, format, opt)
}
func (o reportOutput) Failed() bool { return Failed(o.r) }

// AsReport returns the merged report behind an Output of kind
// assert.ReportKind.
func AsReport(o Output) (assert.Report, bool) {
	ro, ok := o.(reportOutput)
	return ro.r, ok
}
