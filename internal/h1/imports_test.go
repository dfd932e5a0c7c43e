package h1_test

import (
	"os/exec"
	"strings"
	"testing"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// h1 imports only the standard library (sender imports it, never the
// other way round).
func TestImportsOnlyTheStandardLibrary(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", "{{range .Imports}}{{.}}\n{{end}}", "github.com/hookdrill/hookdrill/internal/h1").CombinedOutput()
	require.NoError(t, err, "%s", out)
	for _, imp := range strings.Fields(string(out)) {
		tassert.NotContains(t, strings.SplitN(imp, "/", 2)[0], ".", "h1 imports %s", imp)
	}
}
