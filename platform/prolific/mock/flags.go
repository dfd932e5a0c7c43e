package mock

import (
	"github.com/spf13/pflag"

	"github.com/hookdrill/hookdrill/mockserver"
)

// ServeFlags declares the mock's own `hookdrill serve` flags on fs and
// returns the constructor that builds the mock from their values once fs
// is parsed; token is serve's --token, the API token to require
// (Authorization: Token <token>; empty accepts any non-empty token).
func ServeFlags(fs *pflag.FlagSet) func(token string) (mockserver.Platform, error) {
	var o Options
	var shape string
	fs.BoolVar(&o.StrictTargets, "strict-targets", false, "reject Prolific target URLs the real API rejects (non-https, localhost, private addresses)")
	fs.StringVar(&shape, "create-shape", string(DefaultCreateShape), "create-subscription body: object (what Prolific's clients decode) or results (the documented list)")
	fs.BoolVar(&o.ReuseConfirmToken, "reuse-confirm-token", false, "let a confirmed subscription be confirmed again with its X-Hook-Secret (an idempotent 200) instead of refusing the single-use token (400)")
	fs.BoolVar(&o.AllowUnknownFields, "allow-unknown-fields", false, "ignore unknown request body fields instead of answering 400")
	return func(token string) (mockserver.Platform, error) {
		o := o
		o.Token, o.CreateShape = token, CreateShape(shape)
		if err := o.Validate(); err != nil {
			return nil, err
		}
		return New(o), nil
	}
}
