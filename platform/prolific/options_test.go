package prolific_test

import (
	"testing"
	"time"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/platform/prolific"
	tassert "github.com/stretchr/testify/assert"
)

func TestOptionsValidate(t *testing.T) {
	tests := []struct {
		name string
		o    prolific.Options
		want []string // substrings of the error; none: valid
	}{
		{"zero", prolific.Options{}, nil},
		{"defaults", prolific.DefaultOptions(), nil},
		{"legacy, compact, ms", prolific.Options{RetryPreset: prolific.PresetLegacy, Encoding: prolific.EncodingCompact,
			TimestampUnit: time.Millisecond, UserAgent: prolific.NoUserAgent}, nil},
		{"everything wrong", prolific.Options{RetryPreset: "aggressive", RequestTimeout: -1, Tolerance: -time.Second,
			Encoding: "xml", TimestampUnit: time.Minute, UserAgent: "a\nb",
			Metadata: hookdrill.Object{{Key: "k", Value: struct{}{}}}},
			[]string{"aggressive", "request_timeout", "tolerance", "xml", "timestamp_unit", "user_agent", "metadata"}},
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
	tassert.Equal(t, prolific.Options{RetryPreset: "prolific", RequestTimeout: 10 * time.Second,
		UserAgent: "Prolific-Webhooks/1.0", Tolerance: 5 * time.Minute, Encoding: prolific.EncodingPython,
		TimestampUnit: time.Second}, prolific.DefaultOptions())
	// New fills zero fields and replaces invalid ones with the defaults.
	tassert.Equal(t, prolific.DefaultOptions(), prolific.New(prolific.Options{}).Options())
	tassert.Equal(t, prolific.DefaultOptions(), prolific.New(prolific.Options{RetryPreset: "x", RequestTimeout: -1,
		Tolerance: -1, Encoding: "x", TimestampUnit: time.Hour}).Options())
	tassert.Equal(t, "prolific", prolific.New(prolific.Options{}).Name())
}
