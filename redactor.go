package hookdrill

import (
	"encoding/json"
	"io"
	"net/url"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"sync"
)

// Redactor is the one redaction pass every output of a run goes through:
// reports (text, JSON, JUnit), journals, logs and error messages. It knows
// every secret the run holds (signing secrets, rotated-away secrets, hook
// and API tokens, environment values used as credentials, URL user info
// and query values) and replaces each occurrence, also JSON- and
// URL-escaped, by its Redact form. Independently of what it was told, it
// removes the user info of every URL in the text (scheme://USER:PASS@)
// and the query values of Location-like headers.
//
// A nil *Redactor still removes URL user info. It is safe for concurrent
// use.
type Redactor struct {
	mu      sync.RWMutex
	secrets map[string]bool
	rep     *strings.Replacer // built from secrets on first use after a change
}

// NewRedactor returns a Redactor that knows secrets.
func NewRedactor(secrets ...string) *Redactor {
	r := &Redactor{secrets: map[string]bool{}}
	r.Add(secrets...)
	return r
}

// Add registers secrets. Values shorter than MinRedactLen are ignored:
// they cannot be told apart from ordinary text.
func (r *Redactor) Add(secrets ...string) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range secrets {
		if len(s) < MinRedactLen {
			continue
		}
		for _, form := range encodedForms(s) {
			if len(form) >= MinRedactLen && !r.secrets[form] {
				r.secrets[form] = true
				r.rep = nil
			}
		}
	}
}

// encodedForms are the ways a secret appears in output: as is, inside a
// JSON string, URL-escaped.
func encodedForms(s string) []string {
	out := []string{s}
	if b, err := json.Marshal(s); err == nil {
		if j := string(b[1 : len(b)-1]); j != s {
			out = append(out, j)
		}
	}
	for _, e := range []string{url.QueryEscape(s), url.PathEscape(s)} {
		if e != s {
			out = append(out, e)
		}
	}
	return out
}

// minURLSecret is the shortest query value (or password-less user name)
// AddURL registers: shorter ones (format=json, page=2) are ordinary words,
// and the URLs themselves are always printed through RedactURL.
const minURLSecret = 8

// AddURL registers the secrets a URL carries: its password (or its user
// name when it has no password, as in https://TOKEN@host) and its query
// values of 8 characters or more. It accepts URLs that do not parse and
// probe templates such as "http://h/s?token=T#/processed/{event_id}".
func (r *Redactor) AddURL(raw string) {
	if r == nil || raw == "" {
		return
	}
	for _, x := range reUserinfo.FindAllStringSubmatch(raw, -1) {
		user, pass, hasPass := strings.Cut(x[2], ":")
		if !hasPass {
			pass = ""
			if len(user) >= minURLSecret {
				pass = user
			}
		}
		r.Add(pass)
		if p, err := url.PathUnescape(pass); err == nil {
			r.Add(p)
		}
	}
	if _, q, ok := strings.Cut(raw, "?"); ok {
		q, _, _ = strings.Cut(q, "#")
		for _, kv := range strings.FieldsFunc(q, func(c rune) bool { return c == '&' || c == ';' }) {
			_, v, _ := strings.Cut(kv, "=")
			if d, err := url.QueryUnescape(v); err == nil && len(d) >= minURLSecret {
				r.Add(d, v)
			} else if len(v) >= minURLSecret {
				r.Add(v)
			}
		}
	}
}

