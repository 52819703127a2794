package web_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"log/slog"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/llmcost/llmcost/internal/alert"
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

// stack is a real llmcost server (DuckDB in memory, demo data, the query layer,
// the HTTP API and this package's UI) for the browser tests.
type stack struct {
	url     string
	admin   string
	keyring *auth.Keyring
	store   cost.Store
	alerts  *alert.Engine
	data    *demo.Dataset
	now     time.Time
}

const adminToken = "admin-token-for-browser-tests"

func startStack(t testing.TB) *stack {
	t.Helper()
	return startStackAt(t, time.Date(2026, 11, 28, 15, 0, 0, 0, time.UTC))
}

// startStackAt starts a stack whose clock stands at now, with demo data to the
// day before.
func startStackAt(t testing.TB, now time.Time) *stack {
	t.Helper()
	return startStackWith(t, demo.Options{Seed: 7, End: now, Days: 120})
}

// startStackWith starts a stack on the demo data o generates, its clock at
// o.End.
func startStackWith(t testing.TB, o demo.Options) *stack {
	t.Helper()
	now := o.End
	clock := func() time.Time { return now }
	db, err := duckdb.Open("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ds := demo.Generate(o)
	if err := demo.Load(context.Background(), db, ds); err != nil {
		t.Fatal(err)
	}
	kr, err := auth.OpenKeyring(auth.Options{Dir: t.TempDir(), AdminToken: adminToken})
	if err != nil {
		t.Fatal(err)
	}
	q := query.NewService(db, clock)
	alerts := alert.New(alert.Config{Query: q, Store: db, Alerts: db})
	t.Cleanup(func() { alerts.Close() })
	srv := httpapi.NewServer(httpapi.Config{
		Addr:    "127.0.0.1:0",
		Store:   db,
		Query:   q,
		Keyring: kr,
		Alerts:  alerts,
		Chat:    chat.New(chat.Config{Query: q, Store: db}),
		UI:      web.Handler(),
		Widget:  widget.Handler(),
		Logger:  slog.New(slog.DiscardHandler),
		Now:     clock,
	})
	if err := srv.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return &stack{url: srv.URL(), admin: adminToken, keyring: kr, store: db, alerts: alerts, data: ds, now: now}
}

// spendSince sums demo cost per customer on days >= from, independently of the
// query layer.
func (s *stack) spendSince(from time.Time) map[string]float64 {
	m := map[string]float64{}
	for _, l := range s.data.Lines {
		if !l.Date.Before(from) && l.CustomerID != "" {
			m[l.CustomerID] += l.CostUSD
		}
	}
	return m
}

func (s *stack) today() time.Time { return cost.Day(s.now) }

func (b *browser) open(t testing.TB, base, path string) {
	t.Helper()
	b.run(t, chromedp.Navigate(base+path))
	b.waitReady(t)
}

// waitURL waits until the page's URL contains want.
func (b *browser) waitURL(t testing.TB, want string) {
	t.Helper()
	b.run(t, chromedp.Poll[chromedp.Void](fmt.Sprintf(`decodeURIComponent(location.search).includes(%q)`, want),
		chromedp.WithPollingTimeout(30*time.Second)))
}

func TestDashboardsInBrowser(t *testing.T) {
	s := startStack(t)
	b := newBrowser(t, 1440, 1000)
	b.run(t,
		chromedp.Navigate(s.url+"/d/overview"),
		chromedp.WaitVisible(chromedp.ID("token")),
		chromedp.SendKeys(chromedp.ID("token"), "not-a-token"),
		chromedp.Click(chromedp.CSS(`#login-form button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.ID("login-error")),
	)
	if msg := evalJS[string](t, b, `document.getElementById('login-error').textContent`); !strings.Contains(msg, "not accepted") {
		t.Errorf("bad token message %q", msg)
	}
	if tok := evalJS[string](t, b, `sessionStorage.getItem('llmcost.token') || ''`); tok != "" {
		t.Errorf("bad token kept in the session: %q", tok)
	}
	b.forget() // The rejected token's 401 is expected.
	b.signIn(t, s.url, "/d/overview", s.admin)
	if tok := evalJS[string](t, b, `sessionStorage.getItem('llmcost.token')`); tok != s.admin {
		t.Errorf("session token %q, want the admin token", tok)
	}
	b.checkClean(t, "sign in")

	t.Run("EveryPanelRenders", func(t *testing.T) {
		for _, d := range cost.Dashboards {
			b.open(t, s.url, "/d/"+d.ID)
			got := b.panels(t)
			if len(got) != len(d.Panels) {
				t.Fatalf("%s: %d panels, want %d", d.ID, len(got), len(d.Panels))
			}
			for i, p := range got {
				if p.ID != d.Panels[i].ID || p.Kind != d.Panels[i].Kind {
					t.Errorf("%s: panel %d is %s/%s, want %s/%s", d.ID, i, p.ID, p.Kind, d.Panels[i].ID, d.Panels[i].Kind)
				}
				if p.State != "ready" || p.Points == 0 {
					t.Errorf("%s/%s: state %q with %d points (%q), want a rendered chart or table", d.ID, p.ID, p.State, p.Points, p.Text)
				}
				if p.Dates == "" {
					t.Errorf("%s/%s: no dates shown", d.ID, p.ID)
				}
			}
			b.screenshot(t, d.ID)
			b.checkClean(t, d.ID)
		}
	})

	t.Run("TimeRangeChangesURLAndData", func(t *testing.T) {
		b.open(t, s.url, "/d/overview")
		// Demo data runs to yesterday; "last N days" is today−N..today, so N days of data.
		if got, want := b.xAxisLen(t, "daily-cost-trend"), 30; got != want {
			t.Errorf("default range: %d days on the trend, want %d", got, want)
		}
		evalJS[bool](t, b, `(() => { const s = document.getElementById('var-range'); s.value = '7d'; s.dispatchEvent(new Event('change')); return true; })()`)
		b.waitURL(t, "from=now-7d&to=now-1d")
		b.waitReady(t)
		if got, want := b.xAxisLen(t, "daily-cost-trend"), 7; got != want {
			t.Errorf("last 7 days: %d days on the trend, want %d", got, want)
		}
		// Exactly 7 days, ending yesterday, as the label says.
		wantDates := s.today().AddDate(0, 0, -7).Format("Jan 2") + " – " + s.today().AddDate(0, 0, -1).Format("Jan 2, 2006") + " (7 days)"
		if p := b.panels(t)[2]; p.Dates != wantDates {
			t.Errorf("trend dates %q, want %q", p.Dates, wantDates)
		}
		evalJS[bool](t, b, `(() => { const s = document.getElementById('var-range'); s.value = 'last-month'; s.dispatchEvent(new Event('change')); return true; })()`)
		b.waitURL(t, "from=now-1M/M")
		b.waitReady(t)
		lastMonth := time.Date(s.today().Year(), s.today().Month()-1, 1, 0, 0, 0, 0, time.UTC)
		days := lastMonth.AddDate(0, 1, -1).Day()
		if got := b.xAxisLen(t, "daily-cost-trend"); got != days {
			t.Errorf("last month: %d days on the trend, want %d", got, days)
		}
		want := fmt.Sprintf("%s – %s (%d days)", lastMonth.Format("Jan 2"), lastMonth.AddDate(0, 1, -1).Format("Jan 2, 2006"), days)
		if p := b.panels(t)[2]; p.Dates != want {
			t.Errorf("last month: trend dates %q, want %q", p.Dates, want)
		}
		// Back restores the previous range, in the URL, the selector and the data.
		b.run(t, chromedp.NavigateBack())
		b.waitURL(t, "from=now-7d")
		b.waitReady(t)
		if got := evalJS[string](t, b, `document.getElementById('var-range').value`); got != "7d" {
			t.Errorf("after Back the range selector shows %q, want 7d", got)
		}
		if got, want := b.xAxisLen(t, "daily-cost-trend"), 7; got != want {
			t.Errorf("after Back: %d days on the trend, want %d", got, want)
		}
		b.checkClean(t, "time range")
	})

	t.Run("ProviderVariableFilters", func(t *testing.T) {
		b.open(t, s.url, "/d/overview")
		b.run(t,
			chromedp.Click(chromedp.CSS("#var-cloud_provider summary")),
			chromedp.Click(chromedp.CSS(`#var-cloud_provider input[value="AWS"]`)),
		)
		b.waitURL(t, "var-cloud_provider=AWS")
		b.waitReady(t)
		names := evalJS[[]string](t, b, `(() => {
			const el = document.querySelector('.panel[data-panel="cost-by-provider"] .chart');
			return window.echarts.getInstanceByDom(el).getOption().series[0].data.map((d) => d.name);
		})()`)
		if want := []string{"AWS"}; !slices.Equal(names, want) {
			t.Errorf("pie slices %v, want %v", names, want)
		}
		b.checkClean(t, "provider variable")
	})

	t.Run("DrillDownOnCustomerBar", func(t *testing.T) {
		b.open(t, s.url, "/d/overview")
		spend := s.spendSince(s.today().AddDate(0, 0, -30))
		top := ""
		for id, v := range spend {
			if top == "" || v > spend[top] {
				top = id
			}
		}
		b.clickChart(t, "top-customers", `[option.series[0].data[0].value / 2, 0]`)
		b.waitURL(t, "var-customer_id="+top)
		b.waitReady(t)
		bars := evalJS[int](t, b, `(() => {
			const el = document.querySelector('.panel[data-panel="top-customers"] .chart');
			return window.echarts.getInstanceByDom(el).getOption().series[0].data.length;
		})()`)
		if bars != 1 {
			t.Errorf("after drill-down the top customers show %d bars, want 1", bars)
		}
		if got := evalJS[string](t, b, `document.getElementById('var-customer_id').value`); got != top {
			t.Errorf("customer selector %q, want %q", got, top)
		}
		b.checkClean(t, "customer drill-down")
	})

	t.Run("DrillDownOnModelCell", func(t *testing.T) {
		b.open(t, s.url, "/d/models")
		model := evalJS[string](t, b, `document.querySelector('.panel[data-panel="cost-per-model"] button[data-drill="model"]').dataset.value`)
		b.run(t, chromedp.Click(chromedp.CSS(`.panel[data-panel="cost-per-model"] button[data-drill="model"]`)))
		b.waitURL(t, "var-model="+model)
		b.waitReady(t)
		models := evalJS[[]string](t, b, `[...document.querySelectorAll('.panel[data-panel="cost-per-model"] button[data-drill="model"]')].map((x) => x.dataset.value)`)
		if len(models) == 0 {
			t.Fatal("no rows after drill-down")
		}
		for _, m := range models {
			if m != model {
				t.Errorf("row for model %q after filtering by %q", m, model)
			}
		}
		b.checkClean(t, "model drill-down")
	})

	t.Run("EmptyStatesSayWhy", func(t *testing.T) {
		acme := s.data.Customers[0]
		b.open(t, s.url, "/d/models?from=2020-01-01&to=2020-01-31&var-customer_id="+acme.ID)
		if got := evalJS[string](t, b, `document.getElementById('var-range').value`); got != "custom" {
			t.Errorf("time range selector %q for explicit dates, want custom", got)
		}
		if got := evalJS[string](t, b, `document.getElementById('var-from').value + '..' + document.getElementById('var-to').value`); got != "2020-01-01..2020-01-31" {
			t.Errorf("custom range inputs %q", got)
		}
		for _, p := range b.panels(t) {
			if p.State != "empty" {
				t.Errorf("%s: state %q, want empty", p.ID, p.State)
			}
			if want := "No data for " + acme.Name + " in "; !strings.Contains(p.Text, want) {
				t.Errorf("%s: empty state %q does not contain %q", p.ID, p.Text, want)
			}
		}
		if p := b.panels(t)[0]; !strings.Contains(p.Text, "Jan 1 – Jan 31, 2020") {
			t.Errorf("%s: empty state %q does not name the range", p.ID, p.Text)
		}
		b.checkClean(t, "empty states")
	})

	t.Run("CSVExport", func(t *testing.T) {
		dir := t.TempDir()
		if _, err := chromedp.CallBrowser(b.ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
			Behavior: "allow", DownloadPath: dir,
		}); err != nil {
			t.Fatal(err)
		}
		b.open(t, s.url, "/d/overview")
		b.run(t, chromedp.Click(chromedp.CSS(`.panel[data-panel="top-customers"] .panel-head button`)))
		from := s.today().AddDate(0, 0, -30)
		name := fmt.Sprintf("overview-top-customers-%s-%s.csv", from.Format(cost.DateLayout), s.today().AddDate(0, 0, -1).Format(cost.DateLayout))
		rows := readDownload(t, filepath.Join(dir, name))
		if got, want := strings.Join(rows[0], ","), "customer_id,total_spend"; got != want {
			t.Errorf("CSV header %q, want %q", got, want)
		}
		if got, want := len(rows)-1, 10; got != want {
			t.Fatalf("CSV has %d customers, want %d", got, want)
		}
		spend := s.spendSince(from)
		for _, r := range rows[1:] {
			got, err := strconv.ParseFloat(r[1], 64)
			if err != nil {
				t.Fatalf("CSV row %v: %v", r, err)
			}
			if want := spend[r[0]]; math.Abs(got-want) > 0.005 {
				t.Errorf("CSV spend of %s = %.4f, want %.4f", r[0], got, want)
			}
		}
		b.checkClean(t, "CSV export")
	})

	t.Run("AnomalyDayExplained", func(t *testing.T) {
		b.open(t, s.url, "/d/anomalies")
		spike := s.data.SpikeDate.Format(cost.DateLayout)
		idx := evalJS[int](t, b, fmt.Sprintf(`(() => {
			const el = document.querySelector('.panel[data-panel="cost-anomalies"] .chart');
			return window.echarts.getInstanceByDom(el).getOption().xAxis[0].data.indexOf(%q);
		})()`, spike))
		if idx < 0 {
			t.Fatalf("spike day %s is not on the anomaly chart", spike)
		}
		marked := evalJS[[]string](t, b, `(() => {
			const el = document.querySelector('.panel[data-panel="cost-anomalies"] .chart');
			const s = window.echarts.getInstanceByDom(el).getOption().series.find((x) => x.name === 'Anomaly');
			return s.data.map((d) => d.value[0]);
		})()`)
		if !slices.Contains(marked, spike) {
			t.Errorf("anomalies marked on %v, want %s among them", marked, spike)
		}
		b.clickChart(t, "cost-anomalies", fmt.Sprintf(`[%d, option.series[2].data[%d]]`, idx, idx))
		b.waitURL(t, "date="+spike)
		b.run(t, chromedp.Poll[chromedp.Void](`document.getElementById('explain').dataset.state === 'ready'`,
			chromedp.WithPollingTimeout(30*time.Second)))
		text := evalJS[string](t, b, `document.getElementById('explain').innerText`)
		var name string
		for _, c := range s.data.Customers {
			if c.ID == s.data.SpikeCustomer {
				name = c.Name
			}
		}
		if !strings.Contains(text, name) || !strings.Contains(text, s.data.SpikeModel) {
			t.Errorf("explanation of %s does not name %s and %s:\n%s", spike, name, s.data.SpikeModel, text)
		}
		b.screenshot(t, "anomalies-explained")
		b.checkClean(t, "anomaly explanation")
	})

	t.Run("UnpricedUsageShown", func(t *testing.T) {
		day := s.today().AddDate(0, 0, -1)
		line := cost.LineItem{Date: day, CloudProvider: "OpenAI", Service: "OpenAI API", Model: "mystery-llm",
			TokenType: "input", UsageAmount: 1_500_000, UsageUnit: "tokens", Unpriced: true,
			Source: "events", SourcePartition: "browser-test", CostSource: "event_estimate", DataStatus: "estimated"}
		batch := &cost.Batch{Replace: []cost.Partition{{Source: "events", Key: "browser-test"}}, Lines: []cost.LineItem{line}}
		if _, err := s.store.Apply(context.Background(), batch); err != nil {
			t.Fatal(err)
		}
		b.open(t, s.url, "/d/overview")
		text := evalJS[string](t, b, `document.getElementById('notice').hidden ? '' : document.getElementById('notice').innerText`)
		for _, want := range []string{"1.5M tokens", "mystery-llm", "no known price"} {
			if !strings.Contains(text, want) {
				t.Errorf("unpriced notice %q does not contain %q", text, want)
			}
		}
		b.checkClean(t, "unpriced notice")
	})

	t.Run("NamesAreNeverMarkup", func(t *testing.T) {
		top := s.data.Customers[0]
		evil := `<img src=x onerror="window.__xss=1">`
		if err := s.store.SetCustomer(context.Background(), cost.Customer{ID: top.ID, Name: evil}); err != nil {
			t.Fatal(err)
		}
		defer s.store.SetCustomer(context.Background(), top)
		b.open(t, s.url, "/d/overview")
		b.run(t, chromedp.Poll[chromedp.Void](`(() => {
			const el = document.querySelector('.panel[data-panel="top-customers"] .chart');
			window.echarts.getInstanceByDom(el).dispatchAction({ type: 'showTip', seriesIndex: 0, dataIndex: 0 });
			return [...el.querySelectorAll('div')].some((d) => d.textContent.includes('<img'));
		})()`, chromedp.WithPollingTimeout(10*time.Second)))
		if got := evalJS[bool](t, b, `window.__xss === 1 || document.querySelectorAll('img').length > 0`); got {
			t.Errorf("a customer name became markup")
		}
		b.checkClean(t, "markup in names")
	})

	t.Run("DarkThemeAndPhone", func(t *testing.T) {
		b.open(t, s.url, "/d/overview")
		b.run(t, chromedp.Click(chromedp.ID("theme")))
		b.waitReady(t)
		if got := evalJS[string](t, b, `document.documentElement.dataset.theme`); got != "dark" {
			t.Errorf("theme %q after toggling, want dark", got)
		}
		b.screenshot(t, "overview-dark")
		b.run(t, chromedp.EmulateViewport(390, 844))
		b.open(t, s.url, "/d/customers")
		sizes := evalJS[[]float64](t, b, `[document.documentElement.clientWidth, document.documentElement.scrollWidth,
			Math.max(...[...document.querySelectorAll('.panel, .topbar, .vars')].map((e) => e.getBoundingClientRect().right))]`)
		if client, scroll, right := sizes[0], sizes[1], sizes[2]; scroll > client || right > client {
			t.Errorf("the customers dashboard is wider than a phone: client width %v, scroll width %v, rightmost edge %v", client, scroll, right)
		}
		b.screenshot(t, "customers-phone-dark")
		b.run(t, chromedp.Click(chromedp.ID("theme")), chromedp.EmulateViewport(1440, 1000))
		b.checkClean(t, "themes")
	})
}

