package mock

import "github.com/hookdrill/hookdrill/mockserver"

// Request decoders, worded as NestJS's class-validator words its errors:
// never a panic, never a 500, whatever the input. They are the fuzz
// targets' subjects.

// decodeCreateWebhook decodes CreateWebhookDto (spec 4.1).
func decodeCreateWebhook(body []byte) (string, *mockserver.Error) {
	f, e := mockserver.ParseObject(body, mockserver.StyleMessages, 0)
	if e != nil {
		return "", e
	}
	f.Known(false, "url")
	u := f.Str("url", true)
	if e := f.Err(); e != nil {
		return "", e
	}
	if msg := checkURL(u); msg != "" {
		return "", mockserver.BadRequest([]string{msg})
	}
	return u, nil
}

// decodeSimulate decodes SimulateWebhookDto (spec 4.1); the values are
// checked by Mock.Simulate.
func decodeSimulate(body []byte) (event, variant string, e *mockserver.Error) {
	f, e := mockserver.ParseObject(body, mockserver.StyleMessages, 0)
	if e != nil {
		return "", "", e
	}
	f.Known(false, "event", "screenerResponseUpdatedType")
	event = f.Str("event", true)
	variant = f.Str("screenerResponseUpdatedType", false)
	return event, variant, f.Err()
}
