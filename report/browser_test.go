package report

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	tassert "github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookdrill/hookdrill/assert"
	"github.com/hookdrill/hookdrill/receiver"
	"github.com/hookdrill/hookdrill/scenarios"
)

// chromiumPath returns Debian's Chromium ($HOOKDRILL_CHROMIUM overrides).
// Outside CI a missing browser skips the test; with CI=true it fails it
// (.ci/run installs the package).
func chromiumPath(tb testing.TB) string {
	tb.Helper()
	p := os.Getenv("HOOKDRILL_CHROMIUM")
	if p == "" {
		p = "/usr/bin/chromium"
	}
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("Chromium is required in CI and missing at %s (.ci/run installs the Debian package chromium): %v", p, err)
		}
		tb.Skipf("Chromium not found at %s: install the Debian package chromium (apt-get install chromium) to run the browser tests", p)
	}
	return p
}

// browser starts a headless Chromium with a fresh profile and no network
// side channels, and returns a tab's context.
func browser(tb testing.TB) context.Context {
	tb.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath(tb)),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(tb.TempDir()),
		chromedp.WindowSize(1200, 1500),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	tb.Cleanup(func() { cancel(); cancelAlloc() })
	require.NoError(tb, chromedp.Do(ctx), "start Chromium")
	return ctx
}

// pageWatch records every request the page makes and every console error,
// exception and error log entry.
type pageWatch struct {
	mu       sync.Mutex
	requests []string
	problems []string
}

func watch(tb testing.TB, ctx context.Context) *pageWatch {
	tb.Helper()
	w := &pageWatch{}
	require.NoError(tb, chromedp.Listen(ctx, func(ev any) {
		w.mu.Lock()
		defer w.mu.Unlock()
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			w.requests = append(w.requests, e.Request.URL)
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeAssert {
				w.problems = append(w.problems, "console."+string(e.Type))
			}
		case *runtime.EventExceptionThrown:
			w.problems = append(w.problems, "exception: "+e.ExceptionDetails.Text)
		case *cdplog.EventEntryAdded:
			if e.Entry.Level == cdplog.EntryLevelError {
				w.problems = append(w.problems, "log: "+e.Entry.Text)
			}
		}
	}))
	_, err := chromedp.Call(ctx, network.Enable, network.EnableParams{})
	require.NoError(tb, err)
	_, err = chromedp.Call(ctx, cdplog.Enable, cdp.Empty{})
	require.NoError(tb, err)
	return w
}

func (w *pageWatch) snapshot() ([]string, []string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.requests...), append([]string(nil), w.problems...)
}

func eval[T any](tb testing.TB, ctx context.Context, js string) T {
	tb.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	require.NoError(tb, err, "evaluate %s", js)
	return v
}

// artifactDir is where the browser tests save screenshots:
// $HOOKDRILL_ARTIFACTS, or a temporary directory.
func artifactDir(tb testing.TB) string {
	if d := os.Getenv("HOOKDRILL_ARTIFACTS"); d != "" {
		require.NoError(tb, os.MkdirAll(d, 0o755))
		return d
	}
	return tb.TempDir()
}

type markInfo struct {
	N       int     `json:"n"`
	X       float64 `json:"x"`
	W       float64 `json:"w"`
	Inside  bool    `json:"inside"`
	Visible bool    `json:"visible"`
	Hit     bool    `json:"hit"`
	ID      string  `json:"id"`
}

