package scenarios

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/assert"
)

// probeTemplate is a runner-supplied probe: an http(s) URL whose fragment
// is a JSON Pointer, "exec:" and a command (split by SplitCommand, run
// without a shell) or "sh:" and a script (run by sh -c; its values only
// come from the environment).
type probeTemplate struct {
	url  string   // without fragment
	frag string   // JSON Pointer, may hold {event_id}
	argv []string // exec: words, each may hold {event_id}, {resource_id}
	sh   string   // sh: script, without placeholders
}

var placeholders = []string{"{event_id}", "{resource_id}"}

func parseProbeTemplate(t string) (probeTemplate, error) {
	t = strings.TrimSpace(t)
	if script, ok := strings.CutPrefix(t, "sh:"); ok {
		script = strings.TrimSpace(script)
		if script == "" {
			return probeTemplate{}, errors.New("sh: empty script")
		}
		for _, ph := range placeholders {
			if strings.Contains(script, ph) {
				return probeTemplate{}, fmt.Errorf("sh: %s is never substituted into a shell script (a value would run as code): "+
					"use \"$HOOKDRILL_EVENT_ID\" and \"$HOOKDRILL_RESOURCE_ID\", or exec: with %s as an argument", ph, ph)
			}
		}
		return probeTemplate{sh: script}, nil
	}
	if cmd, ok := strings.CutPrefix(t, "exec:"); ok {
		if strings.TrimSpace(cmd) == "" {
			return probeTemplate{}, errors.New("exec: empty command")
		}
		argv, err := SplitCommand(cmd)
		if err != nil {
			return probeTemplate{}, fmt.Errorf("exec: %w", err)
		}
		for _, ph := range placeholders {
			if strings.Contains(argv[0], ph) {
				return probeTemplate{}, fmt.Errorf("exec: the program may not be %s", ph)
			}
		}
		if i := shellScriptArg(argv); i >= 0 && (strings.Contains(argv[i], placeholders[0]) || strings.Contains(argv[i], placeholders[1])) {
			return probeTemplate{}, fmt.Errorf("exec: placeholders are not substituted into a script that %s runs: use sh: with \"$HOOKDRILL_EVENT_ID\"", argv[0])
		}
		return probeTemplate{argv: argv}, nil
	}
	base, frag, _ := strings.Cut(t, "#")
	u, err := url.Parse(strings.NewReplacer("{event_id}", "x", "{resource_id}", "x").Replace(base))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return probeTemplate{}, fmt.Errorf("want an http(s) URL with an optional #/json/pointer fragment, exec:COMMAND or sh:SCRIPT; got %q", hookdrill.RedactURL(t))
	}
	if frag != "" && !strings.HasPrefix(frag, "/") {
		return probeTemplate{}, fmt.Errorf("fragment %q: want a JSON Pointer starting with /", frag)
	}
	return probeTemplate{url: base, frag: frag}, nil
}

// fill substitutes {event_id} and {resource_id}: path-escaped in URLs,
// pointer-escaped in the fragment, as they are inside a command's words
// (each word stays one argv entry). Scripts get no substitution.
func (p probeTemplate) fill(eventID, resourceID string) probeTemplate {
	switch {
	case p.sh != "":
		return p
	case p.argv != nil:
		rep := strings.NewReplacer("{event_id}", eventID, "{resource_id}", resourceID)
		argv := make([]string, len(p.argv))
		for i, a := range p.argv {
			argv[i] = rep.Replace(a)
		}
		p.argv = argv
		return p
	}
	p.url = strings.NewReplacer("{event_id}", url.PathEscape(eventID), "{resource_id}", url.PathEscape(resourceID)).Replace(p.url)
	ptr := strings.NewReplacer("~", "~0", "/", "~1")
	p.frag = strings.NewReplacer("{event_id}", ptr.Replace(eventID), "{resource_id}", ptr.Replace(resourceID)).Replace(p.frag)
	return p
}

