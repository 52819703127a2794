package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/demo"
)

// extraInfo is what the page shows of one UI-only panel.
type extraInfo struct {
	Present bool       `json:"present"`
	State   string     `json:"state"`
	Title   string     `json:"title"`
	Dates   string     `json:"dates"`
	Head    []string   `json:"head"`
	Rows    [][]string `json:"rows"`
	Empty   string     `json:"empty"`
}

func (b *browser) extraPanel(t testing.TB, id string) extraInfo {
	t.Helper()
	return evalJS[extraInfo](t, b, fmt.Sprintf(`(() => {
		const p = document.querySelector('.panel[data-extra][data-panel=%q]');
		if (!p) return { present: false, state: '', title: '', dates: '', head: [], rows: [], empty: '' };
		const e = p.querySelector('.empty');
		return { present: true, state: p.dataset.state, title: p.querySelector('h2').textContent,
			dates: p.querySelector('.panel-dates').textContent,
			head: [...p.querySelectorAll('thead th')].map((th) => th.textContent),
			rows: [...p.querySelectorAll('tbody tr')].map((tr) => [...tr.children].map((td) => td.textContent)),
			empty: e ? e.textContent : '' };
	})()`, id))
}

// apiDo sends a JSON request to the stack's API with a token.
func apiDo(t testing.TB, method, url, token, body string, want int) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != want {
		var e any
		json.NewDecoder(res.Body).Decode(&e)
		t.Fatalf("%s %s: HTTP %d, want %d: %v", method, url, res.StatusCode, want, e)
	}
}

// grouped formats v with thousands separators and at most decimals decimals
// (trailing zeros dropped), like the UI's Intl formats: -2,178.5.
func grouped(v float64, decimals int) string {
	s := strconv.FormatFloat(math.Abs(v), 'f', decimals, 64)
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if v < 0 {
		b.WriteByte('-')
	}
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if frac = strings.TrimRight(frac, "0"); frac != "" {
		b.WriteString("." + frac)
	}
	return b.String()
}

// dollars formats like the UI's money(): $1,234.56, -$12.50.
func dollars(v float64) string {
	s := strconv.FormatFloat(math.Abs(v), 'f', 2, 64)
	sign := ""
	if v < 0 {
		sign = "-"
	}
	whole, _ := strconv.ParseFloat(s[:len(s)-3], 64)
	return sign + "$" + grouped(whole, 0) + "." + s[len(s)-2:]
}

const alertsEmptyText = "No alerts yet. Create a rule on the Alert rules page, with “Alert me on this” " +
	"under an explained day, or ask the chat “alert me if daily spend goes over $500”."

