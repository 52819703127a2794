package chat

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

var (
	costWords = []string{"cost", "costs", "costing", "spend", "spent", "spending", "spends", "bill", "billed", "bills",
		"expense", "expenses", "pay", "paid", "charge", "charges", "charged", "dollars", "money", "total", "much",
		"expensive", "price", "usage", "sum", "overall", "cheapest", "costliest", "expenditure", "expenditures",
		"outlay", "outlays", "priciest", "paying", "pays"}
	topWords    = []string{"top", "most", "highest", "biggest", "largest", "expensive", "costliest", "priciest", "leading", "main", "heaviest", "first"}
	bottomWords = []string{"cheapest", "least", "lowest", "smallest", "bottom", "fewest"}
	growWords   = []string{"growth", "grow", "grew", "growing", "increase", "increased", "increases", "change",
		"changed", "compare", "compared", "comparison", "vs", "versus", "wow", "mom", "yoy", "qoq", "delta", "difference", "rise", "rose",
		"drop", "dropped", "decline", "declined", "decrease", "decreased", "fell", "shrank", "rising", "rises", "climbing",
		"trending", "shrinking", "falling", "declining", "decreasing", "increasing"}
	// trendWords ask whether spend keeps moving one way ("is it growing?").
	trendWords = []string{"growing", "rising", "increasing", "climbing", "trend", "trending", "shrinking", "falling",
		"declining", "decreasing"}
	budgetVerbs = []string{"set", "raise", "lower", "reduce", "cut", "change", "update", "remove", "delete", "clear",
		"make", "put", "drop", "bump", "increase", "decrease"}
	// comparatives ask how spend moved ("got more expensive", "spending more than last week").
	comparatives = []string{"more expensive", "less expensive", "got more", "got cheaper", "getting more", "became more",
		"cost more", "costs more", "costing more", "spend more", "spending more", "spent more", "spend less",
		"spending less", "spent less", "more than", "less than", "gone up", "went up", "go up", "going up", "gone down",
		"went down", "go down", "going down"}
	followWords = []string{"and", "only", "just", "now", "also", "same", "then", "instead", "but", "ok", "okay"}
)

// intentRule is one line of the intent grammar: a named test over what was read,
// giving the intent it recognises, or "" to let the next rule try.
type intentRule struct {
	name string
	ask  func(p *parsed) string
}

// is returns a rule's answer: in when ok.
func is(ok bool, in string) string {
	if ok {
		return in
	}
	return ""
}

