package main

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill/internal/testkit"
)

// The --help of the root and of every command is pinned in
// testdata/help/: flag names, defaults and help texts change only on
// purpose (go test ./cmd/hookdrill -run TestHelpGolden -update rewrites
// them; review the diff).
func TestHelpGolden(t *testing.T) {
	for _, name := range append([]string{""}, commandNames()...) {
		args := []string{"--help"}
		file := "hookdrill.txt"
		if name != "" {
			args = []string{name, "--help"}
			file = name + ".txt"
		}
		out, errOut, code := runCLI(t, nil, args...)
		require.Equal(t, exitOK, code, errOut)
		testkit.Golden(t, filepath.Join("testdata", "help", file), []byte(out))
	}
}