// Secrets returns how many secret forms the redactor knows (for tests).
func (r *Redactor) Secrets() int {
	if r == nil {
		return 0
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	return len(r.secrets)
}

func (r *Redactor) replacer() *strings.Replacer {
	r.mu.RLock()
	rep := r.rep
	r.mu.RUnlock()
	if rep != nil {
		return rep
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.rep == nil {
		keys := make([]string, 0, len(r.secrets))
		for k := range r.secrets {
			keys = append(keys, k)
		}
		// Longest first, so that a secret containing another is replaced whole.
		sort.Slice(keys, func(i, j int) bool {
			if len(keys[i]) != len(keys[j]) {
				return len(keys[i]) > len(keys[j])
			}
			return keys[i] < keys[j]
		})
		pairs := make([]string, 0, 2*len(keys))
		for _, k := range keys {
			pairs = append(pairs, k, Redact(k))
		}
		r.rep = strings.NewReplacer(pairs...)
	}
	return r.rep
}

// reUserinfo finds the user info of URLs inside any text.
var reUserinfo = regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.-]*://)([^/?#\s"'<>]*)@`)

func redactUserinfo(s string) string {
	if !strings.Contains(s, "@") {
		return s
	}
	return reUserinfo.ReplaceAllString(s, "${1}redacted@")
}

// String returns s with every known secret and every URL's user info
// replaced.
func (r *Redactor) String(s string) string {
	if s == "" {
		return s
	}
	if r != nil && r.Secrets() > 0 {
		s = r.replacer().Replace(s)
	}
	return redactUserinfo(s)
}

// Error returns err with a redacted message; errors.Is and errors.As still
// see the original chain. Nil stays nil.
func (r *Redactor) Error(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if red := r.String(msg); red != msg {
		return &redactedError{msg: red, err: err}
	}
	return err
}

type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// Writer returns a writer that redacts what it passes on to w. Each Write
// is redacted on its own, so write whole lines or messages (as loggers and
// fmt.Fprintln do).
func (r *Redactor) Writer(w io.Writer) io.Writer { return &redactWriter{r: r, w: w} }

type redactWriter struct {
	r *Redactor
	w io.Writer
}

func (rw *redactWriter) Write(p []byte) (int, error) {
	if _, err := io.WriteString(rw.w, rw.r.String(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Snapshot returns a redacted copy of s (s itself is not changed).
func (r *Redactor) Snapshot(s Snapshot) Snapshot { return Redacted(r, s) }

// Journal returns a new journal holding redacted copies of j's entries
// (with their sequence numbers).
func (r *Redactor) Journal(j *Journal) *Journal {
	snap := r.Snapshot(j.Snapshot())
	out := NewJournal()
	for _, e := range snap {
		out.mu.Lock()
		if len(out.chunks) == 0 || len(out.chunks[len(out.chunks)-1]) == chunkSize {
			out.chunks = append(out.chunks, make([]Entry, 0, chunkSize))
		}
		last := len(out.chunks) - 1
		out.chunks[last] = append(out.chunks[last], e)
		out.n++
		out.seq = e.Seq
		out.mu.Unlock()
	}
	return out
}

// Redacted returns a deep copy of v in which every string (struct fields,
// map keys and values, slices, pointers, interfaces) went through
// r.String, and the values of Location-like headers (Location,
// Content-Location, Referer) also lost their query values. Unexported
// fields are copied as they are. v itself is never changed, so values that
// share maps (the journal's header maps) stay intact.
func Redacted[T any](r *Redactor, v T) T {
	rv := reflect.ValueOf(&v).Elem()
	out := reflect.New(rv.Type()).Elem()
	redactValue(r, out, rv, "")
	return out.Interface().(T)
}

var urlHeaders = map[string]bool{"location": true, "content-location": true, "referer": true}

// redactValue sets dst (settable, same type as src) to a redacted copy of
// src. key is the map key src is stored under, for header values.
func redactValue(r *Redactor, dst, src reflect.Value, key string) {
	switch src.Kind() {
	case reflect.String:
		s := src.String()
		if urlHeaders[strings.ToLower(key)] {
			s = RedactURL(s)
		}
		dst.SetString(r.String(s))
	case reflect.Pointer:
		if src.IsNil() {
			return
		}
		if src.Type() == reflect.TypeFor[*Journal]() {
			dst.Set(src) // journals are redacted with Redactor.Journal
			return
		}
		p := reflect.New(src.Type().Elem())
		redactValue(r, p.Elem(), src.Elem(), key)
		dst.Set(p)
	case reflect.Interface:
		if src.IsNil() {
			return
		}
		e := src.Elem()
		if _, isErr := src.Interface().(error); isErr {
			dst.Set(reflect.ValueOf(r.Error(src.Interface().(error))))
			return
		}
		c := reflect.New(e.Type()).Elem()
		redactValue(r, c, e, key)
		dst.Set(c)
	case reflect.Struct:
		dst.Set(src) // unexported fields (time.Time's) as they are
		t := src.Type()
		for i := 0; i < t.NumField(); i++ {
			if !t.Field(i).IsExported() {
				continue
			}
			redactValue(r, dst.Field(i), src.Field(i), "")
		}
	case reflect.Slice:
		if src.IsNil() {
			return
		}
		if src.Type().Elem().Kind() == reflect.Uint8 { // []byte: text
			dst.SetBytes([]byte(r.String(string(src.Bytes()))))
			return
		}
		s := reflect.MakeSlice(src.Type(), src.Len(), src.Len())
		for i := 0; i < src.Len(); i++ {
			redactValue(r, s.Index(i), src.Index(i), key)
		}
		dst.Set(s)
	case reflect.Array:
		for i := 0; i < src.Len(); i++ {
			redactValue(r, dst.Index(i), src.Index(i), key)
		}
	case reflect.Map:
		if src.IsNil() {
			return
		}
		m := reflect.MakeMapWithSize(src.Type(), src.Len())
		it := src.MapRange()
		for it.Next() {
			k := reflect.New(src.Type().Key()).Elem()
			kname := ""
			if it.Key().Kind() == reflect.String {
				kname = it.Key().String()
			}
			redactValue(r, k, it.Key(), "")
			val := reflect.New(src.Type().Elem()).Elem()
			redactValue(r, val, it.Value(), kname)
			m.SetMapIndex(k, val)
		}
		dst.Set(m)
	default:
		dst.Set(src)
	}
}
