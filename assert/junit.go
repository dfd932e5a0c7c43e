package assert

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

// WriteJSON writes r as indented JSON (schema version ReportVersion,
// documented in the README's report section).
func WriteJSON(w io.Writer, r Report) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("write JSON report: %w", err)
	}
	return nil
}

// ReadJSON reads a report written by WriteJSON.
func ReadJSON(rd io.Reader) (Report, error) {
	var r Report
	dec := json.NewDecoder(rd)
	if err := dec.Decode(&r); err != nil {
		return r, fmt.Errorf("read JSON report: %w", err)
	}
	if r.Version != ReportVersion {
		return r, fmt.Errorf("read JSON report: version %d, want %d", r.Version, ReportVersion)
	}
	return r, nil
}

// JUnitSuites is the root of a JUnit XML report.
type JUnitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []JUnitSuite `xml:"testsuite"`
}

// JUnitSuite groups the scenarios of one file.
type JUnitSuite struct {
	Name      string      `xml:"name,attr"`
	Tests     int         `xml:"tests,attr"`
	Failures  int         `xml:"failures,attr"`
	Errors    int         `xml:"errors,attr"`
	Skipped   int         `xml:"skipped,attr"`
	Time      string      `xml:"time,attr"`
	Timestamp string      `xml:"timestamp,attr,omitempty"`
	Cases     []JUnitCase `xml:"testcase"`
}

// JUnitCase is one scenario.
type JUnitCase struct {
	Name      string `xml:"name,attr"`
	Classname string `xml:"classname,attr"`
	Time      string `xml:"time,attr"`
	// Properties carry the verdict when JUnit has no element for it
	// (inconclusive, blocked).
	Properties *JUnitProperties `xml:"properties,omitempty"`
	Failure    *JUnitProblem    `xml:"failure,omitempty"`
	Error      *JUnitProblem    `xml:"error,omitempty"`
	Skipped    *JUnitSkipped    `xml:"skipped,omitempty"`
	SystemOut  string           `xml:"system-out,omitempty"`
}

// JUnitProblem is a failure or an error.
type JUnitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

// JUnitSkipped marks a skipped case; Type is "inconclusive" or "blocked"
// for checks that were not skipped but could not be decided.
type JUnitSkipped struct {
	Message string `xml:"message,attr,omitempty"`
	Type    string `xml:"type,attr,omitempty"`
}

// JUnitProperties lists a case's properties.
type JUnitProperties struct {
	Items []JUnitProperty `xml:"property"`
}

// JUnitProperty is one name/value pair.
type JUnitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

// ToJUnit converts r: one testsuite per scenario file (a platform's checks
// — scenarios with a check id — together in one, "PLATFORM conformance"),
// one testcase per scenario; failures carry the first failure as message and every failure
// as text; the request and response of the deciding attempts go to
// system-out with the seed and the rerun command.
func ToJUnit(r Report) JUnitSuites {
	root := JUnitSuites{Name: "hookdrill", Time: fmt.Sprintf("%.3f", r.Duration)}
	index := map[string]int{}
	for i := range r.Scenarios {
		sc := &r.Scenarios[i]
		name := suiteName(sc)
		si, ok := index[name]
		if !ok {
			si = len(root.Suites)
			index[name] = si
			root.Suites = append(root.Suites, JUnitSuite{Name: name})
			if !sc.Started.IsZero() {
				root.Suites[si].Timestamp = sc.Started.UTC().Format("2006-01-02T15:04:05")
			}
		}
		suite := &root.Suites[si]
		c := JUnitCase{Name: sc.Name, Classname: classname(sc), Time: fmt.Sprintf("%.3f", sc.Duration)}
		suite.Tests++
		root.Tests++
		switch sc.Verdict {
		case Skip:
			c.Skipped = &JUnitSkipped{Message: sc.Reason}
			suite.Skipped++
			root.Skipped++
		case Inconclusive, Blocked:
			// JUnit has no element for these: a skipped case typed with the
			// verdict, and a verdict property, so CI shows them apart from
			// passes and failures.
			c.Skipped = &JUnitSkipped{Message: string(sc.Verdict) + ": " + sc.Reason, Type: string(sc.Verdict)}
			c.Properties = &JUnitProperties{Items: []JUnitProperty{{Name: "verdict", Value: string(sc.Verdict)}}}
			if sc.BlockedBy != "" {
				c.Properties.Items = append(c.Properties.Items, JUnitProperty{Name: "blocked_by", Value: sc.BlockedBy})
			}
			c.SystemOut = systemOut(sc)
			suite.Skipped++
			root.Skipped++
		case Fail:
			c.Failure = &JUnitProblem{Message: sc.Reason, Type: string(sc.Severity), Text: failureText(sc)}
			suite.Failures++
			root.Failures++
		case Error:
			c.Error = &JUnitProblem{Message: sc.Reason, Text: failureText(sc)}
			suite.Errors++
			root.Errors++
		}
		if sc.Verdict == Fail || sc.Verdict == Error {
			c.SystemOut = systemOut(sc)
		}
		suite.Cases = append(suite.Cases, c)
	}
	for i := range root.Suites {
		var t float64
		for j := range r.Scenarios {
			if sc := &r.Scenarios[j]; suiteName(sc) == root.Suites[i].Name {
				t += sc.Duration
			}
		}
		root.Suites[i].Time = fmt.Sprintf("%.3f", t)
	}
	return root
}

