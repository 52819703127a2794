package chat

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

// unsupported is one question shape the engine knows it cannot answer: text that
// matches re is named back to the asker with why, never answered with a figure
// for a nearby question.
type unsupported struct {
	re      *regexp.Regexp
	why     string
	suggest []string
}

// unsupportedShapes are matched, in order, against the question with its periods,
// amounts and entity names still in place (lowercased).
var unsupportedShapes = []unsupported{
	{regexp.MustCompile(`\bnext\s+(?:week|year|\d+\s+\w+|few\s+\w+|couple\s+of\s+\w+)\b|\btomorrow\b|\bin\s+20(?:2[7-9]|[3-9]\d)\b`),
		"I can only forecast the current month and the next month or quarter.",
		[]string{"What's the forecast for this month?", "What will we spend next month?"}},
	{regexp.MustCompile(`\b(?:hourly|hours?|minutes?|per\s+minute|by\s+minute|at\s+\d{1,2}\s*(?:am|pm))\b`),
		"Costs are recorded per day, not per hour.",
		[]string{"Show daily cost for the last 7 days", "How much did we spend yesterday?"}},
	{regexp.MustCompile(`\bapi\s+keys?\b|\b(?:per|each|by)\s+keys?\b`),
		"Costs are not recorded per API key; I can break them down by provider, service, model or customer.",
		[]string{"Break down cost by model for the last 7 days", "Which service cost the most last month?"}},
	{regexp.MustCompile(`\b(?:mondays|tuesdays|wednesdays|thursdays|fridays|saturdays|sundays)\b`),
		"I can set weekends against weekdays, or give one day, but not one weekday across several weeks.",
		[]string{"How much did we spend on weekends this month?", "How much did we spend last Monday?"}},
	{regexp.MustCompile(`\b(?:no|without|missing)\s+(?:a\s+|any\s+)?budgets?\b`),
		"I can give the status of budgets that are set, not list who has none.",
		[]string{"Which customers are over budget?", "How much budget is left?"}},
	{regexp.MustCompile(`\b(?:no|zero|nil)\s+(?:usage|spend|spending|costs?|activity|tokens)\b|\bwithout\s+any\s+(?:usage|spend|spending|costs?|activity|tokens)\b|\b(?:spent|spend|spends|cost|used|use)\s+nothing\b`),
		"I can list who spent and rank them, not list who spent nothing.",
		[]string{"Which customers spent the least last month?", "How many active customers last month?"}},
	{regexp.MustCompile(`\b(?:how|what)\s+(?:can|could|should|do|would)\s+(?:we|i)\s+(?:reduce|cut|lower|save|optimi[sz]e|decrease|trim)\b|\bsave\s+(?:money|costs?)\b|\bswitch\s+to\b|\brecommend`),
		"I can show where spend goes and how it changed, not advise how to cut it.",
		[]string{"What's driving costs this month?", "Which model is most expensive this month?", "Cheapest model per 1K tokens last week"}},
	{regexp.MustCompile(`\b(?:average|avg|mean|typical)\s+(?:weekly|monthly|quarterly|yearly|annual)\b|\b(?:weekly|monthly|quarterly|yearly)\s+(?:average|avg|mean)\b|\b(?:average|avg|mean|typical)\b.*\b(?:per|a|each)\s+(?:week|month|quarter|year)\b|\b(?:per|a|each)\s+(?:week|month|quarter|year)\b.*\b(?:average|avg|on\s+average)\b`),
		"I can give the average per day, or the weekly or monthly series.",
		[]string{"What's our average daily spend this month?", "Show monthly cost for the last 3 months"}},
	{regexp.MustCompile(`\b(?:median|percentile|p\d\d|standard\s+deviation|stddev|variance)\b`),
		"I can give totals, averages and rankings, not medians, percentiles or deviations.",
		[]string{"What's our average daily spend this month?", "Which day was the most expensive last month?"}},
	{regexp.MustCompile(`\b(?:\d+|a|one|two|three|four|five|six|seven|eight|nine|ten)\s+(?:days?|weeks?|months?|years?)\s+ago\b`),
		"I can't read a period counted back with “ago”; name the dates or say “the last N days”.",
		[]string{"How much did we spend in the last 3 days?", "How much did we spend on Nov 20?"}},
	{regexp.MustCompile(`\b(?:last|past|previous|prior|trailing|first)\s+(?:\d+|two|three|four|five|six|few|couple\s+of)\s+(?:quarters|years)\b|\bfirst\s+(?:half|week|day|days)\b|\bsecond\s+half\b|\b(?:h1|h2)\b|\bfiscal\b`),
		"I can't read that period; name a month, a quarter, a year or exact dates.",
		[]string{"How much did we spend in Q3?", "How much did we spend from Nov 1 to Nov 15?"}},
	{regexp.MustCompile(`\b(?:excluding|exclude|excludes|excluded|except|not\s+counting|not\s+including|other\s+than|apart\s+from|aside\s+from|leaving\s+out|leave\s+out|ignoring|minus)\b`),
		"I can't leave a provider, model or customer out of a figure; ask about the ones to include, or for a breakdown.",
		[]string{"Break down cost by provider last month", "How much did we spend on AWS and GCP last month?"}},
	{regexp.MustCompile(`\b(?:first|last)\s+(?:(?:\d+|two|three|four|five|six|seven|eight|nine|ten|few)\s+)?(?:day|week|month)s?\s+of\b|\bevery\s+(?:month|week|quarter|year)\b|\b(?:day|week)\s+(?:one|two|three|four|five|\d{1,2})\s+of\b|\b(?:second|third|fourth|fifth|final)\s+(?:day|week)s?\b`),
		"I can't read that period; name a day, a month, a quarter or exact dates.",
		[]string{"How much did we spend on Oct 31?", "Show monthly cost for the last 3 months"}},
	{regexp.MustCompile(`\b(?:at|in|around|during|near|on)\s+the\s+(?:end|middle|start|beginning)\s+of\b|\b(?:early|late|mid)[\s-]+(?:` + monthNames + `|this|last|next|the)\b|\bmid[\s-]?(?:month|week|year|quarter)\b|\b(?:day|days|week|weeks)\s+(?:before|after|around)\s+(?:the|our|that)\s+(?:spike|jump|launch|outage|incident|release|peak|change|migration|drop|surge)\b`),
		"I can't read part of a period (its start, middle or end, or the days around an event); name the dates.",
		[]string{"How much did we spend from Oct 20 to Oct 31?", "Why did costs spike on Nov 18?"}},
	{regexp.MustCompile(`\blist[\s-]+(?:price|prices|pricing|cost|costs|rate|rates)\b|\bat\s+list\b|\b(?:estimated|provisional|final|unpriced)\s+(?:costs?|spend|spending|lines|charges|usage)\b`),
		"I answer with billed cost, not list-price cost, and not split by whether lines are estimated, provisional or final.",
		[]string{"How much did we spend last month?", "What's the cost per 1K tokens last month?"}},
	{regexp.MustCompile(`\bever\b|\ball[\s-]+time\b|\blifetime\b|\bsince\s+(?:the\s+)?(?:beginning|start)\s*(?:$|[?.!])`),
		"I answer over a period; name one, such as this year or the last 12 months.",
		[]string{"How much have we spent this year?", "Which day was the most expensive this year?"}},
	{regexp.MustCompile(`\b(?:\d+|two|three|four|five|six|seven|eight|nine|ten)\s+(?:most\s+expensive|costliest|biggest|busiest|highest|cheapest|lowest|quietest)\s+days\b|\btop\s+(?:\d+|two|three|four|five|ten)\s+days\b`),
		"I can name the most expensive or the cheapest day, or give the daily series.",
		[]string{"Which day was the most expensive last month?", "Show cost per day for last month"}},
	{regexp.MustCompile(`\b(?:undo|rollback|delete|remove|disable|cancel|stop)\b.*\balerts?\b|\balerts?\b.*\b(?:list|show|which|what|delete|remove|fired)\b|\b(?:list|show|which|what)\b.*\balerts\b`),
		"I can create alerts but not list or change them here; use the alerts page.",
		[]string{"Alert me if daily spend goes over $500"}},
}

