package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill/assert"
	"github.com/hookdrill/hookdrill/internal/testkit"
)

func runReportCLI(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &environ{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}
	err := runReport(context.Background(), args, env)
	return out.String(), errb.String(), exitCode(err)
}

// TestReportMergesShards: the shards of a run, saved as JSON, merge into
// one report with every scenario, in every format.
func TestReportMergesShards(t *testing.T) {
	srv, _ := testkit.Answering(t, 200)
	dir, outDir := t.TempDir(), t.TempDir()
	for i := range 5 {
		writeScenario(t, dir, fmt.Sprintf("s%d.yaml", i), strings.Replace(scenarioOK, "cli/ok", fmt.Sprintf("cli/s%d", i), 1))
	}
	var files []string
	for i := 1; i <= 2; i++ {
		f := filepath.Join(outDir, fmt.Sprintf("shard-%d.json", i))
		_, _, code := runRunCLI(t, map[string]string{"TARGET": srv.URL}, "--shard", fmt.Sprintf("%d/2", i), "--format", "json", "--out", f, dir)
		require.Equal(t, 0, code)
		files = append(files, f)
	}
	out, errOut, code := runReportCLI(t, "", append([]string{"--format", "json"}, files...)...)
	require.Equal(t, 0, code, errOut)
	rep, err := assert.ReadJSON(strings.NewReader(out))
	require.NoError(t, err)
	tassert.Equal(t, 5, rep.Summary.Total)
	var names []string
	for _, sc := range rep.Scenarios {
		names = append(names, sc.Name)
	}
	tassert.Equal(t, []string{"cli/s0", "cli/s1", "cli/s2", "cli/s3", "cli/s4"}, names, "back in the unsharded order")

	html, _, code := runReportCLI(t, "", append([]string{"--format", "html"}, files...)...)
	require.Equal(t, 0, code)
	tassert.Equal(t, 5, strings.Count(html, `class="mark attempt `))
	tassert.NotContains(t, html, "cli-secret-0123456789")

	text, _, code := runReportCLI(t, out, "-")
	require.Equal(t, 0, code)
	tassert.Contains(t, text, "5 scenario(s): 5 passed")

	_, errOut, code = runReportCLI(t, "", files[0])
	require.Equal(t, 0, code)
	tassert.Contains(t, errOut, "warning: shard(s) 2/2 missing", "one shard alone converts, with a warning")
	err = runReport(context.Background(), []string{files[0], files[0]}, &environ{stdin: strings.NewReader(""),
		stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}, getenv: func(string) string { return "" }})
	require.Error(t, err)
	tassert.Contains(t, err.Error(), "shard 1/2 appears twice")
	tassert.Equal(t, 2, exitCode(err))
}

func TestReportUsageAndFailures(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"kind": "nonsense"}`), 0o644))
	failing := filepath.Join(dir, "fail.json")
	require.NoError(t, os.WriteFile(failing, []byte(`{"version": 1, "tool": "hookdrill", "started": "2026-01-01T00:00:00Z",
		"duration_s": 1, "summary": {}, "scenarios": [{"name": "x", "file": "x.yaml", "platform": "prolific", "verdict": "fail",
		"seed": 1, "started": "2026-01-01T00:00:00Z", "duration_s": 1}]}`), 0o644))
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{nil, 2, "at least one JSON report"},
		{[]string{"--format", "pdf", failing}, 2, "--format must be"},
		{[]string{filepath.Join(dir, "missing.json")}, 3, "no such file"}, // an I/O problem, not usage,
		{[]string{bad}, 2, `unknown document kind "nonsense"`},
		{[]string{failing}, 1, ""},
	} {
		_, _, code := runReportCLI(t, "", tc.args...)
		tassert.Equal(t, tc.code, code, "%v", tc.args)
		if tc.msg != "" {
			err := runReport(context.Background(), tc.args, &environ{stdin: strings.NewReader(""), stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}, getenv: func(string) string { return "" }})
			require.Error(t, err)
			tassert.Contains(t, err.Error(), tc.msg)
		}
	}
}