// suiteName is the testsuite of sc: its platform's conformance suite for
// a check, else its file.
func suiteName(sc *ScenarioResult) string {
	if sc.Check != nil && sc.Check.ID != "" && sc.Platform != "" {
		return sc.Platform + " conformance"
	}
	return sc.File
}

func classname(sc *ScenarioResult) string {
	if sc.Check != nil && sc.Check.ID != "" {
		if i := strings.LastIndexByte(sc.Check.ID, '.'); i > 0 {
			return sc.Check.ID[:i]
		}
	}
	if sc.Platform == "" {
		return "hookdrill"
	}
	return "hookdrill." + sc.Platform
}

func failureText(sc *ScenarioResult) string {
	var b bytes.Buffer
	for _, f := range sc.Failures() {
		fmt.Fprintf(&b, "%s: %s%s\n", f.Where(), f.Result.Expectation, f.Result.WantGot())
		if f.Result.Message != "" {
			fmt.Fprintf(&b, "  %s\n", f.Result.Message)
		}
	}
	if sc.Check != nil {
		if sc.Check.Explain != "" {
			fmt.Fprintf(&b, "why: %s\n", sc.Check.Explain)
		}
		if sc.Check.Fix != "" {
			fmt.Fprintf(&b, "fix: %s\n", sc.Check.Fix)
		}
	}
	fmt.Fprintf(&b, "seed: %d\n", sc.Seed)
	if sc.Rerun != "" {
		fmt.Fprintf(&b, "rerun: %s\n", sc.Rerun)
	}
	return b.String()
}

func systemOut(sc *ScenarioResult) string {
	var b bytes.Buffer
	for _, f := range sc.Failures() {
		if f.Result.Attempt != nil {
			fmt.Fprintf(&b, "%s, %s:\n", f.Where(), f.Result.Expectation)
			WriteAttemptText(&b, "  ", f.Result.Attempt)
		}
		if p := f.Result.Probe; p != nil {
			fmt.Fprintf(&b, "%s, %s: probe %s %s\n", f.Where(), f.Result.Expectation, p.Kind, p.Target)
			if p.Output != "" {
				fmt.Fprintf(&b, "  < %s\n", oneLine(p.Output))
			}
		}
	}
	fmt.Fprintf(&b, "seed: %d\n", sc.Seed)
	if sc.Rerun != "" {
		fmt.Fprintf(&b, "rerun: %s\n", sc.Rerun)
	}
	return b.String()
}

// WriteJUnit writes r as JUnit XML (see ToJUnit).
func WriteJUnit(w io.Writer, r Report) error {
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("write JUnit report: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(ToJUnit(r)); err != nil {
		return fmt.Errorf("write JUnit report: %w", err)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("write JUnit report: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// ReadJUnit parses a JUnit XML report.
func ReadJUnit(r io.Reader) (JUnitSuites, error) {
	var s JUnitSuites
	if err := xml.NewDecoder(r).Decode(&s); err != nil {
		return s, fmt.Errorf("read JUnit report: %w", err)
	}
	return s, nil
}
