package corpustest

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/hookdrill/hookdrill/assert"
	"github.com/hookdrill/hookdrill/conform"
	"github.com/hookdrill/hookdrill/platform"
)

// corpusCase is one run of the suite against one receiver of the corpus
// (DIR/NAME/expected.yaml), with the verdict a
// careful reviewer gives every check.
type corpusCase struct {
	Name string `yaml:"name"`
	// Env is added to the receiver's environment (PORT and SECRET are set).
	Env map[string]string `yaml:"env"`
	// Events narrows --events.
	Events []string `yaml:"events"`
	// Runs is how many times the suite runs in a row against the same
	// (stateful) receiver process; every run must give the table.
	Runs int `yaml:"runs"`
	// Seed fixes --seed for every run (0: a new one each run).
	Seed uint64 `yaml:"seed"`
	// Verdicts maps check ids (without the platform prefix; "preflight"
	// too) to "pass", "skip", "blocked", "inconclusive" or "fail CAUSE",
	// CAUSE being what was observed: accepted, refused, crashed,
	// redirected, timed-out, or state (a probe showed the wrong state).
	Verdicts map[string]string `yaml:"verdicts"`
	// Why is the reviewer's reasoning, for people reading the table.
	Why map[string]string `yaml:"why"`
}

type corpusReceiver struct {
	Platform string `yaml:"platform"`
	// Style names the kind of code (Python http.server, Flask, Express...).
	Style string `yaml:"style"`
	// Command starts the receiver in its directory; "go-build" builds the
	// directory's Go program first and runs it.
	Command []string `yaml:"command"`
	// Tools must be on PATH; PythonModules must import.
	Tools         []string `yaml:"tools"`
	PythonModules []string `yaml:"python_modules"`
	NodeModules   []string `yaml:"node_modules"`
	// Path is the webhook's path; ProbeApplied and ProbeStatus are appended
	// to the receiver's base URL when set.
	Path         string       `yaml:"path"`
	ProbeApplied string       `yaml:"probe_applied"`
	ProbeStatus  string       `yaml:"probe_status"`
	Cases        []corpusCase `yaml:"cases"`
}

// Config says which corpus to run, with what.
type Config struct {
	// Dir is the corpus directory, one receiver per subdirectory (and the
	// npm packages of its Node receivers in Dir/node_modules).
	Dir string
	// Suites and Registry are what conform.Run gets.
	Suites   conform.Suites
	Registry *platform.Registry
	// MinReceivers is how many receivers the corpus has at least.
	MinReceivers int
}

func loadCorpus(t *testing.T, corpusDir string, min int) map[string]corpusReceiver {
	t.Helper()
	ents, err := os.ReadDir(corpusDir)
	require.NoError(t, err)
	out := map[string]corpusReceiver{}
	for _, e := range ents {
		f := filepath.Join(corpusDir, e.Name(), "expected.yaml")
		data, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		var r corpusReceiver
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		require.NoError(t, dec.Decode(&r), f)
		out[e.Name()] = r
	}
	require.GreaterOrEqual(t, len(out), min, "the corpus has at least %d receivers", min)
	return out
}

// pythonWith finds a python3 that imports every module: the one on PATH
// first, then Debian's /usr/bin/python3, where .ci/run installs
// python3-flask (a pyenv or virtualenv python3 earlier on PATH may lack it).
func pythonWith(modules []string) (string, bool) {
	for _, py := range []string{"python3", "/usr/bin/python3"} {
		if _, err := exec.LookPath(py); err != nil {
			continue
		}
		ok := true
		for _, m := range modules {
			if exec.Command(py, "-c", "import "+m).Run() != nil {
				ok = false
				break
			}
		}
		if ok {
			return py, true
		}
	}
	return "", false
}

// needTool skips (or, under CI=true, fails) when a tool is missing.
func needTool(t *testing.T, corpusDir, what string, ok bool) {
	t.Helper()
	if ok {
		return
	}
	msg := what + " is not installed (.ci/run installs it; see " + corpusDir + ")"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := l.Addr().(*net.TCPAddr).Port
	require.NoError(t, l.Close())
	return port
}