// intentRules are tried in order; the first that recognises the question wins.
// Actions and budget questions come first, as their words ("spend", "over")
// would otherwise read as totals; the dimension rules come last.
var intentRules = []intentRule{
	{"alert", func(p *parsed) string {
		return is(p.has("alert", "alerts", "notify", "warn", "alarm") ||
			p.phrase("let me know", "tell me when", "tell me if", "ping me", "email me"), intentAlert)
	}},
	{"help", func(p *parsed) string {
		return is(p.has("help") || p.phrase("what can you do", "what can i ask", "what do you know") ||
			len(p.words) <= 3 && p.has("hello", "hi", "hey", "thanks", "thank", "greetings"), intentHelp)
	}},
	{"next period", func(p *parsed) string { return is(p.next != "", intentNextPeriod) }},
	{"set budget", func(p *parsed) string {
		return is(p.has("budget", "budgets") && p.has(budgetVerbs...) && !p.has("alert", "alerts"), intentSetBudget)
	}},
	{"over budget", func(p *parsed) string {
		return is(p.has("customers", "tenants", "clients", "who", "anyone", "anybody") && p.overBudgetWords(), intentOverBudget)
	}},
	{"budget left", func(p *parsed) string {
		return is(p.has("budget", "budgets") && p.has("left", "remaining", "remain", "remains", "rest") ||
			p.has("when") && p.has("budget", "budgets") && p.has("hit", "reach", "exceed", "cross", "pass") ||
			p.phrase("run out", "runs out", "running out", "days until", "days left", "money left"), intentRemaining)
	}},
	{"exhausted", func(p *parsed) string { return is(p.phrase("exhaust", "exhausted"), intentForecast) }},
	{"budget", func(p *parsed) string {
		return is(p.has("budget", "budgets", "overspend", "overspending") || p.phrase("on track"), intentBudget)
	}},
	{"forecast", func(p *parsed) string {
		return is(p.has("forecast", "projected", "projection", "predict", "expect", "expected", "estimate") ||
			p.phrase("end of month", "end of the month", "month end", "run rate", "on pace", "going to spend", "will we spend", "will i spend") ||
			p.has("will") && p.has(costWords...) && !p.has("per") && p.noGrouping(), intentForecast)
	}},
	{"against the average customer", func(p *parsed) string {
		return is(p.phrase("average customer", "typical customer", "average of all", "average of the customers", "other customers",
			"the rest of the customers", "customers on average", "average tenant", "average client"), intentVsAverage)
	}},
	{"weekends", func(p *parsed) string {
		return is(p.has("weekends", "weekdays") || p.phrase("weekend days", "on weekend", "at weekends"), intentWeekends)
	}},
	{"why", func(p *parsed) string {
		return is(p.has("why", "explain", "cause", "caused", "drove", "driver", "drivers", "driving", "behind", "reason") ||
			p.phrase("what happened"), intentExplain)
	}},
	{"unusual", func(p *parsed) string {
		if !p.has("anomaly", "anomalies", "anomalous", "unusual", "outlier", "outliers", "abnormal", "spike", "spikes", "spiked",
			"jump", "jumped", "weird", "strange") {
			return ""
		}
		return is(p.when != nil && p.when.Range.Days() == 1, intentExplain) + is(p.when == nil || p.when.Range.Days() != 1, intentAnomalies)
	}},
	{"compare", func(p *parsed) string {
		return is(p.has(growWords...) || p.phrase("week over week", "month over month", "year over year", "quarter over quarter") ||
			p.against != nil || p.money == 0 && p.phrase(comparatives...), intentCompare)
	}},
	{"cheapest day", func(p *parsed) string {
		return is(p.phrase("cheapest day", "lowest day", "quietest day", "least expensive day", "slowest day", "lightest day"), intentLowDay)
	}},
	{"which day", func(p *parsed) string {
		if !p.phrase("which day", "what day", "most expensive day", "busiest day", "peak day", "highest day", "worst day",
			"costliest day", "biggest day", "day with", "which date", "what date", "highest single day", "biggest single day",
			"most expensive single day", "costliest single day", "single most expensive day") {
			return ""
		}
		low := p.has(bottomWords...) || p.has("quietest", "slowest")
		return is(low, intentLowDay) + is(!low, intentTopDay)
	}},
	{"per 1K tokens", func(p *parsed) string { return is(p.per1K(), intentPer1K) }},
	{"share", func(p *parsed) string {
		return is((p.has("percentage", "share", "proportion", "fraction", "portion", "percent") ||
			p.phrase("what part of", "which part of", "how much of")) && len(p.entities) > 0 && !p.has("by", "per", "each"), intentShare)
	}},
	{"average", func(p *parsed) string {
		return is(p.has("average", "avg", "mean", "typical") || p.phrase("per request", "a request", "each request", "per call", "burn rate",
			"per active customer", "per active client", "per active tenant") ||
			p.phrase("per day", "a day") && p.has(costWords...) &&
				!p.has("show", "over", "chart", "series", "trend", "plot", "graph", "each", "list"), intentAverage)
	}},
	{"how many customers", func(p *parsed) string { return is(p.countsCustomers(), intentTotal) }},
	{"top", func(p *parsed) string {
		dim, _ := p.dimension()
		return is(dim != "" && (p.has(topWords...) || p.has(bottomWords...)), intentTop)
	}},
	{"by a dimension", func(p *parsed) string {
		dim, _ := p.dimension()
		return is(dim != "" && (p.has("breakdown", "break", "split", "by", "per", "each", "across", "distribution", "trend") ||
			p.asks(dim)), intentBreakdown)
	}},
	{"tokens", func(p *parsed) string {
		return is(p.has("token", "tokens") && !p.has("cost", "costs", "spend", "spent", "dollars", "expensive") && !p.paysFor(), intentTokens)
	}},
	{"requests", func(p *parsed) string {
		return is(p.has("requests", "calls") && !p.has("cost", "costs", "spend", "spent"), intentRequests)
	}},
	{"total", func(p *parsed) string { return is(p.has(costWords...), intentTotal) }},
}

