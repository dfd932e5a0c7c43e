package repotest

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A README shell example is runnable when the line before its ```sh fence
// is `<!-- runnable -->` (or `<!-- runnable exit=N -->` for an example
// that shows a failure). TestREADMERunnable runs each one with bash, as
// written, from the repository's top directory, with these substitutions
// only, so that examples can share the machine with other tests:
//
//   - every 127.0.0.1:PORT becomes a free loopback port (the same port
//     for the same number within one example), and a `hookdrill receiver`
//     or `hookdrill serve` started with `&` and no --addr gets its default
//     address (8080, 8787) mapped the same way; $HOOKDRILL_SERVER names
//     the mapped 8787;
//   - bin/hookdrill is a fresh copy of the binary built by TestMain, in a
//     temp directory (so `go build -o bin/hookdrill` writes there, not
//     into the repository);
//   - after each background daemon, the script waits until it answers;
//     background jobs are stopped when the example ends.
//
// $PROLIFIC_SECRET and $RESPONDENT_SECRET are set (an example's reader
// has their receiver's secrets in them).

type shellExample struct {
	line int // of the opening fence
	code string
	exit int
}

var reRunnable = regexp.MustCompile(`^<!-- runnable(?: exit=(\d+))? -->$`)

func runnableExamples(t *testing.T) []shellExample {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, "README.md"))
	require.NoError(t, err)
	var out []shellExample
	lines := strings.Split(string(b), "\n")
	for i := 0; i < len(lines); i++ {
		m := reRunnable.FindStringSubmatch(lines[i])
		if m == nil {
			require.NotContains(t, lines[i], "runnable -->", "README.md:%d: malformed marker", i+1)
			continue
		}
		require.Less(t, i+1, len(lines))
		require.Equal(t, "```sh", lines[i+1], "README.md:%d: a runnable marker goes right before a ```sh fence", i+1)
		ex := shellExample{line: i + 2}
		if m[1] != "" {
			ex.exit, _ = strconv.Atoi(m[1])
		}
		var code []string
		for i += 2; i < len(lines) && lines[i] != "```"; i++ {
			code = append(code, lines[i])
		}
		ex.code = strings.Join(code, "\n") + "\n"
		out = append(out, ex)
	}
	return out
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	return port
}

var (
	reLoopback = regexp.MustCompile(`127\.0\.0\.1:(\d+)`)
	reDaemon   = regexp.MustCompile(`^(.*\bhookdrill (receiver|serve)\b[^&#]*?)\s*&(\s*#.*)?$`)
)

// prepare applies the substitutions described above and returns the
// script and the mapped address of the mock server (for
// $HOOKDRILL_SERVER).
func prepare(t *testing.T, code, bin string) (script, server string) {
	t.Helper()
	ports := map[string]string{}
	mapped := func(p string) string {
		if ports[p] == "" {
			ports[p] = freePort(t)
		}
		return ports[p]
	}
	var b strings.Builder
	b.WriteString(`set -euo pipefail
trap 'kill $(jobs -p) 2>/dev/null || true' EXIT
hd_wait() {
  for _ in $(seq 1 300); do curl -s -o /dev/null --max-time 1 "$1" && return 0; sleep 0.1; done
  echo "README example: nothing answers at $1" >&2; return 1
}
`)
	for _, l := range strings.Split(code, "\n") {
		l = strings.ReplaceAll(l, "bin/hookdrill", bin)
		l = reLoopback.ReplaceAllStringFunc(l, func(s string) string { return "127.0.0.1:" + mapped(s[len("127.0.0.1:"):]) })
		m := reDaemon.FindStringSubmatch(l)
		if m == nil {
			b.WriteString(l + "\n")
			continue
		}
		cmd := m[1]
		if !strings.Contains(cmd, "--addr") {
			def := map[string]string{"receiver": "8080", "serve": "8787"}[m[2]]
			cmd += " --addr 127.0.0.1:" + mapped(def)
		}
		addr := regexp.MustCompile(`--addr (127\.0\.0\.1:\d+)`).FindStringSubmatch(cmd)
		require.NotNil(t, addr, "daemon line %q", l)
		fmt.Fprintf(&b, "%s &%s\nhd_wait http://%s/\n", cmd, m[3], addr[1])
	}
	return b.String(), "http://127.0.0.1:" + mapped("8787")
}

