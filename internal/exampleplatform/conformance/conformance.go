package conformance

import (
	"embed"
	"io/fs"

	"github.com/hookdrill/hookdrill/conform"
	"github.com/hookdrill/hookdrill/internal/exampleplatform"
)

//go:embed checks
var checks embed.FS

// Suite returns the example platform's conformance suite: the checks
// (checks/ID.yaml, embedded) and the control event the preflight tries
// first and the checks send.
func Suite() conform.Suite {
	files, err := fs.Sub(checks, "checks")
	if err != nil { // unreachable: the directory is embedded
		panic(err)
	}
	return conform.Suite{
		Platform: exampleplatform.Name,
		Files:    files,
		Control:  conform.Control{Type: exampleplatform.EventOrderUpdated, Status: exampleplatform.StatusPaid},
	}
}
