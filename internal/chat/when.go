package chat

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

// when is a period found in a question: the days it covers and how to say it.
type when struct {
	Range  cost.DateRange
	Phrase string // "yesterday", "last week", "in October 2026"…
}

const monthNames = `january|february|march|april|may|june|july|august|september|october|november|december|` +
	`jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec`

const weekdayNames = `monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun`

var numberWords = map[string]int{"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
	"seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fourteen": 14,
	"thirty": 30, "sixty": 60, "ninety": 90, "a": 1, "couple": 2, "few": 3}

var (
	isoDateRe   = regexp.MustCompile(`\b(\d{4})-(\d{1,2})-(\d{1,2})\b`)
	usDateRe    = regexp.MustCompile(`\b(\d{1,2})/(\d{1,2})(?:/(\d{2,4}))?\b`)
	monDayRe    = regexp.MustCompile(`\b(` + monthNames + `)\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(\d{4})\b)?`)
	dayMonRe    = regexp.MustCompile(`\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(` + monthNames + `)\b(?:,?\s+(\d{4})\b)?`)
	rangeLeadRe = regexp.MustCompile(`\b(since|from|after|starting)\s*$`)
	weekOfRe    = regexp.MustCompile(`\bweek\s+(?:of|starting|beginning)\s*$`)
	dayOnlyRe   = regexp.MustCompile(`\bthe\s+(\d{1,2})(?:st|nd|rd|th)\b`)
	quarterRe   = regexp.MustCompile(`\b(?:q([1-4])|(first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter)(?:\s+(?:of\s+)?(\d{4}))?\b`)
	relQuarter  = regexp.MustCompile(`\b(this|current|last|previous|prior)\s+quarter\b|\b(?:the\s+)?quarter\s+so\s+far\b|\bquarter[ -]to[ -]date\b|\bqtd\b`)
	monthRe     = regexp.MustCompile(`\b(in|during|for|since|of|over|from|through)?\s*\b(` + monthNames + `)\b\.?(?:\s+(\d{4})\b)?`)
	toMonthRe   = regexp.MustCompile(`^\s*(?:to|through|thru|till|until)\s+(?:` + monthNames + `)\b`)
	versusRe    = regexp.MustCompile(`\b(?:vs|versus|against|compared\s+(?:to|with)|or)\b`)
	weekdaysRe  = regexp.MustCompile(`\b(?:between|from)\s+(` + weekdayNames + `)\s+(?:and|to|through|thru|until|till)\s+(` + weekdayNames + `)\b`)
	lastNRe     = regexp.MustCompile(`\b(?:last|past|previous|prior|trailing)\s+(\d{1,4}|[a-z]+)\s+(day|days|week|weeks|month|months|hour|hours)\b`)
	yearRe      = regexp.MustCompile(`\b(?:in|for|during)\s+(20\d\d)\b`)
	weekdayRe   = regexp.MustCompile(`\b(?:(on|last|this|past|previous|since|from)\s+)?(` + weekdayNames + `)\b`)
	weekendRe   = regexp.MustCompile(`\b(?:(?:last|this|past|previous|the)\s+)?weekend\b`)
)