// probeRequest is a probe ready to run.
type probeRequest struct {
	kind     string // http, exec
	method   string
	url      string
	headers  map[string]string
	body     string
	shell    string
	argv     []string
	pointer  string
	def      any
	hasDef   bool
	timeout  time.Duration
	env      []string
	describe string
}

func (r *run) stepProbe(ctx context.Context, st *Step, ss *stepState) error {
	req, err := r.buildProbe(st.Probe)
	if err != nil {
		return err
	}
	var exp assert.ProbeExpect
	if e := st.Expect; e != nil {
		if exp, err = r.probeExpect(e); err != nil {
			return err
		}
	}
	var deadline time.Time
	interval := DefaultProbeInterval
	if p := st.Probe; p.Eventually != nil {
		deadline = time.Now().Add(p.Eventually.D)
		if p.Interval != nil {
			interval = p.Interval.D
		}
	}
	var rec assert.ProbeRecord
	var results []assert.Result
	for tries := 0; ; tries++ {
		rec = r.runProbe(ctx, req)
		results = exp.Check(rec)
		if assert.Worst(results) == assert.Pass || deadline.IsZero() || time.Now().Add(interval).After(deadline) || ctx.Err() != nil {
			break
		}
		t := time.NewTimer(interval)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
		}
	}
	outs := map[string]string{OutStdout: rec.Output}
	if rec.HasValue {
		if s, ok := rec.Value.(string); ok {
			outs[OutValue] = s
		} else {
			outs[OutValue] = assert.Format(rec.Value)
		}
	}
	if rec.Summary.Status != 0 {
		outs[OutStatus] = strconv.Itoa(rec.Summary.Status)
	}
	if rec.Summary.ExitCode != nil {
		outs[OutExit] = strconv.Itoa(*rec.Summary.ExitCode)
	}
	r.setOutputs(st, outs)
	if rec.Err != nil && st.Expect == nil {
		return rec.Err
	}
	if c := rec.Summary.ExitCode; c != nil && *c != 0 && (st.Expect == nil || st.Expect.Exit == nil) {
		// A failing command is an error unless the scenario expects its exit code.
		return fmt.Errorf("probe command %s: %s (add expect.exit to check exit codes)", req.describe, rec.Summary.Error)
	}
	ss.res.Results = append(ss.res.Results, results...)
	return nil
}

func (r *run) probeExpect(e *Expect) (assert.ProbeExpect, error) {
	var out assert.ProbeExpect
	var err error
	if e.Status != nil {
		out.Status = e.Status.Set
	}
	for _, f := range []struct {
		m   *Matcher
		dst *assert.Matcher
	}{{e.Exit, &out.Exit}, {e.Stdout, &out.Stdout}, {e.Value, &out.Value}} {
		if f.m == nil {
			continue
		}
		if *f.dst, err = r.matcher(f.m); err != nil {
			return out, err
		}
	}
	if e.JSON != nil {
		for _, pm := range *e.JSON {
			raw, err := r.x.expand(pm.Path)
			if err != nil {
				return out, err
			}
			p, err := assert.ParsePath(raw)
			if err != nil {
				return out, err
			}
			m, err := r.matcher(&pm.Matcher)
			if err != nil {
				return out, err
			}
			out.JSON = append(out.JSON, assert.PathMatch{Path: p, Matcher: m})
		}
	}
	return out, nil
}