// TestREADMERunnable runs every runnable README example (see above).
func TestREADMERunnable(t *testing.T) {
	needTool(t, "bash")
	needTool(t, "curl")
	examples := runnableExamples(t)
	require.GreaterOrEqual(t, len(examples), 5, "the README's runnable examples are marked")
	built, err := os.ReadFile(hookdrillBin())
	require.NoError(t, err)
	for _, ex := range examples {
		t.Run(fmt.Sprintf("README.md:%d", ex.line), func(t *testing.T) {
			bin := filepath.Join(t.TempDir(), "hookdrill")
			require.NoError(t, os.WriteFile(bin, built, 0o755))
			script, server := prepare(t, ex.code, bin)
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, "bash", "-c", script)
			cmd.Dir = root
			cmd.WaitDelay = 10 * time.Second
			ownGroup(cmd)
			env := []string{"PROLIFIC_SECRET=readme-prolific-secret-0123", "RESPONDENT_SECRET=readme-respondent-key-4567",
				"HOOKDRILL_SERVER=" + server}
			for _, e := range os.Environ() {
				if !strings.HasPrefix(e, "HOOKDRILL_") {
					env = append(env, e)
				}
			}
			cmd.Env = env
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			err := cmd.Run()
			code := 0
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode()
			} else {
				require.NoError(t, err)
			}
			require.Equal(t, ex.exit, code, "README.md:%d exits %d, want %d\nscript:\n%s\noutput:\n%s", ex.line, code, ex.exit, script, out.String())
			t.Logf("output:\n%s", out.String())
		})
	}
}

var (
	reMDLink   = regexp.MustCompile(`\]\(([^)#\s]+)(#[^)]*)?\)`)
	reCodeSpan = regexp.MustCompile("`([^`\\s]+)`")
	reRepoPath = regexp.MustCompile(`^(\.?[A-Za-z0-9_-]+/)*[A-Za-z0-9_.-]+\.(md|ya?ml|json|sh|http|golden)$|^\.ci/|^scripts/|^schema/|^scenarios/testdata/|^platform/[a-z]+/conformance/`)
)

// TestREADMEFilesExist: every file the README links to or names in a
// code span (outside code blocks) is in the repository, except the user
// files its examples invent (listed here).
func TestREADMEFilesExist(t *testing.T) {
	userFiles := map[string]bool{"app.db": true, "scenario.yaml": true, "bad.yaml": true, "checksums.txt": true}
	b, err := os.ReadFile(filepath.Join(root, "README.md"))
	require.NoError(t, err)
	sc := bufio.NewScanner(bytes.NewReader(b))
	inFence, n := false, 0
	seen := map[string]bool{}
	for sc.Scan() {
		n++
		l := sc.Text()
		if strings.HasPrefix(l, "```") {
			inFence = !inFence
			continue
		}
		if inFence {
			continue
		}
		var refs []string
		for _, m := range reMDLink.FindAllStringSubmatch(l, -1) {
			if !strings.Contains(m[1], "://") && !strings.HasPrefix(m[1], "mailto:") {
				refs = append(refs, m[1])
			}
		}
		for _, m := range reCodeSpan.FindAllStringSubmatch(l, -1) {
			p := strings.TrimSuffix(m[1], ",")
			if strings.ContainsAny(p, "{}$*…:=<>|") || userFiles[p] || !reRepoPath.MatchString(p) {
				continue
			}
			refs = append(refs, p)
		}
		for _, ref := range refs {
			seen[ref] = true
			_, err := os.Stat(filepath.Join(root, filepath.FromSlash(ref)))
			tassert.NoError(t, err, "README.md:%d refers to %s, which is not in the repository", n, ref)
		}
	}
	for _, want := range []string{"LICENSE", "CONTRIBUTING.md", "CHANGELOG.md", "Dockerfile", "action.yml", ".goreleaser.yaml"} {
		tassert.True(t, seen[want], "the README links to %s", want)
	}
}
