package web_test

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/demo"
)

// early is a clock three days into a month, as a new user tried it: "this
// month" holds two days of data while "last 7 days" reaches into the month before.
var early = time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)

// spend sums demo cost per customer over [from, to], independently of the query layer.
func (s *stack) spend(from, to time.Time) map[string]float64 {
	m := map[string]float64{}
	for _, l := range s.data.Lines {
		if !l.Date.Before(from) && !l.Date.After(to) && l.CustomerID != "" {
			m[l.CustomerID] += l.CostUSD
		}
	}
	return m
}

// tableRows returns a table panel's cells by column header.
func (b *browser) tableRows(t testing.TB, panel string) []map[string]string {
	t.Helper()
	return evalJS[[]map[string]string](t, b, fmt.Sprintf(`(() => {
		const p = document.querySelector('.panel[data-panel=%q]');
		const head = [...p.querySelectorAll('thead th')].map((th) => th.textContent);
		return [...p.querySelectorAll('tbody tr')].map((tr) => Object.fromEntries([...tr.children].map((td, i) => [head[i], td.textContent])));
	})()`, panel))
}

func (b *browser) panelTitle(t testing.TB, panel string) string {
	t.Helper()
	return evalJS[string](t, b, fmt.Sprintf(`document.querySelector('.panel[data-panel=%q] h2').textContent`, panel))
}