// refusal is what a refused question is told: the part not understood (""
// to name none), why, and questions it can ask instead.
type refusal struct {
	part, why string
	suggest   []string
}

// refusalCheck finds one kind of part the engine cannot place. s is the
// normalised question between spaces.
type refusalCheck func(s string, p *parsed, pr cost.Principal) *refusal

// refusalChecks are tried in order; the first that finds something wins.
var refusalChecks = []refusalCheck{hypotheticalAction, unsupportedShape, exclusion, negatedName, unnamedOthers, shareOfNothing,
	unattributedForCustomer, notADate, amountFilter, twoGroupings, unlinkedPeriods, unreadPeriod, unknownWords}

// unplacedIn names the part of a question the engine cannot place, and why, or
// returns ok false when every content word has a place.
func unplacedIn(raw string, p *parsed, pr cost.Principal) (part, why string, suggest []string, ok bool) {
	s := " " + normalize(raw) + " "
	for _, check := range refusalChecks {
		if r := check(s, p, pr); r != nil {
			return r.part, r.why, r.suggest, true
		}
	}
	return "", "", nil, false
}

func unsupportedShape(s string, _ *parsed, _ cost.Principal) *refusal {
	for _, u := range unsupportedShapes {
		if loc := u.re.FindStringIndex(s); loc != nil {
			return &refusal{strings.TrimSpace(s[loc[0]:loc[1]]), u.why, u.suggest}
		}
	}
	return nil
}

