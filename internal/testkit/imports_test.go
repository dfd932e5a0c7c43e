package testkit_test

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// No package's non-test code imports testkit (it registers -update), and
// testkit imports no hookdrill package (any package's tests may use it).
func TestOnlyTestsImportIt(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}}:{{range .Imports}} {{.}}{{end}}", "github.com/hookdrill/hookdrill/...").CombinedOutput()
	require.NoError(t, err, "%s", out)
	const self = "github.com/hookdrill/hookdrill/internal/testkit"
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		pkg, imports, _ := strings.Cut(line, ":")
		for _, imp := range strings.Fields(imports) {
			if pkg == self {
				tassert.False(t, strings.HasPrefix(imp, "github.com/hookdrill/"), "testkit imports %s", imp)
			} else {
				tassert.NotEqual(t, self, imp, "%s imports testkit in non-test code", pkg)
			}
		}
	}
}

// updateFlag is a test file's own -update flag on the standard flag set.
var updateFlag = regexp.MustCompile(`\bflag\.(Bool|BoolVar|String|StringVar)\([^)]*"update"`)

// No test outside testkit defines its own -update flag: golden files are
// rewritten by one flag (testkit.Golden, or testkit.Updating for a file
// Golden does not fit), and a second definition in a test binary that
// imports testkit panics.
func TestOneUpdateFlag(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	require.NoError(t, err)
	self, err := filepath.Abs(".")
	require.NoError(t, err)
	n := 0
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p == self || (p != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "node_modules")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, "_test.go") {
			return nil
		}
		n++
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if loc := updateFlag.FindIndex(src); loc != nil {
			rel, _ := filepath.Rel(root, p)
			line := 1 + strings.Count(string(src[:loc[0]]), "\n")
			t.Errorf("%s:%d defines its own -update flag; use testkit.Golden (or testkit.Updating) instead", rel, line)
		}
		return nil
	})
	require.NoError(t, err)
	require.Positive(t, n, "no test files found under %s", root)
}
