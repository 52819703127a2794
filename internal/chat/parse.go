package chat

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

// keywords are the words the parser knows besides entity names. Unknown words
// near one of them (by edit distance) are read as it.
var keywords = strings.Fields(`
a about above across after again against alert alerts all also am an and any anything are as at average avg
be been before below between biggest bill billed bills bottom break breakdown broken budget budgets busiest
but by calls can cause caused change changed cheapest client clients cloud clouds compare compared comparison
cost costing costliest costs count could current customer customers daily date day days did do does doing down
drive drove during each earlier efficiency efficient end ever every exceed exceeded exceeding exceeds expect
expected expense expenses expensive explain family families for forecast from get give go goes going grew grow
growth had has have help high higher highest hit how i in increase increased is it its jump jumped largest last
least let list lowest many me mean model models month monthly months most much my notify number of on only or
other our ours over pace past peak per percent period platform platforms predict previous price prior project
projected projection projects provider providers quarter rank reach reached reason region regions requests run
same service services share show since so spend spending spends spent spike spiked spikes split spend such
tell tenant tenants than that the their them then there these this those thousand through to today token tokens
top total totals trend trending type types unusual us usage use used versus vs was we week weekly weeks were
what whats when where which who why will with worst year years yesterday you your yours anomaly anomalies
anomalous outlier outliers abnormal cost_usd million k thousand sum overall overspend overspending
january february march april may june july august september october november december
monday tuesday wednesday thursday friday saturday sunday quarter daily estimate estimated
priciest popular rate run activity fastest growing slowest request requests handle handled remove delete cancel disable stop
embedding embeddings money going where expense biggest one two three four five six seven eight nine ten eleven twelve twenty thirty fifty hundred
weekend weekends expenditure expenditures outlay outlays paying pays dollars please thanks thank hey hello hi greetings kindly exactly roughly approximately really actually just like need want know see
give find check look would should will doing being here everything something anything whole entire altogether
tell show display get got into out off up down per cent cents dollar bucks amount figure figures number numbers
so far right now currently current latest recent recently again lately still yet already ago earlier later
active alarm annual anybody anyone ask beyond call charge charged charges chart cheaper company decreased delta
difference distribution driver drivers dropped email everybody everyone exhaust exhausted fell few fewest first
fraction happen happened happening heaviest increases inefficient instead jumps leading lightest llm llms lower main
mom okay org organisation organization others paid pay percentage ping portion pricier proportion qoq quietest
rise rose running runs series left remaining remain remains rest set raise lower reduce cut update clear make
put drop bump decrease until driving behind part weekdays plot graph key unattributed unallocated unassigned attributed shared without shrank smallest status surge surges theirs track typical unit vendor vendors warn
they them theirs she her hers his him itself themselves ourselves myself yourself mine whose while
im ive youre dont doesnt didnt cant wont isnt arent wasnt thats hows wheres whos theres
into onto within among around despite upon via shall might must done having gets getting lets say said told asked
sorry yes nor even very quite lot lots some both either neither another own
quick quickly finance preparing prepare meeting full complete single serve serving served saw usd
gone went combined together pls plz thx start started starting beginning begin pass passes passed cross crosses crossed surpass surpasses tops fortnight
am an as at be by do go he id ids if in is it me my no of oh ok on or so to up us we eg ie re
cheap eat eats ate eaten eating whom wow yearly yoy burn burned burning consume consumed consuming consumption more less happen weird strange
`)

var (
	shiftRe   = regexp.MustCompile(`\b(?:the\s+)?(day|week|month|year|period|quarter)\s+(?:before|earlier|prior)\b|\bprevious\s+(day|period)\b|\bbefore that\b|\bprior period\b`)
	moneyRe   = regexp.MustCompile(`\$\s*(\d+(?:\.\d+)?)\s*(k|m)?\b|\b(\d+(?:\.\d+)?)\s*(k|m)?\s*(?:dollars?|usd|bucks)\b`)
	percentRe = regexp.MustCompile(`\b(\d+(?:\.\d+)?)\s*(?:%|percent|pct)`)
	wordRe    = regexp.MustCompile(`[a-z][a-z_]*`)
	nextRe    = regexp.MustCompile(`\b(?:the\s+)?(?:coming|next|upcoming)\s+(month|quarter)\b`)
	otherIDRe = regexp.MustCompile(`^(cust|customer|tenant|client|acct|account|org)_[a-z0-9_]+$`)
)

