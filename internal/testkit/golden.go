package testkit

import (
	"flag"
	"os"
	"path/filepath"

	tassert "github.com/stretchr/testify/assert"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/ with what the tests produce")

// Updating reports whether the test binary runs with -update.
func Updating() bool { return *update }

// T is the part of testing.TB that Golden uses.
type T interface {
	Helper()
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
}

// Golden compares got with the golden file at path (relative to the test's
// package directory, e.g. testdata/x.golden) and fails t when they differ
// or the file is missing. With -update it first writes got to path,
// creating its directory. It reports whether they were equal.
func Golden(t T, path string, got []byte) bool {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatalf("golden: %v", err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatalf("golden: %v", err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Errorf("golden: %v (go test -update creates it)", err)
		return false
	}
	return tassert.Equal(t, string(want), string(got), "golden file %s differs (go test -update rewrites it)", path)
}