// startCorpusReceiver starts a receiver on a free 127.0.0.1 port and waits
// until it accepts connections; it is killed when the test ends.
func startCorpusReceiver(t *testing.T, corpusDir, name string, r corpusReceiver, env map[string]string, secret string) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join(corpusDir, name))
	require.NoError(t, err)
	for _, tool := range r.Tools {
		_, err := exec.LookPath(tool)
		needTool(t, corpusDir, tool, err == nil)
	}
	python := "python3"
	if len(r.PythonModules) > 0 {
		var ok bool
		python, ok = pythonWith(r.PythonModules)
		needTool(t, corpusDir, "a python3 with the modules "+strings.Join(r.PythonModules, ", "), ok)
	}
	for _, m := range r.NodeModules {
		_, err := os.Stat(filepath.Join(corpusDir, "node_modules", m))
		needTool(t, corpusDir, "the npm package "+m+" (npm ci in "+corpusDir+")", err == nil)
	}
	argv := slices.Clone(r.Command)
	if argv[0] == "python3" {
		argv[0] = python
	}
	if argv[0] == "go-build" {
		bin := filepath.Join(t.TempDir(), name)
		out, err := exec.Command("go", "build", "-o", bin, dir).CombinedOutput()
		require.NoError(t, err, "build %s: %s", name, out)
		argv = []string{bin}
	}
	port := freePort(t)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PORT="+strconv.Itoa(port), "SECRET="+secret)
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("%s output:\n%s", name, logs.String())
		}
	})
	addr := "127.0.0.1:" + strconv.Itoa(port)
	deadline := time.Now().Add(20 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			_ = c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not listen on %s within 20s: %s", name, addr, logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	return "http://" + addr
}

// verdictOf is the table form of a check's result.
func verdictOf(sc assert.ScenarioResult) string {
	if sc.Verdict != assert.Fail {
		return string(sc.Verdict)
	}
	obs := strings.ReplaceAll(sc.Observed, " ", "-")
	if obs == "" {
		obs = "state"
	}
	return "fail " + obs
}

// corpusConfig is the conform configuration of one case.
func corpusConfig(cc Config, r corpusReceiver, c corpusCase, base, secret string) conform.Config {
	cfg := conform.Config{Suites: cc.Suites, Registry: cc.Registry, Platform: r.Platform, Target: base + r.Path, Secret: secret, OldSecret: "an-old-secret-rotated-away",
		Strict: true, Events: c.Events, Seed: c.Seed}
	if r.ProbeApplied != "" {
		cfg.ProbeApplied = base + r.ProbeApplied
	}
	if r.ProbeStatus != "" {
		cfg.ProbeStatus = base + r.ProbeStatus
	}
	return cfg
}