// parsed is what the parser read from a question, before it is turned into a plan.
type parsed struct {
	words    []string
	set      map[string]bool
	text     string // Normalised text, periods and amounts removed, " "-joined words.
	when     *when
	against  *when
	shift    string
	entities []entity
	used     []bool // Words used by entity names.
	money    float64
	percent  float64
	unknown  bool // Names a customer that is not in scope (or does not exist).
	strange  int  // Words that are neither known nor entity names (a name out of scope?).
	// unplaced lists the strange words, in order.
	unplaced []string
	// next is "month" or "quarter" for "next month/quarter".
	next string
	// ambiguous holds the unplaced words that are typos of several known words
	// of different meanings, with those words.
	ambiguous map[string][]string
	// corrected lists the typos read as other words, in order: {typed, read}.
	corrected [][2]string
}

// read normalises q, corrects typos and extracts periods, amounts and entities.
func read(q string, today time.Time, v *vocab) *parsed {
	s := normalize(q)
	proper := properNouns(q)
	p := &parsed{ambiguous: map[string][]string{}}
	s = wordRe.ReplaceAllStringFunc(s, func(w string) string {
		c := correctWord(w, proper[w], v)
		if c != w && abbreviations[w] == "" && !slices.ContainsFunc(p.corrected, func(x [2]string) bool { return x[0] == w }) {
			p.corrected = append(p.corrected, [2]string{w, c})
		}
		return c
	})
	if m := shiftRe.FindStringSubmatchIndex(s); m != nil && !strings.Contains(s, "before yesterday") && !beforeLastRe.MatchString(s) {
		p.shift = "period"
		if m[2] >= 0 {
			p.shift = s[m[2]:m[3]]
		} else if m[4] >= 0 {
			p.shift = s[m[4]:m[5]]
		}
		s = blank(s, m)
	}
	if m := nextRe.FindStringSubmatchIndex(s); m != nil {
		p.next = s[m[2]:m[3]]
		s = blank(s, m)
	}
	if m := moneyRe.FindStringSubmatchIndex(s); m != nil {
		p.money = amount(s, m)
		s = blank(s, m)
	}
	if m := percentRe.FindStringSubmatchIndex(s); m != nil {
		p.percent, _ = strconv.ParseFloat(s[m[2]:m[3]], 64)
		s = blank(s, m)
	}
	p.when, s = findWhen(s, today)
	if p.when != nil {
		p.against, s = findWhen(s, today)
	}
	p.settlePeriods()
	p.words = tokenize(s)
	p.text = " " + strings.Join(p.words, " ") + " "
	p.set = map[string]bool{}
	for _, w := range p.words {
		p.set[w] = true
	}
	var used []bool
	p.entities, used = v.match(p.words)
	p.used = used
	for i, w := range p.words {
		if used[i] {
			continue
		}
		switch {
		case !v.known[w] && len(w) >= 3 && !hasDigit(w):
			p.strange++
			if len(w) < 4 || !sameSense(w, v.known) {
				p.unplaced = append(p.unplaced, w)
				if near := neighbours(w, v.known); len(near) > 1 {
					p.ambiguous[w] = near
				}
			}
		case !v.known[w] && len(w) == 2 && !hasDigit(w):
			// "EU", "HR": too short to be a typo, so a name the data does not have.
			p.strange++
			p.unplaced = append(p.unplaced, w)
		case hasDigit(w) && !ordinalRe.MatchString(w) && (!allDigits(w) || i > 0 && used[i-1] && v.modelWords[p.words[i-1]]):
			// "o1", "gpt 5", "claude 4": a model version the data does not have.
			p.unplaced = append(p.unplaced, w)
		}
		if otherIDRe.MatchString(w) {
			p.unknown = true
		}
		if (w == "customer" || w == "tenant" || w == "client") && i+1 < len(p.words) && !used[i+1] &&
			!v.known[p.words[i+1]] && !hasDigit(p.words[i+1]) {
			p.unknown = true
		}
	}
	return p
}

// correctWord corrects one word. A capitalised word mid-sentence (proper) is a
// name, a month or a day: it may be a misspelt one ("Gemni", "Novmber"), never
// a misspelt keyword ("Grok" is not "grow").
func correctWord(w string, proper bool, v *vocab) string {
	if !proper {
		return correct([]string{w}, v.known)[0]
	}
	if c := correct([]string{w}, v.names)[0]; c != w {
		return c
	}
	return correct([]string{w}, calendarWords)[0]
}

// ordinalRe matches ordinals and counts with a unit left after periods and
// amounts are read ("1st", "3rd", "2x", "1k").
var ordinalRe = regexp.MustCompile(`^\d+(?:st|nd|rd|th|x|k)$`)