// intent returns what the question asks, or "" when it asks nothing known.
func (p *parsed) intent() string {
	for _, r := range intentRules {
		if in := r.ask(p); in != "" {
			return in
		}
	}
	return ""
}

// asks reports whether the question asks for values of d: "which models",
// "what services", "list customers", "show me providers", "daily spend".
func (p *parsed) asks(d cost.Dimension) bool {
	for i, w := range p.words {
		if dimWords[w] != d && !(d == cost.DimCustomer && w == "who") {
			continue
		}
		if w == "who" || d.IsTime() {
			return true
		}
		for j := max(0, i-3); j < i; j++ {
			switch p.words[j] {
			case "which", "what", "list", "show", "whats", "all", "our", "my":
				return true
			}
		}
	}
	return false
}

func (p *parsed) overBudgetWords() bool {
	return p.phrase("over budget", "over their budget", "over the budget", "over budgets", "above budget",
		"exceeded their budget", "exceeding their budget", "exceed their budget", "exceeding budget", "exceeded budget", "beyond budget", "over their budgets")
}

func (p *parsed) per1K() bool {
	return p.has("per") && p.has("1k", "1000", "thousand", "token", "1m", "million") ||
		p.phrase("unit cost", "unit price", "cost per token", "price per token") || p.has("efficiency", "efficient")
}

// countsCustomers reports "how many customers", "number of active customers".
func (p *parsed) countsCustomers() bool {
	return p.has("customers", "tenants", "clients") && (p.phrase("how many") || p.has("active", "number", "count"))
}

// metric is what the question measures: tokens, requests, cost per 1K or cost.
func (p *parsed) metric() cost.Metric {
	switch {
	case p.countsCustomers():
		return cost.MetricActiveCustomers
	case p.per1K() || p.has("token", "tokens") && p.has("cheapest", "priciest", "expensive", "costliest", "cheaper", "pricier"):
		return cost.MetricCostPer1K
	case p.has("token", "tokens") && !p.has("cost", "costs", "spend", "spent", "dollars", "expensive", "cheapest", "costliest") &&
		!p.paysFor():
		return cost.MetricTokens
	case p.has("requests", "calls") && !p.has("cost", "costs", "spend", "spent", "expensive"):
		return cost.MetricRequests
	}
	return cost.MetricCost
}

// paysFor reports whether a question about tokens asks what they cost: "what
// did we pay for cached tokens?" (but "how many tokens did we pay for?").
func (p *parsed) paysFor() bool {
	return p.has("pay", "paid", "paying") && !p.has("many")
}

// count returns N of "top N" / "5 cheapest models", or 0.
func (p *parsed) count() int {
	for i, w := range p.words {
		n := 0
		fmt.Sscanf(w, "%d", &n)
		if v, ok := numberWords[w]; ok && w != "a" && w != "few" && w != "couple" {
			n = v
		}
		if n <= 0 || n > 100 {
			continue
		}
		before := i > 0 && (slices.Contains(topWords, p.words[i-1]) || slices.Contains(bottomWords, p.words[i-1]))
		after := i+1 < len(p.words) && (dimWords[p.words[i+1]] != "" || slices.Contains(topWords, p.words[i+1]) ||
			slices.Contains(bottomWords, p.words[i+1]))
		if before || after {
			return n
		}
	}
	return 0
}

// trend reports whether a question asks if spend keeps moving one way: "is
// Acme's cost growing?", "are costs going up?".
func (p *parsed) trend() bool {
	return p.has(trendWords...) || p.phrase("going up", "going down", "go up", "go down") ||
		p.has("lately", "recently") && p.phrase(comparatives...) ||
		p.phrase("spending more", "spending less", "costing more", "costing less", "getting more", "getting cheaper")
}

func (p *parsed) followUp() bool {
	// "which customer was it?", "how many tokens was that?": a pronoun for the last answer.
	pronoun := p.has("it", "that", "those", "them", "these") && p.when == nil && len(p.entities) == 0
	return pronoun || len(p.words) > 0 && slices.Contains(followWords, p.words[0]) ||
		p.phrase(withinPhrases...) || p.phrase("what about", "how about", "break that", "break it", "split that", "same for", "for that", "that by", "those by", "it by")
}

