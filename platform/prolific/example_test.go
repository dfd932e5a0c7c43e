package prolific_test

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/platform/prolific"
)

// A receiver's unit test can compute the signature Prolific would send.
func ExampleSignature() {
	body := []byte(`{"resource_id": "6394cee383e14a167638b3a1", "event_type": "submission.status.change", "participant_id": "5f0c1c2d3e4f5a6b7c8d9e0f", "status": "AWAITING REVIEW"}`)
	fmt.Println(prolific.Signature("cGNqFPb6y0RT3XO9XVSessBDYIbHQ-test", "1767225600", body))
	// Output: 6iTRldQeMNnPzBW9EfKNNkjzA2IYR/gepfWdrA1UKAs=
}

// Build, encode, sign and verify one delivery.
func ExampleNew() {
	p := prolific.New(prolific.Options{})
	now := time.Unix(1767225600, 0)
	ev, err := p.NewEvent(hookdrill.EventSpec{Type: prolific.EventSubmissionStatusChange, Status: prolific.StatusApproved,
		ResourceID: "6394cee383e14a167638b3a1", Extra: map[string]string{prolific.ExtraParticipantID: "5f0c1c2d3e4f5a6b7c8d9e0f"}},
		rand.New(rand.NewPCG(42, 42)), now)
	if err != nil {
		panic(err)
	}
	body, _ := p.Encode(ev)
	h, _ := p.Sign(hookdrill.SignInput{Event: ev, Body: body, Secret: "workspace-secret", SentAt: now})
	fmt.Println(string(body))
	fmt.Println(h.Get(prolific.HeaderRequestTimestamp), hookdrill.HeaderValues(h, prolific.HeaderEventID)[0] == ev.ID)
	fmt.Println(p.Verify(h, body, "workspace-secret", p.VerifyOptions(now.Add(time.Minute))))
	// Output:
	// {"resource_id": "6394cee383e14a167638b3a1", "event_type": "submission.status.change", "participant_id": "5f0c1c2d3e4f5a6b7c8d9e0f", "status": "APPROVED"}
	// 1767225600 true
	// <nil>
}
