package mockserver

import (
	"encoding/json"
	"testing"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPickV1(t *testing.T) {
	fields := []string{"a", "resources.k1", "resource_seq"}
	for name, tc := range map[string]struct {
		in, want string // want "": nil
		err      bool
	}{
		"own fields":          {`{"a":{"x":1},"b":2,"resource_seq":3}`, `{"a":{"x":1},"resource_seq":3}`, false},
		"nothing of its own":  {`{"b":2,"version":1}`, ``, false},
		"empty values":        {`{"a":{},"resource_seq":0,"resources":{}}`, ``, false},
		"snapshot kinds":      {`{"resources":{"k1":{"r":{"id":"r"}},"k2":{"s":{"id":"s"}}}}`, `{"resources":{"k1":{"r":{"id":"r"}}}}`, false},
		"snapshot other kind": {`{"resources":{"k2":{"s":{"id":"s"}}}}`, ``, false},
		"log kinds":           {`{"resources":[{"kind":"k2","key":"s"},{"kind":"k1","key":"r"}]}`, `{"resources":[{"kind":"k1","key":"r"}]}`, false},
		"log other kind":      {`{"resources":[{"kind":"k2","key":"s"}]}`, ``, false},
		"resources a string":  {`{"resources":"x"}`, ``, true},
		"resources item 1":    {`{"resources":[1]}`, ``, true},
		"not an object":       {`[1]`, ``, true},
	} {
		t.Run(name, func(t *testing.T) {
			got, err := PickV1(json.RawMessage(tc.in), fields)
			if tc.err {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			if tc.want == "" {
				tassert.Nil(t, got)
				return
			}
			tassert.JSONEq(t, tc.want, string(got))
		})
	}
}

// FuzzPickV1: any input is picked or refused, never a panic; what is
// picked is an object that picks to itself again.
func FuzzPickV1(f *testing.F) {
	f.Add([]byte(`{"a":{"x":1},"b":2,"resource_seq":3}`))
	f.Add([]byte(`{"resources":{"k1":{"r":{"id":"r"}},"k2":{}}}`))
	f.Add([]byte(`{"resources":[{"kind":"k1"},{"kind":2}]}`))
	f.Add([]byte(`{"resources":null,"a":[]}`))
	fields := []string{"a", "resources.k1", "resource_seq"}
	f.Fuzz(func(t *testing.T, in []byte) {
		got, err := PickV1(in, fields)
		if err != nil || got == nil {
			return
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(got, &m); err != nil {
			t.Fatalf("picked %q is not an object: %v", got, err)
		}
		again, err := PickV1(got, fields)
		if err != nil {
			t.Fatalf("picking %q again: %v", got, err)
		}
		var a, b any
		_ = json.Unmarshal(got, &a)
		_ = json.Unmarshal(again, &b)
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		if string(ja) != string(jb) {
			t.Fatalf("picking is not stable: %s then %s", ja, jb)
		}
	})
}
