package widget_test

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/demo"
)

const root = `document.querySelector("llmcost-chat").shadowRoot`

// embedded starts a server whose widget the host product's page (another
// origin, listed as a widget origin) embeds in the given mode; it returns the
// host page's URL besides what server returns.
func embedded(t *testing.T, mode string) (string, string, string, *demo.Dataset, time.Time) {
	t.Helper()
	var api, token string
	host := hostProduct(t, func() map[string]string { return map[string]string{"Server": api, "Token": token, "Mode": mode} })
	api, token, ds, now := server(t, host.URL)
	return host.URL, api, token, ds, now
}

// askAndWait types a question, presses Enter and returns the text of answer n
// (counting from 1) once it is shown.
func askAndWait(t *testing.T, ctx chromedpContext, q string, n int) string {
	t.Helper()
	run(t, ctx, chromedp.Poll[bool](`!`+root+`.querySelector("input").disabled`))
	run(t, ctx, chromedp.Evaluate[chromedp.Void](`(() => { const i = `+root+`.querySelector("input"); i.value = `+jsString(q)+`;
		i.dispatchEvent(new KeyboardEvent("keydown", {key: "Enter", bubbles: true})); })()`))
	return run(t, ctx, chromedp.Poll[string](root+`.querySelectorAll(".answer").length >= `+itoa(n)+` && `+root+`.querySelectorAll(".answer")[`+itoa(n-1)+`].textContent`))
}

// TestWidgetAnswersInBrowser checks, as a customer in headless Chromium, the
// greeting with the month's figures, an answer's interpretation line and table,
// a chart labelled with values, and a follow-up that keeps the conversation.
func TestWidgetAnswersInBrowser(t *testing.T) {
	ctx := newTab(t)
	page, _, _, ds, now := embedded(t, "")
	run(t, ctx, chromedp.Navigate(page))

	today := cost.Day(now)
	mtd := 0.0
	models := map[string]bool{}
	lastMonth := cost.MonthStart(today).AddDate(0, -1, 0)
	for _, l := range ds.Lines {
		if l.CustomerID != "cust_acme" {
			continue
		}
		if !l.Date.Before(cost.MonthStart(today)) && !l.Date.After(today) {
			mtd += l.CostUSD
		}
		if !l.Date.Before(lastMonth) && !l.Date.After(cost.MonthEnd(lastMonth)) {
			models[l.Model] = true
		}
	}
	greeting := run(t, ctx, chromedp.Poll[string](root+`.querySelector(".greeting") && `+root+`.querySelector(".greeting").textContent.includes("spent") && `+root+`.querySelector(".greeting").textContent`))
	if !containsMoney(greeting, mtd) {
		t.Errorf("greeting = %q, want this month's $%.2f", greeting, mtd)
	}

	answer := askAndWait(t, ctx, "Break down my cost by model for last month", 1)
	reading := run(t, ctx, chromedp.Evaluate[string](root+`.querySelectorAll(".answer")[0].querySelector(".reading").textContent`))
	rows := run(t, ctx, chromedp.Evaluate[int](root+`.querySelectorAll(".answer")[0].querySelectorAll("table.data tr").length`))
	labels := run(t, ctx, chromedp.Evaluate[[]string](`[...`+root+`.querySelectorAll(".answer")[0].querySelectorAll("svg.chart text.label")].map(e => e.textContent)`))
	axis := run(t, ctx, chromedp.Evaluate[string](root+`.querySelectorAll(".answer")[0].querySelector("svg.chart text.axis").textContent`))
	wantLine := "Cost by model · last month, " + lastMonth.Format("Mon Jan 2")
	if !strings.HasPrefix(reading, wantLine) {
		t.Errorf("interpretation line = %q, want it to start %q (answer %q)", reading, wantLine, answer)
	}
	if rows != len(models)+1 {
		t.Errorf("table has %d rows, want a header and %d models", rows, len(models))
	}
	if len(labels) == 0 {
		t.Error("chart has no labels")
	}
	for _, l := range labels {
		if !models[strings.TrimSuffix(l, "…")] && !slices.ContainsFunc(keys(models), func(m string) bool { return strings.HasPrefix(m, strings.TrimSuffix(l, "…")) }) {
			t.Errorf("chart label %q is not a model of the answer (%v)", l, keys(models))
		}
	}
	if axis != "USD" {
		t.Errorf("chart axis = %q, want USD", axis)
	}

	// A follow-up keeps the conversation: the same breakdown, a month earlier.
	askAndWait(t, ctx, "and the month before?", 2)
	second := run(t, ctx, chromedp.Evaluate[string](root+`.querySelectorAll(".answer")[1].querySelector(".reading").textContent`))
	before := lastMonth.AddDate(0, -1, 0)
	if !strings.HasPrefix(second, "Cost by model · ") || !strings.Contains(second, before.Format("Mon Jan 2")) {
		t.Errorf("follow-up line = %q, want cost by model from %s", second, before.Format("Mon Jan 2"))
	}

	// An unknown question says so, with no figure.
	third := askAndWait(t, ctx, "What was our revenue last month?", 3)
	line := run(t, ctx, chromedp.Evaluate[string](root+`.querySelectorAll(".answer")[2].querySelector(".reading").textContent`))
	if strings.Contains(third, "$") || line != "Not understood" {
		t.Errorf("unknown question answered %q (line %q)", third, line)
	}
}

