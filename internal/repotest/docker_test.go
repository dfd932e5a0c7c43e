package repotest

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// dockerStage is one FROM ... stage of a Dockerfile.
type dockerStage struct {
	from, name string
	instrs     [][2]string // instruction (upper case), arguments
}

// parseDockerfile reads the stages of a Dockerfile (comments dropped,
// backslash continuations joined).
func parseDockerfile(t *testing.T, path string) []dockerStage {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var stages []dockerStage
	var cur strings.Builder
	flush := func() {
		line := strings.TrimSpace(cur.String())
		cur.Reset()
		if line == "" {
			return
		}
		instr, args, _ := strings.Cut(line, " ")
		instr, args = strings.ToUpper(instr), strings.TrimSpace(args)
		if instr == "FROM" {
			f := strings.Fields(args)
			st := dockerStage{from: f[0]}
			if len(f) == 3 && strings.EqualFold(f[1], "AS") {
				st.name = f[2]
			}
			stages = append(stages, st)
			return
		}
		require.NotEmpty(t, stages, "%s before FROM", instr)
		stages[len(stages)-1].instrs = append(stages[len(stages)-1].instrs, [2]string{instr, args})
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		l := sc.Text()
		if strings.HasPrefix(strings.TrimSpace(l), "#") {
			continue
		}
		if s, ok := strings.CutSuffix(l, "\\"); ok {
			cur.WriteString(s + " ")
			continue
		}
		cur.WriteString(l)
		flush()
	}
	flush()
	return stages
}

func (s dockerStage) all(instr string) []string {
	var out []string
	for _, in := range s.instrs {
		if in[0] == instr {
			out = append(out, in[1])
		}
	}
	return out
}

var reGoDirective = regexp.MustCompile(`(?m)^go (\d+\.\d+)`)

// TestDockerfile: the image is multi-stage, its final stage is a static
// distroless image that runs as a non-root user with hookdrill as the
// entrypoint, and the build stage's RUN lines, run here exactly as
// written (only /out moved to a temp dir), build a static binary that
// carries the version. There is no Docker engine here, so this is what
// can be checked of `docker build`.
func TestDockerfile(t *testing.T) {
	needTool(t, "sh")
	needTool(t, "file")
	stages := parseDockerfile(t, filepath.Join(root, "Dockerfile"))
	require.Len(t, stages, 2, "a build stage and a runtime stage")
	build, final := stages[0], stages[1]

	gomod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	require.NoError(t, err)
	goVer := reGoDirective.FindSubmatch(gomod)
	require.NotNil(t, goVer)
	tassert.Equal(t, "golang:"+string(goVer[1]), build.from, "the build image has go.mod's Go version")
	require.Equal(t, "build", build.name)

	tassert.True(t, strings.HasPrefix(final.from, "gcr.io/distroless/static"), "a static distroless base (CA certificates, no shell): %s", final.from)
	users := final.all("USER")
	require.Len(t, users, 1)
	tassert.NotRegexp(t, `^(root|0)(:|$)`, users[0], "runs as a non-root user")
	tassert.Equal(t, []string{`["/usr/local/bin/hookdrill"]`}, final.all("ENTRYPOINT"))
	tassert.Equal(t, []string{"--from=build /out/hookdrill /usr/local/bin/hookdrill"}, final.all("COPY"))
	tassert.Empty(t, final.all("RUN"), "the runtime stage has no shell to run anything")

	// The build stage: WORKDIR /src is the repository; the ARG default is
	// the version; every RUN line runs as written.
	tassert.Equal(t, []string{"/src"}, build.all("WORKDIR"))
	args := build.all("ARG")
	require.Equal(t, []string{"VERSION=dev"}, args)
	runs := build.all("RUN")
	require.Equal(t, []string{"go mod download",
		`CGO_ENABLED=0 go build -trimpath -ldflags="-s -w -X main.version=${VERSION}" -o /out/hookdrill ./cmd/hookdrill`}, runs,
		"the build lines this test runs; change both together")
	out := t.TempDir()
	for _, line := range runs {
		line = strings.ReplaceAll(line, "/out/", out+"/")
		cmd := exec.Command("sh", "-c", line)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "VERSION=v9.9.9-test")
		b, err := cmd.CombinedOutput()
		require.NoError(t, err, "RUN %s\n%s", line, b)
	}
	bin := filepath.Join(out, "hookdrill")
	b, err := exec.Command("file", bin).CombinedOutput()
	require.NoError(t, err, "%s", b)
	tassert.Regexp(t, `statically linked|static-pie linked`, string(b))
	b, err = exec.Command("go", "version", "-m", bin).CombinedOutput()
	require.NoError(t, err, "%s", b)
	for _, want := range []string{"build\tCGO_ENABLED=0", "build\t-trimpath=true"} {
		tassert.Contains(t, string(b), want)
	}
	b, err = exec.Command(bin, "version").CombinedOutput()
	require.NoError(t, err, "%s", b)
	tassert.Equal(t, "hookdrill v9.9.9-test\n", string(b))
}

// TestDockerignore: the build context leaves out history and build
// output but keeps every file the build needs.
func TestDockerignore(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(root, ".dockerignore"))
	require.NoError(t, err)
	var patterns []string
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			patterns = append(patterns, l)
		}
	}
	ignored := func(path string) bool {
		for _, p := range patterns {
			p = strings.TrimPrefix(p, "**/")
			for dir := path; dir != "."; dir = filepath.Dir(dir) {
				for _, cand := range []string{dir, filepath.Base(dir)} {
					if ok, _ := filepath.Match(p, cand); ok {
						return true
					}
				}
			}
		}
		return false
	}
	for _, p := range []string{".git", "bin/hookdrill", "dist/x.tar.gz", "scenarios/scenarios.test"} {
		tassert.True(t, ignored(p), "%s is left out of the context", p)
	}
	files, err := exec.Command("git", "-C", root, "ls-files").Output()
	require.NoError(t, err)
	for _, f := range strings.Fields(string(files)) {
		needed := f == "go.mod" || f == "go.sum" || strings.Contains(f, "/conformance/checks/") || strings.HasPrefix(f, "schema/") ||
			(strings.HasSuffix(f, ".go") && !strings.HasSuffix(f, "_test.go"))
		if needed {
			tassert.False(t, ignored(f), "%s is needed by the build", f)
		}
	}
}
