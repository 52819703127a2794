package web_test

import (
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// gatedPaths are the API paths that return figures; the gate holds them.
var gatedPaths = []string{"/api/v1/panels/", "/api/v1/query", "/api/v1/budgets/status", "/api/v1/alerts/events"}

// gatedProxy serves the stack through a proxy that holds every figure request
// until release is closed, so the page can be seen while its panels load.
func gatedProxy(t *testing.T, target string) (base string, release func()) {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	gate := make(chan struct{})
	proxy := httputil.NewSingleHostReverseProxy(u)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, p := range gatedPaths {
			if strings.HasPrefix(r.URL.Path, p) {
				select {
				case <-gate:
				case <-r.Context().Done():
					return
				}
				break
			}
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	var once bool
	release = func() {
		if !once {
			once = true
			close(gate)
		}
	}
	t.Cleanup(release)
	return srv.URL, release
}

// box is a panel's id, state, whether it shows a skeleton, and its bounding box.
type box struct {
	ID       string  `json:"id"`
	Kind     string  `json:"kind"`
	State    string  `json:"state"`
	Skeleton bool    `json:"skeleton"`
	X        float64 `json:"x"`
	Y        float64 `json:"y"`
	W        float64 `json:"w"`
	H        float64 `json:"h"`
}

const boxesJS = `[...document.querySelectorAll('.panel')].map((p) => {
	const r = p.getBoundingClientRect();
	return { id: p.dataset.panel, kind: p.dataset.kind || '', state: p.dataset.state,
		skeleton: !!p.querySelector('.skeleton'), x: r.x, y: r.y + scrollY, w: r.width, h: r.height };
})`

// TestSkeletonStableLayout holds the figures back and checks that every panel
// shows a skeleton while it loads, then releases them and checks that no
// panel moves up, sideways or changes width, and that a row of charts and
// figures keeps its height exactly: data arriving never makes the layout jump
// back. Only rows with a table or list may grow, by their rows.
func TestSkeletonStableLayout(t *testing.T) {
	s := startStack(t)
	for _, tc := range []struct {
		width     int
		dashboard string
	}{{1440, "overview"}, {1440, "models"}, {1440, "customers"}, {1440, "anomalies"}, {390, "overview"}} {
		t.Run(fmt.Sprintf("%s-%d", tc.dashboard, tc.width), func(t *testing.T) {
			base, release := gatedProxy(t, s.url)
			b := newBrowser(t, tc.width, 1000)
			b.run(t,
				chromedp.Navigate(base+"/d/"+tc.dashboard),
				chromedp.WaitVisible(chromedp.ID("token")),
				chromedp.SendKeys(chromedp.ID("token"), s.admin),
				chromedp.Click(chromedp.CSS(`#login-form button[type="submit"]`)),
				chromedp.Poll[chromedp.Void](`document.querySelectorAll('.panel').length > 0`, chromedp.WithPollingTimeout(30*time.Second)),
			)
			before := evalJS[[]box](t, b, boxesJS)
			for _, p := range before {
				if p.State != "loading" || !p.Skeleton {
					t.Errorf("while loading, panel %s is %q with skeleton=%v, want loading with a skeleton", p.ID, p.State, p.Skeleton)
				}
				if p.H < 80 {
					t.Errorf("while loading, panel %s is %.0f px high, want the room of its figures", p.ID, p.H)
				}
			}
			b.screenshot(t, fmt.Sprintf("skeleton-%s-%d", tc.dashboard, tc.width))
			release()
			b.waitReady(t)
			after := map[string]box{}
			for _, p := range evalJS[[]box](t, b, boxesJS) {
				after[p.ID] = p
			}
			// A row holding a table or a list grows with its rows, and the
			// panels beside it stretch with it.
			growing := map[float64]bool{}
			for _, p := range before {
				if !stableKind(p.Kind) {
					growing[p.Y] = true
				}
			}
			for _, p := range before {
				a, ok := after[p.ID]
				switch {
				case !ok:
					t.Errorf("panel %s is gone after loading", p.ID)
				case a.Skeleton:
					t.Errorf("panel %s still shows a skeleton after loading", p.ID)
				case math.Abs(a.X-p.X) > 1 || math.Abs(a.W-p.W) > 1 || a.Y < p.Y-1:
					t.Errorf("panel %s moved from %+v to %+v", p.ID, p, a)
				case !growing[p.Y] && math.Abs(a.H-p.H) > 1: // Sub-pixel text rounding aside.
					t.Errorf("%s panel %s changed height from %.0f to %.0f px", p.Kind, p.ID, p.H, a.H)
				}
			}
			b.checkClean(t, tc.dashboard)
		})
	}
}

// stableKind reports whether a panel kind has a fixed height: charts and
// figures. Tables and bar lists grow with their rows.
func stableKind(kind string) bool {
	switch kind {
	case "table", "bargauge", "heatmap", "pace":
		return false
	}
	return true
}
