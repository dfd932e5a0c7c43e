package report

import (
	"bytes"
	"fmt"
	"io"

	"github.com/hookdrill/hookdrill/load"
)

// loadKind handles the results of hookdrill load (kind "hookdrill.load"):
// the shards of a run (`load --shard i/n`) merge exactly, histograms
// bucket by bucket (load.Merge), never by averaging percentiles.
type loadKind struct{}

func (loadKind) Merge(docs []Document) (Output, error) {
	rs := make([]io.Reader, len(docs))
	for i, d := range docs {
		if _, err := load.DecodeResult(d.Raw); err != nil {
			return nil, fmt.Errorf("%s: %w", d.Source, err)
		}
		rs[i] = bytes.NewReader(d.Raw)
	}
	m, err := load.ReadResults(rs...)
	if err != nil {
		return nil, err
	}
	return loadOutput{m}, nil
}

// loadOutput writes a merged load result.
type loadOutput struct{ r load.Result }

func (loadOutput) Formats() []string { return []string{"text", "json", "html"} }

func (o loadOutput) Write(w io.Writer, format string, _ Options) error {
	switch format {
	case "text":
		return o.r.WriteText(w)
	case "json":
		return o.r.WriteJSON(w)
	case "html":
		return o.r.WriteHTML(w)
	}
	return fmt.Errorf("a load result has no %q format (text, json or html)", format)
}

// Failed is what makes hookdrill load exit 1: a run that stopped early,
// or a probe that found lost or duplicated events.
func (o loadOutput) Failed() bool {
	return o.r.Partial || o.r.Probe != nil && o.r.Probe.Verdict == load.VerdictFail
}