func TestHonestPanels(t *testing.T) {
	s := startStackAt(t, early)
	b := newBrowser(t, 1440, 1000)
	b.signIn(t, s.url, "/d/customers", s.admin)
	yesterday := s.today().AddDate(0, 0, -1)

	t.Run("HeatmapNamesShortWeeks", func(t *testing.T) {
		// Last 30 days on Dec 3: Nov 3 (a Tuesday) to Dec 2 (a Wednesday).
		got := evalJS[[]string](t, b, `(() => {
			const el = document.querySelector('.panel[data-panel="customer-heatmap"] .chart');
			const x = window.echarts.getInstanceByDom(el).getOption().xAxis[0];
			return x.data.map((w) => x.axisLabel.formatter(w));
		})()`)
		want := []string{"Nov 2 (6 days)", "Nov 9", "Nov 16", "Nov 23", "Nov 30 (3 days)"}
		if !slices.Equal(got, want) {
			t.Errorf("heatmap weeks %q, want %q", got, want)
		}
		// Chromium asks for zstd beside gzip, and the server sends the
		// heatmap's rows in it: the weeks above were decoded by the browser.
		if got, ok := b.coding("/api/v1/panels/customers/customer-heatmap"); !ok || got != "zstd" {
			t.Errorf("heatmap Content-Encoding %q (seen %v), want zstd", got, ok)
		}
	})

	t.Run("LargeAnswerDecodesInBrowser", func(t *testing.T) {
		// Cost by customer and day over the demo's 120 days: thousands of
		// rows, which the server sends in zstd as two frames made at once.
		// The page's fetch must read exactly the bytes sent uncompressed.
		query := fmt.Sprintf(`{"metrics":["cost_usd"],"group_by":["customer_id","date"],"period":{"from":%q,"to":%q}}`,
			s.today().AddDate(0, 0, -120).Format(cost.DateLayout), yesterday.Format(cost.DateLayout))
		got := evalJS[string](t, b, fmt.Sprintf(`fetch('/api/v1/query', {method: 'POST', body: %q,
			headers: {Authorization: 'Bearer ' + sessionStorage.getItem('llmcost.token'), 'Content-Type': 'application/json'}})
			.then((r) => r.text())`, query), chromedp.EvalAwaitPromise)
		req, err := http.NewRequest("POST", s.url+"/api/v1/query", strings.NewReader(query))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+s.admin)
		req.Header.Set("Accept-Encoding", "identity")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		want, err := io.ReadAll(res.Body)
		if err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("uncompressed answer: %v %s", err, res.Status)
		}
		var answer struct{ Rows [][]any }
		if err := json.Unmarshal(want, &answer); err != nil || len(answer.Rows) < 2000 {
			t.Fatalf("uncompressed answer has %d rows (%v), want thousands", len(answer.Rows), err)
		}
		if got != string(want) {
			t.Errorf("the browser read %d bytes, want the %d sent uncompressed", len(got), len(want))
		}
		if coding, _ := b.coding("/api/v1/query"); coding != "zstd" {
			t.Errorf("large answer Content-Encoding %q, want zstd", coding)
		}
	})

	t.Run("Last7DaysIsNotMonthToDate", func(t *testing.T) {
		mtd := s.spend(cost.MonthStart(yesterday), yesterday)
		week := s.spend(yesterday.AddDate(0, 0, -6), yesterday)
		rows := b.tableRows(t, "top-spenders")
		if len(rows) == 0 {
			t.Fatal("no top spenders")
		}
		differ := 0
		for _, r := range rows {
			id := ""
			for cid := range mtd {
				if s.label(cid) == r["Customer"] {
					id = cid
				}
			}
			if id == "" {
				t.Fatalf("row %v names no known customer", r)
			}
			if got, want := r["Month-to-date cost"], dollars(round2(mtd[id])); got != want {
				t.Errorf("%s month to date %s, want %s", id, got, want)
			}
			if got, want := r["Last 7 days cost"], dollars(round2(week[id])); got != want {
				t.Errorf("%s last 7 days %s, want %s", id, got, want)
			}
			if r["Month-to-date cost"] != r["Last 7 days cost"] {
				differ++
			}
		}
		if differ != len(rows) {
			t.Errorf("last 7 days equals month to date in %d of %d rows; the data differ in every row", len(rows)-differ, len(rows))
		}
		if got, want := b.panelTitle(t, "top-spenders"), "Top Spenders, Month to Date"; got != want {
			t.Errorf("title %q, want %q", got, want)
		}
	})

	t.Run("NoRevenue", func(t *testing.T) {
		if text := evalJS[string](t, b, `document.body.innerText`); strings.Contains(strings.ToLower(text), "revenue") {
			t.Errorf("the customers dashboard calls cost revenue")
		}
		// Whole customers on the count axis.
		if got := evalJS[float64](t, b, `(() => {
			const el = document.querySelector('.panel[data-panel="customer-growth"] .chart');
			return window.echarts.getInstanceByDom(el).getOption().yAxis[0].minInterval;
		})()`); got != 1 {
			t.Errorf("active customers axis minInterval %v, want 1", got)
		}
	})

	t.Run("TotalCostTitleFollowsRange", func(t *testing.T) {
		b.open(t, s.url, "/d/overview")
		if got, want := b.panelTitle(t, "total-cost-this-month"), "Total Cost, December 2026 to Dec 2"; got != want {
			t.Errorf("title %q, want %q", got, want)
		}
		b.open(t, s.url, "/d/overview?from=now-1M/M&to=now-1M/M")
		if got, want := b.panelTitle(t, "total-cost-this-month"), "Total Cost, November 2026"; got != want {
			t.Errorf("last month: title %q, want %q", got, want)
		}
		b.screenshot(t, "overview-last-month")
	})

	t.Run("BudgetSaysFiltersDoNotApply", func(t *testing.T) {
		b.open(t, s.url, "/d/overview?var-cloud_provider=AWS")
		note := evalJS[string](t, b, `(document.querySelector('.panel[data-panel="budget-vs-actual"] .panel-note') || {}).textContent || ''`)
		if !strings.Contains(note, "do not apply") {
			t.Errorf("budget note %q, want that the provider filter does not apply", note)
		}
		var all float64
		for _, l := range s.data.Lines {
			if !l.Date.Before(cost.MonthStart(yesterday)) && !l.Date.After(yesterday) {
				all += l.CostUSD
			}
		}
		caption := evalJS[string](t, b, `document.querySelector('.panel[data-panel="budget-vs-actual"] .gauge-caption').textContent`)
		if want := dollars(round2(all)); !strings.HasPrefix(caption, want) {
			t.Errorf("budget caption %q, want the organisation's month to date %s (all providers)", caption, want)
		}
	})

	t.Run("TokenTypeBarsAddUp", func(t *testing.T) {
		b.open(t, s.url, "/d/models")
		sums := evalJS[map[string]float64](t, b, `(() => {
			const el = document.querySelector('.panel[data-panel="input-vs-output"] .chart');
			const o = window.echarts.getInstanceByDom(el).getOption();
			const out = {};
			o.yAxis[0].data.forEach((m, i) => { out[m] = o.series.reduce((a, s) => a + (s.data[i] || 0), 0); });
			return out;
		})()`)
		from, to := yesterday.AddDate(0, 0, -29), yesterday
		want := map[string]float64{}
		for _, l := range s.data.Lines {
			if l.Model != "" && !l.Date.Before(from) && !l.Date.After(to) {
				want[l.Model] += l.CostUSD
			}
		}
		if len(sums) != len(want) {
			t.Errorf("%d models on the chart, want %d", len(sums), len(want))
		}
		for m, w := range want {
			if math.Abs(sums[m]-w) > 0.01 {
				t.Errorf("%s bars add up to %.2f, want its cost %.2f", m, sums[m], w)
			}
		}
		if got := b.panelTitle(t, "input-vs-output"); got != "Cost by Token Type" {
			t.Errorf("title %q", got)
		}
		// Cost per token in dollars per 1M tokens: per 1K would need many decimals.
		if got := b.panelTitle(t, "model-efficiency"); got != "Cost per 1M Tokens, Last 7 Days" {
			t.Errorf("efficiency title %q", got)
		}
		label := evalJS[string](t, b, `(() => {
			const el = document.querySelector('.panel[data-panel="model-efficiency"] .chart');
			const o = window.echarts.getInstanceByDom(el).getOption();
			return o.series[0].label.formatter({ value: o.series[0].data[0].value });
		})()`)
		if !regexp.MustCompile(`^\$\d+\.\d{2} / 1M tokens$`).MatchString(label) {
			t.Errorf("efficiency label %q, want dollars per 1M tokens with 2 decimals", label)
		}
		b.checkClean(t, "models")
	})

	t.Run("ModelChartsReadable", func(t *testing.T) {
		b.open(t, s.url, "/d/models")
		got := evalJS[struct {
			Names  []string `json:"names"`
			Colors []string `json:"colors"`
		}](t, b, `(() => {
			const el = document.querySelector('.panel[data-panel="model-cost-trend"] .chart');
			const o = window.echarts.getInstanceByDom(el).getOption();
			return { names: o.series.map((s) => s.name), colors: o.series.map((s) => s.itemStyle.color) };
		})()`)
		if len(got.Names) != 8 || got.Names[len(got.Names)-1] != "Other" {
			t.Errorf("model trend series %v, want the top 7 and Other", got.Names)
		}
		provider := []string{"#f59e0b", "#3b6ef5", "#06b6d4", "#16a34a", "#d9734e"}
		// The whole palette, not only the colours this chart happens to draw.
		src, err := os.ReadFile("static/charts.js")
		if err != nil {
			t.Fatal(err)
		}
		_, rest, _ := strings.Cut(string(src), "export const palette = [")
		list, _, _ := strings.Cut(rest, "]")
		palette := regexp.MustCompile(`#[0-9a-f]{6}`).FindAllString(list, -1)
		if len(palette) != 10 {
			t.Fatalf("palette %q, want ten colours", palette)
		}
		for i, c := range palette {
			for _, p := range provider {
				if d := hueDistance(c, p); d < 15 {
					t.Errorf("palette colour %s is %.0f° from provider colour %s", c, d, p)
				}
			}
			for _, o := range palette[:i] {
				if d := hueDistance(c, o); d < 15 {
					t.Errorf("palette colours %s and %s are %.0f° apart", c, o, d)
				}
			}
		}
		for i, c := range got.Colors {
			if got.Names[i] == "Other" {
				continue // Grey.
			}
			for _, p := range provider {
				if d := hueDistance(c, p); d < 15 {
					t.Errorf("model %s colour %s is %.0f° from provider colour %s, want at least 15°", got.Names[i], c, d, p)
				}
			}
			for j := range i {
				if d := hueDistance(c, got.Colors[j]); d < 15 {
					t.Errorf("models %s (%s) and %s (%s) are %.0f° apart, want at least 15°", got.Names[i], c, got.Names[j], got.Colors[j], d)
				}
			}
		}
		evalJS[bool](t, b, `(() => { const s = document.querySelector('select[data-mode="model-cost-trend"]'); s.value = 'log'; s.dispatchEvent(new Event('change')); return true; })()`)
		if typ := evalJS[string](t, b, `(() => {
			const el = document.querySelector('.panel[data-panel="model-cost-trend"] .chart');
			return window.echarts.getInstanceByDom(el).getOption().yAxis[0].type;
		})()`); typ != "log" {
			t.Errorf("log mode: y axis %q", typ)
		}
	})

	t.Run("FreshnessAndRefresh", func(t *testing.T) {
		b.open(t, s.url, "/d/overview")
		text := evalJS[string](t, b, `document.getElementById('fresh').textContent`)
		if !strings.Contains(text, "Data through Dec 2") || !strings.Contains(text, "last ingest") {
			t.Errorf("freshness %q, want the day data runs through and the last ingest", text)
		}
		// The demo's December lines are provisional; its estimates are all
		// superseded by bills, so no day is called estimated.
		if !strings.Contains(text, "Dec 1–Dec 2 provisional (the month's bills are still open)") || strings.Contains(text, "estimated") {
			t.Errorf("freshness %q, want Dec 1–2 provisional and no estimated day", text)
		}
		gen := evalJS[string](t, b, `document.getElementById('fresh').textContent`)
		b.run(t, chromedp.Click(chromedp.ID("refresh")))
		b.waitReady(t)
		if after := evalJS[string](t, b, `document.getElementById('fresh').textContent`); !strings.Contains(after, "Data through Dec 2") {
			t.Errorf("after refresh %q (before %q)", after, gen)
		}
		if n := evalJS[int](t, b, `document.getElementById('auto-refresh').options.length`); n < 2 {
			t.Errorf("auto-refresh offers %d choices", n)
		}
		b.checkClean(t, "freshness")
	})
}