// exclusion finds "without Azure", which leaves something out; "without a
// customer" is the unattributed slice. A customer's words are not echoed, as
// they may name another customer.
func exclusion(s string, _ *parsed, pr cost.Principal) *refusal {
	m := withoutRe.FindStringSubmatch(s)
	if m == nil || strings.HasPrefix(m[1], "customer") {
		return nil
	}
	part := strings.TrimSpace(m[0])
	if pr.IsCustomer() {
		part = "without"
	}
	return &refusal{part, "I can't leave a provider, model or customer out of a figure; ask about the ones to include, or for a breakdown.",
		[]string{"Break down cost by provider last month", "How much did we spend on AWS and GCP last month?"}}
}

// hypotheticalAction finds a budget change or an alert asked about rather than
// asked for ("what happens if we drop Hooli's budget?", "should I set an alert
// for spikes?"): both are made only on an instruction.
func hypotheticalAction(s string, p *parsed, _ cost.Principal) *refusal {
	if !hypotheticalRe.MatchString(s) {
		return nil
	}
	part := strings.TrimSpace(hypotheticalRe.FindString(s))
	switch {
	case p.has("budget", "budgets") && p.has(budgetVerbs...):
		return &refusal{part, "I change a budget only when asked to, e.g. “Lower Hooli's budget by 500 dollars”; nothing was changed.",
			[]string{"How much budget is left?", "Which customers are over budget?"}}
	case p.has("alert", "alerts", "notify", "alarm"):
		return &refusal{part, "I create an alert only when asked to, e.g. “Alert me if costs spike”; none was created.",
			[]string{"Alert me if costs spike", "Alert me if daily spend goes over 500 dollars"}}
	}
	return nil
}

var hypotheticalRe = regexp.MustCompile(`\b(?:what\s+(?:happens|happened|would|will|if)|what's\s+the\s+effect|should\s+(?:we|i)|would\s+(?:it|we|i)|suppose|imagine)\b`)