// decide turns what was read into a plan, continuing prior when the question is
// a follow-up. ok is false when the question asks nothing the engine knows.
func decide(p *parsed, prior *plan, pr cost.Principal, today time.Time) (*plan, bool) {
	p.joinAdjacent()
	intent := p.intent()
	dim, plural := p.dimension()
	loose := intent == "" && (p.when != nil || len(p.entities) > 0 || dim != "" || p.shift != "")
	short := p.when == nil && len(p.words) <= 3 && !p.has(costWords...) &&
		(intent == "" || len(p.words) > 0 && (p.words[0] == "by" || p.words[0] == "per"))
	if p.shift != "" && p.when != nil {
		// "last week vs the week before": the shift names the period compared with.
		a := shift(*p.when, p.shift)
		p.against = &a
		p.shift = ""
		if intent == "" || intent == intentTotal {
			intent = intentCompare
		}
	}
	if intent == intentForecast && p.when != nil && p.when.Range == nextMonthLastYear(today) {
		// "What will we spend in December?": the coming December, at the current pace.
		intent, p.next, p.when = intentNextPeriod, "month", nil
	}
	if intent == intentCompare && p.against == nil && p.when != nil && p.has("than") {
		// "more than last week": the period so far against the one named.
		if cur, ok := currentOf(*p.when, today); ok {
			p.against, p.when = p.when, &cur
		}
	}
	if prior != nil && (p.followUp() || loose || p.shift != "" || short) {
		pl := follow(p, prior, intent, dim, today)
		if pr.IsCustomer() {
			scopeToCustomer(pl, p)
		}
		return pl, true
	}
	if intent == "" && (len(p.entities) > 0 || p.when != nil && len(p.words) <= 2) && !p.unknown {
		intent = intentTotal // "gpt-4o-mini last week?"
	}
	if intent == "" {
		return nil, false
	}
	pl := &plan{Intent: intent, Metric: p.metric(), Filters: p.entities, GroupBy: dim}
	if p.when != nil {
		pl.When = *p.when
	} else {
		pl.When, pl.Defaulted = defaultWhen(intent, p, today), true
	}
	switch intent {
	case intentTop:
		pl.N = p.count()
		if pl.N == 0 {
			pl.N = 1
			if plural {
				pl.N = 5
			}
		}
		pl.Asc = p.has(bottomWords...) && !p.has("most", "top", "highest", "biggest", "largest")
		if pl.Metric == cost.MetricCost && p.has("used", "popular", "usage", "use") &&
			!p.has("cost", "costs", "spend", "spent", "expensive", "cheapest", "costliest", "priciest", "dollars") {
			pl.Metric = cost.MetricTokens
		}
		if pl.Asc && pl.Metric == cost.MetricCost && p.has("efficient", "efficiency") {
			pl.Metric = cost.MetricCostPer1K
		}
	case intentPer1K:
		if dim != "" && !dim.IsTime() {
			pl.Intent, pl.Metric, pl.N = intentTop, cost.MetricCostPer1K, max(p.count(), 1)
			if p.has("efficient", "efficiency") {
				pl.Asc = !p.has("least", "worst", "inefficient")
			} else {
				pl.Asc = !p.has("highest", "expensive", "most", "worst", "priciest")
			}
			if plural || p.groupedBy() && !p.has(topWords...) && !p.has(bottomWords...) {
				pl.Intent = intentBreakdown // "per 1K tokens by provider": each of them.
			}
		}
	case intentCompare:
		setCompare(pl, p, dim, today)
		pl.Trend = pl.Intent == intentCompare && p.when == nil && p.against == nil && p.trend()
	case intentAverage:
		pl.PerRequest = p.phrase("per request", "a request", "each request", "per call", "a call")
		if pl.PerRequest {
			pl.Metric = cost.MetricCost
		}
	}
	if d, ok := repeatedDim(p.entities); ok && pl.Intent == intentTotal {
		// "AWS or GCP?", "Acme and Globex": show each, and their total.
		pl.Intent, pl.GroupBy = intentBreakdown, d
	}
	if pl.Intent != intentBreakdown && pl.Intent != intentTop && pl.Intent != intentGrowth &&
		!(pl.Intent == intentAverage && pl.GroupBy == cost.DimCustomer) && pl.Intent != intentAnomalies {
		pl.GroupBy = ""
	}
	if pl.Intent == intentBreakdown && pl.GroupBy.IsTime() && pl.Metric == cost.MetricCostPer1K {
		pl.Metric = cost.MetricCost
	}
	if pr.IsCustomer() {
		scopeToCustomer(pl, p)
	}
	if pl.Intent == intentAlert {
		pl.Alert = buildAlert(p, pl, pr)
	}
	if pl.Intent == intentSetBudget {
		if pl.Budget = budgetAct(p); pl.Budget == nil {
			return nil, false
		}
	}
	return pl, true
}