func allDigits(w string) bool {
	return strings.Trim(w, "0123456789") == ""
}

// calendarWords are capitalised in English but are keywords, not names: their
// typos ("Novmber") are read as the month or day.
var calendarWords = setOf(strings.Fields(`january february march april may june july august september october
november december monday tuesday wednesday thursday friday saturday sunday`))

// properNouns returns the lowercased words of q written with a capital letter
// after its first word: names the asker means as written.
func properNouns(q string) map[string]bool {
	out := map[string]bool{}
	if strings.ToUpper(q) == q {
		return out // Written in capitals throughout: no word stands out as a name.
	}
	for i, w := range strings.Fields(q) {
		w = strings.Trim(w, `.,;:!?"'()“”‘’`)
		if i == 0 || w == "" || w == "I" || strings.ToUpper(w) == w && len(w) <= 3 {
			continue // "I", and acronyms like "AWS" or "MTD", are read as words.
		}
		if r := w[0]; r >= 'A' && r <= 'Z' {
			out[strings.ToLower(strings.TrimSuffix(w, "'s"))] = true
		}
	}
	return out
}

// settlePeriods drops a second period that only restates the first ("so far
// this month") and moves "the same day last week" to a week before the day it is
// compared with.
func (p *parsed) settlePeriods() {
	switch {
	case p.against == nil:
	case weekendOf(p.against, p.when) != nil:
		p.when, p.against = weekendOf(p.against, p.when), nil // "the weekend of Nov 14".
	case weekendOf(p.when, p.against) != nil:
		p.when, p.against = weekendOf(p.when, p.against), nil
	case dayOfWeek(p.against, p.when) != nil:
		p.when, p.against = dayOfWeek(p.against, p.when), nil // "Tuesday last week".
	case dayOfWeek(p.when, p.against) != nil:
		p.when, p.against = dayOfWeek(p.when, p.against), nil
	case sameWeekday(p.against, p.when):
		p.against = nil // "Sunday the 15th": the date, which is that weekday.
	case sameWeekday(p.when, p.against):
		p.when, p.against = p.against, nil
	case p.when.Phrase == soFar:
		p.when, p.against = p.against, nil
	case p.against.Phrase == soFar || p.against.Range == p.when.Range:
		p.against = nil
	case p.against.Phrase == sameDayPhrase && p.when.Range.Days() == 1:
		d := p.when.Range.From.AddDate(0, 0, -7)
		p.against = &when{cost.DateRange{From: d, To: d}, sameDayPhrase}
	case p.when.Phrase == sameDayPhrase && p.against.Range.Days() == 1:
		d := p.against.Range.From.AddDate(0, 0, -7)
		p.when = &when{cost.DateRange{From: d, To: d}, sameDayPhrase}
	}
}

// weekendOf returns the weekend of the week holding the date d, when w is "the
// weekend" and d a single date named by itself ("the weekend of Nov 14").
func weekendOf(w, d *when) *when {
	if w.Phrase != "last weekend" || d.Phrase != "" || d.Range.Days() != 1 {
		return nil
	}
	sat := cost.WeekStart(d.Range.From).AddDate(0, 0, 5)
	return &when{cost.DateRange{From: sat, To: sat.AddDate(0, 0, 1)}, ""}
}

// dayOfWeek returns the day of week w ("on Tuesday") within the week r
// ("last week", "this week"), or nil when r is no such week or has not reached
// that day.
func dayOfWeek(w, r *when) *when {
	if !strings.HasPrefix(w.Phrase, "on ") || w.Range.Days() != 1 || r.Range.From.Weekday() != time.Monday || r.Range.Days() > 7 {
		return nil
	}
	d := r.Range.From
	for k := 0; d.Weekday().String() != w.Phrase[3:]; k++ {
		if k == 6 {
			return nil
		}
		d = d.AddDate(0, 0, 1)
	}
	if d.After(r.Range.To) {
		return nil
	}
	return &when{cost.DateRange{From: d, To: d}, "on " + d.Weekday().String() + " " + r.Phrase}
}

// sameWeekday reports whether w is a weekday ("on Sunday") and d a single
// date on that weekday.
func sameWeekday(w, d *when) bool {
	return strings.HasPrefix(w.Phrase, "on ") && d.Phrase == "" && d.Range.Days() == 1 && w.Range.Days() == 1 &&
		d.Range.From.Weekday().String() == w.Phrase[3:]
}