// negatedName finds a name the question negates ("not Claude", "everything
// but Gemini", "non-Claude"): answering would give the figure of the name.
func negatedName(_ string, p *parsed, _ cost.Principal) *refusal {
	for i := 0; i+1 < len(p.words); i++ {
		switch p.words[i] {
		case "not", "non", "besides":
		case "but":
			// "everything but Gemini"; "but for AWS?" is a follow-up.
			if prev := p.wordAt(i - 1); prev != "everything" && prev != "all" && prev != "anything" {
				continue
			}
		default:
			continue
		}
		if p.used[i+1] || i+2 < len(p.words) && (p.words[i+1] == "on" || p.words[i+1] == "for") && p.used[i+2] {
			return &refusal{p.words[i], "I can't leave a provider, model or customer out of a figure; ask about the ones to include, or for a breakdown.",
				[]string{"Break down cost by model last week", "Break down cost by provider last month"}}
		}
	}
	return nil
}

// unnamedOthers finds "the other models" with none named to be other than:
// which others is not known. A customer asking about other customers is
// answered about itself, as any question beyond its scope.
func unnamedOthers(_ string, p *parsed, pr cost.Principal) *refusal {
	for i := 0; i+1 < len(p.words); i++ {
		if p.words[i] != "other" && p.words[i] != "rest" {
			continue
		}
		d, ok := dimWords[p.words[i+1]]
		if p.words[i] == "rest" && p.wordAt(i+1) == "of" {
			d, ok = dimWords[p.wordAt(i+3)]
			if !ok {
				d, ok = dimWords[p.wordAt(i+2)]
			}
		}
		if !ok || d.IsTime() || d == cost.DimCustomer && pr.IsCustomer() {
			continue
		}
		named := false
		for _, e := range p.entities {
			named = named || e.Dim == d || d == cost.DimModel && e.Dim == cost.DimModelFamily
		}
		if !named {
			return &refusal{p.words[i] + " " + p.words[i+1], "Other than which? Name the ones you mean, or ask for a breakdown.",
				[]string{"Break down cost by model last week", "Break down cost by customer last month"}}
		}
	}
	return nil
}

// shareOfNothing finds a share asked of nothing named ("what's my share of
// the total spend?"): a share needs a provider, model, customer or token type.
func shareOfNothing(_ string, p *parsed, _ cost.Principal) *refusal {
	if !p.has("share", "percentage", "proportion", "fraction", "portion", "percent") || len(p.entities) > 0 ||
		p.namesDimension() || p.has("budget", "budgets") {
		return nil
	}
	return &refusal{"share", "A share is of something named: a provider, model, customer or token type.",
		[]string{"What share of our spend is Claude this month?", "What percentage of spend is output tokens?"}}
}

// unattributedForCustomer finds a customer asking about unattributed cost,
// which is the organisation's, not the customer's.
func unattributedForCustomer(_ string, p *parsed, pr cost.Principal) *refusal {
	if !pr.IsCustomer() || !p.has("unattributed", "unallocated", "unassigned") {
		return nil
	}
	return &refusal{"", "Unattributed cost is the organisation's; I can only answer questions about your own costs.",
		[]string{"How much did I spend this month?", "Which model is most expensive this week?"}}
}

func notADate(s string, _ *parsed, _ cost.Principal) *refusal {
	if d := badDate(s); d != "" {
		return &refusal{strings.TrimSpace(d), "That is not a date in the calendar.",
			[]string{"How much did we spend on Nov 30?", "How much did we spend last month?"}}
	}
	return nil
}

// amountFilter finds an amount beside a grouping or a count of days, models…
// ("which customers cost over $1000", "how many days over $3000"): a filter
// rankings, breakdowns and counts do not apply. Alerts and budget actions use
// their amounts.
func amountFilter(_ string, p *parsed, _ cost.Principal) *refusal {
	if p.money <= 0 || p.has("alert", "alerts", "notify", "warn", "alarm", "budget", "budgets") ||
		p.phrase("let me know", "tell me when", "tell me if", "ping me", "email me") || p.noGrouping() && !p.namesDimension() {
		return nil
	}
	return &refusal{strconv.FormatFloat(p.money, 'f', -1, 64) + " dollars",
		"I can rank or break down spend, but not keep only the ones above or below an amount.",
		[]string{"Who are the top 5 customers last month?", "Break down cost by customer for last month"}}
}

