package chat_test

import (
	"bufio"
	"context"
	"fmt"
	"math"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

// periods are the ranges the question set names, written out by hand for the
// fixed clock (today = Thu 2026-11-26).
var periods = map[string][2]string{
	"today":         {"2026-11-26", "2026-11-26"},
	"yesterday":     {"2026-11-25", "2026-11-25"},
	"this_week":     {"2026-11-23", "2026-11-26"},
	"last_week":     {"2026-11-16", "2026-11-22"},
	"week_before":   {"2026-11-09", "2026-11-15"},
	"last_7_days":   {"2026-11-19", "2026-11-26"},
	"last_14_days":  {"2026-11-12", "2026-11-26"},
	"last_30_days":  {"2026-10-27", "2026-11-26"},
	"prev_30_days":  {"2026-09-26", "2026-10-26"},
	"last_3_months": {"2026-08-26", "2026-11-26"},
	"this_month":    {"2026-11-01", "2026-11-26"},
	"last_month":    {"2026-10-01", "2026-10-31"},
	"sep":           {"2026-09-01", "2026-09-30"},
	"aug":           {"2026-08-01", "2026-08-31"},
	"q3":            {"2026-07-01", "2026-09-30"},
	"this_year":     {"2026-01-01", "2026-11-26"},
	"mon":           {"2026-11-23", "2026-11-23"},
	"tue":           {"2026-11-24", "2026-11-24"},
	"wed":           {"2026-11-25", "2026-11-25"},
	"fri":           {"2026-11-20", "2026-11-20"},
	"sun":           {"2026-11-22", "2026-11-22"},
	"sat":           {"2026-11-21", "2026-11-21"},
	"nov3":          {"2026-11-03", "2026-11-03"},
	"nov18":         {"2026-11-18", "2026-11-18"},
	"nov1_15":       {"2026-11-01", "2026-11-15"},
	"oct10":         {"2026-10-10", "2026-10-10"},
	"weekend":       {"2026-11-21", "2026-11-22"},
	"q2":            {"2026-04-01", "2026-06-30"},
	"this_quarter":  {"2026-10-01", "2026-11-26"},
	"since_nov10":   {"2026-11-10", "2026-11-26"},
	"last_5_days":   {"2026-11-21", "2026-11-26"},
	"last_3_weeks":  {"2026-11-05", "2026-11-26"},
	"nov19":         {"2026-11-19", "2026-11-19"},
	"mtd_prev":      {"2026-10-01", "2026-10-26"},
	"next_month":    {"2026-12-01", "2026-12-31"},
	"next_quarter":  {"2027-01-01", "2027-03-31"},
	"oct":           {"2026-10-01", "2026-10-31"},
	"last_10_days":  {"2026-11-16", "2026-11-26"},
	"nov15":         {"2026-11-15", "2026-11-15"},
	"nov4":          {"2026-11-04", "2026-11-04"},
	"nov5":          {"2026-11-05", "2026-11-05"},
	"nov1_10":       {"2026-11-01", "2026-11-10"},
	"mon_wed":       {"2026-11-23", "2026-11-25"},
	"mon_tue":       {"2026-11-23", "2026-11-24"},
	"nov17":         {"2026-11-17", "2026-11-17"},
	"sep_oct":       {"2026-09-01", "2026-10-31"},
	"last_90_days":  {"2026-08-28", "2026-11-26"},
	"nov14_15":      {"2026-11-14", "2026-11-15"},
	"mon_thu":       {"2026-11-23", "2026-11-26"},
	"oct2":          {"2026-10-02", "2026-10-02"},
	"q1":            {"2026-01-01", "2026-03-31"},
	"nov2_8":        {"2026-11-02", "2026-11-08"},
	"last_2_months": {"2026-09-26", "2026-11-26"},
	"q4_2025":       {"2025-10-01", "2025-12-31"},
}

// expectation is one parsed "=>" clause of the question set.
type expectation struct {
	kind string
	args map[string]string
}

type question struct {
	line int
	as   string // Customer principal; "" = admin.
	conv string
	text string
	want expectation
}

func loadQuestions(t testing.TB, path string) []question {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var qs []question
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		q := question{line: n}
		for {
			switch {
			case strings.HasPrefix(line, "@"):
				q.as, line, _ = strings.Cut(line[1:], " ")
				continue
			case strings.HasPrefix(line, "~"):
				q.conv, line, _ = strings.Cut(line[1:], " ")
				continue
			}
			break
		}
		text, want, ok := strings.Cut(line, "=>")
		if !ok {
			t.Fatalf("%s:%d: no => expectation", path, n)
		}
		q.text = strings.TrimSpace(text)
		fields := strings.Fields(want)
		q.want = expectation{kind: fields[0], args: map[string]string{}}
		for _, kv := range fields[1:] {
			k, v, _ := strings.Cut(kv, "=")
			q.want.args[k] = v
		}
		qs = append(qs, q)
	}
	return qs
}