// label is a customer's display name.
func (s *stack) label(id string) string {
	for _, c := range s.data.Customers {
		if c.ID == id && c.Name != "" {
			return c.Name
		}
	}
	return id
}

func TestAnomalyWorkflow(t *testing.T) {
	s := startStack(t)
	b := newBrowser(t, 1440, 1000)
	spike := s.data.SpikeDate.Format(cost.DateLayout)
	b.signIn(t, s.url, "/d/anomalies?from=now-30d&to=now-1d", s.admin)

	lowest := evalJS[float64](t, b, `(() => {
		const el = document.querySelector('.panel[data-panel="cost-anomalies"] .chart');
		const o = window.echarts.getInstanceByDom(el).getOption();
		const lower = o.series.find((x) => x.name === 'Lower (−2σ)').data.filter((v) => v != null);
		return Math.min(...lower);
	})()`)
	if lowest < 0 {
		t.Errorf("the band's lower edge reaches %v, want ≥ 0", lowest)
	}
	before := b.panelTitle(t, "unusual-customers")
	idx := evalJS[int](t, b, fmt.Sprintf(`(() => {
		const el = document.querySelector('.panel[data-panel="cost-anomalies"] .chart');
		return window.echarts.getInstanceByDom(el).getOption().xAxis[0].data.indexOf(%q);
	})()`, spike))
	if idx < 0 {
		t.Fatalf("spike day %s not on the chart", spike)
	}
	b.clickChart(t, "cost-anomalies", fmt.Sprintf(`[%d, option.series[2].data[%d]]`, idx, idx))
	b.waitURL(t, "date="+spike)
	want := "Unusual Customers on " + s.data.SpikeDate.Format("Jan 2, 2006")
	b.run(t, chromedp.Poll[chromedp.Void](fmt.Sprintf(`document.querySelector('.panel[data-panel="unusual-customers"] h2').textContent === %q &&
		document.querySelector('.panel[data-panel="unusual-customers"]').dataset.state !== 'loading' &&
		document.getElementById('explain').dataset.state === 'ready'`, want), chromedp.WithPollingTimeout(30*time.Second)))
	if before == want {
		t.Errorf("the unusual table showed the spike day before it was clicked: %q", before)
	}
	dates := evalJS[string](t, b, `document.querySelector('.panel[data-panel="unusual-customers"] .panel-dates').textContent`)
	if want := s.data.SpikeDate.Format("Jan 2, 2006") + " against the daily average over "; !strings.HasPrefix(dates, want) {
		t.Errorf("unusual customers' dates %q, want %q and the baseline", dates, want)
	}
	rows := b.tableRows(t, "unusual-customers")
	if len(rows) == 0 || rows[0]["Customer"] != s.label(s.data.SpikeCustomer) {
		t.Errorf("unusual customers on %s = %v, want %s first", spike, rows, s.data.SpikeCustomer)
	}
	if chip := evalJS[string](t, b, `(document.querySelector('[data-chip="date"]') || {}).textContent || ''`); !strings.Contains(chip, "Day: "+s.data.SpikeDate.Format("Jan 2")) {
		t.Errorf("selected-day chip %q", chip)
	}
	if summary := evalJS[string](t, b, `document.querySelector('#explain .summary').textContent`); !strings.Contains(summary, s.label(s.data.SpikeCustomer)) || strings.Contains(summary, s.data.SpikeCustomer) {
		t.Errorf("explanation summary %q, want the spike customer's name, not its id", summary)
	}
	if text := evalJS[string](t, b, `document.getElementById('explain').innerText`); !strings.Contains(text, "Selected day") {
		t.Errorf("explanation does not say which day is selected: %q", text)
	}
	b.screenshot(t, "anomalies-selected-day")

	// A day with data but nothing unusual says so, rather than "no data".
	quiet := s.data.SpikeDate.AddDate(0, 0, -10)
	b.open(t, s.url, "/d/anomalies?from=now-30d&to=now-1d&date="+quiet.Format(cost.DateLayout))
	if rows := b.tableRows(t, "unusual-customers"); len(rows) == 0 {
		text := evalJS[string](t, b, `document.querySelector('.panel[data-panel="unusual-customers"] .panel-body').innerText`)
		if want := "Nothing unusual on " + quiet.Format("Jan 2, 2006"); !strings.Contains(text, want) {
			t.Errorf("empty unusual table says %q, want %q", text, want)
		}
	}

	b.run(t, chromedp.Click(chromedp.ID("alert-me")))
	b.run(t, chromedp.WaitVisible(chromedp.ID("alert-created")))
	rules, err := s.store.AlertRules(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(rules) != 1 || rules[0].Kind != cost.AlertAnomaly || !rules[0].Enabled {
		t.Errorf("rules after “alert me on this”: %+v, want one enabled anomaly rule", rules)
	}
	b.checkClean(t, "anomaly workflow")
}

func TestAlertRulesPage(t *testing.T) {
	s := startStack(t)
	b := newBrowser(t, 1440, 1000)
	b.signIn(t, s.url, "/d/alerts", s.admin)
	b.run(t,
		chromedp.SendKeys(chromedp.ID("rule-name"), "Daily spend over $1"),
		chromedp.SendKeys(chromedp.ID("rule-threshold"), "1"),
		chromedp.Click(chromedp.CSS(`#rule-form button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.panel[data-panel="alert-rules"] tbody tr`)),
	)
	rules, err := s.store.AlertRules(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(rules) != 1 || rules[0].Kind != cost.AlertThreshold || rules[0].Threshold != 1 || rules[0].Window != cost.AlertWindowDay {
		t.Fatalf("rules %+v, want one daily threshold rule at $1", rules)
	}
	b.run(t, chromedp.Click(chromedp.CSS(`button[data-test]`)),
		chromedp.WaitVisible(chromedp.CSS(`.panel[data-panel="alert-history"] tbody tr`)))
	hist := b.tableRows(t, "alert-history")
	if len(hist) != 1 || hist[0]["Rule"] != "Daily spend over $1" || hist[0]["Status"] != cost.AlertTest {
		t.Errorf("history %v, want the test event", hist)
	}
	b.screenshot(t, "alert-rules")
	b.checkClean(t, "alert rules")
}

func TestDrillDownChips(t *testing.T) {
	s := startStack(t)
	b := newBrowser(t, 1440, 1000)
	b.signIn(t, s.url, "/d/overview", s.admin)
	b.run(t,
		chromedp.Click(chromedp.CSS("#var-cloud_provider summary")),
		chromedp.Click(chromedp.CSS(`#var-cloud_provider input[value="AWS"]`)),
	)
	b.waitURL(t, "var-cloud_provider=AWS")
	b.waitReady(t)
	if chip := evalJS[string](t, b, `(document.querySelector('[data-chip="cloud_provider"]') || {}).textContent || ''`); !strings.HasPrefix(chip, "Provider: AWS") {
		t.Errorf("provider chip %q", chip)
	}
	// The model options cascade: only AWS models are offered.
	awsModels := map[string]bool{}
	for _, l := range s.data.Lines {
		if l.CloudProvider == cost.ProviderAWS && l.Model != "" && !l.Date.Before(s.today().AddDate(0, 0, -90)) {
			awsModels[l.Model] = true
		}
	}
	b.run(t, chromedp.Poll[chromedp.Void](fmt.Sprintf(`document.querySelectorAll('#var-model input[type=checkbox]').length === %d`, len(awsModels)),
		chromedp.WithPollingTimeout(10*time.Second)))
	for _, m := range evalJS[[]string](t, b, `[...document.querySelectorAll('#var-model input[type=checkbox]')].map((x) => x.value)`) {
		if !awsModels[m] {
			t.Errorf("model %s offered with AWS selected", m)
		}
	}
	// The chip's × removes the filter.
	b.run(t, chromedp.Click(chromedp.CSS(`[data-chip="cloud_provider"] .chip-x`)))
	b.run(t, chromedp.Poll[chromedp.Void](`!location.search.includes('var-cloud_provider')`, chromedp.WithPollingTimeout(10*time.Second)))
	b.waitReady(t)
	// A customer chip clears the customer.
	b.open(t, s.url, "/d/overview?var-customer_id="+url.QueryEscape(s.data.SpikeCustomer))
	b.run(t, chromedp.Click(chromedp.CSS(`#clear-filters, [data-chip="customer_id"] .chip-x`)))
	b.run(t, chromedp.Poll[chromedp.Void](`!location.search.includes('var-customer_id')`, chromedp.WithPollingTimeout(10*time.Second)))
	b.waitReady(t)
	// A provider clicked on the model dashboard opens the provider's view: the
	// overview filtered by it.
	b.open(t, s.url, "/d/models")
	provider := evalJS[string](t, b, `document.querySelector('.panel[data-panel="cost-per-model"] button[data-drill="cloud_provider"]').dataset.value`)
	b.run(t, chromedp.Click(chromedp.CSS(`.panel[data-panel="cost-per-model"] button[data-drill="cloud_provider"]`)))
	b.waitURL(t, "var-cloud_provider="+provider)
	b.waitReady(t)
	if loc := b.location(t); !strings.HasPrefix(loc, "/d/overview?") {
		t.Errorf("provider click went to %s, want the overview", loc)
	}
	b.checkClean(t, "chips")
}

// TestNavOnPhone checks, on a phone and on a small laptop (1024 px), that the
// active tab lies inside the navigation and nothing is wider than the screen;
// on the phone the variables fold.
func TestNavOnPhone(t *testing.T) {
	s := startStack(t)
	for _, width := range []int{390, 1024} {
		t.Run(fmt.Sprint(width), func(t *testing.T) { navAt(t, s, width) })
	}
}

func navAt(t *testing.T, s *stack, width int) {
	b := newBrowser(t, width, 844)
	b.signIn(t, s.url, "/d/anomalies", s.admin)
	for _, d := range []string{"overview", "models", "customers", "anomalies", "alerts"} {
		b.open(t, s.url, "/d/"+d)
		vis := evalJS[[]float64](t, b, `(() => {
			const nav = document.getElementById('nav').getBoundingClientRect();
			const a = document.querySelector('#nav a.active').getBoundingClientRect();
			const right = Math.max(...[...document.querySelectorAll('.panel, .topbar, .vars, .dash-head')].map((e) => e.getBoundingClientRect().right));
			return [nav.left, nav.right, a.left, a.right, document.getElementById('vars').getBoundingClientRect().height,
				document.documentElement.clientWidth, document.documentElement.scrollWidth, right];
		})()`)
		if vis[2] < vis[0]-1 || vis[3] > vis[1]+1 {
			t.Errorf("%s: active tab spans %v–%v, outside the nav's %v–%v %v", d, vis[2], vis[3], vis[0], vis[1],
				evalJS[[]float64](t, b, `(() => { const n = document.getElementById('nav'); return [n.scrollLeft, n.scrollWidth, n.clientWidth, document.documentElement.scrollWidth]; })()`))
		}
		if client, scroll, right := vis[5], vis[6], vis[7]; scroll > client || right > client {
			t.Errorf("%s is wider than a phone: client width %v, scroll width %v, rightmost edge %v", d, client, scroll, right)
		}
		if width < 760 && d != "alerts" && vis[4] > 120 {
			t.Errorf("%s: the variables take %vpx of a phone screen, want them folded", d, vis[4])
		}
	}
	b.checkClean(t, fmt.Sprintf("nav at %d px", width))
}

func TestCustomerLayout(t *testing.T) {
	s := startStack(t)
	tok, _, err := s.keyring.Mint(s.data.SpikeCustomer, time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	cross := []string{"top-customers", "customer-heatmap", "top-spenders", "customer-growth", "unusual-customers"}
	b := newBrowser(t, 1440, 1000)
	b.signIn(t, s.url, "/d/overview", tok)
	nav := evalJS[[]string](t, b, `[...document.querySelectorAll('#nav a')].map((a) => a.textContent)`)
	if want := []string{"My Spend", "My Models", "My Anomalies", "Alert rules"}; !slices.Equal(nav, want) {
		t.Errorf("customer nav %v, want %v", nav, want)
	}
	for _, d := range []string{"overview", "models", "customers", "anomalies"} {
		b.open(t, s.url, "/d/"+d)
		ids := evalJS[[]string](t, b, `[...document.querySelectorAll('.panel')].map((p) => p.dataset.panel)`)
		for _, id := range ids {
			if slices.Contains(cross, id) {
				t.Errorf("%s: customer sees the cross-customer panel %s", d, id)
			}
		}
		if d == "overview" && !slices.Contains(ids, "budget-pace") {
			t.Errorf("overview panels %v, want the budget pace", ids)
		}
		// No text speaks of other customers (the anomaly hint included).
		if text := evalJS[string](t, b, `document.getElementById('dash').innerText`); strings.Contains(strings.ToLower(text), "customers") {
			t.Errorf("%s: the customer's page speaks of customers: %q", d, text)
		}
	}
	b.open(t, s.url, "/d/overview")
	// Its freshness comes from its own lines: a day, no ingest time.
	if fresh := evalJS[string](t, b, `document.getElementById('fresh').textContent`); !strings.Contains(fresh, "Data through") || strings.Contains(fresh, "ingest") {
		t.Errorf("customer freshness %q, want its data-through day and no ingest time", fresh)
	}
	pace := evalJS[string](t, b, `document.querySelector('.panel[data-panel="budget-pace"] .panel-body').innerText`)
	if !strings.Contains(pace, "On pace for") || !strings.Contains(pace, s.label(s.data.SpikeCustomer)) {
		t.Errorf("budget pace %q, want the customer's pace and forecast", pace)
	}
	b.checkClean(t, "customer layout")
}

func TestChatPanelMovesDashboards(t *testing.T) {
	s := startStack(t)
	b := newBrowser(t, 1440, 1000)
	b.signIn(t, s.url, "/d/anomalies", s.admin)
	b.run(t, chromedp.Click(chromedp.ID("chat-toggle")))
	b.run(t, chromedp.Poll[chromedp.Void](`(() => { const c = document.querySelector('llmcost-chat'); return !!(c && c.shadowRoot && c.shadowRoot.querySelector('input')); })()`,
		chromedp.WithPollingTimeout(10*time.Second)))
	evalJS[bool](t, b, `(() => { document.querySelector('llmcost-chat').ask('cost by provider last month'); return true; })()`)
	b.run(t, chromedp.Poll[chromedp.Void](`!!document.querySelector('llmcost-chat').shadowRoot.querySelector('a.dashboard-link')`,
		chromedp.WithPollingTimeout(30*time.Second)))
	answer := evalJS[string](t, b, `document.querySelector('llmcost-chat').shadowRoot.querySelector('.answer').textContent`)
	if answer == "" {
		t.Fatal("no answer")
	}
	href := evalJS[string](t, b, `document.querySelector('llmcost-chat').shadowRoot.querySelector('a.dashboard-link').href`)
	u, err := url.Parse(href)
	if err != nil || !strings.HasPrefix(u.Path, "/d/") {
		t.Fatalf("answer link %q is not a dashboard", href)
	}
	// The chat fills its panel rather than leaving it half empty.
	fill := evalJS[float64](t, b, `(() => {
		const box = document.querySelector('llmcost-chat').shadowRoot.querySelector('.box');
		return box.getBoundingClientRect().height / document.querySelector('.chat-body').getBoundingClientRect().height;
	})()`)
	if fill < 0.95 {
		t.Errorf("the chat fills %.0f%% of its panel, want all of it", fill*100)
	}
	b.screenshot(t, "chat-panel")
	evalJS[bool](t, b, `(() => { document.querySelector('llmcost-chat').shadowRoot.querySelector('a.dashboard-link').click(); return true; })()`)
	b.run(t, chromedp.Poll[chromedp.Void](fmt.Sprintf(`location.pathname === %q`, u.Path), chromedp.WithPollingTimeout(10*time.Second)))
	b.waitReady(t)
	if got := b.location(t); got != u.Path+"?"+u.RawQuery {
		t.Errorf("after the chat link the page is %s, want %s", got, u.Path+"?"+u.RawQuery)
	}
	if n := evalJS[int](t, b, `document.querySelectorAll('llmcost-chat').length`); n != 1 {
		t.Errorf("%d chat elements after following the link, want the same one", n)
	}
	b.checkClean(t, "chat panel")
}

// TestScreenshots writes every dashboard, as admin and as a customer, at 1440
// and 390 px, light and dark, to testout/web/screens/.
func TestScreenshots(t *testing.T) {
	s := startStackAt(t, early)
	tok, _, err := s.keyring.Mint(s.data.SpikeCustomer, time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, who := range []struct{ name, token string }{{"admin", s.admin}, {"customer", tok}} {
		for _, width := range []int{1440, 390} {
			b := newBrowser(t, width, 900)
			b.signIn(t, s.url, "/d/overview", who.token)
			for _, theme := range []string{"light", "dark"} {
				evalJS[bool](t, b, fmt.Sprintf(`(localStorage.setItem('llmcost.theme', %q), true)`, theme))
				for _, d := range []string{"overview", "models", "customers", "anomalies", "alerts"} {
					if who.name == "customer" && d == "customers" {
						continue // Not in the customer's layout.
					}
					b.open(t, s.url, "/d/"+d)
					b.screenshot(t, fmt.Sprintf("screens/%s-%s-%d-%s", who.name, d, width, theme))
				}
			}
			evalJS[bool](t, b, `(localStorage.removeItem('llmcost.theme'), true)`)
			b.checkClean(t, fmt.Sprintf("%s %d", who.name, width))
		}
	}
}

// hueDistance is the distance in degrees between the hues of two #rrggbb colours.
func hueDistance(a, b string) float64 {
	d := math.Abs(hue(a) - hue(b))
	return math.Min(d, 360-d)
}

func hue(hex string) float64 {
	var r, g, b int
	fmt.Sscanf(hex, "#%02x%02x%02x", &r, &g, &b)
	hi, lo := max(r, g, b), min(r, g, b)
	if hi == lo {
		return 0
	}
	c := float64(hi - lo)
	var h float64
	switch hi {
	case r:
		h = math.Mod(float64(g-b)/c, 6)
	case g:
		h = float64(b-r)/c + 2
	default:
		h = float64(r-g)/c + 4
	}
	return math.Mod(h*60+360, 360)
}

// TestDashboardRequests pins the requests the UI sends to (re)load a
// dashboard, as an admin without variables: its freshness line, then every
// card at once, then the unpriced-usage notice. The dashboard benchmark
// (dashboardLoad and freshnessStage in internal/query/http_bench_test.go)
// sends exactly these; a change here must change it too.
func TestDashboardRequests(t *testing.T) {
	s := startStack(t)
	b := newBrowser(t, 1440, 1000)
	fresh := []string{"GET /api/v1/freshness", "POST /api/v1/query by date,data_status"}
	notice := "POST /api/v1/query by model"
	tests := map[string][]string{
		"overview": append(slices.Clone(fresh), "GET /api/v1/panels/overview/total-cost-this-month",
			"GET /api/v1/panels/overview/cost-by-provider", "GET /api/v1/panels/overview/daily-cost-trend",
			"GET /api/v1/panels/overview/top-customers", "GET /api/v1/panels/overview/budget-vs-actual",
			"GET /api/v1/budgets/status", "POST /api/v1/query by date,cloud_provider,cost_source", notice),
		"models": append(slices.Clone(fresh), "GET /api/v1/panels/models/cost-per-model",
			"GET /api/v1/panels/models/model-cost-trend", "GET /api/v1/panels/models/input-vs-output",
			"GET /api/v1/panels/models/model-efficiency", notice),
		"customers": append(slices.Clone(fresh), "GET /api/v1/panels/customers/customer-heatmap",
			"GET /api/v1/panels/customers/top-spenders", "GET /api/v1/panels/customers/customer-growth", notice),
		"anomalies": append(slices.Clone(fresh), "GET /api/v1/panels/anomalies/cost-anomalies",
			"GET /api/v1/panels/anomalies/unusual-customers", "GET /api/v1/alerts/events", notice),
	}
	b.signIn(t, s.url, "/d/overview", s.admin)
	for _, d := range []string{"overview", "models", "customers", "anomalies"} {
		b.open(t, s.url, "/d/"+d)
		b.takeRequests()
		b.run(t, chromedp.Click(chromedp.ID("refresh")))
		b.run(t, chromedp.Poll[chromedp.Void](`document.getElementById('dash').dataset.state === 'loading'`,
			chromedp.WithPollingTimeout(10*time.Second)))
		b.waitReady(t)
		got, want := b.takeRequests(), tests[d]
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s reloads with\n%s\nwant\n%s", d, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
}

// TestHeatmapOfManyCustomers: past 30 customers the heatmap keeps its height,
// shows the 30 largest spenders (the largest at the top) and scrolls through
// the rest, every customer still on its axis.
func TestHeatmapOfManyCustomers(t *testing.T) {
	s := startStackWith(t, demo.Options{Seed: 3, End: early, Days: 40, Customers: 80})
	b := newBrowser(t, 1440, 1000)
	b.signIn(t, s.url, "/d/customers", s.admin)
	type view struct {
		Rows, Start, End, Height float64
		Top                      string
	}
	got := evalJS[view](t, b, `(() => {
		const el = document.querySelector('.panel[data-panel="customer-heatmap"] .chart');
		const o = window.echarts.getInstanceByDom(el).getOption();
		const z = o.dataZoom[0], y = o.yAxis[0].data;
		return {rows: y.length, start: z.startValue, end: z.endValue, height: el.clientHeight, top: y[y.length - 1]};
	})()`)
	spend := s.spendSince(s.today().AddDate(0, 0, -30))
	top, most := "", 0.0
	for id, usd := range spend {
		if usd > most {
			top, most = id, usd
		}
	}
	if got.Rows != float64(len(spend)) || len(spend) <= 30 {
		t.Errorf("heatmap rows %v, want every one of the %d customers with spend", got.Rows, len(spend))
	}
	if got.End-got.Start != 29 || got.End != got.Rows-1 {
		t.Errorf("heatmap window rows %v–%v of %v, want the last (largest) 30", got.Start, got.End, got.Rows)
	}
	if got.Height != 30*18+100 {
		t.Errorf("heatmap height %v px, want %d", got.Height, 30*18+100)
	}
	if got.Top != s.label(top) {
		t.Errorf("top row %q, want the largest spender %q", got.Top, s.label(top))
	}
	b.checkClean(t, "heatmap of many customers")
}