func amount(s string, m []int) float64 {
	num, unit := "", ""
	if m[2] >= 0 {
		num = s[m[2]:m[3]]
		if m[4] >= 0 {
			unit = s[m[4]:m[5]]
		}
	} else {
		num = s[m[6]:m[7]]
		if m[8] >= 0 {
			unit = s[m[8]:m[9]]
		}
	}
	f, _ := strconv.ParseFloat(num, 64)
	switch unit {
	case "k":
		f *= 1e3
	case "m":
		f *= 1e6
	}
	return f
}

// has reports whether any of the words is in the question.
func (p *parsed) has(words ...string) bool {
	for _, w := range words {
		if p.set[w] {
			return true
		}
	}
	return false
}

// phrase reports whether any of the phrases occurs as whole words.
func (p *parsed) phrase(phrases ...string) bool {
	for _, ph := range phrases {
		if strings.Contains(p.text, " "+ph+" ") {
			return true
		}
	}
	return false
}

// dimWords maps words to the dimension they group by.
var dimWords = map[string]cost.Dimension{
	"provider": cost.DimCloudProvider, "providers": cost.DimCloudProvider, "cloud": cost.DimCloudProvider,
	"clouds": cost.DimCloudProvider, "vendor": cost.DimCloudProvider, "vendors": cost.DimCloudProvider,
	"platform": cost.DimCloudProvider, "platforms": cost.DimCloudProvider,
	"service": cost.DimService, "services": cost.DimService,
	"model": cost.DimModel, "models": cost.DimModel, "llm": cost.DimModel, "llms": cost.DimModel,
	"family": cost.DimModelFamily, "families": cost.DimModelFamily,
	"customer": cost.DimCustomer, "customers": cost.DimCustomer, "tenant": cost.DimCustomer,
	"tenants": cost.DimCustomer, "client": cost.DimCustomer, "clients": cost.DimCustomer,
	"region": cost.DimRegion, "regions": cost.DimRegion, "project": cost.DimProject, "projects": cost.DimProject,
	"day": cost.DimDate, "days": cost.DimDate, "daily": cost.DimDate, "date": cost.DimDate,
	"week": cost.DimWeek, "weeks": cost.DimWeek, "weekly": cost.DimWeek,
	"month": cost.DimMonth, "months": cost.DimMonth, "monthly": cost.DimMonth,
}

var pluralDim = map[string]bool{"providers": true, "clouds": true, "vendors": true, "platforms": true,
	"services": true, "models": true, "llms": true, "families": true, "customers": true, "tenants": true,
	"clients": true, "regions": true, "projects": true, "days": true, "weeks": true, "months": true}

// dimension returns the dimension the question groups by, if any: "by model",
// "which customer", "per provider", "token type". Words next to an entity of their
// own dimension ("customer cust_acme") name a filter, not a grouping.
func (p *parsed) dimension() (cost.Dimension, bool) {
	if p.phrase("token type", "token types", "input vs output", "input versus output", "input and output", "token split",
		"tokens split", "split of tokens", "token breakdown", "breakdown of tokens") {
		return cost.DimTokenType, false
	}
	if p.phrase("model families", "families") {
		return cost.DimModelFamily, true
	}
	if p.phrase("model family", "family") {
		return cost.DimModelFamily, false
	}
	var found cost.Dimension
	plural := false
	if p.has("who", "whom") && !p.has("customer", "customers", "model", "models", "provider", "providers") {
		return cost.DimCustomer, false
	}
	for i, w := range p.words {
		d, ok := dimWords[w]
		if !ok || p.namesEntity(i, d) {
			continue
		}
		if d.IsTime() && !p.timeGrouping(i) {
			continue
		}
		if w == "llm" && (i == 0 || !slices.Contains([]string{"which", "what", "by", "per", "each", "every"}, p.words[i-1])) {
			continue // "our LLM spend": a modifier, not a grouping.
		}
		if found == "" || (i > 0 && (p.words[i-1] == "by" || p.words[i-1] == "per")) {
			found, plural = d, pluralDim[w]
		}
	}
	if found == "" && p.has("trend", "trends", "trending") {
		return cost.DimDate, false // "the cost trend this month": the daily series.
	}
	return found, plural
}

// namesDimension reports whether any word of the question names a dimension
// ("days", "models"), grouped by or not.
func (p *parsed) namesDimension() bool {
	return slices.ContainsFunc(p.words, func(w string) bool { _, ok := dimWords[w]; return ok })
}