func TestQuestionSet(t *testing.T) {
	f := setup(t)
	qs := loadQuestions(t, "testdata/questions.txt")
	held := loadQuestions(t, "testdata/heldout.txt")
	answered := 0
	for _, q := range append(qs, held...) {
		if q.want.kind != "unknown" && q.want.kind != "refuse" && q.want.kind != "declined" {
			answered++
		}
	}
	if answered < 400 {
		t.Errorf("question set has %d questions to answer, want at least 400", answered)
	}
	pass := 0
	for _, q := range qs {
		if msg := f.askChecked(q, "set"); msg != "" {
			t.Logf("line %d %q: %s", q.line, q.text, msg)
			continue
		}
		pass++
	}
	for _, q := range held {
		if msg := f.askChecked(q, "held"); msg != "" {
			t.Logf("heldout.txt:%d %q: %s", q.line, q.text, msg)
			continue
		}
		pass++
	}
	qs = append(qs, held...)
	acc := float64(pass) / float64(len(qs))
	t.Logf("accuracy: %d/%d = %.1f%%", pass, len(qs), 100*acc)
	if acc < 0.97 {
		t.Errorf("accuracy %.1f%% is below 97%%", 100*acc)
	}
}

// askChecked asks q in a conversation of its own (or its named one, under
// prefix) and returns what is wrong with the answer, or "" when it is right.
func (f *fixture) askChecked(q question, prefix string) string {
	conv := fmt.Sprintf("%s-line%d", prefix, q.line)
	if q.conv != "" {
		conv = prefix + "-" + q.conv
	}
	a, err := f.engine.Ask(context.Background(), principal(q.as), cost.ChatRequest{Message: q.text, ConversationID: conv})
	if err != nil {
		return fmt.Sprintf("error %v", err)
	}
	msg := f.check(q, a)
	if msg == "" {
		msg = checkReading(q, a)
	}
	if msg != "" {
		return fmt.Sprintf("%s\n    answer: %s\n    line: %s", msg, a.Answer, a.Interpretation.Line)
	}
	return ""
}

// TestHeldOutSet asks the held-out questions (testdata/heldout.txt), written
// apart from the question set in new users' words, and requires every one to
// be answered right or refused as expected.
func TestHeldOutSet(t *testing.T) {
	f := setup(t)
	qs := loadQuestions(t, "testdata/heldout.txt")
	if len(qs) < 40 {
		t.Errorf("held-out set has %d questions, want at least 40", len(qs))
	}
	pass := 0
	for _, q := range qs {
		if msg := f.askChecked(q, "heldout"); msg != "" {
			t.Errorf("heldout.txt:%d %q: %s", q.line, q.text, msg)
			continue
		}
		pass++
	}
	t.Logf("held out: %d/%d right", pass, len(qs))
}

