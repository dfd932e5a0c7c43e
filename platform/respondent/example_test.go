package respondent_test

import (
	"fmt"

	"github.com/hookdrill/hookdrill/platform/respondent"
)

// A receiver's unit test can compute the header Respondent would send.
func ExampleSignature() {
	body := []byte(`{"event":"SCREENER_RESPONSES.CREATED","uuid":"006a4577-43d6-448a-a3d6-1a63581ca217","created":"2026-01-08T23:09:08.239Z","payload":{"resource":{"id":"69603913cd7d6158385a1ff7","projectId":"69603913cd7d6158385a1ff6","parentId":"69603913cd7d6158385a1ff6","type":"screener-responses"}}}`)
	sig, err := respondent.Signature("sha256", "74e811b4-a1cc-4fa7-857b-0df0fce9a5a9", body)
	fmt.Println(sig, err)
	// Output: sha256=yx31laetJdW1Oq01v8lFc/ov6EDbQBqF41Tgr/ex8JE= <nil>
}
