package assert

import (
	"fmt"
	"io"
	"os"
	"sync"
)

// IsTerminal reports whether w is a terminal (a character device), the
// condition for showing progress.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// Progress shows "scenarios done / total" on one terminal line while a run
// goes on. A disabled Progress writes nothing. Safe for concurrent use.
type Progress struct {
	mu      sync.Mutex // guards everything below
	w       io.Writer
	enabled bool
	total   int
	done    int
	failed  int
	width   int
}

// NewProgress returns a Progress for total scenarios, writing to w only
// when enabled (use IsTerminal(w)).
func NewProgress(w io.Writer, enabled bool, total int) *Progress {
	return &Progress{w: w, enabled: enabled && w != nil, total: total}
}

// Done records one finished scenario and redraws the line.
func (p *Progress) Done(sc ScenarioResult) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done++
	if sc.Verdict == Fail || sc.Verdict == Error {
		p.failed++
	}
	if !p.enabled {
		return
	}
	line := fmt.Sprintf("[%d/%d] %d failed  %s", p.done, p.total, p.failed, sc.Name)
	if len(line) > 100 {
		line = line[:100]
	}
	pad := max(p.width-len(line), 0)
	p.width = len(line)
	fmt.Fprintf(p.w, "\r%s%*s", line, pad, "")
}

// Clear erases the progress line; call it before printing the report.
func (p *Progress) Clear() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.enabled && p.width > 0 {
		fmt.Fprintf(p.w, "\r%*s\r", p.width, "")
		p.width = 0
	}
}