// readings are the intents an answer of each expectation kind may be read as.
var readings = map[string][]string{
	"total": {"total", "tokens", "requests"}, "tokens": {"total", "tokens"}, "per1k": {"per_1k"},
	"average": {"average"}, "top": {"top", "breakdown"}, "breakdown": {"breakdown", "top"}, "share": {"share"},
	"customers": {"total"}, "percustomer": {"average"}, "topday": {"top_day"}, "lowday": {"low_day"},
	"compare": {"compare"}, "trend": {"compare"}, "growth": {"growth"}, "budget": {"budget"}, "forecast": {"forecast"},
	"overbudget": {"over_budget"}, "explain": {"explain"}, "drivers": {"explain"}, "anomalies": {"anomalies", "explain"},
	"alert": {"alert"}, "help": {"help"}, "remaining": {"remaining"}, "weekends": {"weekends"},
	"next": {"next_period"}, "vsavg": {"vs_average"}, "unknown": {""}, "refuse": {""}, "declined": {"vs_average"}, "perrequest": {"average"},
}

// filterArgs maps expectation filters to the dimension the interpretation names.
var filterArgs = map[string]cost.Dimension{"provider": cost.DimCloudProvider, "model": cost.DimModel,
	"family": cost.DimModelFamily, "customer": cost.DimCustomer, "token": cost.DimTokenType, "prefix": cost.DimModel}

// checkReading checks the interpretation an answer carries: its intent, its
// filters, and a line that names the exact days answered.
func checkReading(q question, a *cost.ChatAnswer) string {
	in := a.Interpretation
	if in == nil || in.Line == "" {
		return "no interpretation line"
	}
	if !slices.Contains(readings[q.want.kind], in.Intent) {
		return fmt.Sprintf("read as %q, want one of %v", in.Intent, readings[q.want.kind])
	}
	if a.Period != nil && (!strings.Contains(in.Line, a.Period.From.Format("Mon Jan 2")) || !strings.Contains(in.Line, a.Period.To.Format("Mon Jan 2"))) {
		return fmt.Sprintf("line %q does not name the days %s", in.Line, a.Period)
	}
	if in.Against != nil && !strings.Contains(in.Line, in.Against.From.Format("Mon Jan 2")) {
		return fmt.Sprintf("line %q does not name the days compared with", in.Line)
	}
	for k, d := range filterArgs {
		want, ok := q.want.args[k]
		if !ok || q.as != "" && d == cost.DimCustomer {
			continue
		}
		found := false
		for _, f := range in.Filters {
			found = found || f.Dimension == d && (slices.Equal(f.Values, strings.Split(want, ",")) ||
				f.Op == cost.OpPrefix && f.Values[0] == want || len(f.Values) > 1 && slices.Contains(f.Values, want))
		}
		if !found && !(k == "customer" && q.want.args["of"] != "") {
			return fmt.Sprintf("interpretation filters %v lack %s=%s", in.Filters, k, want)
		}
	}
	return ""
}

// lineMatches reports whether a generated line passes the expectation's filters.
func lineMatches(l *cost.LineItem, args map[string]string, as string) bool {
	if as != "" && l.CustomerID != as {
		return false
	}
	in := func(key, v string) bool {
		want, ok := args[key]
		return !ok || slices.Contains(strings.Split(want, ","), v)
	}
	return in("provider", l.CloudProvider) && in("service", strings.ReplaceAll(l.Service, " ", "_")) && in("model", l.Model) &&
		in("family", cost.ModelFamily(l.Model)) && in("customer", l.CustomerID) && in("token", l.TokenType) &&
		(args["prefix"] == "" || strings.HasPrefix(l.Model, args["prefix"]))
}

func rangeOf(name string) cost.DateRange {
	p, ok := periods[name]
	if !ok {
		panic("unknown period " + name)
	}
	from, _ := cost.ParseDate(p[0])
	to, _ := cost.ParseDate(p[1])
	return cost.DateRange{From: from, To: to}
}

// sums adds up cost and tokens of the matching lines, grouped by key.
type sums struct{ cost, tokens, tokenCost, requests float64 }

func (f *fixture) sum(r cost.DateRange, args map[string]string, as string, key func(*cost.LineItem) string) map[string]*sums {
	out := map[string]*sums{}
	for i := range f.data.Lines {
		l := &f.data.Lines[i]
		if !r.Contains(l.Date) || !lineMatches(l, args, as) {
			continue
		}
		k := ""
		if key != nil {
			k = key(l)
		}
		s := out[k]
		if s == nil {
			s = &sums{}
			out[k] = s
		}
		s.cost += l.CostUSD
		s.requests += float64(l.Requests)
		if l.TokenType != "" {
			s.tokens += l.UsageAmount
			s.tokenCost += l.CostUSD
		}
	}
	return out
}