// fixed are the phrases with a fixed meaning, checked in order (longest first).
var fixed = []struct {
	re     *regexp.Regexp
	period string
	phrase string
}{
	{regexp.MustCompile(`\b(?:since|from)\s+(?:the\s+)?(?:start|beginning)\s+of\s+(?:the\s+|this\s+)?year\b`), "this_year", "this year"},
	{regexp.MustCompile(`\b(?:since|from)\s+(?:the\s+)?(?:start|beginning)\s+of\s+(?:the\s+|this\s+)?month\b`), "this_month", "this month"},
	{regexp.MustCompile(`\b(?:since|from)\s+(?:the\s+)?(?:start|beginning)\s+of\s+(?:the\s+|this\s+)?week\b`), "this_week", "this week"},
	{regexp.MustCompile(`\bday before yesterday\b`), "", "the day before yesterday"},
	{regexp.MustCompile(`\byesterday\b`), "yesterday", "yesterday"},
	{regexp.MustCompile(`\b(today|so far today|this day)\b`), "today", "today"},
	{regexp.MustCompile(`\b(this|current) weeks?\b|\bweek[ -]to[ -]date\b|\bwtd\b`), "this_week", "this week"},
	{regexp.MustCompile(`\b(last|previous|prior) (?:full |complete |whole )?week\b`), "last_week", "last week"},
	{regexp.MustCompile(`\b(past|trailing) week\b`), "last_7_days", "in the last 7 days"},
	{regexp.MustCompile(`\b(?:the\s+)?(?:past|last|trailing)\s+fortnight\b`), "last_14_days", "in the last 14 days"},
	{regexp.MustCompile(`\b(this|current) months?\b|\bmonth[ -]to[ -]date\b|\bmtd\b`), "this_month", "this month"},
	{regexp.MustCompile(`\b(last|previous|prior) (?:full |complete |whole )?month\b`), "last_month", "last month"},
	{regexp.MustCompile(`\b(past|trailing) month\b`), "last_30_days", "in the last 30 days"},
	{regexp.MustCompile(`\b(this|current) year\b|\byear[ -]to[ -]date\b|\bytd\b`), "this_year", "this year"},
	{regexp.MustCompile(`\b(last|previous|prior) year\b`), "last_year", "last year"},
	{regexp.MustCompile(`\b(past|trailing) year\b`), "last_12_months", "in the last 12 months"},
	// "so far" alone is this month; beside another period it only stresses it.
	{regexp.MustCompile(`\bso far\b`), "this_month", soFar},
}

// soFar is the phrase of the period "so far" names on its own.
const soFar = "this month so far"

var (
	beforeLastRe = regexp.MustCompile(`\b(?:the\s+)?(week|month|year|quarter)\s+before\s+(?:the\s+)?last(?:\s+(?:one|week|month|year|quarter))?\b`)
	sameDayRe    = regexp.MustCompile(`\b(?:the\s+)?same\s+(?:week)?day\s+(?:last|a|the\s+previous|previous)\s+week\b`)
	sameDaysRe   = regexp.MustCompile(`\b(?:the\s+)?same\s+(?:days|period|point|time|dates)\s+(?:of\s+|in\s+)?(?:last|the\s+previous|previous|a)\s+month\b`)
)

// findBeforeLast reads "the week/month/quarter/year before last".
func findBeforeLast(s string, today time.Time) (*when, string) {
	m := beforeLastRe.FindStringSubmatchIndex(s)
	if m == nil {
		return nil, s
	}
	unit := s[m[2]:m[3]]
	var from, to time.Time
	switch unit {
	case "week":
		from = cost.WeekStart(today).AddDate(0, 0, -14)
		to = from.AddDate(0, 0, 6)
	case "month":
		from = cost.MonthStart(today).AddDate(0, -2, 0)
		to = cost.MonthEnd(from)
	case "quarter":
		from = quarterStart(today).AddDate(0, -6, 0)
		to = from.AddDate(0, 3, -1)
	default:
		from = time.Date(today.Year()-2, 1, 1, 0, 0, 0, 0, time.UTC)
		to = time.Date(today.Year()-2, 12, 31, 0, 0, 0, 0, time.UTC)
	}
	return &when{cost.DateRange{From: from, To: to}, "the " + unit + " before last"}, blank(s, m)
}

// findSameDay reads "the same day last week": today a week ago (moved to the
// other period's day by read when it is compared with one).
func findSameDay(s string, today time.Time) (*when, string) {
	loc := sameDayRe.FindStringIndex(s)
	if loc == nil {
		return nil, s
	}
	d := today.AddDate(0, 0, -7)
	return &when{cost.DateRange{From: d, To: d}, sameDayPhrase}, blank(s, loc)
}

const sameDayPhrase = "the same day last week"