// noGrouping reports whether the question names no dimension to group by.
func (p *parsed) noGrouping() bool {
	d, _ := p.dimension()
	return d == ""
}

// joinAdjacent reads two periods that are not compared as one: a span "from
// September to November", or two that follow each other joined by "and"
// ("Monday and Tuesday").
func (p *parsed) joinAdjacent() {
	span := p.has("to", "through", "thru", "till", "until")
	if p.against == nil || !p.has("and") && !span || p.has(growWords...) ||
		p.has("vs", "versus", "against", "than", "compared", "comparing", "comparison", "each") {
		return
	}
	a, b := p.when.Range, p.against.Range
	if b.From.Before(a.From) {
		a, b = b, a
	}
	if !span && !a.To.AddDate(0, 0, 1).Equal(b.From) || b.From.Before(a.To) {
		return // "Monday and Wednesday" are two days, not three.
	}
	p.when, p.against = &when{cost.DateRange{From: a.From, To: b.To}, ""}, nil
}

// groupings returns the distinct dimensions the question groups or ranks by:
// each dimension word after "by", "per", "each", "which" or a ranking word
// ("top model"), or joined to one by "and" ("by model and customer").
func (p *parsed) groupings() []cost.Dimension {
	var out []cost.Dimension
	for i := 1; i < len(p.words); i++ {
		d, ok := dimWords[p.words[i]]
		if !ok || p.used[i] {
			continue
		}
		prev := p.words[i-1]
		_, joined := dimWords[p.wordAt(i-2)]
		ranked := prev == "which" || prev == "what" || slices.Contains(topWords, prev) || slices.Contains(bottomWords, prev)
		if prev == "by" || prev == "per" || prev == "each" || prev == "and" && joined || ranked {
			if !slices.Contains(out, d) {
				out = append(out, d)
			}
		}
	}
	return out
}

func (p *parsed) wordAt(i int) string {
	if i < 0 || i >= len(p.words) {
		return ""
	}
	return p.words[i]
}

// groupedBy reports whether a dimension word follows "by" or "each" ("by
// provider", "each model").
func (p *parsed) groupedBy() bool {
	for i := 1; i < len(p.words); i++ {
		if _, ok := dimWords[p.words[i]]; ok && (p.words[i-1] == "by" || p.words[i-1] == "each") {
			return true
		}
	}
	return false
}

// timeGrouping reports whether the time word at i asks for a series ("by day",
// "daily trend", "which day", "each month").
func (p *parsed) timeGrouping(i int) bool {
	w := p.words[i]
	prev := ""
	if i > 0 {
		prev = p.words[i-1]
	}
	switch prev {
	case "by", "per", "each", "every", "which", "what", "busiest", "peak", "highest", "worst", "expensive", "costliest":
		return true
	}
	if (w == "daily" || w == "weekly" || w == "monthly") && p.has("trend", "breakdown", "series", "chart", "show", "over") {
		return true
	}
	// "weekly spend for the last 2 months": a series when the period holds several.
	unit := map[string]int{"daily": 1, "weekly": 7, "monthly": 28}[w]
	return unit > 0 && p.when != nil && p.when.Range.Days() > unit && !p.has("average", "avg", "mean", "typical")
}

func (p *parsed) namesEntity(i int, d cost.Dimension) bool {
	if d.IsTime() {
		return false // "Globex's daily spend": a series of Globex's spend.
	}
	if i > 0 && (p.words[i-1] == "by" || p.words[i-1] == "per") {
		return false
	}
	if i > 0 && i-1 < len(p.used) && p.used[i-1] {
		// "Gemini models", "AWS services": the entity's own noun, unless asked
		// for ("which Claude model", "top 3 Gemini models").
		j := i - 1
		for j > 0 && p.used[j-1] {
			j--
		}
		if j > 0 {
			switch p.words[j-1] {
			case "which", "what", "top", "each", "every", "list", "cheapest", "whats":
				return false
			}
		}
		if j > 1 && slices.Contains(topWords, p.words[j-1]) || j > 0 && hasDigit(p.words[j-1]) {
			return false
		}
		return true
	}
	for _, e := range p.entities {
		if e.Dim == d {
			return true
		}
	}
	return false
}

// number returns the first small count in the question ("top 5").
func (p *parsed) number() int {
	for _, w := range p.words {
		if n, err := strconv.Atoi(w); err == nil && n > 0 && n <= 100 {
			return n
		}
		if n, ok := numberWords[w]; ok && w != "a" && w != "few" && w != "couple" {
			return n
		}
	}
	return 0
}