func (f *fixture) total(r cost.DateRange, args map[string]string, as string) sums {
	if s := f.sum(r, args, as, nil)[""]; s != nil {
		return *s
	}
	return sums{}
}

func keyFunc(dim string) func(*cost.LineItem) string {
	return func(l *cost.LineItem) string {
		switch cost.Dimension(dim) {
		case cost.DimModel:
			return l.Model
		case cost.DimCustomer:
			return l.CustomerID
		case cost.DimCloudProvider:
			return l.CloudProvider
		case cost.DimService:
			return l.Service
		case cost.DimTokenType:
			return l.TokenType
		case cost.DimDate:
			return l.Date.Format(cost.DateLayout)
		case cost.DimWeek:
			return cost.WeekStart(l.Date).Format(cost.DateLayout)
		case cost.DimModelFamily:
			return cost.ModelFamily(l.Model)
		}
		panic("dimension " + dim)
	}
}

type ranked struct {
	key   string
	value float64
}

func rank(m map[string]*sums, value func(*sums) float64, asc bool) []ranked {
	var out []ranked
	for k, s := range m {
		out = append(out, ranked{k, value(s)})
	}
	sort.Slice(out, func(i, j int) bool {
		if asc {
			return out[i].value < out[j].value
		}
		return out[i].value > out[j].value
	})
	return out
}

var (
	moneyRe = regexp.MustCompile(`-?\$[\d,]+(?:\.\d+)?`)
	countRe = regexp.MustCompile(`\b(\d+(?:\.\d+)?)([KMBT])\b`)
)

// hasMoney reports whether text states x in dollars (to the cent, or 4
// significant digits under $1).
func hasMoney(text string, x float64) bool {
	for _, m := range moneyRe.FindAllString(text, -1) {
		v, err := strconv.ParseFloat(strings.NewReplacer("$", "", ",", "").Replace(m), 64)
		if err != nil {
			continue
		}
		tol := 0.006 + 1e-9*math.Abs(x)
		if math.Abs(x) < 1 {
			tol = math.Abs(x) * 0.001
		}
		if math.Abs(v-x) <= tol {
			return true
		}
	}
	return false
}

// hasCount reports whether text states x as a count like 98.5M.
func hasCount(text string, x float64) bool {
	units := map[string]float64{"K": 1e3, "M": 1e6, "B": 1e9, "T": 1e12}
	for _, m := range countRe.FindAllStringSubmatch(text, -1) {
		v, _ := strconv.ParseFloat(m[1], 64)
		u := units[m[2]]
		if math.Abs(v*u-x) <= 0.05*u+1e-6 {
			return true
		}
	}
	return false
}

func dayText(s string) string {
	d, _ := cost.ParseDate(s)
	return d.Format("Mon Jan 2")
}

