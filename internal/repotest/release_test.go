package repotest

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// goreleaserModule is the GoReleaser the snapshot test runs when no
// goreleaser is on PATH (the newest release that builds with Go 1.26).
const goreleaserModule = "github.com/goreleaser/goreleaser/v2@v2.16.0"

// TestGoReleaserSnapshot runs `goreleaser release --snapshot --clean` with
// .goreleaser.yaml (into a temp dist directory) and checks the archives:
// Linux, macOS and Windows for amd64 and arm64, each with the binary,
// LICENSE, README and CHANGELOG, and a checksums file that matches them.
// It cross-compiles six binaries (and, without goreleaser on PATH, builds
// GoReleaser itself from the Go module proxy), so it runs only with
// HOOKDRILL_TEST_RELEASE=1: `make release-snapshot-test`.
func TestGoReleaserSnapshot(t *testing.T) {
	if os.Getenv("HOOKDRILL_TEST_RELEASE") != "1" {
		t.Skip("set HOOKDRILL_TEST_RELEASE=1 (make release-snapshot-test): cross-compiles six binaries")
	}
	needTool(t, "git")
	cfg, err := os.ReadFile(filepath.Join(root, ".goreleaser.yaml"))
	require.NoError(t, err)
	tmp := t.TempDir()
	dist := filepath.Join(tmp, "dist")
	cfgPath := filepath.Join(tmp, "goreleaser.yaml")
	require.NoError(t, os.WriteFile(cfgPath, append(cfg, []byte("\ndist: "+dist+"\n")...), 0o644))

	var cmd *exec.Cmd
	args := []string{"release", "--snapshot", "--clean", "--config", cfgPath}
	if p, err := exec.LookPath("goreleaser"); err == nil {
		cmd = exec.Command(p, args...)
	} else {
		cmd = exec.Command("go", append([]string{"run", goreleaserModule}, args...)...)
	}
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)

	sums := map[string]string{}
	f, err := os.Open(filepath.Join(dist, "checksums.txt"))
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		sum, name, ok := strings.Cut(sc.Text(), "  ")
		require.True(t, ok, "checksum line %q", sc.Text())
		sums[name] = sum
	}
	var names []string
	for name := range sums {
		names = append(names, name)
	}
	sort.Strings(names)
	require.Len(t, names, 6, "%v", names)
	for _, osArch := range []string{"darwin_amd64", "darwin_arm64", "linux_amd64", "linux_arm64", "windows_amd64", "windows_arm64"} {
		ext := ".tar.gz"
		if strings.HasPrefix(osArch, "windows") {
			ext = ".zip"
		}
		var name string
		for _, n := range names {
			if strings.HasPrefix(n, "hookdrill_") && strings.HasSuffix(n, "_"+osArch+ext) {
				name = n
			}
		}
		require.NotEmpty(t, name, "an archive for %s in %v", osArch, names)
		a, err := os.Open(filepath.Join(dist, name))
		require.NoError(t, err)
		h := sha256.New()
		_, err = io.Copy(h, a)
		a.Close()
		require.NoError(t, err)
		tassert.Equal(t, sums[name], hex.EncodeToString(h.Sum(nil)), "%s checksum", name)
		list := archiveList(t, filepath.Join(dist, name))
		bin := "hookdrill"
		if ext == ".zip" {
			bin += ".exe"
		}
		tassert.ElementsMatch(t, []string{bin, "LICENSE", "README.md", "CHANGELOG.md"}, list, name)
	}
}

// archiveList lists the files of a .tar.gz or .zip archive.
func archiveList(t *testing.T, path string) []string {
	t.Helper()
	var names []string
	if strings.HasSuffix(path, ".zip") {
		z, err := zip.OpenReader(path)
		require.NoError(t, err)
		defer z.Close()
		for _, f := range z.File {
			names = append(names, f.Name)
		}
		return names
	}
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	gz, err := gzip.NewReader(f)
	require.NoError(t, err)
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return names
		}
		require.NoError(t, err)
		names = append(names, h.Name)
	}
}