// TestWidgetChartLabelsSpike asks why costs changed and checks that the chart
// labels are values (a provider, a model), never column names.
func TestWidgetChartLabelsSpike(t *testing.T) {
	ctx := newTab(t)
	page, _, _, _, _ := embedded(t, "")
	run(t, ctx, chromedp.Navigate(page))
	askAndWait(t, ctx, "What's driving my costs this month?", 1)
	labels := run(t, ctx, chromedp.Evaluate[[]string](`[...`+root+`.querySelectorAll(".answer")[0].querySelectorAll("svg.chart text.label")].map(e => e.textContent)`))
	if len(labels) == 0 {
		t.Fatal("driver chart has no labels")
	}
	for _, l := range labels {
		if slices.Contains([]string{"dimension", "cloud_provider", "customer_id", "model", "service", "value"}, l) {
			t.Errorf("chart label %q is a column name, want a value", l)
		}
	}
}

// TestWidgetLauncher opens the widget from its floating button and checks the
// greeting appears only then.
func TestWidgetLauncher(t *testing.T) {
	ctx := newTab(t)
	page, _, _, _, _ := embedded(t, "launcher")
	run(t, ctx, chromedp.Navigate(page))
	run(t, ctx, chromedp.Poll[bool](root+` !== null && `+root+`.querySelector(".launcher") !== null`))
	hidden := run(t, ctx, chromedp.Evaluate[bool](root+`.querySelector(".box").hidden`))
	greetings := run(t, ctx, chromedp.Evaluate[int](root+`.querySelectorAll(".greeting").length`))
	if !hidden || greetings != 0 {
		t.Errorf("launcher: box hidden %v and %d greetings before opening, want hidden and none", hidden, greetings)
	}
	run(t, ctx, chromedp.Evaluate[chromedp.Void](root+`.querySelector(".launcher").click()`))
	run(t, ctx, chromedp.Poll[bool](`!`+root+`.querySelector(".box").hidden && `+root+`.querySelectorAll(".greeting").length === 1`))
	answer := askAndWait(t, ctx, "How much did I spend yesterday?", 1)
	if !strings.Contains(answer, "You spent $") {
		t.Errorf("answer in launcher = %q", answer)
	}
}

// TestWidgetDashboardLink clicks an answer's dashboard link as a customer and
// checks that the dashboard opens signed in as that customer, with no token
// prompt: the widget fetched a link token and passed it in the fragment.
func TestWidgetDashboardLink(t *testing.T) {
	ctx := newTab(t)
	page, api, token, _, _ := embedded(t, "")
	run(t, ctx, chromedp.Navigate(page))
	// Capture the URL the widget opens instead of opening a second tab.
	run(t, ctx, chromedp.Evaluate[chromedp.Void](`window.__win = {location: {href: ""}}; window.open = () => window.__win;`))
	askAndWait(t, ctx, "How much did I spend last week?", 1)
	run(t, ctx, chromedp.Evaluate[chromedp.Void](root+`.querySelector(".answer a.dashboard-link").click()`))
	url := run(t, ctx, chromedp.Poll[string](`window.__win.location.href`))
	if !strings.HasPrefix(url, api+"/d/") || !strings.Contains(url, "#link_token=") || strings.Contains(url, token) {
		t.Fatalf("opened %q, want a dashboard link on %s carrying a link token (not the widget's token)", url, api)
	}
	run(t, ctx, chromedp.Navigate(url))
	who := run(t, ctx, chromedp.Poll[string](`document.getElementById("who") && document.getElementById("who").textContent`))
	login := run(t, ctx, chromedp.Evaluate[bool](`document.getElementById("login").hidden`))
	hash := run(t, ctx, chromedp.Evaluate[string](`location.hash`))
	if !strings.Contains(who, "cust_acme") && !strings.Contains(who, "Acme") || !login {
		t.Errorf("dashboard shows %q (login hidden %v), want signed in as cust_acme", who, login)
	}
	if hash != "" {
		t.Errorf("location.hash = %q after sign-in, want the link token removed", hash)
	}
}

type chromedpContext = context.Context

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func itoa(n int) string { return strconv.Itoa(n) }

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
