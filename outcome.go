package hookdrill

// Outcome classifies one delivery attempt.
type Outcome string

// Attempt outcomes. Every receiver behaviour, however broken, maps to one of
// these; none of them is a crash.
const (
	OutcomeSuccess     Outcome = "success"            // 2xx
	OutcomeHTTPError   Outcome = "http_error"         // 4xx, 5xx, 1xx or other non-2xx
	OutcomeRedirect    Outcome = "redirect"           // 3xx; never followed
	OutcomeTimeout     Outcome = "timeout"            // no complete answer within the timeout
	OutcomeRefused     Outcome = "connection_refused" // nothing listening
	OutcomeReset       Outcome = "connection_reset"   // peer reset or closed mid-exchange
	OutcomeTLS         Outcome = "tls_error"          // handshake or certificate failure
	OutcomeProtocol    Outcome = "protocol_error"     // the answer was not HTTP
	OutcomeNetwork     Outcome = "network_error"      // DNS and other transport failures
	OutcomeLostAck     Outcome = "lost_ack"           // fault: the answer was dropped and counted as a timeout
	OutcomeCancelled   Outcome = "cancelled"          // the run was stopped before the attempt finished
	OutcomeLocalError  Outcome = "local_error"        // the sender could not build the request: not retried
	OutcomeUndelivered Outcome = "undelivered"        // no attempt was made (subscription disabled, deleted)
)

// Success reports whether the attempt delivered the event.
func (o Outcome) Success() bool { return o == OutcomeSuccess }

// Retryable reports whether the platforms retry after this outcome: every
// non-2xx answer and every transport failure (spec 2.6, P3); not local
// errors, cancellations or undeliverable events.
func (o Outcome) Retryable() bool {
	switch o {
	case OutcomeHTTPError, OutcomeRedirect, OutcomeTimeout, OutcomeRefused,
		OutcomeReset, OutcomeTLS, OutcomeProtocol, OutcomeNetwork, OutcomeLostAck:
		return true
	}
	return false
}

// DeliveryStatus is the final state of a delivery, in the vocabulary of
// Prolific's event log.
type DeliveryStatus string

// Delivery states.
const (
	StatusPending   DeliveryStatus = "PENDING"
	StatusSucceeded DeliveryStatus = "SUCCEEDED"
	StatusFailed    DeliveryStatus = "FAILED"
)
