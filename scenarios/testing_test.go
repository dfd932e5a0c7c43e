package scenarios

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/hookdrill/hookdrill/assert"
	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The go test adapter is checked from the outside: the parent tests run
// this test binary again with -test.run, the way a user runs
// `go test -run 'TestX/NAME'`, and read what the child ran and printed.
// The child tests do nothing unless HOOKDRILL_RUNT_CHILD is set.

const runTChildEnv = "HOOKDRILL_RUNT_CHILD"

// childScenarios: "filter/fast" passes, "filter/slow" waits 3 s in real
// time, "filter/fails" expects a 4xx and gets a 2xx (its step is on line 7).
var childScenarios = fstest.MapFS{
	"adapter/fast.yaml": {Data: []byte("version: 1\nname: filter/fast\nplatform: prolific\nsteps:\n  - send: study.progress.change\n    expect: {status: 2xx}\n")},
	"adapter/slow.yaml": {Data: []byte("version: 1\nname: filter/slow\nplatform: prolific\nsteps:\n  - wait: 3s\n  - send: study.progress.change\n")},
	"adapter/fails.yaml": {Data: []byte("version: 1\nname: filter/fails\nplatform: prolific\ndescription: x\n" +
		"steps:\n  - advance: 1m\n  - id: wrong\n    send: study.progress.change\n    expect: {status: 4xx}\n")},
}

// childLog appends the name of every scenario that started (from
// OnScenario, which runs once a scenario ended, and a step probe) to the
// file named by HOOKDRILL_RUNT_LOG.
func childConfig(t *testing.T, parallel int) RunConfig {
	_, srv := newMiniReceiver(t, "prolific")
	cfg := testConfig(srv)
	cfg.Parallel = parallel
	cfg.Platforms = testPlatforms
	var mu sync.Mutex
	cfg.OnScenario = func(r assert.ScenarioResult) {
		mu.Lock()
		defer mu.Unlock()
		f, err := os.OpenFile(os.Getenv("HOOKDRILL_RUNT_LOG"), os.O_APPEND|os.O_WRONLY|os.O_CREATE, 0o600)
		if err != nil {
			t.Error(err)
			return
		}
		defer f.Close()
		var steps []string
		for _, st := range r.Steps {
			steps = append(steps, st.Kind)
		}
		_, _ = f.WriteString(r.Name + " " + strings.Join(steps, ",") + "\n")
	}
	return cfg
}

func TestRunTChild(t *testing.T) {
	if os.Getenv(runTChildEnv) == "" {
		t.Skip("child of TestRunTFilter/TestRunTFailureLocation")
	}
	RunFS(t, childConfig(t, 1), childScenarios, "adapter")
}

func TestRunTParallelChild(t *testing.T) {
	if os.Getenv(runTChildEnv) == "" {
		t.Skip("child of TestRunTParallel")
	}
	RunFS(t, childConfig(t, 2), childScenarios, "adapter/fast.yaml", "adapter/slow.yaml")
}

// runChild runs this test binary with -test.run pattern and returns its
// output, the scenarios that ran (name and step kinds) and whether it
// passed.
func runChild(t *testing.T, pattern string) (out string, ran []string, ok bool) {
	t.Helper()
	if testing.Short() {
		t.Skip("runs a child test process")
	}
	log := filepath.Join(t.TempDir(), "ran.log")
	cmd := exec.Command(os.Args[0], "-test.run", pattern, "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), runTChildEnv+"=1", "HOOKDRILL_RUNT_LOG="+log)
	b, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatalf("run child: %v", err)
	}
	data, rerr := os.ReadFile(log)
	if rerr != nil && !os.IsNotExist(rerr) {
		t.Fatal(rerr)
	}
	for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if l != "" {
			ran = append(ran, l)
		}
	}
	return string(b), ran, err == nil
}

// TestRunTFilter: `go test -run 'TestX/NAME'` runs only that scenario; a
// filtered-out scenario whose first step waits 3 s never starts (the
// runner never called back for it), so it costs nothing. The old adapter
// ran every scenario before creating the subtests.
func TestRunTFilter(t *testing.T) {
	out, ran, ok := runChild(t, "^TestRunTChild$/^filter$/^fast$")
	require.True(t, ok, out)
	tassert.Equal(t, []string{"filter/fast send"}, ran, "only the selected scenario ran")
	tassert.Contains(t, out, "--- PASS: TestRunTChild/filter/fast/")
	tassert.Regexp(t, `--- PASS: TestRunTChild/filter/fast \(\d`, out)
	tassert.NotContains(t, out, "filter/slow")
	tassert.NotContains(t, out, "filter/fails")

	// The selected scenario with the wait: its subtest shows the real
	// duration (a generous bound; the point is that it is not 0.00s).
	out, ran, ok = runChild(t, "^TestRunTChild$/^filter$/^slow$")
	require.True(t, ok, out)
	tassert.Equal(t, []string{"filter/slow wait,send"}, ran)
	m := regexp.MustCompile(`--- PASS: TestRunTChild/filter/slow \((\d+)\.\d+s\)`).FindStringSubmatch(out)
	require.NotNil(t, m, out)
	secs, err := strconv.Atoi(m[1])
	require.NoError(t, err)
	tassert.GreaterOrEqual(t, secs, 3, "the subtest's duration includes the 3 s wait")
}

// TestRunTFailureLocation: a failure names the scenario file and the
// step's line, not this adapter's source.
func TestRunTFailureLocation(t *testing.T) {
	out, ran, ok := runChild(t, "^TestRunTChild$/^filter$/^fails$")
	require.False(t, ok, out)
	tassert.Equal(t, []string{"filter/fails advance,send"}, ran)
	tassert.Contains(t, out, "--- FAIL: TestRunTChild/filter/fails/02_wrong")
	tassert.Regexp(t, `(?m)^\s+adapter/fails\.yaml:7: send study\.progress\.change.*: expect status: want 4xx, got 2\d\d$`, out)
	// The rerun is go test's own (the file is a path inside an fs.FS).
	tassert.Contains(t, out, "rerun: go test -run '^TestRunTChild$/^filter$/^fails$' .")
	tassert.NotContains(t, out, "testing.go:", "no location inside the adapter")
}

func TestGoTestRerun(t *testing.T) {
	tassert.Equal(t, "go test -run '^TestX$/^prolific$/^dup\\.a$' .", GoTestRerun("TestX/prolific/dup.a"))
}

// TestRunTParallel: with Parallel > 1 the scenario subtests are parallel
// subtests (paused, then continued by go test) and both run.
func TestRunTParallel(t *testing.T) {
	out, ran, ok := runChild(t, "^TestRunTParallelChild$")
	require.True(t, ok, out)
	tassert.ElementsMatch(t, []string{"filter/fast send", "filter/slow wait,send"}, ran)
	for _, name := range []string{"filter/fast", "filter/slow"} {
		tassert.Contains(t, out, "=== PAUSE TestRunTParallelChild/"+name+"\n")
		tassert.Contains(t, out, "=== CONT  TestRunTParallelChild/"+name+"\n")
	}
}
