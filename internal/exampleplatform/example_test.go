package exampleplatform_test

import (
	"fmt"
	"time"

	"github.com/hookdrill/hookdrill/internal/exampleplatform"
)

// A receiver's verifier can be unit-tested against SignatureHeader (the
// value here was computed with openssl).
func ExampleSignatureHeader() {
	body := []byte(`{"id":"evt_1","type":"order.updated","created_at":1767225600,"data":{}}`)
	fmt.Println(exampleplatform.SignatureHeader("k", time.Unix(1767225600, 0), body))
	// Output: t=1767225600,v1=b97a3da2c06117aa98b0129edf084a72ee8b2b930870e1244a51216151ce045b
}
