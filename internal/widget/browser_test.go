package widget_test

import (
	"context"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/llmcost/llmcost/internal/auth"
	"github.com/llmcost/llmcost/internal/chat"
	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/demo"
	"github.com/llmcost/llmcost/internal/duckdb"
	"github.com/llmcost/llmcost/internal/httpapi"
	"github.com/llmcost/llmcost/internal/query"
	"github.com/llmcost/llmcost/internal/web"
	"github.com/llmcost/llmcost/internal/widget"
)

func chromiumPath(t *testing.T) string {
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

func newTab(t *testing.T) context.Context {
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
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancelTab(); cancelAlloc() })
	return ctx
}

// server starts llmcost (store, query layer, chat engine, widget) over generated
// data, with pages on origins allowed to use the widget, and returns its URL, a
// customer token and the dataset.
func server(t *testing.T, origins ...string) (string, string, *demo.Dataset, time.Time) {
	t.Helper()
	now := time.Now().UTC()
	db, err := duckdb.Open("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ds := demo.Generate(demo.Options{Seed: 3, End: now, Days: 60, Customers: 6})
	if err := demo.Load(context.Background(), db, ds); err != nil {
		t.Fatal(err)
	}
	qs := query.NewService(db, func() time.Time { return now })
	kr, err := auth.NewKeyring(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	token, _, err := kr.Mint("cust_acme", time.Hour, now)
	if err != nil {
		t.Fatal(err)
	}
	srv := httpapi.NewServer(httpapi.Config{Addr: "127.0.0.1:0", Store: db, Query: qs, Keyring: kr,
		Chat: chat.New(chat.Config{Query: qs, Store: db}), Widget: widget.Handler(origins...), WidgetOrigins: origins,
		UI: web.Handler()})
	if err := srv.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv.URL(), token, ds, now
}

var hostPage = template.Must(template.New("host").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><title>Host product</title>
<style>div { color: red; font-size: 40px; }</style></head>
<body><h1>Host product</h1>
<script src="{{.Server}}/widget.js"></script>
<llmcost-chat id="chat" server="{{.Server}}" token="{{.Token}}"{{if .Mode}} mode="{{.Mode}}"{{end}}></llmcost-chat>
</body></html>`))

// hostProduct serves the host product's page embedding the widget of the
// server whose URL and token page returns when asked.
func hostProduct(t *testing.T, page func() map[string]string) *httptest.Server {
	host := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		hostPage.Execute(w, page())
	}))
	t.Cleanup(host.Close)
	return host
}

// TestWidgetInBrowser embeds the widget in a page on another origin, listed as
// a widget origin, with a customer token, asks a suggested question, and
// checks the answer and its link.
func TestWidgetInBrowser(t *testing.T) {
	ctx := newTab(t)
	var api, token string
	host := hostProduct(t, func() map[string]string { return map[string]string{"Server": api, "Token": token} })
	api, token, ds, now := server(t, host.URL)

	yesterday := cost.Day(now).AddDate(0, 0, -1)
	want := 0.0
	for _, l := range ds.Lines {
		if l.CustomerID == "cust_acme" && l.Date.Equal(yesterday) {
			want += l.CostUSD
		}
	}

	const root = `document.querySelector("llmcost-chat").shadowRoot`
	run(t, ctx, chromedp.Navigate(host.URL))
	chips := run(t, ctx, chromedp.Poll[int](root+`.querySelectorAll("button.suggestion").length`))
	run(t, ctx, chromedp.Evaluate[chromedp.Void](`[...`+root+`.querySelectorAll("button.suggestion")].find(b => b.textContent === "How much did we spend yesterday?").click()`))
	answer := run(t, ctx, chromedp.Poll[string](root+`.querySelector(".answer") && `+root+`.querySelector(".answer").textContent`))
	href := run(t, ctx, chromedp.Evaluate[string](root+`.querySelector(".answer a.dashboard-link").href`))
	if chips < 3 {
		t.Errorf("%d suggested questions, want at least 3", chips)
	}
	if !strings.Contains(answer, "You spent ") || !strings.Contains(answer, yesterday.Format("Mon Jan 2, 2006")) {
		t.Errorf("answer = %q, want yesterday's spend", answer)
	}
	if !containsMoney(answer, want) {
		t.Errorf("answer = %q, want $%.2f", answer, want)
	}
	if !strings.HasPrefix(href, api+"/d/overview?") || !strings.Contains(href, "var-customer_id=cust_acme") {
		t.Errorf("link = %q, want the overview dashboard on %s scoped to cust_acme", href, api)
	}

	// Typing a question and pressing Enter asks it; a bad token shows an error,
	// and setToken recovers without a reload.
	const enter = `(() => { const i = ` + root + `.querySelector("input"); i.value = "Which model is most expensive this week?";
		i.dispatchEvent(new KeyboardEvent("keydown", {key: "Enter", bubbles: true})); })()`
	run(t, ctx, chromedp.Evaluate[chromedp.Void](`document.querySelector("llmcost-chat").setToken("not-a-token")`))
	run(t, ctx, chromedp.Evaluate[chromedp.Void](enter))
	errText := run(t, ctx, chromedp.Poll[string](root+`.querySelector(".error") && `+root+`.querySelector(".error").textContent`))
	run(t, ctx, chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector("llmcost-chat").setToken(%q)`, token)))
	run(t, ctx, chromedp.Poll[bool](`!`+root+`.querySelector("input").disabled`))
	run(t, ctx, chromedp.Evaluate[chromedp.Void](enter))
	second := run(t, ctx, chromedp.Poll[string](root+`.querySelectorAll(".answer").length === 2 && `+root+`.querySelectorAll(".answer")[1].textContent`))
	if errText == "" {
		t.Error("no error shown for a bad token")
	}
	if !strings.Contains(second, "most expensive model") {
		t.Errorf("second answer = %q", second)
	}
}

