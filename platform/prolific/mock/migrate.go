package mock

import (
	"encoding/json"

	"github.com/hookdrill/hookdrill/mockserver"
)

// v1Fields are Prolific's fields of a version-1 state file (before the
// mock split). They carry over unchanged: the section and records keep
// the same names and shapes.
var v1Fields = []string{"secrets", "subscriptions", "deleted_subscriptions", "health",
	"resources." + kindStudy, "resources." + kindSubmission, "resource_seq"}

// V1Fields implements mockserver.V1Migrator.
func (m *Mock) V1Fields() []string { return v1Fields }

// MigrateV1 implements mockserver.V1Migrator.
func (m *Mock) MigrateV1(snapshot json.RawMessage) (json.RawMessage, error) {
	return mockserver.PickV1(snapshot, v1Fields)
}

// MigrateV1Record implements mockserver.V1Migrator.
func (m *Mock) MigrateV1Record(record json.RawMessage) (json.RawMessage, error) {
	return mockserver.PickV1(record, v1Fields)
}
