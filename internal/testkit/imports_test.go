package testkit_test

import (
	"os/exec"
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
