package scenarios

import (
	"reflect"
	"strings"
	"testing"

	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStepKindTable: every action field of Step (a pointer field whose
// YAML key is a kind) has exactly one row, the row recognises that field
// and no other, and every row can validate, summarise and run.
func TestStepKindTable(t *testing.T) {
	typ := reflect.TypeFor[Step]()
	seen := map[string]bool{}
	for i := range typ.NumField() {
		f := typ.Field(i)
		key, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		k := kindNamed(key)
		if k == nil {
			continue
		}
		require.Equal(t, reflect.Pointer, f.Type.Kind(), "action field %s", f.Name)
		var st Step
		reflect.ValueOf(&st).Elem().Field(i).Set(reflect.New(f.Type.Elem()))
		tassert.Equal(t, key, st.Kind(), "field %s", f.Name)
		tassert.Equal(t, []string{key}, st.actions(), "field %s", f.Name)
		seen[key] = true
	}
	tassert.ElementsMatch(t, StepKinds(), keys(seen), "one row per action field")
	for _, k := range stepKinds {
		tassert.NotNil(t, k.validate, k.name)
		tassert.NotNil(t, k.summary, k.name)
		tassert.NotNil(t, k.run, k.name)
		if k.hold || k.delivers {
			tassert.True(t, k.async, "%s: a delivering or holdable step can be async", k.name)
		}
	}
	var none Step
	tassert.Equal(t, "", none.Kind())
	tassert.Empty(t, none.actions())
	tassert.Equal(t, "send, duplicate and burst", joinAnd(kindsWhere(func(k *stepKind) bool { return k.delivers })))
	tassert.Equal(t, []string{"send", "duplicate", "burst", "release"}, asyncKinds())
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