// buildProbe expands a probe step into a request.
func (r *run) buildProbe(p *Probe) (probeRequest, error) {
	var errs []error
	exp := func(s string) string {
		v, err := r.x.expand(s)
		if err != nil {
			errs = append(errs, err)
		}
		return v
	}
	req := probeRequest{timeout: DefaultProbeTimeout, pointer: exp(p.Pointer)}
	if p.Timeout != nil {
		req.timeout = p.Timeout.D
	}
	if p.Default != nil {
		v, err := r.expandValue(p.Default.V)
		if err != nil {
			errs = append(errs, err)
		}
		req.def, req.hasDef = jsonLike(v), true
	}
	eventID, resourceID := exp(p.EventID), exp(p.ResourceID)
	if p.Event != "" {
		outs := r.x.outputs[p.Event]
		if eventID == "" {
			eventID = outs[OutEventID]
		}
		if resourceID == "" {
			resourceID = outs[OutResourceID]
		}
	}
	switch {
	case p.Use != "":
		raw, ok := r.cfg.Probes[p.Use]
		if !ok {
			return req, fmt.Errorf("no probe template %q", p.Use)
		}
		t, err := parseProbeTemplate(raw)
		if err != nil {
			return req, fmt.Errorf("probe template %q: %w", p.Use, err)
		}
		t = t.fill(eventID, resourceID)
		switch {
		case t.sh != "":
			req.kind, req.shell = "exec", t.sh
		case t.argv != nil:
			req.kind, req.argv = "exec", t.argv
		default:
			req.kind, req.method, req.url = "http", http.MethodGet, t.url
			if req.pointer == "" {
				req.pointer = t.frag
			}
		}
	case p.HTTP != nil:
		req.kind, req.method, req.url, req.body = "http", exp(p.HTTP.Method), exp(p.HTTP.URL), exp(p.HTTP.Body)
		if req.method == "" {
			req.method = http.MethodGet
		}
		if base, frag, ok := strings.Cut(req.url, "#"); ok {
			req.url = base
			if req.pointer == "" {
				req.pointer = frag
			}
		}
		req.headers = map[string]string{}
		for _, k := range sortedKeys(p.HTTP.Headers) {
			v, err := r.x.expandCred(p.HTTP.Headers[k])
			if err != nil {
				errs = append(errs, err)
			}
			req.headers[exp(k)] = v
		}
	case p.Exec != nil:
		req.kind = "exec"
		if p.Exec.Sh != "" {
			script, err := literalScript(p.Exec.Sh)
			if err != nil {
				errs = append(errs, err)
			}
			req.shell = script
		} else {
			for _, a := range p.Exec.Argv {
				v, err := r.x.expandCred(a)
				if err != nil {
					errs = append(errs, err)
				}
				req.argv = append(req.argv, v)
			}
		}
	}
	if req.kind == "exec" {
		req.env = r.execEnv(eventID, resourceID)
		if req.shell != "" {
			req.describe = "sh -c " + shellQuote(req.shell)
		} else {
			req.describe = quoteArgv(req.argv)
		}
	} else {
		r.red.AddURL(req.url)
		req.describe = req.method + " " + hookdrill.RedactURL(req.url)
		if req.pointer != "" {
			req.describe += "#" + req.pointer
		}
	}
	return req, errors.Join(errs...)
}