// twoGroupings finds a breakdown by two dimensions at once ("by model and
// customer", "per provider per day"): answers group by one.
func twoGroupings(_ string, p *parsed, _ cost.Principal) *refusal {
	g := p.groupings()
	if len(g) < 2 {
		return nil
	}
	return &refusal{fmt.Sprintf("by %s and %s", dimensionName(g[0]), dimensionName(g[1])),
		"I can break spend down by one dimension at a time.",
		[]string{fmt.Sprintf("Break down cost by %s last month", dimensionName(g[0])),
			fmt.Sprintf("Break down cost by %s last month", dimensionName(g[1]))}}
}

// dimensionName is how a refusal names a dimension.
func dimensionName(d cost.Dimension) string {
	switch d {
	case cost.DimCloudProvider:
		return "provider"
	case cost.DimCustomer:
		return "customer"
	case cost.DimModelFamily:
		return "model family"
	case cost.DimTokenType:
		return "token type"
	}
	return strings.ReplaceAll(string(d), "_", " ")
}

func unlinkedPeriods(_ string, p *parsed, _ cost.Principal) *refusal {
	if p.against == nil || p.links() {
		return nil
	}
	return &refusal{p.against.Phrase, "The question names two periods without saying how they relate; ask about one period, or compare them.",
		[]string{"Compare last week with the week before", "How much did we spend in October?"}}
}

func unreadPeriod(_ string, p *parsed, _ cost.Principal) *refusal {
	if w := p.leftoverPeriod(); w != "" {
		return &refusal{w, "I couldn't read the period in that question.",
			[]string{"How much did we spend last week?", "How much did we spend since Nov 1?", "What did we spend in the last 14 days?"}}
	}
	return nil
}

// unknownWords names words that are neither keywords nor names in the asker's
// data, and typos that could be several words of different meanings. A
// customer's unknown words are not echoed: they may be another customer's name.
func unknownWords(_ string, p *parsed, pr cost.Principal) *refusal {
	switch {
	case len(p.unplaced) == 0:
		return nil
	case pr.IsCustomer():
		return &refusal{"", "I can only answer questions about your own costs, and part of that question is a word I don't know.",
			[]string{"How much did I spend this month?", "Which model is most expensive this week?", "Am I over budget this month?"}}
	}
	for _, w := range p.unplaced {
		if near := p.ambiguous[w]; len(near) > 1 {
			return &refusal{w, "I can't tell which word it stands for: “" + strings.Join(near, "”, “") + "”.", defaultSuggestions}
		}
	}
	return &refusal{strings.Join(p.unplaced, " "),
		"I don't know what those words refer to: they are not a metric, period, provider, model, service or customer I know.",
		defaultSuggestions}
}

var withoutRe = regexp.MustCompile(`\bwithout\s+(?:a\s+|any\s+|the\s+)?(\w+)`)

// linkWords join two periods into one question: a comparison ("October vs
// September", "this week compared to last week", "between … and …").
var linkWords = []string{"vs", "versus", "compare", "compared", "comparing", "comparison", "against", "than",
	"with", "to", "and", "from", "over", "relative"}

// links reports whether the question says how its two periods relate.
func (p *parsed) links() bool { return p.has(linkWords...) || p.has(growWords...) }

// periodWords mark a period the period finders did not consume.
var periodWords = map[string]bool{"since": true, "until": true, "till": true, "ago": true, "next": true,
	"between": true, "after": true, "before": true, "quarter": true, "quarters": true, "years": true, "fortnight": true}

var subjects = map[string]bool{"we": true, "i": true, "you": true, "it": true, "they": true}

