package repotest

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// root is the repository's top directory; binDir holds the hookdrill
// binary built by TestMain (and is on PATH).
var root, binDir string

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	wd, err := os.Getwd()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	root = filepath.Clean(filepath.Join(wd, "..", ".."))
	dir, err := os.MkdirTemp("", "hookdrill-repotest-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	binDir = filepath.Join(dir, "bin")
	build := exec.Command("go", "build", "-o", filepath.Join(binDir, "hookdrill"), "./cmd/hookdrill")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build hookdrill: %v\n%s", err, out)
		return 1
	}
	if err := os.Setenv("PATH", binDir+string(os.PathListSeparator)+os.Getenv("PATH")); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return m.Run()
}

func hookdrillBin() string { return filepath.Join(binDir, "hookdrill") }

// needTool skips the test when a tool is missing, except in CI (CI=true),
// where a missing tool is a failure: .ci/run installs it.
func needTool(t *testing.T, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is missing: .ci/run must install it", name)
		}
		t.Skipf("%s is not installed (CI installs it; apt-get install %s)", name, name)
	}
}

var reListening = regexp.MustCompile(`on (http://127\.0\.0\.1:[0-9]+)`)

// startDaemon starts `hookdrill ARGS...` (receiver or serve, with an
// --addr on a free loopback port), waits for its banner and returns its
// base URL. The process is stopped when the test ends.
func startDaemon(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, hookdrillBin(), args...)
	cmd.WaitDelay = 5 * time.Second
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		_ = cmd.Wait()
	})
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		sent := false
		for sc.Scan() {
			if m := reListening.FindStringSubmatch(sc.Text()); m != nil && !sent {
				found <- m[1]
				sent = true
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case u := <-found:
		return u
	case <-time.After(30 * time.Second):
		t.Fatalf("hookdrill %s: no banner within 30s", strings.Join(args, " "))
		return ""
	}
}

// startReceiver runs `hookdrill receiver` for platform with secret (and
// bugs) on a free loopback port and returns its base URL.
func startReceiver(t *testing.T, platform, secret string, bugs ...string) string {
	t.Helper()
	args := []string{"receiver", "--platform", platform, "--secret", secret, "--addr", "127.0.0.1:0"}
	if len(bugs) > 0 {
		args = append(args, "--bug", strings.Join(bugs, ","))
	}
	return startDaemon(t, args...)
}
