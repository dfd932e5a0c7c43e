package conformance

import (
	"embed"
	"io/fs"

	"github.com/hookdrill/hookdrill/conform"
	"github.com/hookdrill/hookdrill/platform/respondent"
)

//go:embed checks
var checks embed.FS

// Suite returns Respondent's conformance suite: the checks (checks/ID.yaml,
// embedded) and the control event the preflight tries first and the
// checks that are not about coverage send.
func Suite() conform.Suite {
	files, err := fs.Sub(checks, "checks")
	if err != nil { // unreachable: the directory is embedded
		panic(err)
	}
	return conform.Suite{
		Platform: respondent.Name,
		Files:    files,
		Control:  conform.Control{Type: "SCREENER_RESPONSES.UPDATED", Status: "PAID"},
	}
}
