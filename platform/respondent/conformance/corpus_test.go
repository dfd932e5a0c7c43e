package conformance_test

import (
	"testing"

	"github.com/hookdrill/hookdrill/platform/all"
	"github.com/hookdrill/hookdrill/platform/internal/corpustest"
)

// TestCorpusVerdicts runs the suite against every receiver of this
// platform's corpus (testdata/receivers) and asserts the reviewer's
// tables (see corpustest.Run).
func TestCorpusVerdicts(t *testing.T) {
	corpustest.Run(t, corpustest.Config{Dir: "testdata/receivers", Suites: all.Suites(), Registry: all.Registry(), MinReceivers: 5})
}
