package receiver_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill/receiver"
)

// examplePart is a minimal platform part written here, to show the core
// needs nothing but the interface: HMAC-SHA256 of the body in one header,
// the event id, type and resource in the body, one event type, one bug of
// its own.
type examplePart struct{}

const (
	exampleHeader = "X-Example-Signature"
	bugExample    = receiver.Bug("example-own-bug")
)

func (examplePart) Name() string         { return "example" }
func (examplePart) EventTypes() []string { return []string{"thing.updated"} }
func (examplePart) Bugs() []receiver.BugInfo {
	return []receiver.BugInfo{
		{Name: receiver.BugNoDedup, Fails: []string{"b", "a"}},
		{Name: bugExample, Summary: "its own", Fails: []string{"c"}},
	}
}
func (examplePart) BugEventType(receiver.Bug) string { return "" }
func (examplePart) Reserialize(b []byte) []byte      { return receiver.ReformatJSON(b, false) }
func (examplePart) Key(d receiver.Delivery) string   { return "" }
func (examplePart) Verify(d receiver.Delivery, k receiver.Keys) error {
	v := d.Header.Get(exampleHeader)
	if v == "" {
		return receiver.ErrMissingSignature
	}
	got, err := receiver.DecodeBase64(v)
	if err != nil {
		return err
	}
	if !receiver.MatchHMAC(sha256.New, k.Secrets, d.Body, got) {
		return receiver.ErrSignatureMismatch
	}
	return nil
}
func (examplePart) Parse(d receiver.Delivery) (receiver.Event, error) {
	var p struct{ ID, Type, Thing, Status string }
	if err := json.Unmarshal(d.Body, &p); err != nil || p.ID == "" {
		return receiver.Event{}, errors.New("bad body")
	}
	if d.Bug(bugExample) {
		return receiver.Event{}, &receiver.Answer{Code: http.StatusTeapot, Message: "own bug"}
	}
	return receiver.Event{Key: p.ID, Type: p.Type, Resource: p.Thing, Status: p.Status}, nil
}

func exampleSign(secret, body string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(body))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

func TestAnyPlatformPart(t *testing.T) {
	body := `{"ID":"e1","Type":"thing.updated","Thing":"t1","Status":"DONE"}`
	tests := []struct {
		name string
		bugs []receiver.Bug
		sig  string
		want int
	}{
		{"authentic", nil, exampleSign("s", body), 200},
		{"wrong secret", nil, exampleSign("x", body), 401},
		{"malformed", nil, "%%", 401},
		{"missing", nil, "", 401},
		{"its own bug answers its way", []receiver.Bug{bugExample}, exampleSign("s", body), http.StatusTeapot},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newTest(t, receiver.Config{Platform: examplePart{}, Secret: "s", Bugs: tt.bugs})
			rec := post(r, body, map[string]string{exampleHeader: tt.sig})
			require.Equal(t, tt.want, rec.Code, rec.Body.String())
			if tt.want == 200 {
				require.Equal(t, "DONE", r.State().Status["t1"])
			}
		})
	}
	_, err := receiver.New(receiver.Config{Platform: examplePart{}, Secret: "s", Bugs: []receiver.Bug{receiver.BugIgnoresMissingSignature}})
	require.ErrorContains(t, err, `unknown example bug "ignores-missing-signature" (valid: no-dedup, example-own-bug)`)

	bugs := receiver.Bugs(examplePart{})
	require.Equal(t, []receiver.BugInfo{
		{Name: receiver.BugNoDedup, Summary: "applies redeliveries of an event again", Fails: []string{"a", "b"}},
		{Name: bugExample, Summary: "its own", Fails: []string{"c"}},
	}, bugs)
	require.Equal(t, []string{"b", "a"}, examplePart{}.Bugs()[0].Fails, "Bugs sorts a copy")

	ps := receiver.Platforms{examplePart{}}
	p, err := ps.Lookup("example")
	require.NoError(t, err)
	require.Equal(t, "example", p.Name())
	_, err = ps.Lookup("nope")
	require.ErrorContains(t, err, `unknown platform "nope" (valid: example)`)
}