// findSameDays reads "the same days last month": last month from its first day to
// today's day of the month, for month-to-date comparisons.
func findSameDays(s string, today time.Time) (*when, string) {
	loc := sameDaysRe.FindStringIndex(s)
	if loc == nil {
		return nil, s
	}
	from := cost.MonthStart(today).AddDate(0, -1, 0)
	to := from.AddDate(0, 0, today.Day()-1)
	if end := cost.MonthEnd(from); to.After(end) {
		to = end
	}
	return &when{cost.DateRange{From: from, To: to}, "the same days last month"}, blank(s, loc)
}

func quarterStart(t time.Time) time.Time {
	return time.Date(t.Year(), time.Month(3*((int(t.Month())-1)/3)+1), 1, 0, 0, 0, 0, time.UTC)
}

// findWhen extracts the period a question names, relative to today. It returns the
// text with the period's words blanked out, so they are not read twice.
func findWhen(s string, today time.Time) (*when, string) {
	if w, rest := findDates(s, today); w != nil {
		return w, rest
	}
	for _, f := range finders {
		if w, rest := f(s, today); w != nil {
			return w, rest
		}
	}
	return nil, s
}

var finders = []func(string, time.Time) (*when, string){findBeforeLast, findSameDay, findSameDays, findLastN, findQuarter, findFixed, findWeekNumber, findMonth, findWeekend, findWeekday, findYear}

var weekNumberRe = regexp.MustCompile(`\b(?:iso\s+)?(?:week|wk|cw)\s*(\d{1,2})\b(?:\s+(?:of\s+)?(\d{4})\b)?`)

// findWeekNumber reads ISO week numbers: "week 47", "week 47 2026".
func findWeekNumber(s string, today time.Time) (*when, string) {
	m := weekNumberRe.FindStringSubmatchIndex(s)
	if m == nil {
		return nil, s
	}
	n, _ := strconv.Atoi(s[m[2]:m[3]])
	y := today.Year()
	if m[4] >= 0 {
		y, _ = strconv.Atoi(s[m[4]:m[5]])
	}
	if n < 1 || n > 53 {
		return nil, s
	}
	start := func(y int) time.Time {
		return cost.WeekStart(time.Date(y, 1, 4, 0, 0, 0, 0, time.UTC)).AddDate(0, 0, 7*(n-1))
	}
	from := start(y)
	if m[4] < 0 && from.After(today) {
		from = start(y - 1)
	}
	return &when{clip(cost.DateRange{From: from, To: from.AddDate(0, 0, 6)}, today), fmt.Sprintf("in week %d", n)}, blank(s, m)
}

// findWeekend reads "last weekend" / "over the weekend": the latest Saturday and
// Sunday before today.
func findWeekend(s string, today time.Time) (*when, string) {
	loc := weekendRe.FindStringIndex(s)
	if loc == nil {
		return nil, s
	}
	d := today.AddDate(0, 0, -1)
	for d.Weekday() != time.Sunday {
		d = d.AddDate(0, 0, -1)
	}
	return &when{cost.DateRange{From: d.AddDate(0, 0, -1), To: d}, "last weekend"}, blank(s, loc)
}

func blank(s string, loc []int) string {
	return s[:loc[0]] + " " + s[loc[1]:]
}

func day(y int, m time.Month, d int) (time.Time, bool) {
	t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return t, t.Month() == m && t.Day() == d
}

func parseMonth(s string) time.Month {
	s = strings.TrimSuffix(s, ".")
	for m := time.January; m <= time.December; m++ {
		name := strings.ToLower(m.String())
		if s == name || len(s) >= 3 && strings.HasPrefix(name, s) {
			return m
		}
	}
	return 0
}

