package report

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill/assert"
	"github.com/hookdrill/hookdrill/scenarios"
)

// benchReports are the two reports the README measures: the conformance
// demo (both platforms) and a run of 1,000 generated scenarios.
func benchReport(b *testing.B, which string) assert.Report {
	b.Helper()
	if which == "demo" {
		r, _ := demoRun(b)
		return r
	}
	target := startFrozenReceiver(b)
	return runGenerated(b, genScenarios(b, 1000, target), scenarios.Shard{})
}

// BenchmarkWriteHTML measures generating the HTML report (file size as
// bytes/report).
func BenchmarkWriteHTML(b *testing.B) {
	for _, which := range []string{"demo", "1000"} {
		b.Run(which, func(b *testing.B) {
			r := benchReport(b, which)
			var buf bytes.Buffer
			for b.Loop() {
				buf.Reset()
				require.NoError(b, WriteHTML(&buf, r, Options{}))
			}
			b.ReportMetric(float64(buf.Len()), "bytes/report")
			b.ReportMetric(float64(r.Summary.Total), "scenarios")
		})
	}
}

// BenchmarkChromiumRender measures how long headless Chromium takes to
// load the HTML report from disk until its load event, including the
// script that runs then (ms/op), and reports the page's own navigation
// timing (load-ms) and the file size.
func BenchmarkChromiumRender(b *testing.B) {
	for _, which := range []string{"demo", "1000"} {
		b.Run(which, func(b *testing.B) {
			r := benchReport(b, which)
			var buf bytes.Buffer
			require.NoError(b, WriteHTML(&buf, r, Options{}))
			file := filepath.Join(b.TempDir(), "report.html")
			require.NoError(b, os.WriteFile(file, buf.Bytes(), 0o644))
			ctx := browser(b)
			var load float64
			n := 0
			for b.Loop() {
				require.NoError(b, chromedp.Do(ctx, chromedp.Navigate("about:blank")))
				require.NoError(b, chromedp.Do(ctx, chromedp.Navigate(fmt.Sprintf("file://%s?n=%d", file, n))))
				ms, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`(() => { const e = performance.getEntriesByType('navigation')[0]; return e.loadEventEnd - e.startTime; })()`))
				require.NoError(b, err)
				load += ms
				n++
			}
			b.ReportMetric(load/float64(n), "load-ms")
			b.ReportMetric(float64(buf.Len()), "bytes/report")
		})
	}
}