// check returns "" when a matches q's expectation, or what is wrong.
func (f *fixture) check(q question, a *cost.ChatAnswer) string {
	w, args := q.want, q.want.args
	if w.kind == "refuse" {
		return refusal(a)
	}
	if w.kind == "declined" {
		// Understood, and declined for the asker's scope: no figure, no data.
		if strings.Contains(a.Answer, "$") || a.Data != nil {
			return "declined answer holds a figure"
		}
		return ""
	}
	if w.kind == "unknown" {
		if a.Understood || strings.Contains(a.Answer, "$") {
			return "expected not understood, without figures"
		}
		return ""
	}
	if !a.Understood {
		return "not understood"
	}
	if s := strings.ReplaceAll(args["line"], "_", " "); s != "" && (a.Interpretation == nil || !strings.Contains(a.Interpretation.Line, s)) {
		return fmt.Sprintf("line does not say %q", s)
	}
	if p := args["p"]; p != "" {
		r := rangeOf(p)
		if (w.kind == "anomalies" || w.kind == "average" || w.kind == "drivers") && !r.To.Before(today) && r.Days() > 1 {
			r.To = today.AddDate(0, 0, -1) // Today is still accruing; scans and changes end yesterday.
		}
		if a.Period == nil || !a.Period.From.Equal(r.From) || !a.Period.To.Equal(r.To) {
			return fmt.Sprintf("period %v, want %s", a.Period, r)
		}
	}
	switch w.kind {
	case "total", "tokens", "per1k", "average":
		r := rangeOf(args["p"])
		s := f.total(r, args, q.as)
		switch w.kind {
		case "total":
			if !hasMoney(a.Answer, s.cost) {
				return fmt.Sprintf("want $%.2f", s.cost)
			}
		case "tokens":
			if !hasCount(a.Answer, s.tokens) {
				return fmt.Sprintf("want %.0f tokens", s.tokens)
			}
		case "per1k":
			if !hasMoney(a.Answer, s.tokenCost/s.tokens*1000) {
				return fmt.Sprintf("want $%.6f per 1K", s.tokenCost/s.tokens*1000)
			}
		case "average":
			if r.To.Equal(today) && r.Days() > 1 {
				// Today is still accruing: averages end yesterday.
				r.To = today.AddDate(0, 0, -1)
				s = f.total(r, args, q.as)
			}
			if args["metric"] == "tokens" {
				if !hasCount(a.Answer, s.tokens/float64(r.Days())) {
					return fmt.Sprintf("want %.0f tokens a day", s.tokens/float64(r.Days()))
				}
				break
			}
			if !hasMoney(a.Answer, s.cost/float64(r.Days())) {
				return fmt.Sprintf("want $%.2f a day", s.cost/float64(r.Days()))
			}
		}
	case "perrequest":
		s := f.total(rangeOf(args["p"]), args, q.as)
		if !hasMoney(a.Answer, s.cost/s.requests) {
			return fmt.Sprintf("want $%.6f a request", s.cost/s.requests)
		}
	case "top", "breakdown":
		m := f.sum(rangeOf(args["p"]), args, q.as, keyFunc(args["dim"]))
		value := func(s *sums) float64 { return s.cost }
		format := hasMoney
		switch args["metric"] {
		case "tokens":
			value, format = func(s *sums) float64 { return s.tokens }, hasCount
		case "per1k":
			value = func(s *sums) float64 { return s.tokenCost / s.tokens * 1000 }
			for k, s := range m {
				if s.tokens == 0 {
					delete(m, k)
				}
			}
		}
		rs := rank(m, value, args["order"] == "asc")
		n := 1
		if args["n"] != "" {
			n, _ = strconv.Atoi(args["n"])
		}
		for _, r := range rs[:min(n, len(rs))] {
			name := r.key
			switch args["dim"] {
			case "date":
				name = dayText(r.key)
			case "week":
				d, _ := cost.ParseDate(r.key)
				name = "week of " + d.Format("Jan 2")
			}
			if !strings.Contains(strings.ToLower(a.Answer), strings.ToLower(name)) || !format(a.Answer, r.value) {
				return fmt.Sprintf("want %s at %.6g", r.key, r.value)
			}
		}
	case "share":
		r := rangeOf(args["p"])
		part := f.total(r, args, q.as)
		whole := f.total(r, map[string]string{"customer": args["of"]}, q.as)
		if args["of"] == "" {
			whole = f.total(r, nil, q.as)
		}
		if args["metric"] == "tokens" {
			if !hasCount(a.Answer, part.tokens) || !hasCount(a.Answer, whole.tokens) || !strings.Contains(a.Answer, "tokens") {
				return fmt.Sprintf("want %.0f of %.0f tokens", part.tokens, whole.tokens)
			}
			break
		}
		if !hasMoney(a.Answer, part.cost) || !hasMoney(a.Answer, whole.cost) {
			return fmt.Sprintf("want $%.2f of $%.2f", part.cost, whole.cost)
		}
	case "customers", "percustomer":
		m := f.sum(rangeOf(args["p"]), args, q.as, keyFunc("customer_id"))
		delete(m, "")
		total := 0.0
		for _, s := range m {
			total += s.cost
		}
		n := strconv.Itoa(len(m))
		if w.kind == "customers" && !regexp.MustCompile(`\b`+n+`\b`).MatchString(a.Answer) {
			return "want " + n + " customers"
		}
		if w.kind == "percustomer" && !hasMoney(a.Answer, total/float64(len(m))) {
			return fmt.Sprintf("want $%.2f per customer", total/float64(len(m)))
		}
	case "topday", "lowday":
		m := f.sum(rangeOf(args["p"]), args, q.as, keyFunc("date"))
		top := rank(m, func(s *sums) float64 { return s.cost }, w.kind == "lowday")[0]
		if !strings.Contains(a.Answer, dayText(top.key)) || !hasMoney(a.Answer, top.value) {
			return fmt.Sprintf("want %s at $%.2f", top.key, top.value)
		}
	case "compare":
		x, y := f.total(rangeOf(args["p"]), args, q.as), f.total(rangeOf(args["against"]), args, q.as)
		if !hasMoney(a.Answer, x.cost) || !hasMoney(a.Answer, y.cost) {
			return fmt.Sprintf("want $%.2f and $%.2f", x.cost, y.cost)
		}
	case "trend":
		// The last complete month against the one before, and the last 4 complete weeks.
		x, y := f.total(rangeOf("last_month"), args, q.as), f.total(rangeOf("sep"), args, q.as)
		if !hasMoney(a.Answer, x.cost) || !hasMoney(a.Answer, y.cost) {
			return fmt.Sprintf("want $%.2f and $%.2f", x.cost, y.cost)
		}
		for _, from := range []string{"2026-10-26", "2026-11-02", "2026-11-09", "2026-11-16"} {
			d, _ := cost.ParseDate(from)
			w := f.total(cost.DateRange{From: d, To: d.AddDate(0, 0, 6)}, args, q.as)
			if !hasMoney(a.Answer, w.cost) {
				return fmt.Sprintf("want the week of %s at $%.2f", from, w.cost)
			}
		}
		if !strings.Contains(a.Interpretation.Line, "trend") {
			return "line does not say trend"
		}
	case "growth":
		cur := f.sum(rangeOf(args["p"]), args, q.as, keyFunc(args["dim"]))
		prev := f.sum(rangeOf(args["against"]), args, q.as, keyFunc(args["dim"]))
		delta := map[string]*sums{}
		for k, s := range cur {
			delta[k] = &sums{cost: s.cost}
		}
		for k, s := range prev {
			if delta[k] == nil {
				delta[k] = &sums{}
			}
			delta[k].cost -= s.cost
		}
		top := rank(delta, func(s *sums) float64 { return s.cost }, args["order"] == "asc")[0]
		if !strings.Contains(a.Answer, top.key) || !hasMoney(a.Answer, top.value) && !hasMoney(a.Answer, math.Abs(top.value)) {
			return fmt.Sprintf("want %s changing by $%.2f", top.key, top.value)
		}
	case "budget", "forecast":
		cust := args["customer"]
		if q.as != "" {
			cust = q.as
		}
		mtd := f.total(rangeOf("this_month"), map[string]string{}, cust)
		if !hasMoney(a.Answer, mtd.cost) {
			return fmt.Sprintf("want month-to-date $%.2f", mtd.cost)
		}
		if w.kind == "budget" {
			for _, b := range f.data.Budgets {
				if b.CustomerID == cust && !hasMoney(a.Answer, b.MonthlyUSD) {
					return fmt.Sprintf("want budget $%.2f", b.MonthlyUSD)
				}
			}
		}
	case "remaining":
		cust := args["customer"]
		if q.as != "" {
			cust = q.as
		}
		mtd := f.total(rangeOf("this_month"), map[string]string{}, cust)
		if cust == "" {
			mtd = f.total(rangeOf("this_month"), nil, "")
		}
		for _, b := range f.data.Budgets {
			if b.CustomerID == cust && (!hasMoney(a.Answer, b.MonthlyUSD) || !hasMoney(a.Answer, math.Abs(b.MonthlyUSD-mtd.cost))) {
				return fmt.Sprintf("want $%.2f left of $%.2f", b.MonthlyUSD-mtd.cost, b.MonthlyUSD)
			}
		}
	case "weekends":
		r := rangeOf(args["p"])
		days := f.sum(r, args, q.as, keyFunc("date"))
		var end, week float64
		for k, s := range days {
			d, _ := cost.ParseDate(k)
			if d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
				end += s.cost
			} else {
				week += s.cost
			}
		}
		if !hasMoney(a.Answer, end) || !hasMoney(a.Answer, week) {
			return fmt.Sprintf("want $%.2f on weekends and $%.2f on weekdays", end, week)
		}
	case "next":
		pace := cost.DateRange{From: today.AddDate(0, 0, -28), To: today.AddDate(0, 0, -1)}
		daily := f.total(pace, args, q.as).cost / 28
		want := daily * float64(rangeOf(args["p"]).Days())
		if !hasMoney(a.Answer, daily) || !hasMoney(a.Answer, want) {
			return fmt.Sprintf("want $%.2f a day, $%.2f in all", daily, want)
		}
	case "drivers":
		r := rangeOf(args["p"])
		if !r.To.Before(today) && r.Days() > 1 {
			r.To = today.AddDate(0, 0, -1) // A period under way changes over its complete days.
		}
		base := cost.DateRange{From: r.From.AddDate(0, 0, -r.Days()), To: r.From.AddDate(0, 0, -1)}
		cur, prev := f.total(r, args, q.as).cost, f.total(base, args, q.as).cost
		if !hasMoney(a.Answer, cur) || !hasMoney(a.Answer, prev) {
			return fmt.Sprintf("want $%.2f against $%.2f", cur, prev)
		}
	case "vsavg":
		r := rangeOf(args["p"])
		mine := f.total(r, args, q.as).cost
		rest := map[string]string{}
		for k, v := range args {
			if k != "customer" {
				rest[k] = v
			}
		}
		m := f.sum(r, rest, q.as, keyFunc("customer_id"))
		delete(m, "")
		total := 0.0
		for _, s := range m {
			total += s.cost
		}
		if !hasMoney(a.Answer, mine) || !hasMoney(a.Answer, total/float64(len(m))) {
			return fmt.Sprintf("want $%.2f against an average of $%.2f", mine, total/float64(len(m)))
		}
	case "overbudget":
		for _, id := range f.data.OverBudget {
			if !strings.Contains(a.Answer, id) {
				return "want " + id + " named"
			}
		}
	case "explain":
		r := rangeOf(args["p"])
		if !strings.Contains(a.Answer, dayText(r.From.Format(cost.DateLayout))) || !hasMoney(a.Answer, f.total(r, args, q.as).cost) {
			return fmt.Sprintf("want %s at $%.2f", r.From.Format(cost.DateLayout), f.total(r, args, q.as).cost)
		}
		if args["driver"] != "" && !strings.Contains(a.Answer, args["driver"]) {
			return "want driver " + args["driver"]
		}
	case "anomalies":
		if r := rangeOf(args["p"]); r.Contains(f.data.SpikeDate) && q.as == "" &&
			!strings.Contains(a.Answer, f.data.SpikeDate.Format("Mon Jan 2")) {
			return "want the spike day named"
		}
	case "alert":
		return f.checkAlert(q, a)
	case "help":
	default:
		return "unknown expectation " + w.kind
	}
	return ""
}

func (f *fixture) checkAlert(q question, a *cost.ChatAnswer) string {
	args := q.want.args
	rules, err := f.db.AlertRules(context.Background(), q.as)
	if err != nil {
		return err.Error()
	}
	want, _ := strconv.ParseFloat(args["threshold"], 64)
	for _, r := range rules {
		if a.Data == nil || len(a.Data.Rows) == 0 || a.Data.Rows[0][0] != r.ID {
			continue
		}
		if r.Kind != args["kind"] || r.Window != args["window"] || r.Threshold != want || r.CustomerID != q.as || !r.Enabled {
			return fmt.Sprintf("saved %+v", r)
		}
		return ""
	}
	return "no rule saved"
}