// leftoverPeriod returns a period word left over after periods were read: the
// sign of a period the finders could not read.
func (p *parsed) leftoverPeriod() string {
	for i, w := range p.words {
		if i < len(p.used) && p.used[i] {
			continue
		}
		if (w == "until" || w == "till") && (i+1 < len(p.words) && subjects[p.words[i+1]] || p.phrase("run out", "runs out", "running out")) {
			continue // "until we run out": a clause, not a period.
		}
		if periodWords[w] && !p.introducesPeriod(w) {
			return w
		}
		if lastWords[w] && (unitWords[p.wordAt(i+1)] || unitWords[p.wordAt(i+2)]) {
			return w + " " + p.wordAt(i+1) // "last full week": a period the finders did not read.
		}
	}
	return ""
}

// lastWords and unitWords left side by side after periods were read are a
// period that could not be read.
var (
	lastWords = setOf(strings.Fields("last past previous prior trailing"))
	unitWords = setOf(strings.Fields("day days week weeks month months year years quarter quarters"))
)

// introducesPeriod reports whether w is the lead word of the period that was
// read: "between" two dates, "since" a date or month, "after"/"until" a date.
func (p *parsed) introducesPeriod(w string) bool {
	if p.when == nil {
		return false
	}
	switch w {
	case "between":
		return p.when.Range.Days() > 1
	case "since", "after", "until", "till":
		return p.when.Phrase == "" || strings.HasPrefix(p.when.Phrase, "since")
	case "before":
		return p.shift != ""
	}
	return false
}

// notUnderstoodPart answers a question with a part the engine cannot place.
func notUnderstoodPart(part, why string, suggest []string) *cost.ChatAnswer {
	text := "I didn't understand "
	line := "Not understood"
	if part != "" {
		text += "“" + part + "”. "
		line += ": “" + part + "”"
	} else {
		text = ""
	}
	return &cost.ChatAnswer{
		Answer:      text + why + " I can answer, for example:",
		Suggestions: suggest,
		Interpretation: &cost.ChatInterpretation{Filters: []cost.Filter{}, Line: line,
			NotUnderstood: part},
	}
}

// narrowedStatus names the filters a budget or month-end forecast question
// carries beyond one customer ("Claude models"), or returns "": those figures
// exist only for the organisation and per customer, so answering would give
// the whole's figure under the part's name.
func narrowedStatus(pl *plan) string {
	switch pl.Intent {
	case intentBudget, intentForecast, intentOverBudget, intentRemaining:
	default:
		return ""
	}
	var parts []string
	for _, f := range pl.filters() {
		switch {
		case f.Dimension == cost.DimCustomer && len(f.Values) == 1 && f.Values[0] == "":
			parts = append(parts, "unattributed cost")
		case f.Dimension != cost.DimCustomer:
			parts = append(parts, joinOr(f.Values))
		}
	}
	return strings.Join(parts, " and ")
}

// unforeseeable names a period a plan cannot answer for because it lies
// ahead: a figure for days that have not begun, or a month-end forecast asked
// of another month ("what will we spend in December 2027"). Next month and
// quarter are answered at the current pace (intentNextPeriod).
func unforeseeable(pl *plan, today time.Time) (part, why string) {
	switch pl.Intent {
	case intentNextPeriod, intentAlert, intentHelp, intentSetBudget:
		return "", ""
	case intentForecast, intentBudget, intentRemaining, intentOverBudget:
		if pl.Defaulted || pl.When.Range.From.Equal(cost.MonthStart(today)) {
			return "", ""
		}
		if pl.Intent != intentForecast {
			return periodName(pl.When), "Budget status is kept for the current month; for another month I can give its spend."
		}
		return periodName(pl.When), "I can forecast the current month, and next month or quarter at the current pace."
	}
	if pl.When.Range.From.After(today) {
		return periodName(pl.When), "That period has not begun, so it has no costs yet; I can forecast next month or quarter."
	}
	return "", ""
}

// periodName is how a refusal names a period: its phrase, or its dates.
func periodName(w when) string {
	if w.Phrase != "" {
		return strings.TrimPrefix(w.Phrase, "in ")
	}
	return rangeLabel(w.Range)
}
