package testkit

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// recorder is a T that records failures instead of failing.
type recorder struct{ errs []string }

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatalf(format string, args ...any) { r.Errorf(format, args...) }

func TestGolden(t *testing.T) {
	// The test sets the flag itself (so go test ./internal/testkit -update
	// passes too) and leaves it as it found it.
	was := *update
	*update = false
	t.Cleanup(func() { *update = was })
	dir := t.TempDir()
	path := filepath.Join(dir, "testdata", "x.golden")

	// Missing: a failure that says how to create it.
	var r recorder
	tassert.False(t, Golden(&r, path, []byte("one")))
	require.Len(t, r.errs, 1)
	tassert.Contains(t, r.errs[0], "-update creates it")

	// -update writes (creating testdata/) and then compares equal.
	*update = true
	r = recorder{}
	tassert.True(t, Golden(&r, path, []byte("one\n")))
	*update = false
	tassert.Empty(t, r.errs)
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	tassert.Equal(t, "one\n", string(b))

	// Equal: no failure; different: one failure naming the file.
	r = recorder{}
	tassert.True(t, Golden(&r, path, []byte("one\n")))
	tassert.Empty(t, r.errs)
	tassert.False(t, Golden(&r, path, []byte("two\n")))
	require.Len(t, r.errs, 1)
	tassert.Contains(t, r.errs[0], "x.golden differs")
	b, _ = os.ReadFile(path)
	tassert.Equal(t, "one\n", string(b), "without -update the file is left alone")
}