// runProbe runs a probe once and journals it.
func (r *run) runProbe(ctx context.Context, req probeRequest) assert.ProbeRecord {
	ctx, cancel := context.WithTimeout(ctx, req.timeout)
	defer cancel()
	release := r.clk.Hold() // the clock does not move during a probe
	defer release()
	start := time.Now()
	rec := assert.ProbeRecord{Summary: assert.ProbeSummary{Kind: req.kind, Target: req.describe}}
	var out []byte
	if req.kind == "exec" {
		out, rec.Err = r.execProbe(ctx, req, &rec.Summary)
	} else {
		out, rec.Err = r.httpProbe(ctx, req, &rec.Summary)
	}
	lat := time.Since(start)
	rec.Summary.MS = float64(lat.Microseconds()) / 1000
	rec.Output = string(out)
	rec.Summary.Output, _ = headStr(rec.Output, assert.BodyHeadBytes)
	if rec.Err != nil {
		rec.Summary.Error = rec.Err.Error()
	}
	text := strings.TrimSpace(rec.Output)
	if doc, ok := assert.ParseValue(text); ok {
		rec.Doc = doc
	}
	switch {
	case rec.Err != nil:
	case req.pointer != "":
		p, err := assert.ParsePath(req.pointer)
		if err != nil {
			rec.Err = fmt.Errorf("pointer: %w", err)
			break
		}
		if rec.Doc != nil {
			rec.Value, rec.HasValue = p.Lookup(rec.Doc)
		}
	case rec.Doc != nil:
		rec.Value, rec.HasValue = rec.Doc, true
	case text != "":
		rec.Value, rec.HasValue = text, true
	}
	if !rec.HasValue && req.hasDef && rec.Err == nil {
		rec.Value, rec.HasValue = req.def, true
	}
	pr := &hookdrill.Probe{Kind: req.kind, Target: req.describe, Output: rec.Summary.Output, Latency: lat,
		Status: rec.Summary.Status, Error: rec.Summary.Error}
	if rec.Summary.ExitCode != nil {
		pr.ExitCode = *rec.Summary.ExitCode
	}
	e := hookdrill.Entry{Kind: hookdrill.KindProbe, Probe: pr}
	if r.sim != nil {
		e.Sim = r.sim.Now()
	}
	r.journal.Append(e)
	return rec
}

func headStr(s string, n int) (string, bool) {
	if len(s) <= n {
		return s, false
	}
	return s[:n], true
}

func (r *run) httpProbe(ctx context.Context, req probeRequest, sum *assert.ProbeSummary) ([]byte, error) {
	var body io.Reader
	if req.body != "" {
		body = strings.NewReader(req.body)
	}
	hr, err := http.NewRequestWithContext(ctx, req.method, req.url, body)
	if err != nil {
		return nil, fmt.Errorf("build request: %w", err)
	}
	for k, v := range req.headers {
		hr.Header.Set(k, v)
	}
	resp, err := r.cfg.ProbeClient.Do(hr)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("no answer within %s", req.timeout)
		}
		return nil, err
	}
	defer resp.Body.Close()
	sum.Status = resp.StatusCode
	b, err := io.ReadAll(io.LimitReader(resp.Body, MaxProbeOutput))
	if err != nil {
		return b, fmt.Errorf("read answer: %w", err)
	}
	return b, nil
}

// limitedBuffer keeps the first max bytes written to it.
type limitedBuffer struct {
	buf bytes.Buffer
	max int
}

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if room := l.max - l.buf.Len(); room > 0 {
		l.buf.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

func (r *run) execProbe(ctx context.Context, req probeRequest, sum *assert.ProbeSummary) ([]byte, error) {
	var cmd *exec.Cmd
	if req.shell != "" {
		cmd = exec.CommandContext(ctx, "sh", "-c", req.shell)
	} else {
		cmd = exec.CommandContext(ctx, req.argv[0], req.argv[1:]...)
	}
	cmd.Env = req.env
	cmd.WaitDelay = time.Second
	var stdout, stderr limitedBuffer
	stdout.max, stderr.max = MaxProbeOutput, 4096
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case ctx.Err() != nil:
		return stdout.buf.Bytes(), fmt.Errorf("command did not finish within %s", req.timeout)
	case errors.As(err, &ee):
		code := ee.ExitCode()
		sum.ExitCode = &code
		if code < 0 {
			return stdout.buf.Bytes(), fmt.Errorf("command killed: %v", err)
		}
		sum.Error = fmt.Sprintf("exit status %d", code)
		if s := strings.TrimSpace(stderr.buf.String()); s != "" {
			sum.Error += ": " + s
		}
		return stdout.buf.Bytes(), nil
	case err != nil:
		return stdout.buf.Bytes(), fmt.Errorf("run command: %w", err)
	}
	code := 0
	sum.ExitCode = &code
	if s := strings.TrimSpace(stderr.buf.String()); s != "" && stdout.buf.Len() == 0 {
		sum.Error = "stderr: " + s
	}
	return stdout.buf.Bytes(), nil
}