// budgetAct reads what a budget action asks: an amount to set, an amount to raise
// or lower it by, or removal. It returns nil when the amount is missing.
func budgetAct(p *parsed) *budgetAction {
	a := &budgetAction{Amount: p.money}
	switch {
	case p.has("remove", "delete", "clear") || p.has("drop") && p.money <= 0:
		a.Remove = true // "drop Acme's budget"; "drop it by $500" lowers it.
	case p.money <= 0:
		return nil
	case p.has("by"):
		a.By = true
		if p.has("lower", "reduce", "cut", "decrease", "drop") {
			a.Amount = -a.Amount
		}
	}
	a.Org = p.has("org", "organisation", "organization", "company", "overall", "total", "global")
	switch {
	case p.has("raise", "increase", "bump"):
		a.Way = 1
	case p.has("lower", "reduce", "cut", "decrease", "drop"):
		a.Way = -1
	}
	return a
}

// setCompare picks the two periods of a comparison, or turns "input vs output" and
// "which customers grew most" into the right shape.
func setCompare(pl *plan, p *parsed, dim cost.Dimension, today time.Time) {
	byDim := map[cost.Dimension]int{}
	for _, e := range p.entities {
		byDim[e.Dim]++
	}
	for d, n := range byDim {
		if n >= 2 && p.against == nil {
			pl.Intent, pl.GroupBy = intentBreakdown, d
			return
		}
	}
	if dim != "" && !dim.IsTime() && dim != cost.DimTokenType {
		pl.Intent, pl.GroupBy, pl.N = intentGrowth, dim, max(p.count(), 1)
		if pl.N == 1 && p.has("customers", "models", "providers", "services") && !p.has("most") {
			pl.N = 5
		}
		pl.Asc = p.has("shrank", "shrink", "decreased", "decrease", "dropped", "drop", "fell", "fall", "least", "cheaper",
			"declined", "decline", "lower") || p.phrase("went down", "gone down", "go down", "going down", "less expensive")
	}
	if p.against != nil {
		pl.Against = p.against
		if pl.Against.Range.From.After(pl.When.Range.From) {
			a := pl.When
			pl.When, pl.Against = *pl.Against, &a
		}
		return
	}
	if p.when == nil {
		name, phrase := "last_month", "last month"
		if p.has("wow") || p.phrase("week over week", "weekly growth") {
			name, phrase = "last_week", "last week"
		} else if p.has("yoy") || p.phrase("year over year", "yearly growth", "annual growth") {
			name, phrase = "last_year", "last year"
		}
		r, _ := cost.Period{Name: name}.Resolve(today)
		pl.When = when{r, phrase}
	}
	prev := cost.PreviousRange(pl.When.Range)
	pl.Against = &when{prev, ""}
}

// repeatedDim returns a dimension that two or more entities name.
func repeatedDim(es []entity) (cost.Dimension, bool) {
	seen := map[cost.Dimension]string{}
	for _, e := range es {
		if v, ok := seen[e.Dim]; ok && v != e.Value {
			return e.Dim, true
		}
		seen[e.Dim] = e.Value
	}
	return "", false
}

// nextMonthLastYear is next month a year ago: what a bare month name ("in
// December") reads as when that month has not come yet this year.
func nextMonthLastYear(today time.Time) cost.DateRange {
	from := cost.MonthStart(today).AddDate(-1, 1, 0)
	return cost.DateRange{From: from, To: cost.MonthEnd(from)}
}