// readDownload waits for a downloaded CSV file and parses it.
func readDownload(t testing.TB, path string) [][]string {
	t.Helper()
	for range 300 {
		if b, err := os.ReadFile(path); err == nil && len(b) > 0 {
			rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			return rows
		}
		time.Sleep(100 * time.Millisecond)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	t.Fatalf("no download %s (found %v)", filepath.Base(path), entries)
	return nil
}

func TestCustomerTokenSeesOnlyItself(t *testing.T) {
	s := startStack(t)
	me := s.data.SpikeCustomer
	tok, _, err := s.keyring.Mint(me, time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, 1440, 1000)
	// A link naming another customer must not widen the view.
	other := s.data.Customers[0]
	b.signIn(t, s.url, "/d/overview?var-customer_id="+url.QueryEscape(other.ID), tok)
	if n := evalJS[int](t, b, `document.querySelectorAll('#var-customer_id').length`); n != 0 {
		t.Errorf("customer selector shown to a customer token")
	}
	for _, d := range cost.Dashboards {
		b.open(t, s.url, "/d/"+d.ID+"?var-customer_id="+url.QueryEscape(other.ID))
		for _, p := range b.panels(t) {
			if p.State == "error" || p.State == "loading" {
				t.Errorf("%s/%s: state %s: %s", d.ID, p.ID, p.State, p.Text)
			}
		}
		if loc := b.location(t); strings.Contains(loc, other.ID) {
			t.Errorf("%s: the URL still names %s: %s", d.ID, other.ID, loc)
		}
		html := evalJS[string](t, b, `document.documentElement.outerHTML + document.body.innerText`)
		var leaked []string
		for _, c := range s.data.Customers {
			if c.ID == me {
				continue
			}
			if strings.Contains(html, c.ID) || strings.Contains(html, c.Name) {
				leaked = append(leaked, c.ID)
			}
		}
		sort.Strings(leaked)
		if len(leaked) > 0 {
			t.Errorf("%s: customer %s sees other customers in the page: %v", d.ID, me, leaked)
		}
		b.screenshot(t, "customer-"+d.ID)
		b.checkClean(t, "customer "+d.ID)
	}
}