// findDates reads explicit dates: one is a day, two are a range, and "since X" runs
// from X to today.
func findDates(s string, today time.Time) (*when, string) {
	orig := s
	type hit struct {
		t   time.Time
		loc []int
	}
	var hits []hit
	add := func(re *regexp.Regexp, conv func(m []string) (time.Time, bool)) {
		for {
			loc := re.FindStringSubmatchIndex(s)
			if loc == nil {
				return
			}
			m := make([]string, len(loc)/2)
			for i := range m {
				if loc[2*i] >= 0 {
					m[i] = s[loc[2*i]:loc[2*i+1]]
				}
			}
			t, ok := conv(m)
			if !ok {
				return
			}
			hits = append(hits, hit{t, []int{loc[0], loc[1]}})
			s = s[:loc[0]] + strings.Repeat(" ", loc[1]-loc[0]) + s[loc[1]:]
		}
	}
	yearOf := func(ys string, m time.Month, d int) int {
		if ys == "" {
			y := today.Year()
			if t, _ := day(y, m, d); t.After(today) {
				y--
			}
			return y
		}
		y, _ := strconv.Atoi(ys)
		if y < 100 {
			y += 2000
		}
		return y
	}
	add(isoDateRe, func(m []string) (time.Time, bool) {
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		d, _ := strconv.Atoi(m[3])
		return day(y, time.Month(mo), d)
	})
	add(usDateRe, func(m []string) (time.Time, bool) {
		mo, _ := strconv.Atoi(m[1])
		d, _ := strconv.Atoi(m[2])
		if mo < 1 || mo > 12 {
			return time.Time{}, false
		}
		return day(yearOf(m[3], time.Month(mo), d), time.Month(mo), d)
	})
	add(monDayRe, func(m []string) (time.Time, bool) {
		mo := parseMonth(m[1])
		d, _ := strconv.Atoi(m[2])
		return day(yearOf(m[3], mo, d), mo, d)
	})
	add(dayMonRe, func(m []string) (time.Time, bool) {
		mo := parseMonth(m[2])
		d, _ := strconv.Atoi(m[1])
		return day(yearOf(m[3], mo, d), mo, d)
	})
	add(dayOnlyRe, func(m []string) (time.Time, bool) {
		// "on the 20th": the latest 20th up to today.
		d, _ := strconv.Atoi(m[1])
		t, ok := day(today.Year(), today.Month(), d)
		if ok && t.After(today) || !ok {
			prev := today.AddDate(0, 0, -today.Day())
			t, ok = day(prev.Year(), prev.Month(), d)
		}
		return t, ok
	})
	if len(hits) == 0 {
		return nil, s
	}
	first, last := hits[0], hits[0]
	for _, h := range hits {
		if h.t.Before(first.t) {
			first = h
		}
		if h.t.After(last.t) {
			last = h
		}
	}
	if len(hits) == 2 {
		a, b := hits[0], hits[1]
		if b.loc[0] < a.loc[0] {
			a, b = b, a
		}
		if versusRe.MatchString(orig[a.loc[1]:b.loc[0]]) {
			// "Nov 3 vs Nov 4": two periods compared, read one at a time.
			return &when{cost.DateRange{From: a.t, To: a.t}, ""}, blank(orig, a.loc)
		}
	}
	if len(hits) >= 2 {
		return &when{cost.DateRange{From: first.t, To: last.t}, ""}, s
	}
	if weekOfRe.MatchString(s[:first.loc[0]]) {
		from := cost.WeekStart(first.t)
		return &when{clip(cost.DateRange{From: from, To: from.AddDate(0, 0, 6)}, today), ""}, s
	}
	if rangeLeadRe.MatchString(s[:first.loc[0]]) && first.t.Before(today) {
		return &when{cost.DateRange{From: first.t, To: today}, "since " + shortDay(first.t)}, s
	}
	return &when{cost.DateRange{From: first.t, To: first.t}, ""}, s
}