// currentOf returns the period in progress of the same kind as w, a complete
// earlier one: this week for last week, today for yesterday.
func currentOf(w when, today time.Time) (when, bool) {
	name := map[string]string{"yesterday": "today", "last week": "this_week", "last month": "this_month",
		"last year": "this_year"}[w.Phrase]
	if name == "" {
		return when{}, false
	}
	r, err := cost.Period{Name: name}.Resolve(today)
	if err != nil {
		return when{}, false
	}
	return when{r, strings.ReplaceAll(name, "_", " ")}, true
}

// defaultWhen is the period a question means when it names none.
func defaultWhen(intent string, p *parsed, today time.Time) when {
	switch intent {
	case intentNextPeriod:
		return nextPeriod(p.next, today)
	case intentBudget, intentForecast, intentOverBudget, intentRemaining:
		r, _ := cost.Period{Name: "this_month"}.Resolve(today)
		return when{r, "this month"}
	case intentExplain:
		y := today.AddDate(0, 0, -1)
		return when{cost.DateRange{From: y, To: y}, ""}
	}
	r, _ := cost.Period{Name: "last_30_days"}.Resolve(today)
	return when{r, "in the last 30 days"}
}

// scopeToCustomer keeps a customer's plan inside its own data: groupings by
// customer and "which customers…" become questions about itself.
func scopeToCustomer(pl *plan, p *parsed) {
	all := p.has("all", "every", "other", "everyone", "everybody", "others") && p.has("customers", "customer", "tenants", "clients") ||
		p.has("organisation", "organization", "org", "company", "tenants", "everyone", "everybody")
	if p.unknown || all || p.strange > 0 || pl.GroupBy == cost.DimCustomer || pl.Intent == intentOverBudget {
		pl.Beyond = true
	}
	if pl.Intent == intentOverBudget {
		pl.Intent = intentBudget
	}
	if pl.Metric == cost.MetricActiveCustomers {
		pl.Beyond, pl.Metric = true, cost.MetricCost
	}
	if pl.GroupBy == cost.DimCustomer {
		switch pl.Intent {
		case intentBreakdown, intentTop, intentGrowth:
			pl.Intent = intentTotal
			if pl.Metric == cost.MetricTokens {
				pl.Intent = intentTokens
			}
		}
		pl.GroupBy = ""
	}
	pl.Filters = pl.without(cost.DimCustomer)
}

// metricIntents are the intents that only choose what to measure.
var metricIntents = map[string]bool{intentTotal: true, intentTokens: true, intentRequests: true, intentPer1K: true, intentAverage: true}

var (
	// productDims name what was bought; their values overlap (AWS sells
	// Claude), so a follow-up naming one replaces the others unless it says
	// it narrows the last answer.
	productDims = map[cost.Dimension]bool{cost.DimCloudProvider: true, cost.DimService: true, cost.DimModel: true,
		cost.DimModelFamily: true}
	// withinPhrases narrow the last answer instead: "and of that, Claude?".
	withinPhrases = []string{"of that", "within that", "of those", "within those", "in that", "of it", "of which",
		"of them", "among them", "among those", "within it", "inside that", "out of that"}
)

