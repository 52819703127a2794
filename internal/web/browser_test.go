package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	cdplog "github.com/chromedp/cdproto/log"
)

// browser is a headless Chromium tab that records console errors, uncaught
// exceptions and failed requests.
type browser struct {
	ctx context.Context

	mu       sync.Mutex
	problems []string
	// codings holds the Content-Encoding of each API response, by its path.
	codings map[string]string
	// requests lists the API requests sent, as apiRequest names them.
	requests []string
}

// chromiumPath finds Debian's chromium (or Chrome). Without one the browser tests
// skip locally, but fail in CI, which installs chromium.
func chromiumPath(t testing.TB) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium is not installed; .ci/run installs it")
	}
	t.Skip("chromium is not installed (apt-get install -y chromium); CI runs these tests")
	return ""
}

func newBrowser(t testing.TB, width, height int) *browser {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(width, height),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	b := &browser{}
	ctx, cancelTab := chromedp.NewContext(actx, chromedp.WithListener(b.observe))
	t.Cleanup(func() { cancelTab(); cancelAlloc() })
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(int64(width), int64(height))); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	// A safety net so a hung browser fails the test instead of the whole run.
	b.ctx, cancelTab = context.WithTimeout(ctx, 4*time.Minute)
	t.Cleanup(cancelTab)
	return b
}

func (b *browser) observe(ev any) {
	var p string
	switch e := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeAssert {
			var args []string
			for _, a := range e.Args {
				args = append(args, string(a.Value)+a.Description)
			}
			p = fmt.Sprintf("console.%s: %s", e.Type, strings.Join(args, " "))
		}
	case *runtime.EventExceptionThrown:
		p = "exception: " + e.ExceptionDetails.Text
		if e.ExceptionDetails.Exception != nil {
			p += " " + e.ExceptionDetails.Exception.Description
		}
	case *cdplog.EventEntryAdded:
		if e.Entry.Level == cdplog.EntryLevelError {
			p = "log: " + e.Entry.Text + " " + e.Entry.URL
		}
	case *network.EventLoadingFailed:
		if !e.Canceled {
			p = "request failed: " + e.ErrorText
		}
	case *network.EventRequestWillBeSent:
		b.recordRequest(e.Request)
	case *network.EventResponseReceived:
		if e.Response.Status >= 400 {
			p = fmt.Sprintf("HTTP %d %s", e.Response.Status, e.Response.URL)
		}
		b.recordCoding(e.Response)
	}
	if p != "" {
		b.mu.Lock()
		b.problems = append(b.problems, p)
		b.mu.Unlock()
	}
}

// recordCoding notes the Content-Encoding of an API response.
func (b *browser) recordCoding(r *network.Response) {
	u, err := url.Parse(r.URL)
	if err != nil || !strings.HasPrefix(u.Path, "/api/") {
		return
	}
	coding := ""
	for k, v := range r.Headers {
		if strings.EqualFold(k, "Content-Encoding") {
			coding = fmt.Sprint(v)
		}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.codings == nil {
		b.codings = map[string]string{}
	}
	b.codings[u.Path] = coding
}

// recordRequest notes an API request: "METHOD /api/v1/path", and for a POST
// of a query its group_by.
func (b *browser) recordRequest(r *network.Request) {
	u, err := url.Parse(r.URL)
	if err != nil || !strings.HasPrefix(u.Path, "/api/") {
		return
	}
	name := r.Method + " " + u.Path
	if r.Method == "POST" && u.Path == "/api/v1/query" {
		var body struct {
			GroupBy []string `json:"group_by"`
		}
		var data []byte
		for _, e := range r.PostDataEntries {
			data = append(data, e.Bytes...)
		}
		if json.Unmarshal(data, &body) == nil {
			name += " by " + strings.Join(body.GroupBy, ",")
		}
	}
	b.mu.Lock()
	b.requests = append(b.requests, name)
	b.mu.Unlock()
}

// takeRequests returns the API requests recorded since the last call.
func (b *browser) takeRequests() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	r := b.requests
	b.requests = nil
	return r
}

// coding returns the Content-Encoding of the last response to an API path.
func (b *browser) coding(path string) (string, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	c, ok := b.codings[path]
	return c, ok
}

// checkClean fails the test if the page logged errors or a request failed.
func (b *browser) checkClean(t testing.TB, where string) {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, p := range b.problems {
		t.Errorf("%s: %s", where, p)
	}
	b.problems = nil
}

// forget drops the problems recorded so far.
func (b *browser) forget() {
	b.mu.Lock()
	b.problems = nil
	b.mu.Unlock()
}