// TestHTMLReportInChromium opens the HTML report of a conformance run in
// a real headless Chromium and checks what a reader sees.
func TestHTMLReportInChromium(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser")
	}
	for _, tc := range []struct {
		name string
		bugs []receiver.Bug
	}{
		{"demo", nil},
		{"demo with bug no-dedup", []receiver.Bug{receiver.BugNoDedup}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep, attempts := demoRun(t, tc.bugs...)
			var page bytes.Buffer
			require.NoError(t, WriteHTML(&page, rep, Options{Title: "hookdrill conform --demo"}))
			for _, s := range []string{plantedSecret, plantedOldSecret, plantedToken} {
				require.NotContains(t, page.String(), s, "a planted secret is in the file")
			}
			file := filepath.Join(t.TempDir(), "report.html")
			require.NoError(t, os.WriteFile(file, page.Bytes(), 0o644))
			url := "file://" + file

			ctx := browser(t)
			w := watch(t, ctx)
			start := time.Now()
			require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(url)))
			t.Logf("%d bytes, %d attempts, loaded in %s", page.Len(), attempts, time.Since(start).Round(time.Millisecond))

			if tc.bugs == nil {
				shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
				require.NoError(t, err)
				dir := artifactDir(t)
				require.NoError(t, os.WriteFile(filepath.Join(dir, "conform-demo-report.png"), shot, 0o644))
				full, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
				require.NoError(t, err)
				require.NoError(t, os.WriteFile(filepath.Join(dir, "conform-demo-report-full.png"), full, 0o644))
				t.Logf("screenshots in %s", dir)
			}

			// Every check, with its verdict.
			got := eval[[][]string](t, ctx, `[...document.querySelectorAll('article.check')].map(a => [a.dataset.id, a.dataset.verdict])`)
			want := make([][]string, 0, len(rep.Scenarios))
			for _, sc := range rep.Scenarios {
				want = append(want, []string{sc.Check.ID, string(sc.Verdict)})
			}
			tassert.Equal(t, want, got)
			if tc.bugs != nil {
				tassert.Contains(t, got, []string{"prolific.idempotency.duplicate_applied_once", "fail"})
				tassert.Equal(t, "FAILED", eval[string](t, ctx, `document.getElementById('headline').textContent`))
			}

			// One mark per journaled attempt.
			tassert.Equal(t, attempts, eval[int](t, ctx, `document.querySelectorAll('a.mark.attempt').length`))
			tassert.Equal(t, rep.Scenarios[0].Timeline.Attempts() > 0, true)

			// The 48 h schedule: 13 attempts, all visible, in order.
			raw := eval[string](t, ctx, `(() => {
				const art = document.querySelector('article[data-id="prolific.retry.full_schedule"]');
				const svg = art.querySelector('svg.tl');
				svg.scrollIntoView({block: 'center'});
				const box = svg.getBoundingClientRect();
				return JSON.stringify([...svg.querySelectorAll('a.mark.attempt')].map(a => {
					const c = a.querySelector('circle').getBoundingClientRect();
					const cx = c.left + c.width / 2, cy = c.top + c.height / 2;
					const hit = document.elementFromPoint(cx, cy);
					const st = getComputedStyle(a.querySelector('circle'));
					return {n: +a.dataset.n, x: cx, w: c.width, id: a.id,
						inside: c.left >= box.left && c.right <= box.right && c.top >= box.top && c.bottom <= box.bottom,
						visible: st.display !== 'none' && st.visibility !== 'hidden' && +st.opacity > 0,
						hit: !!hit && hit.closest('a.mark') === a};
				}));
			})()`)
			var marks []markInfo
			require.NoError(t, json.Unmarshal([]byte(raw), &marks))
			if tc.bugs == nil {
				require.Len(t, marks, 13, "Prolific's 13 attempts")
			}
			for i, m := range marks {
				tassert.Equal(t, i+1, m.N, "attempt order")
				tassert.True(t, m.Inside && m.Visible && m.W > 4, "attempt %d is drawn inside the timeline: %+v", m.N, m)
				tassert.True(t, m.Hit, "attempt %d is not covered by another mark", m.N)
				if i > 0 {
					tassert.Greater(t, m.X, marks[i-1].X+2, "attempt %d is right of attempt %d", m.N, m.N-1)
				}
			}

			// Clicking a mark shows that attempt's request and response.
			last := marks[len(marks)-1]
			require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#"+last.ID))))
			var sched *assert.TimelineDelivery
			for _, sc := range rep.Scenarios {
				if sc.Check.ID == "prolific.retry.full_schedule" {
					sched = &sc.Timeline.Deliveries[0]
				}
			}
			require.NotNil(t, sched)
			at := sched.Attempts[len(sched.Attempts)-1]
			panelID := strings.TrimSuffix(last.ID, "-m")
			text := eval[string](t, ctx, fmt.Sprintf(`(() => { const p = document.getElementById(%q);
				return getComputedStyle(p).display === 'none' ? 'HIDDEN' : p.innerText; })()`, panelID))
			tassert.Contains(t, text, fmt.Sprintf("Attempt %d of delivery %s", at.Number, sched.ID))
			tassert.Contains(t, text, at.Request.URL)
			tassert.Contains(t, text, at.Request.Header["X-Event-Id"])
			tassert.Contains(t, text, at.Request.Header["X-Prolific-Request-Signature"], "the signature")
			tassert.Contains(t, text, fmt.Sprintf("%d %s", at.Response.Status, "OK"), "the response")
			tassert.Contains(t, text, "latency")
			tassert.Contains(t, text, "/webhook?token=redacted", "the URL's token is redacted as in the other formats")

			if tc.bugs == nil {
				// The timeline of the 48 h schedule with attempt 13 open, for the README.
				shot, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.CSS(`article[data-id="prolific.retry.full_schedule"]`)))
				require.NoError(t, err)
				require.NoError(t, os.WriteFile(filepath.Join(artifactDir(t), "conform-demo-timeline.png"), shot, 0o644))
			}

			// The keyboard moves to the previous attempt.
			require.NoError(t, chromedp.Do(ctx, chromedp.KeyEvent(kb.ArrowLeft)))
			prev := strings.TrimSuffix(marks[len(marks)-2].ID, "-m")
			tassert.Equal(t, "block", eval[string](t, ctx, fmt.Sprintf(`getComputedStyle(document.getElementById(%q)).display`, prev)))
			tassert.Equal(t, "none", eval[string](t, ctx, fmt.Sprintf(`getComputedStyle(document.getElementById(%q)).display`, panelID)))

			// Filters and search.
			total := len(rep.Scenarios)
			require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`input[name=verdict][value=pass]`))))
			notPass := 0
			for _, sc := range rep.Scenarios {
				if sc.Verdict != assert.Pass {
					notPass++
				}
			}
			tassert.Equal(t, notPass, eval[int](t, ctx, `document.querySelectorAll('article.check:not([hidden])').length`))
			require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`input[name=verdict][value=pass]`))))
			tassert.Equal(t, total, eval[int](t, ctx, `document.querySelectorAll('article.check:not([hidden])').length`))
			require.NoError(t, chromedp.Do(ctx, chromedp.KeyEvent("/")))
			tassert.Equal(t, "q", eval[string](t, ctx, `document.activeElement.id`), "/ focuses the search box")
			// The synthetic key's character may land in the box: start empty.
			eval[bool](t, ctx, `(document.getElementById('q').value = '', true)`)
			require.NoError(t, chromedp.Do(ctx, chromedp.KeyEvent("full_schedule")))
			tassert.Equal(t, 2, eval[int](t, ctx, `document.querySelectorAll('article.check:not([hidden])').length`), "one per platform")

			// Esc clears the search; j and k move from check to check.
			require.NoError(t, chromedp.Do(ctx, chromedp.KeyEvent(kb.Escape)))
			tassert.Equal(t, total, eval[int](t, ctx, `document.querySelectorAll('article.check:not([hidden])').length`))
			require.NoError(t, chromedp.Do(ctx, chromedp.KeyEvent("j"), chromedp.KeyEvent("j"), chromedp.KeyEvent("j"), chromedp.KeyEvent("k")))
			tassert.Equal(t, rep.Scenarios[1].Check.ID, eval[string](t, ctx, `document.activeElement.dataset.id`))

			// Nothing but the file itself was requested, and nothing failed.
			dom := eval[string](t, ctx, `document.documentElement.outerHTML`)
			for _, s := range []string{plantedSecret, plantedOldSecret, plantedToken} {
				tassert.NotContains(t, dom, s, "a planted secret is in the DOM")
			}
			reqs, problems := w.snapshot()
			require.NotEmpty(t, reqs)
			for _, r := range reqs {
				ok := strings.HasPrefix(r, "data:") || strings.SplitN(r, "#", 2)[0] == url
				tassert.True(t, ok, "the page requested %s", r)
			}
			tassert.Empty(t, problems, "console errors")
		})
	}
}

