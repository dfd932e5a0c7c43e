package scenarios

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/hookdrill/hookdrill/platform"
)

// MaxFileBytes bounds a scenario file.
const MaxFileBytes = 4 << 20

// FieldError is one problem of a scenario file, at a position, naming the
// field.
type FieldError struct {
	File  string
	Line  int // 1-based; 0 when unknown
	Col   int // 1-based; 0 when unknown
	Field string
	Msg   string
}

func (e *FieldError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		b.WriteString(":" + strconv.Itoa(e.Line))
		if e.Col > 0 {
			b.WriteString(":" + strconv.Itoa(e.Col))
		}
	}
	b.WriteString(": ")
	if m := reStepField.FindStringSubmatch(e.Field); m != nil {
		// Reports number steps from 1 ("step 2"); the field path counts
		// from 0 (steps[1]): name both.
		if n, err := strconv.Atoi(m[1]); err == nil {
			b.WriteString("step " + strconv.Itoa(n+1) + ": ")
		}
	}
	if e.Field != "" {
		b.WriteString(e.Field + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

var reStepField = regexp.MustCompile(`^steps\[(\d+)\]`)

// LoadError holds every problem found while loading, sorted by file and
// position.
type LoadError struct {
	Errors []*FieldError
}

func (e *LoadError) Error() string {
	lines := make([]string, len(e.Errors))
	for i, fe := range e.Errors {
		lines[i] = fe.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap returns the individual errors.
func (e *LoadError) Unwrap() []error {
	out := make([]error, len(e.Errors))
	for i, fe := range e.Errors {
		out[i] = fe
	}
	return out
}

func (e *LoadError) sort() {
	sort.SliceStable(e.Errors, func(i, j int) bool {
		a, b := e.Errors[i], e.Errors[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
}

var reYAMLLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// Loader reads and validates scenario files against a set of platforms.
//
//	ld := scenarios.Loader{Platforms: all.Registry()}
//	scs, err := ld.LoadPaths("scenarios/")
//
// A scenario names its platform by name; the loader checks the name, event
// types, statuses and retry presets against that platform's profile, and
// the scenario remembers the registry, so RunConfig.Platforms may stay nil.
type Loader struct {
	// Platforms are the platforms scenarios may name. Required: with a nil
	// Platforms every load fails with an error naming this field (there is
	// no default list: package platform/all is the list, and this package
	// must not import it).
	Platforms *platform.Registry
}

// ErrNoPlatforms is returned by a Loader without Platforms.
var ErrNoPlatforms = errors.New("scenarios: Loader.Platforms is nil: set it to the platforms scenarios may name (e.g. all.Registry() from package platform/all)")

// Parse reads one scenario from data; file names it in errors. Every
// problem of the file is reported at once in a *LoadError.
func (l Loader) Parse(file string, data []byte) (*Scenario, error) {
	if l.Platforms == nil {
		return nil, ErrNoPlatforms
	}
	le := &LoadError{}
	s := parse(l.Platforms, file, data, le)
	if len(le.Errors) > 0 {
		le.sort()
		return nil, le
	}
	return s, nil
}

func parse(reg *platform.Registry, file string, data []byte, le *LoadError) *Scenario {
	fail := func(line, col int, format string, a ...any) *Scenario {
		le.Errors = append(le.Errors, &FieldError{File: file, Line: line, Col: col, Msg: fmt.Sprintf(format, a...)})
		return nil
	}
	if len(data) > MaxFileBytes {
		return fail(0, 0, "file is larger than %d bytes", MaxFileBytes)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return fail(1, 1, "empty file: want a scenario mapping starting with \"version: 1\"")
		}
		return yamlError(file, err, le)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return fail(extra.Line, extra.Column, "more than one YAML document: put one scenario per file")
	} else if !errors.Is(err, io.EOF) {
		return yamlError(file, err, le)
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	d := &decoder{file: file, pos: positions{}, fields: fieldCache{}}
	s := &Scenario{File: file, Line: root.Line, platforms: reg}
	if root.Kind != yaml.MappingNode {
		d.errorf(root, "", "want a scenario mapping (version, name, platform, steps...), got %s", kindName(root))
		le.Errors = append(le.Errors, d.errs...)
		return nil
	}
	d.decodeStruct(root, reflect.ValueOf(s).Elem(), "")
	s.pos = d.pos
	le.Errors = append(le.Errors, d.errs...)
	if d.nodes > maxNodes {
		return nil
	}
	v := &validator{reg: reg, file: file, s: s, pos: d.pos, errs: &le.Errors, fields: d.fields, tpls: d.tpls}
	v.validate(root)
	return s
}

func yamlError(file string, err error, le *LoadError) *Scenario {
	var te *yaml.TypeError
	msg := err.Error()
	if errors.As(err, &te) {
		msg = strings.Join(te.Errors, "; ")
	}
	line := 0
	if m := reYAMLLine.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = "YAML syntax: " + m[2]
	} else {
		msg = "YAML syntax: " + strings.TrimPrefix(msg, "yaml: ")
	}
	le.Errors = append(le.Errors, &FieldError{File: file, Line: line, Msg: msg})
	return nil
}

// IsScenarioFile reports whether a file name looks like a scenario
// (.yaml or .yml).
func IsScenarioFile(name string) bool {
	ext := strings.ToLower(path.Ext(name))
	return ext == ".yaml" || ext == ".yml"
}

// Load reads scenarios from fsys. Each name is a file or a directory,
// walked recursively for *.yaml and *.yml files in lexical order. Every
// problem of every file is returned at once in a *LoadError; scenario names
// must be unique across the set.
func (l Loader) Load(fsys fs.FS, names ...string) ([]*Scenario, error) {
	if l.Platforms == nil {
		return nil, ErrNoPlatforms
	}
	return load(l.Platforms, names, func(name string) ([]string, error) {
		var files []string
		err := fs.WalkDir(fsys, name, func(p string, e fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !e.IsDir() && (p == name || IsScenarioFile(p)) {
				files = append(files, p)
			}
			return nil
		})
		return files, err
	}, func(name string) ([]byte, error) { return readLimited(fsys.Open(name)) })
}

// LoadPaths reads scenarios from operating-system paths (files or
// directories), as Load does.
func (l Loader) LoadPaths(paths ...string) ([]*Scenario, error) {
	if l.Platforms == nil {
		return nil, ErrNoPlatforms
	}
	return load(l.Platforms, paths, func(name string) ([]string, error) {
		var files []string
		err := filepath.WalkDir(name, func(p string, e fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !e.IsDir() && (p == name || IsScenarioFile(p)) {
				files = append(files, p)
			}
			return nil
		})
		return files, err
	}, func(name string) ([]byte, error) {
		f, err := os.Open(name)
		return readLimited(f, err)
	})
}

func readLimited(f fs.File, err error) ([]byte, error) {
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxFileBytes+1))
	if err != nil {
		return nil, err
	}
	return b, nil
}

func load(reg *platform.Registry, names []string, walk func(string) ([]string, error), read func(string) ([]byte, error)) ([]*Scenario, error) {
	le := &LoadError{}
	var out []*Scenario
	seen := map[string]bool{}
	for _, n := range names {
		files, err := walk(n)
		if err != nil {
			le.Errors = append(le.Errors, &FieldError{File: n, Msg: "load: " + unwrapPathError(err)})
			continue
		}
		if len(files) == 0 {
			le.Errors = append(le.Errors, &FieldError{File: n, Msg: "no scenario files (*.yaml, *.yml) found"})
		}
		for _, f := range files {
			if seen[f] {
				continue
			}
			seen[f] = true
			data, err := read(f)
			if err != nil {
				le.Errors = append(le.Errors, &FieldError{File: f, Msg: "read: " + unwrapPathError(err)})
				continue
			}
			if s := parse(reg, f, data, le); s != nil {
				out = append(out, s)
			}
		}
	}
	byName := map[string]*Scenario{}
	for _, s := range out {
		if prev, dup := byName[s.Name]; dup && s.Name != "" {
			line, col := s.at("name")
			le.Errors = append(le.Errors, &FieldError{File: s.File, Line: line, Col: col, Field: "name",
				Msg: fmt.Sprintf("scenario name %q is also used by %s:%d; names must be unique", s.Name, prev.File, prev.Line)})
			continue
		}
		byName[s.Name] = s
	}
	if len(le.Errors) > 0 {
		le.sort()
		return out, le
	}
	return out, nil
}

func unwrapPathError(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// at returns the position recorded for a field path, or the nearest
// enclosing one.
func (s *Scenario) at(p string) (line, col int) {
	for {
		if ps, ok := s.pos[p]; ok {
			return ps.line, ps.col
		}
		i := strings.LastIndexAny(p, ".[")
		if i < 0 {
			if ps, ok := s.pos[""]; ok {
				return ps.line, ps.col
			}
			return s.Line, 1
		}
		p = p[:i]
	}
}

// Position returns the line and column of a field path such as
// "steps[2].expect.status" (or of its nearest recorded parent).
func (s *Scenario) Position(field string) (line, col int) { return s.at(field) }
