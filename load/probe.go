package load

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/hookdrill/hookdrill"
)

// The probe contract. With Config.ProbeURL set, Run samples deliveries
// (a seeded ProbeSample fraction, at most ProbeMax) and, once every
// delivery has ended, sends one request:
//
//	GET <ProbeURL>
//	Accept: application/json
//
// The receiver answers 200 with a JSON object whose "processed" member
// maps event ids (Prolific X-Event-ID, Respondent body "uuid") to how many
// times the receiver applied that event:
//
//	{"processed": {"65f1c0ffee0000000000abcd": 1, "...": 2}}
//
// Other members are ignored; an id that is absent counts as applied 0
// times. This is what the reference receiver (hookdrill receiver) serves at
// /_state. Each sampled event is then judged: acknowledged (some attempt
// got a 2xx) and applied once is correct; acknowledged and applied 0 times
// is lost; applied more than once is duplicated, acknowledged or not. An
// event never acknowledged may be applied 0 times or once (its answer may
// have failed after the work was done): counted, not judged. A probe that
// cannot be read makes the check inconclusive, never a pass.

// ProbeResult is the verdict of the applied-exactly-once probe.
type ProbeResult struct {
	URL               string   `json:"url"`
	Sampled           uint64   `json:"sampled"`
	AppliedOnce       uint64   `json:"applied_once"`
	Lost              uint64   `json:"lost"`
	Duplicated        uint64   `json:"duplicated"`
	UnackedApplied    uint64   `json:"unacknowledged_applied"`
	UnackedNotApplied uint64   `json:"unacknowledged_not_applied"`
	Errors            []string `json:"errors,omitempty"`
	// Examples lists up to 10 event ids that were lost or duplicated.
	Examples []string `json:"examples,omitempty"`
	// Verdict is pass, fail or inconclusive.
	Verdict string `json:"verdict"`
}

// Probe verdicts.
const (
	VerdictPass         = "pass"
	VerdictFail         = "fail"
	VerdictInconclusive = "inconclusive"
)

func (p *ProbeResult) verdict() {
	switch {
	case p.Lost > 0 || p.Duplicated > 0:
		p.Verdict = VerdictFail
	case len(p.Errors) > 0 || p.AppliedOnce == 0:
		p.Verdict = VerdictInconclusive
	default:
		p.Verdict = VerdictPass
	}
}

func (p *ProbeResult) add(o *ProbeResult) {
	if p.URL == "" {
		p.URL = o.URL
	}
	p.Sampled += o.Sampled
	p.AppliedOnce += o.AppliedOnce
	p.Lost += o.Lost
	p.Duplicated += o.Duplicated
	p.UnackedApplied += o.UnackedApplied
	p.UnackedNotApplied += o.UnackedNotApplied
	p.Errors = append(p.Errors, o.Errors...)
	for _, e := range o.Examples {
		if len(p.Examples) < 10 {
			p.Examples = append(p.Examples, e)
		}
	}
	p.verdict()
}

// sample is one sampled delivery.
type sample struct {
	eventID string
	acked   bool
}

// maxProbeBytes bounds the probe's answer.
const maxProbeBytes = 256 << 20

// probe asks the receiver which sampled events it applied.
func probe(ctx context.Context, client *http.Client, url string, samples []sample) *ProbeResult {
	p := &ProbeResult{URL: hookdrill.RedactURL(url), Sampled: uint64(len(samples))}
	defer p.verdict()
	counts, err := fetchProcessed(ctx, client, url)
	if err != nil {
		p.Errors = append(p.Errors, err.Error())
		return p
	}
	for _, s := range samples {
		n := counts[s.eventID]
		switch {
		case n > 1:
			p.Duplicated++
		case s.acked && n == 1:
			p.AppliedOnce++
		case s.acked:
			p.Lost++
		case n == 1:
			p.UnackedApplied++
			continue
		default:
			p.UnackedNotApplied++
			continue
		}
		if (n > 1 || n == 0) && len(p.Examples) < 10 {
			p.Examples = append(p.Examples, fmt.Sprintf("%s applied %d times", s.eventID, n))
		}
	}
	return p
}

func fetchProcessed(ctx context.Context, client *http.Client, url string) (map[string]int, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("probe %s: %v", hookdrill.RedactURL(url), err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("probe %s: %v", hookdrill.RedactURL(url), err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("probe %s: HTTP %d, want 200 with {\"processed\": {...}}", hookdrill.RedactURL(url), resp.StatusCode)
	}
	var body struct {
		Processed map[string]int `json:"processed"`
	}
	dec := json.NewDecoder(io.LimitReader(resp.Body, maxProbeBytes))
	if err := dec.Decode(&body); err != nil {
		return nil, fmt.Errorf("probe %s: answer is not the probe JSON {\"processed\": {\"<event id>\": <times applied>}}: %v", hookdrill.RedactURL(url), err)
	}
	if body.Processed == nil {
		return nil, fmt.Errorf("probe %s: answer has no \"processed\" object", hookdrill.RedactURL(url))
	}
	return body.Processed, nil
}
