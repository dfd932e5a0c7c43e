package mock

import (
	"github.com/spf13/pflag"

	"github.com/hookdrill/hookdrill/mockserver"
)

// ServeFlags declares the mock's own `hookdrill serve` flags on fs and
// returns the constructor that builds the mock from their values once fs
// is parsed. Respondent's API authenticates with its own key pair
// (--api-key, --api-secret), so serve's --token does not concern it.
func ServeFlags(fs *pflag.FlagSet) func(token string) (mockserver.Platform, error) {
	var o Options
	fs.StringVar(&o.APIKey, "api-key", "", "Respondent x-api-key to require (default: any non-empty value)")
	fs.StringVar(&o.APISecret, "api-secret", "", "Respondent x-api-secret to require (default: any non-empty value)")
	fs.BoolVar(&o.SimulateFetchable, "simulate-fetchable", false, "make the screener responses announced by Respondent's simulate fetchable (default: throwaway ids, 404 as on the platform)")
	return func(string) (mockserver.Platform, error) {
		o := o
		if err := o.Validate(); err != nil {
			return nil, err
		}
		return New(o), nil
	}
}