// badDate returns the first date-like text in s that is no calendar day
// ("Nov 31", "2026-13-01", "13/45"), or "".
func badDate(s string) string {
	for _, m := range isoDateRe.FindAllStringSubmatch(s, -1) {
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		d, _ := strconv.Atoi(m[3])
		if _, ok := day(y, time.Month(mo), d); !ok {
			return m[0]
		}
	}
	for _, m := range usDateRe.FindAllStringSubmatch(s, -1) {
		mo, _ := strconv.Atoi(m[1])
		d, _ := strconv.Atoi(m[2])
		if _, ok := day(2024, time.Month(mo), d); !ok || mo < 1 || mo > 12 {
			return m[0]
		}
	}
	for _, x := range []struct {
		re         *regexp.Regexp
		month, day int
	}{{monDayRe, 1, 2}, {dayMonRe, 2, 1}} {
		for _, m := range x.re.FindAllStringSubmatch(s, -1) {
			d, _ := strconv.Atoi(m[x.day])
			// 2024 is a leap year: Feb 29 is a day in some year.
			if _, ok := day(2024, parseMonth(m[x.month]), d); !ok {
				return m[0]
			}
		}
	}
	return ""
}

func findLastN(s string, today time.Time) (*when, string) {
	m := lastNRe.FindStringSubmatchIndex(s)
	if m == nil {
		return nil, s
	}
	word, unit := s[m[2]:m[3]], s[m[4]:m[5]]
	n, err := strconv.Atoi(word)
	if err != nil {
		var ok bool
		if n, ok = numberWords[word]; !ok {
			return nil, s
		}
	}
	if n < 1 || n > 3650 {
		return nil, s
	}
	unit = strings.TrimSuffix(unit, "s")
	if unit == "hour" {
		n, unit = (n+23)/24, "day"
	}
	name := fmt.Sprintf("last_%d_%ss", n, unit)
	r, err := cost.Period{Name: name}.Resolve(today)
	if err != nil {
		return nil, s
	}
	phrase := fmt.Sprintf("in the last %d %ss", n, unit)
	if n == 1 {
		phrase = "in the last " + unit
	}
	return &when{r, phrase}, blank(s, m)
}

func findFixed(s string, today time.Time) (*when, string) {
	for _, f := range fixed {
		loc := f.re.FindStringIndex(s)
		if loc == nil {
			continue
		}
		if f.period == "" {
			d := today.AddDate(0, 0, -2)
			return &when{cost.DateRange{From: d, To: d}, f.phrase}, blank(s, loc)
		}
		r, err := cost.Period{Name: f.period}.Resolve(today)
		if err != nil {
			continue // A period the query layer does not name is never a zero range.
		}
		return &when{r, f.phrase}, blank(s, loc)
	}
	return nil, s
}

