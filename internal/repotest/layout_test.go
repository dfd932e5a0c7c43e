package repotest

import (
	"go/parser"
	"go/scanner"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// platformWord matches a built-in platform's name in any case.
var platformWord = regexp.MustCompile(`(?i)prolific|respondent`)

// coreFiles returns the non-test Go files outside platform/ and cmd/, by
// path relative to the repository, skipping testdata and node_modules.
func coreFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			switch {
			case rel == "platform", rel == "cmd", d.Name() == "testdata", d.Name() == "node_modules",
				strings.HasPrefix(d.Name(), ".") && rel != ".":
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(rel, ".go") && !strings.HasSuffix(rel, "_test.go") {
			files = append(files, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 50 {
		t.Fatalf("found only %d core files under %s", len(files), root)
	}
	return files
}

// codeMentions returns the lines of src's code (comments skipped) that
// name a built-in platform: identifiers, strings, anything but comments.
func codeMentions(src []byte) []int {
	fset := token.NewFileSet()
	file := fset.AddFile("", fset.Base(), len(src))
	var s scanner.Scanner
	s.Init(file, src, nil, 0) // no ScanComments: comments are skipped
	var lines []int
	for {
		pos, tok, lit := s.Scan()
		if tok == token.EOF {
			return lines
		}
		if tok == token.IMPORT {
			continue
		}
		if lit != "" && platformWord.MatchString(lit) {
			if l := file.Line(pos); !slices.Contains(lines, l) {
				lines = append(lines, l)
			}
		}
	}
}

// Issue 12: the core packages name no platform in code. Everything about
// one platform lives in platform/NAME; a platform's name in a core file's
// code means that file would need an edit for a new platform.
func TestCoreNamesNoPlatform(t *testing.T) {
	for _, rel := range coreFiles(t) {
		src, err := os.ReadFile(filepath.Join(root, rel))
		if err != nil {
			t.Fatal(err)
		}
		if lines := codeMentions(src); len(lines) > 0 {
			t.Errorf("%s names a platform in code on line(s) %v: move it to platform/NAME or take it from a registry", rel, lines)
		}
	}
}

func TestCodeMentions(t *testing.T) {
	src := []byte("package x\n// Prolific in a comment\nconst a = \"prolific\"\n/* Respondent */ var respondentKey = 1\nvar b = 2\n")
	if got := codeMentions(src); !slices.Equal(got, []int{3, 4}) {
		t.Errorf("codeMentions = %v, want [3 4]", got)
	}
}

// The core packages import no platform package (and not platform/all):
// only the registry type of package platform.
func TestCoreImportsNoPlatform(t *testing.T) {
	const mod = "github.com/hookdrill/hookdrill/"
	for _, rel := range coreFiles(t) {
		if strings.HasPrefix(rel, "internal/exampleplatform/") {
			continue // a platform itself, kept under internal/ for the CLI's tests
		}
		f, err := parser.ParseFile(token.NewFileSet(), filepath.Join(root, rel), nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if strings.HasPrefix(p, mod+"platform/") || strings.HasPrefix(p, mod+"internal/exampleplatform") {
				t.Errorf("%s imports %s: a core package takes a platform's parts as values, never imports them", rel, p)
			}
		}
	}
}