func TestRecentAlertsPanel(t *testing.T) {
	s := startStack(t)
	b := newBrowser(t, 1440, 1000)
	b.signIn(t, s.url, "/d/anomalies", s.admin)
	got := b.extraPanel(t, "recent-alerts")
	if !got.Present || got.State != "empty" || got.Empty != alertsEmptyText {
		t.Fatalf("before any rule: %+v, want the empty state %q", got, alertsEmptyText)
	}

	// An organisation rule that yesterday's spend certainly exceeds, evaluated once.
	apiDo(t, "POST", s.url+"/api/v1/alerts/rules", s.admin,
		`{"name":"Daily spend over $1","kind":"threshold","window":"day","threshold":1}`, http.StatusCreated)
	if err := s.alerts.Evaluate(context.Background()); err != nil {
		t.Fatal(err)
	}
	b.open(t, s.url, "/d/anomalies?from=now-7d&to=now")
	got = b.extraPanel(t, "recent-alerts")
	if got.State != "ready" || len(got.Rows) != 1 {
		t.Fatalf("after evaluation: %+v, want one alert row", got)
	}
	if want := []string{"Time", "Rule", "Status", "Message", "Delivery"}; strings.Join(got.Head, "|") != strings.Join(want, "|") {
		t.Errorf("columns %q, want %q", got.Head, want)
	}
	row := got.Rows[0]
	// The engine's clock is the query service's: the stack's fixed now.
	want := []string{s.now.Format("2006-01-02 15:04") + " UTC", "Daily spend over $1", cost.AlertFiring}
	for i, w := range want {
		if row[i] != w {
			t.Errorf("cell %d = %q, want %q (row %q)", i, row[i], w, row)
		}
	}
	if row[3] == "" || row[4] != cost.DeliveryNone {
		t.Errorf("message %q, delivery %q; want a message and delivery %q (no channels)", row[3], row[4], cost.DeliveryNone)
	}
	b.screenshot(t, "recent-alerts")
	b.checkClean(t, "recent alerts")

	// A customer sees only its own alerts: the organisation rule's event is not one.
	tok, _, err := s.keyring.Mint(s.data.SpikeCustomer, time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	c := newBrowser(t, 1440, 1000)
	c.signIn(t, s.url, "/d/anomalies", tok)
	got = c.extraPanel(t, "recent-alerts")
	if got.State != "empty" || got.Empty != alertsEmptyText {
		t.Errorf("customer: %+v, want the empty state", got)
	}
	c.checkClean(t, "customer recent alerts")
}

func TestBilledVsEstimatedPanel(t *testing.T) {
	s := startStack(t)
	b := newBrowser(t, 1440, 1000)
	// A range before the demo data: no provider-day to compare.
	b.signIn(t, s.url, "/d/overview?from=2020-01-01&to=2020-01-31", s.admin)
	got := b.extraPanel(t, "billed-vs-estimated")
	want := "No provider-day in Jan 1 – Jan 31, 2020 (31 days) has both billed token cost and gateway-event estimates to compare."
	if !got.Present || got.State != "empty" || got.Empty != want {
		t.Fatalf("no data: %+v, want the empty state %q", got, want)
	}

	// The demo bills every provider's tokens and its gateway estimates the
	// token lines of its last demo.GatewayDays days. Over the 40 days to
	// yesterday (two months, some days without estimates), every provider and
	// month has a small gap, and the panel follows each variable.
	from, to := s.today().AddDate(0, 0, -40), s.today().AddDate(0, 0, -1)
	path := fmt.Sprintf("/d/overview?from=%s&to=%s", from.Format(cost.DateLayout), to.Format(cost.DateLayout))
	tests := []struct {
		name  string
		query string
		keep  func(l *cost.LineItem) bool
	}{
		{"all", "", func(*cost.LineItem) bool { return true }},
		{"AWS", "&var-cloud_provider=AWS", func(l *cost.LineItem) bool { return l.CloudProvider == "AWS" }},
		{"customer", "&var-customer_id=" + s.data.DriftCustomer, func(l *cost.LineItem) bool { return l.CustomerID == s.data.DriftCustomer }},
		{"model", "&var-model=gpt-4o", func(l *cost.LineItem) bool { return l.Model == "gpt-4o" }},
	}
	for _, tt := range tests {
		wantRows, gaps := reconciledMonths(s.data, from, to, tt.keep)
		b.open(t, s.url, path+tt.query)
		got := b.extraPanel(t, "billed-vs-estimated")
		if got.State != "ready" {
			t.Fatalf("%s: %+v, want rows", tt.name, got)
		}
		if !sameCells(got.Rows, wantRows) {
			t.Errorf("%s: rows\n%q\nwant\n%q", tt.name, got.Rows, wantRows)
		}
		providers := map[string]bool{}
		for k, g := range gaps {
			providers[k[8:]] = true
			if math.Abs(g) >= 10 {
				t.Errorf("%s: %s gap %.1f%%, want under 10%%", tt.name, k, g)
			}
		}
		if tt.name == "all" {
			if len(providers) != 3 || len(gaps) != 6 {
				t.Errorf("provider-months compared %v, want every provider in both months", gaps)
			}
			if want := []string{"Month", "Provider", "Days compared", "Billed", "Estimated (events)", "Gap (billed − estimated)", "Gap % of billed"}; strings.Join(got.Head, "|") != strings.Join(want, "|") {
				t.Errorf("columns %q, want %q", got.Head, want)
			}
			b.screenshot(t, "billed-vs-estimated")
		}
	}
	b.checkClean(t, "billed vs estimated")

	// The panel is for admins: a customer token never sees it.
	tok, _, err := s.keyring.Mint(s.data.SpikeCustomer, time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	c := newBrowser(t, 1440, 1000)
	c.signIn(t, s.url, "/d/overview?from=now-7d&to=now-1d", tok)
	if got := c.extraPanel(t, "billed-vs-estimated"); got.Present {
		t.Errorf("customer token sees the reconciliation panel: %+v", got)
	}
	c.checkClean(t, "customer overview")
}

// reconciledMonths computes the reconciliation panel's rows from the demo's
// lines: per provider-day in [from, to] the billed token cost (the bills) and
// the gateway's estimate, summed per provider and month over the days that
// have both; newest month first. gaps maps "YYYY-MM|provider" to the gap in
// percent of billed.
func reconciledMonths(d *demo.Dataset, from, to time.Time, keep func(*cost.LineItem) bool) ([][]string, map[string]float64) {
	type pd struct{ billed, estimated float64 }
	days := map[string]*pd{}
	for _, l := range slices.Concat(d.Lines, d.Gateway) {
		if l.Date.Before(from) || l.Date.After(to) || !l.IsTokenLine() || !keep(&l) {
			continue
		}
		k := l.Date.Format(cost.DateLayout) + "|" + l.CloudProvider
		if days[k] == nil {
			days[k] = &pd{}
		}
		switch l.CostSource {
		case cost.SourceBillingExport:
			days[k].billed += l.CostUSD
		case cost.SourceEventEstimate, cost.SourceEventReported:
			days[k].estimated += l.CostUSD
		}
	}
	type pm struct {
		days              int
		billed, estimated float64
	}
	months := map[string]*pm{}
	for k, v := range days {
		if v.billed == 0 || v.estimated == 0 {
			continue
		}
		day, provider, _ := strings.Cut(k, "|")
		mk := day[:7] + "|" + provider
		if months[mk] == nil {
			months[mk] = &pm{}
		}
		months[mk].days++
		months[mk].billed += v.billed
		months[mk].estimated += v.estimated
	}
	var keys []string
	for k := range months {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { // Newest month first, then provider.
		if keys[i][:7] != keys[j][:7] {
			return keys[i] > keys[j]
		}
		return keys[i] < keys[j]
	})
	var rows [][]string
	gaps := map[string]float64{}
	for _, k := range keys {
		month, provider, _ := strings.Cut(k, "|")
		m := months[k]
		gap := m.billed - m.estimated
		gaps[k] = gap / m.billed * 100
		rows = append(rows, []string{month, provider, strconv.Itoa(m.days), dollars(m.billed),
			dollars(m.estimated), dollars(gap), grouped(math.Round(gap/m.billed*1000)/10, 1) + "%"})
	}
	return rows, gaps
}

// sameCells compares table cells: text exactly, and dollars and percents to
// within a cent or 0.1 point, since sums in another order may round the other
// way at a half cent.
func sameCells(got, want [][]string) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if len(got[i]) != len(want[i]) {
			return false
		}
		for j, g := range got[i] {
			w := want[i][j]
			gv, gok := cellNumber(g)
			wv, wok := cellNumber(w)
			switch {
			case gok && wok && strings.HasSuffix(w, "%"):
				if math.Abs(gv-wv) > 0.1001 {
					return false
				}
			case gok && wok && strings.Contains(w, "$"):
				if math.Abs(gv-wv) > 0.01001 {
					return false
				}
			case g != w:
				return false
			}
		}
	}
	return true
}

// cellNumber reads "$1,234.56", "-$4.36" or "0.8%".
func cellNumber(s string) (float64, bool) {
	if !strings.ContainsAny(s, "$%") {
		return 0, false
	}
	v, err := strconv.ParseFloat(strings.NewReplacer("$", "", ",", "", "%", "").Replace(s), 64)
	return v, err == nil
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }
