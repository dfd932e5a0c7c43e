package respondent_test

import (
	"testing"
	"time"

	"github.com/hookdrill/hookdrill/platform/respondent"
	tassert "github.com/stretchr/testify/assert"
)

func TestOptionsValidate(t *testing.T) {
	tests := []struct {
		name string
		o    respondent.Options
		want []string
	}{
		{"zero", respondent.Options{}, nil},
		{"defaults", respondent.DefaultOptions(), nil},
		{"sha512, python, first old value", respondent.Options{Algorithm: "sha512", Encoding: respondent.EncodingPython,
			FirstRecruitingOldValue: "PAUSED"}, nil},
		{"everything wrong", respondent.Options{Algorithm: "md5", RequestTimeout: -time.Second, FirstRecruitingOldValue: "DRAFT",
			Encoding: "xml"}, []string{"md5", "request_timeout", "DRAFT", "xml"}},
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
	want := respondent.Options{Algorithm: "sha256", RequestTimeout: 3 * time.Second,
		ParentIDRemoval: time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC), SenderType: "PARTICIPANT",
		Encoding: respondent.EncodingCompact}
	tassert.Equal(t, want, respondent.DefaultOptions())
	tassert.Equal(t, want, respondent.New(respondent.Options{}).Options())
	tassert.Equal(t, want, respondent.New(respondent.Options{Algorithm: "md5", RequestTimeout: -1,
		FirstRecruitingOldValue: "DRAFT", Encoding: "xml"}).Options(), "invalid fields fall back to defaults")
	tassert.Equal(t, "respondent", respondent.New(respondent.Options{}).Name())
	tassert.Equal(t, []string{"sha256", "sha512"}, respondent.Algorithms())
}
