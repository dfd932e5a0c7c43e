package assert

import (
	"fmt"
	"strconv"
	"strings"
)

// ProbeRecord is what a probe of the receiver's state returned.
type ProbeRecord struct {
	Summary ProbeSummary
	// Output is the whole response body (http) or stdout (exec).
	Output string
	// Value is the probe's value: the JSON the output parses to (or the
	// trimmed text when it is not JSON), narrowed by the probe's JSON
	// Pointer when it has one. HasValue is false when the pointer selected
	// nothing or the output was empty and no default applied.
	Value    any
	HasValue bool
	// Doc is the whole output parsed as JSON; nil when it is not JSON.
	Doc any
	// Err is set when the probe could not run (connection refused, command
	// not found, timeout); the checks then report an error verdict.
	Err error
}

// PathMatch is one path of a JSON expectation.
type PathMatch struct {
	Path    Path
	Matcher Matcher
}

// ProbeExpect is what a probe should return. Zero fields are not checked.
type ProbeExpect struct {
	// Status: the HTTP probe was answered with one of these.
	Status StatusSet
	// Exit: the exec probe's exit code.
	Exit Matcher
	// Stdout: the exec probe's trimmed standard output, or the HTTP probe's
	// body, as text.
	Stdout Matcher
	// Value: the probe's value (see ProbeRecord.Value).
	Value Matcher
	// JSON: values inside the output's JSON document.
	JSON []PathMatch
}

// IsZero reports whether nothing is checked.
func (e ProbeExpect) IsZero() bool {
	return len(e.Status) == 0 && len(e.Exit) == 0 && len(e.Stdout) == 0 && len(e.Value) == 0 && len(e.JSON) == 0
}

// Check evaluates e over a probe's record.
func (e ProbeExpect) Check(p ProbeRecord) []Result {
	sum := p.Summary
	var out []Result
	add := func(name, want, got string, ok bool, msg string) {
		r := Result{Expectation: name, Want: want, Got: got, Verdict: Pass, Probe: &sum}
		if !ok {
			r.Verdict, r.Message = Fail, msg
		}
		out = append(out, r)
	}
	if p.Err != nil {
		return []Result{{Expectation: "probe", Verdict: Error, Want: "the probe runs", Got: p.Err.Error(),
			Message: fmt.Sprintf("The %s probe %s could not run: %v.", sum.Kind, sum.Target, p.Err), Probe: &sum}}
	}
	if len(e.Status) > 0 {
		got := strconv.Itoa(sum.Status)
		add("status", e.Status.String(), got, e.Status.Match(sum.Status),
			fmt.Sprintf("The probe was answered %d, want %s.", sum.Status, e.Status))
	}
	if len(e.Exit) > 0 {
		code := 0
		if sum.ExitCode != nil {
			code = *sum.ExitCode
		}
		ok, _ := e.Exit.Match(code, true)
		add("exit", e.Exit.String(), strconv.Itoa(code), ok, fmt.Sprintf("The probe command exited %d, want %s.", code, e.Exit))
	}
	if len(e.Stdout) > 0 {
		text := strings.TrimSpace(p.Output)
		ok, _ := e.Stdout.Match(text, true)
		h, _ := head(text, BodyHeadBytes)
		add("stdout", e.Stdout.String(), strconv.Quote(h), ok, fmt.Sprintf("The probe printed %s, want %s.", strconv.Quote(h), e.Stdout))
	}
	if len(e.Value) > 0 {
		ok, _ := e.Value.Match(p.Value, p.HasValue)
		got := describeValue(p.Value, p.HasValue)
		add("value", e.Value.String(), got, ok, fmt.Sprintf("The probe's value is %s, want %s.", got, e.Value))
	}
	for _, pm := range e.JSON {
		name := "json " + pm.Path.String()
		if p.Doc == nil && len(pm.Path.Tokens) > 0 {
			h, _ := head(strings.TrimSpace(p.Output), 80)
			add(name, pm.Matcher.String(), "not JSON: "+strconv.Quote(h), false,
				fmt.Sprintf("The probe's output is not JSON, so %s cannot be read.", pm.Path))
			continue
		}
		v, present := pm.Path.Lookup(p.Doc)
		ok, _ := pm.Matcher.Match(v, present)
		got := describeValue(v, present)
		add(name, pm.Matcher.String(), got, ok, fmt.Sprintf("%s is %s, want %s.", pm.Path, got, pm.Matcher))
	}
	return out
}

func describeValue(v any, present bool) string {
	if !present {
		return "missing"
	}
	return Format(v)
}