func (b *browser) run(t testing.TB, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		t.Fatalf("browser: %v", err)
	}
}

// evalJS evaluates a JavaScript expression in the page and decodes its value.
func evalJS[T any](t testing.TB, b *browser, js string, opts ...chromedp.EvaluateOption) T {
	t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](js, opts...))
	if err != nil {
		t.Fatalf("evaluate %.60q: %v", js, err)
	}
	return v
}

// waitReady waits until every panel has finished loading for the current URL.
func (b *browser) waitReady(t testing.TB) {
	t.Helper()
	b.run(t, chromedp.Poll[chromedp.Void](`(() => {
		const d = document.getElementById('dash');
		return d && d.dataset.state === 'ready' && d.dataset.rendered === location.search &&
			document.querySelectorAll('.panel').length > 0 &&
			document.querySelectorAll('.panel[data-state="loading"]').length === 0;
	})()`, chromedp.WithPollingTimeout(90*time.Second)))
}

// signIn opens path and signs in with token through the login form.
func (b *browser) signIn(t testing.TB, base, path, token string) {
	t.Helper()
	b.run(t,
		chromedp.Navigate(base+path),
		chromedp.WaitVisible(chromedp.ID("token")),
		chromedp.SendKeys(chromedp.ID("token"), token),
		chromedp.Click(chromedp.CSS(`#login-form button[type="submit"]`)),
	)
	b.waitReady(t)
}

func (b *browser) location(t testing.TB) string {
	t.Helper()
	return evalJS[string](t, b, `location.pathname + location.search`)
}

// screenshot saves a full-page PNG under testout/ at the repository root.
func (b *browser) screenshot(t testing.TB, name string) {
	t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	path := filepath.Join("..", "..", "testout", "web", filepath.FromSlash(name)+".png")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// panelInfo is what the page reports about one rendered panel.
type panelInfo struct {
	ID     string `json:"id"`
	Kind   string `json:"kind"`
	State  string `json:"state"`
	Dates  string `json:"dates"`
	Points int    `json:"points"` // Chart data points, table rows or 1 for a stat.
	Text   string `json:"text"`
}

// panelsJS reports the catalog's panels; UI-only panels (data-extra) are
// checked by extraPanel.
const panelsJS = `[...document.querySelectorAll('.panel:not([data-extra])')].map((p) => {
	const chartEl = p.querySelector('.chart');
	const chart = chartEl && window.echarts.getInstanceByDom(chartEl);
	let points = 0;
	if (chart) {
		for (const s of chart.getOption().series) points += (s.data || []).filter((v) => v != null).length;
	} else if (p.querySelector('tbody')) {
		points = p.querySelectorAll('tbody tr').length;
	} else if (p.querySelector('.stat-value')) {
		points = p.querySelector('.stat-value').textContent.trim() === '—' ? 0 : 1;
	}
	return { id: p.dataset.panel, kind: p.dataset.kind, state: p.dataset.state,
		dates: p.querySelector('.panel-dates').textContent, points, text: p.querySelector('.panel-body').innerText };
})`

func (b *browser) panels(t testing.TB) []panelInfo {
	t.Helper()
	return evalJS[[]panelInfo](t, b, panelsJS)
}

// xAxisLen returns the number of x-axis categories of a panel's chart.
func (b *browser) xAxisLen(t testing.TB, panel string) int {
	t.Helper()
	return evalJS[int](t, b, fmt.Sprintf(`(() => {
		const el = document.querySelector('.panel[data-panel=%q] .chart');
		return window.echarts.getInstanceByDom(el).getOption().xAxis[0].data.length;
	})()`, panel))
}

// clickChart clicks, with the real mouse, the pixel of a data point of a panel's
// chart. point is a JS expression evaluated with chart and option in scope that
// returns the data coordinates to click.
func (b *browser) clickChart(t testing.TB, panel, point string) {
	t.Helper()
	xy := evalJS[[]float64](t, b, fmt.Sprintf(`(() => {
		const el = document.querySelector('.panel[data-panel=%q] .chart');
		el.scrollIntoView({ block: 'center' });
		const chart = window.echarts.getInstanceByDom(el);
		const option = chart.getOption();
		const px = chart.convertToPixel({ xAxisIndex: 0, yAxisIndex: 0 }, %s);
		const r = el.getBoundingClientRect();
		return [r.left + px[0], r.top + px[1]];
	})()`, panel, point))
	if len(xy) != 2 {
		t.Fatalf("no pixel for %s", panel)
	}
	b.run(t, chromedp.MouseClickXY(xy[0], xy[1]))
}
