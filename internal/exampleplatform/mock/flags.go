package mock

import (
	"github.com/spf13/pflag"

	"github.com/hookdrill/hookdrill/mockserver"
)

// ServeFlags is the mock's part of `hookdrill serve`: it has no flags of
// its own, and requires serve's --token as its bearer token (empty: any
// non-empty token).
func ServeFlags(*pflag.FlagSet) func(token string) (mockserver.Platform, error) {
	return func(token string) (mockserver.Platform, error) {
		return New(Options{APIToken: token}), nil
	}
}