func findQuarter(s string, today time.Time) (*when, string) {
	if m := relQuarter.FindStringSubmatchIndex(s); m != nil {
		start := time.Date(today.Year(), time.Month(3*((int(today.Month())-1)/3)+1), 1, 0, 0, 0, 0, time.UTC)
		phrase := "this quarter"
		if m[2] >= 0 && s[m[2]:m[3]] != "this" && s[m[2]:m[3]] != "current" {
			start, phrase = start.AddDate(0, -3, 0), "last quarter"
		}
		return &when{clip(cost.DateRange{From: start, To: start.AddDate(0, 3, -1)}, today), phrase}, blank(s, m)
	}
	m := quarterRe.FindStringSubmatchIndex(s)
	if m == nil {
		return nil, s
	}
	q := 0
	if m[2] >= 0 {
		q, _ = strconv.Atoi(s[m[2]:m[3]])
	} else {
		q = map[string]int{"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}[s[m[4]:m[5]]]
	}
	y := today.Year()
	if m[6] >= 0 {
		y, _ = strconv.Atoi(s[m[6]:m[7]])
	} else if time.Month(3*(q-1)+1) > today.Month() {
		y--
	}
	start := time.Date(y, time.Month(3*(q-1)+1), 1, 0, 0, 0, 0, time.UTC)
	r := clip(cost.DateRange{From: start, To: start.AddDate(0, 3, -1)}, today)
	return &when{r, fmt.Sprintf("in Q%d %d", q, y)}, blank(s, m)
}

func findMonth(s string, today time.Time) (*when, string) {
	for _, m := range monthRe.FindAllStringSubmatchIndex(s, -1) {
		prep, name, year := "", s[m[4]:m[5]], ""
		if m[2] >= 0 {
			prep = s[m[2]:m[3]]
		}
		if m[6] >= 0 {
			year = s[m[6]:m[7]]
		}
		// "may", "mar", "sat"… are also words: take them only when clearly a month.
		if len(name) <= 3 && name != "oct" && name != "nov" && name != "dec" && name != "jan" && name != "feb" &&
			prep == "" && year == "" || name == "may" && prep == "" && year == "" {
			continue
		}
		mo := parseMonth(name)
		y := today.Year()
		if year != "" {
			y, _ = strconv.Atoi(year)
		} else if mo > today.Month() {
			y--
		}
		start := time.Date(y, mo, 1, 0, 0, 0, 0, time.UTC)
		r := cost.DateRange{From: start, To: cost.MonthEnd(start)}
		phrase := "in " + start.Format("January 2006")
		if prep == "since" || prep == "from" && !toMonthRe.MatchString(s[m[1]:]) {
			r.To, phrase = today, "since "+start.Format("January 2006")
		}
		return &when{clip(r, today), phrase}, blank(s, []int{m[0], m[1]})
	}
	return nil, s
}

func findWeekday(s string, today time.Time) (*when, string) {
	if m := weekdaysRe.FindStringSubmatchIndex(s); m != nil {
		// "between Monday and Wednesday": the latest such run of days that has begun.
		from, to := weekdayOf(s[m[2]:m[3]]), weekdayOf(s[m[4]:m[5]])
		d := today
		for d.Weekday() != from {
			d = d.AddDate(0, 0, -1)
		}
		end := d.AddDate(0, 0, (int(to)-int(from)+7)%7)
		if end.After(today) {
			d, end = d.AddDate(0, 0, -7), end.AddDate(0, 0, -7)
		}
		return &when{cost.DateRange{From: d, To: end}, ""}, blank(s, []int{m[0], m[1]})
	}
	for _, m := range weekdayRe.FindAllStringSubmatchIndex(s, -1) {
		name := s[m[4]:m[5]]
		if len(name) <= 3 && m[2] < 0 {
			continue // "sun", "sat", "wed" alone are too ambiguous.
		}
		wd := weekdayOf(name)
		d := today.AddDate(0, 0, -1)
		for d.Weekday() != wd {
			d = d.AddDate(0, 0, -1)
		}
		if m[2] >= 0 && (s[m[2]:m[3]] == "since" || s[m[2]:m[3]] == "from") {
			return &when{cost.DateRange{From: d, To: today}, "since " + d.Weekday().String()}, blank(s, []int{m[0], m[1]})
		}
		return &when{cost.DateRange{From: d, To: d}, "on " + d.Weekday().String()}, blank(s, []int{m[0], m[1]})
	}
	return nil, s
}

func weekdayOf(name string) time.Weekday {
	for d := time.Sunday; d <= time.Saturday; d++ {
		if strings.HasPrefix(strings.ToLower(d.String()), name[:3]) {
			return d
		}
	}
	return time.Sunday
}

func findYear(s string, today time.Time) (*when, string) {
	m := yearRe.FindStringSubmatchIndex(s)
	if m == nil {
		return nil, s
	}
	y, _ := strconv.Atoi(s[m[2]:m[3]])
	r := cost.DateRange{From: time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC)}
	return &when{clip(r, today), fmt.Sprintf("in %d", y)}, blank(s, m)
}

// clip ends r at today when it runs into the future (and starts before it).
func clip(r cost.DateRange, today time.Time) cost.DateRange {
	if r.To.After(today) && !r.From.After(today) {
		r.To = today
	}
	return r
}

func shortDay(t time.Time) string { return t.Format("Jan 2, 2006") }