func run[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func containsMoney(text string, x float64) bool {
	for _, f := range strings.Fields(text) {
		f = strings.Trim(f, ".,()")
		if !strings.HasPrefix(f, "$") {
			continue
		}
		v, err := strconv.ParseFloat(strings.ReplaceAll(f[1:], ",", ""), 64)
		if err == nil && math.Abs(v-x) < 0.006 {
			return true
		}
	}
	return false
}

// TestDemoPageInBrowser opens /widget-demo with a token in the URL fragment and
// asks a suggested question.
func TestDemoPageInBrowser(t *testing.T) {
	ctx := newTab(t)
	api, token, _, _ := server(t)
	const root = `document.querySelector("llmcost-chat").shadowRoot`
	run(t, ctx, chromedp.Navigate(api+"/widget-demo#token="+token))
	run(t, ctx, chromedp.Poll[int](root+`.querySelectorAll("button.suggestion").length`))
	run(t, ctx, chromedp.Evaluate[chromedp.Void](`[...`+root+`.querySelectorAll("button.suggestion")].find(b => b.textContent === "Are we over budget this month?").click()`))
	answer := run(t, ctx, chromedp.Poll[string](root+`.querySelector(".answer") && `+root+`.querySelector(".answer").textContent`))
	if !strings.Contains(answer, "budget") || !strings.Contains(answer, "$") {
		t.Errorf("answer = %q, want the budget status", answer)
	}
}

// TestWidgetInBrowser_UnlistedOrigin embeds the widget in a page on an origin
// the server does not list: the browser refuses the API's answer, so the
// widget shows an error and no figure.
func TestWidgetInBrowser_UnlistedOrigin(t *testing.T) {
	ctx := newTab(t)
	var api, token string
	host := hostProduct(t, func() map[string]string { return map[string]string{"Server": api, "Token": token} })
	api, token, _, _ = server(t, "https://app.example.com")
	const root = `document.querySelector("llmcost-chat").shadowRoot`
	run(t, ctx, chromedp.Navigate(host.URL))
	run(t, ctx, chromedp.Poll[int](root+`.querySelectorAll("button.suggestion").length`))
	run(t, ctx, chromedp.Evaluate[chromedp.Void](`[...`+root+`.querySelectorAll("button.suggestion")].find(b => b.textContent === "How much did we spend yesterday?").click()`))
	errText := run(t, ctx, chromedp.Poll[string](root+`.querySelector(".error") && `+root+`.querySelector(".error").textContent`))
	answers := run(t, ctx, chromedp.Evaluate[int](root+`.querySelectorAll(".answer").length`))
	if errText == "" || answers != 0 {
		t.Errorf("error %q, %d answers; want an error and no answer on an unlisted origin", errText, answers)
	}
}