// Run runs the suite against every receiver of the corpus (Python
// http.server, Flask, Express, a serverless-style handler, Go net/http;
// each platform's published sample among them) and asserts the reviewer's
// table exactly: every check's verdict and, for a failure, what was
// observed. With HOOKDRILL_CORPUS_BIN set to a hookdrill binary it instead
// runs that binary's conform (e.g. an older one) and logs how many
// verdicts it gets right (see /work/notes of the verdicts branch).
func Run(t *testing.T, cc Config) {
	if testing.Short() {
		t.Skip("starts external receivers")
	}
	corpusDir := cc.Dir
	bin := os.Getenv("HOOKDRILL_CORPUS_BIN")
	corpus := loadCorpus(t, corpusDir, cc.MinReceivers)
	names := make([]string, 0, len(corpus))
	for n := range corpus {
		names = append(names, n)
	}
	sort.Strings(names)
	var right, total, rightPre, totalPre int
	for _, name := range names {
		r := corpus[name]
		for _, c := range r.Cases {
			t.Run(name+"/"+c.Name, func(t *testing.T) {
				const secret = "corpus-secret-9f2c"
				base := startCorpusReceiver(t, corpusDir, name, r, c.Env, secret)
				checks, err := cc.Suites.List(cc.Registry, r.Platform)
				require.NoError(t, err)
				want := map[string]string{}
				for k, v := range c.Verdicts {
					want[r.Platform+"."+k] = v
				}
				for _, ch := range checks {
					require.Contains(t, want, ch.ID, "%s/%s: the table has no verdict for %s", name, c.Name, ch.ID)
				}
				runs := max(c.Runs, 1)
				for run := 1; run <= runs; run++ {
					cfg := corpusConfig(cc, r, c, base, secret)
					var got map[string]string
					if bin != "" {
						got = runOldBinary(t, bin, cfg)
					} else {
						ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
						res, err := conform.Run(ctx, cfg)
						cancel()
						require.NoError(t, err)
						got = map[string]string{}
						for _, sc := range res.Report.Scenarios {
							got[sc.Check.ID] = verdictOf(sc)
						}
						require.Equal(t, !slices.ContainsFunc(sortedValues(want), func(v string) bool {
							return strings.HasPrefix(v, "fail") || v == "blocked"
						}), res.OK, "the run passes exactly when no check fails or is blocked")
					}
					for id, w := range want {
						if strings.HasSuffix(id, conform.PreflightSuffix) {
							totalPre++
							if got[id] == w {
								rightPre++
							}
							continue
						}
						if _, ok := got[id]; !ok && bin != "" {
							continue // a check the other binary does not have
						}
						total++
						if got[id] == w {
							right++
						} else if bin != "" {
							t.Logf("run %d %s: want %q, got %q", run, id, w, got[id])
						}
					}
					if bin == "" {
						require.Equal(t, want, got, "%s/%s run %d: verdicts differ from the reviewer's table", name, c.Name, run)
					}
				}
			})
		}
	}
	t.Logf("corpus: %d/%d check verdicts right (preflight rows: %d/%d)", right, total, rightPre, totalPre)
}

func sortedValues(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}

// runOldBinary runs another hookdrill's conform with cfg and returns its
// verdicts in table form (an old binary reports no preflight and no
// observation: a failure counts by the cause its fixed explanation states).
func runOldBinary(t *testing.T, bin string, cfg conform.Config) map[string]string {
	t.Helper()
	args := []string{"conform", "--platform", cfg.Platform, "--target", cfg.Target, "--secret", cfg.Secret,
		"--old-secret", cfg.OldSecret, "--strict", "--format", "json"}
	if cfg.ProbeApplied != "" {
		args = append(args, "--probe-applied", cfg.ProbeApplied)
	}
	if cfg.ProbeStatus != "" {
		args = append(args, "--probe-status", cfg.ProbeStatus)
	}
	if cfg.Seed != 0 {
		args = append(args, "--seed", strconv.FormatUint(cfg.Seed, 10))
	}
	out, _ := exec.Command(bin, args...).Output()
	var rep assert.Report
	require.NoError(t, json.Unmarshal(out, &rep), "%s output: %.300s", bin, out)
	got := map[string]string{}
	for _, sc := range rep.Scenarios {
		v := string(sc.Verdict)
		if sc.Verdict == assert.Fail {
			v = "fail " + oldCause(sc)
		}
		got[sc.Check.ID] = v
	}
	return got
}

// oldCause is the cause an old report's failure names: its fixed
// explanation describes acceptance for rejection checks, a refusal for
// acceptance checks, a timeout for latency checks, state for probes.
func oldCause(sc assert.ScenarioResult) string {
	for _, f := range sc.Failures() {
		if f.Result.Attempt == nil {
			continue
		}
		switch {
		case strings.Contains(sc.Name, ".latency."):
			return "timed-out"
		case f.Result.Want == "4xx":
			return "accepted"
		case strings.Contains(sc.Name, "unknown_event_type"):
			return "crashed"
		case strings.Contains(sc.Name, "no_redirect"):
			return "redirected"
		}
		if sc := f.Result.Attempt.Response; sc != nil {
			return observedClass(sc.Status)
		}
		return "timed-out"
	}
	return "state"
}

func observedClass(status int) string {
	switch {
	case status >= 200 && status < 300:
		return "accepted"
	case status >= 300 && status < 400:
		return "redirected"
	case status >= 400 && status < 500:
		return "refused"
	}
	return "crashed"
}