// TestHTMLReportWithoutJavaScript: with scripts disabled the summary, the
// checks and the timelines still show, and a mark's link still opens its
// attempt; the page follows the light/dark preference and prints black on
// white.
func TestHTMLReportWithoutJavaScript(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser")
	}
	target := startFrozenReceiver(t)
	rep := runGenerated(t, genScenarios(t, 6, target), scenarios.Shard{})
	var page bytes.Buffer
	require.NoError(t, WriteHTML(&page, rep, Options{}))
	file := filepath.Join(t.TempDir(), "report.html")
	require.NoError(t, os.WriteFile(file, page.Bytes(), 0o644))

	ctx := browser(t)
	_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
	require.NoError(t, err)
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate("file://"+file)))
	tassert.Equal(t, "none", eval[string](t, ctx, `getComputedStyle(document.getElementById('toolbar')).display`),
		"the script did not run: its toolbar stays hidden")
	tassert.Equal(t, "PASSED", eval[string](t, ctx, `document.getElementById('headline').innerText`))
	tassert.Contains(t, eval[string](t, ctx, `document.getElementById('totals').innerText`), "6 scenario(s): 6 passed")
	tassert.Equal(t, 6, eval[int](t, ctx, `[...document.querySelectorAll('article.check')].filter(a => a.offsetHeight > 0).length`))
	tassert.Equal(t, 12, eval[int](t, ctx, `[...document.querySelectorAll('a.mark.attempt circle:not(.ring)')].filter(c => c.getBoundingClientRect().width > 0).length`),
		"1 + 1 + 4 + 1 + 1 + 4 attempts drawn")

	// The third scenario retried: its fourth attempt's link opens its panel.
	panel := eval[string](t, ctx, `document.querySelectorAll('article.check')[2].querySelectorAll('a.mark.attempt')[3].dataset.panel`)
	tassert.Equal(t, "none", eval[string](t, ctx, fmt.Sprintf(`getComputedStyle(document.getElementById(%q)).display`, panel)))
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate("file://"+file+"#"+panel)))
	tassert.Equal(t, "block", eval[string](t, ctx, fmt.Sprintf(`getComputedStyle(document.getElementById(%q)).display`, panel)))
	tassert.Contains(t, eval[string](t, ctx, fmt.Sprintf(`document.getElementById(%q).innerText`, panel)), "200 OK")

	// Light and dark: the page follows prefers-color-scheme.
	bg := func() string { return eval[string](t, ctx, `getComputedStyle(document.body).backgroundColor`) }
	media := func(p emulation.SetEmulatedMediaParams) {
		_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, p)
		require.NoError(t, err)
	}
	media(emulation.SetEmulatedMediaParams{Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "light"}}})
	tassert.Equal(t, "rgb(255, 255, 255)", bg())
	media(emulation.SetEmulatedMediaParams{Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}}})
	tassert.Equal(t, "rgb(13, 17, 23)", bg())
	// Printed: black on white whatever the scheme, no open attempt panel.
	media(emulation.SetEmulatedMediaParams{Media: "print", Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}}})
	tassert.Equal(t, "rgb(255, 255, 255)", bg())
	tassert.Equal(t, "none", eval[string](t, ctx, fmt.Sprintf(`getComputedStyle(document.getElementById(%q)).display`, panel)))
	tassert.Equal(t, 6, eval[int](t, ctx, `[...document.querySelectorAll('article.check')].filter(a => a.offsetHeight > 0).length`))
}
