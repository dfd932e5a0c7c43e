package exampleplatform_test

import (
	"testing"
	"time"

	"github.com/hookdrill/hookdrill/internal/exampleplatform"
	tassert "github.com/stretchr/testify/assert"
)

func TestOptionsValidate(t *testing.T) {
	tests := []struct {
		name string
		o    exampleplatform.Options
		want []string
	}{
		{"zero", exampleplatform.Options{}, nil},
		{"defaults", exampleplatform.DefaultOptions(), nil},
		{"fast preset", exampleplatform.Options{RetryPreset: exampleplatform.PresetFast, Tolerance: time.Second}, nil},
		{"everything wrong", exampleplatform.Options{RetryPreset: "slow", RequestTimeout: -time.Second, Tolerance: -time.Second},
			[]string{`"slow"`, "request_timeout", "tolerance", "example options"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.o.Validate()
			if len(tt.want) == 0 {
				tassert.NoError(t, err)
				return
			}
			if tassert.Error(t, err) {
				for _, w := range tt.want {
					tassert.Contains(t, err.Error(), w)
				}
			}
		})
	}
}

func TestDefaultOptions(t *testing.T) {
	want := exampleplatform.Options{RetryPreset: "example", RequestTimeout: 5 * time.Second, Tolerance: 5 * time.Minute}
	tassert.Equal(t, want, exampleplatform.DefaultOptions())
	tassert.Equal(t, want, exampleplatform.New(exampleplatform.Options{}).Options())
	tassert.Equal(t, want, exampleplatform.New(exampleplatform.Options{RetryPreset: "slow", RequestTimeout: -1,
		Tolerance: -1}).Options(), "invalid fields fall back to defaults")
	tassert.Equal(t, "example", exampleplatform.New(exampleplatform.Options{}).Name())
}