// follow continues prior with what the follow-up changes. A value of the same
// dimension as a filter replaces it ("and GCP?" after AWS); a value of another
// product dimension replaces the product filters too ("and Gemini?" after AWS
// is Gemini anywhere) unless the follow-up narrows ("of that, Claude?"), while
// a customer or token type adds to them ("only for cust_acme").
func follow(p *parsed, prior *plan, intent string, dim cost.Dimension, today time.Time) *plan {
	pl := *prior
	pl.Filters = slices.Clone(prior.Filters)
	pl.Beyond = false
	pl.Replaced = nil
	switch {
	case metricIntents[intent] && (prior.Intent == intentTop || prior.Intent == intentBreakdown || prior.Intent == intentTopDay ||
		prior.Intent == intentCompare || prior.Intent == intentGrowth):
		if intent != intentTotal || p.has(costWords...) {
			pl.Metric = p.metric()
		}
	case intent == intentTotal && metricIntents[prior.Intent]:
		if p.has(costWords...) {
			pl.Intent, pl.Metric = intentTotal, cost.MetricCost
		}
	case intent != "" && intent != intentTotal:
		pl.Intent = intent
		// "by model" after a token count keeps counting tokens.
		if m := p.metric(); m != cost.MetricCost || p.has(costWords...) || pl.Metric == cost.MetricActiveCustomers {
			pl.Metric = m
		}
	}
	switch {
	case p.when != nil:
		pl.When, pl.Defaulted, pl.Trend = *p.when, false, false
		if pl.Against != nil {
			prev := cost.PreviousRange(pl.When.Range)
			pl.Against = &when{prev, ""}
		}
	case pl.Intent != prior.Intent && (pl.Intent == intentBudget || pl.Intent == intentForecast || pl.Intent == intentRemaining):
		// "and the forecast?": budgets and forecasts are of the current month.
		pl.When, pl.Defaulted = defaultWhen(pl.Intent, p, today), true
	}
	if p.shift != "" {
		pl.When, pl.Defaulted, pl.Trend = shift(pl.When, p.shift), false, false
		if pl.Against != nil {
			pl.Against = &when{cost.PreviousRange(pl.When.Range), ""}
		}
	}
	seen := map[cost.Dimension]bool{}
	within := p.phrase(withinPhrases...)
	for _, e := range p.entities {
		if !seen[e.Dim] {
			for _, f := range pl.Filters {
				if f.Dim == e.Dim && productDims[f.Dim] {
					pl.Replaced = append(pl.Replaced, f)
				}
			}
			pl.Filters = withoutDim(pl.Filters, e.Dim)
			seen[e.Dim] = true
		}
		if productDims[e.Dim] && !within {
			// "and Gemini?" after AWS asks for Gemini, not for Gemini on AWS.
			for _, f := range pl.Filters {
				if productDims[f.Dim] && !seen[f.Dim] {
					pl.Replaced = append(pl.Replaced, f)
				}
			}
			pl.Filters = slices.DeleteFunc(pl.Filters, func(f entity) bool { return productDims[f.Dim] && !seen[f.Dim] })
		}
		pl.Filters = append(pl.Filters, e)
	}
	if dim != "" && (p.has("by", "per", "breakdown", "break", "split") || intent == intentBreakdown || intent == intentTop) {
		pl.GroupBy = dim
		if pl.Intent != intentTop && pl.Intent != intentGrowth {
			pl.Intent = intentBreakdown
		}
	}
	// "top 3", "what about the cheapest?": rank the breakdown.
	if pl.GroupBy != "" && !pl.GroupBy.IsTime() && (p.has(topWords...) || p.has(bottomWords...)) &&
		(pl.Intent == intentBreakdown || pl.Intent == intentTop) {
		pl.Intent = intentTop
		pl.Asc = p.has(bottomWords...) && !p.has("most", "top", "highest", "biggest")
		if n := p.count(); n > 0 {
			pl.N = n
		} else if pl.N == 0 {
			pl.N = 1
		}
	}
	return &pl
}

func withoutDim(es []entity, d cost.Dimension) []entity {
	var out []entity
	for _, e := range es {
		if e.Dim != d {
			out = append(out, e)
		}
	}
	return out
}

// shift moves a period back: "the week before", "the day before", "the month before".
func shift(w when, unit string) when {
	r := w.Range
	switch {
	case unit == "day" && r.Days() == 1:
		r = cost.DateRange{From: r.From.AddDate(0, 0, -1), To: r.To.AddDate(0, 0, -1)}
	case unit == "week" && r.Days() <= 7:
		r = cost.DateRange{From: r.From.AddDate(0, 0, -7), To: r.To.AddDate(0, 0, -7)}
	case unit == "month" && r.From.Day() == 1 && r.To.Equal(cost.MonthEnd(r.To)):
		from := r.From.AddDate(0, -1, 0)
		r = cost.DateRange{From: from, To: cost.MonthEnd(from)}
	case unit == "year":
		r = cost.DateRange{From: r.From.AddDate(-1, 0, 0), To: r.To.AddDate(-1, 0, 0)}
	default:
		r = cost.PreviousRange(r)
	}
	return when{r, ""}
}
