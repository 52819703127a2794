package cost

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// DateRange is an inclusive range of UTC days.
type DateRange struct {
	From time.Time
	To   time.Time
}

// Days returns the number of days in r.
func (r DateRange) Days() int { return int(r.To.Sub(r.From).Hours()/24) + 1 }

// Contains reports whether day d is in r.
func (r DateRange) Contains(d time.Time) bool { return !d.Before(r.From) && !d.After(r.To) }

// String returns "YYYY-MM-DD..YYYY-MM-DD".
func (r DateRange) String() string {
	return r.From.Format(DateLayout) + ".." + r.To.Format(DateLayout)
}

type dateRangeJSON struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// MarshalJSON encodes r as {"from":"YYYY-MM-DD","to":"YYYY-MM-DD"}.
func (r DateRange) MarshalJSON() ([]byte, error) {
	return json.Marshal(dateRangeJSON{r.From.Format(DateLayout), r.To.Format(DateLayout)})
}

// UnmarshalJSON decodes {"from","to"} dates.
func (r *DateRange) UnmarshalJSON(b []byte) error {
	var v dateRangeJSON
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	var err error
	if r.From, err = ParseDate(v.From); err != nil {
		return FieldErrorf("from", "%q is not a YYYY-MM-DD date.", v.From)
	}
	if r.To, err = ParseDate(v.To); err != nil {
		return FieldErrorf("to", "%q is not a YYYY-MM-DD date.", v.To)
	}
	return nil
}

// Period is a time range, either named and resolved against the clock, or explicit.
//
// Names: today, yesterday, this_week, last_week, this_month (= month_to_date),
// last_month, year_to_date (= this_year), last_year, last_N_days, last_N_weeks,
// last_N_months, YYYY-MM (a month), YYYY-QN (a quarter), YYYY (a year).
// Explicit: From and To as YYYY-MM-DD, both inclusive.
//
// Periods follow the seed's SQL: "last N days" is date >= today−N (N whole days plus
// today so far); weeks start on Monday.
type Period struct {
	Name string `json:"name,omitempty"`
	From string `json:"from,omitempty"`
	To   string `json:"to,omitempty"`
}

var (
	lastNRe   = regexp.MustCompile(`^last_(\d{1,4})_(days|weeks|months)$`)
	monthRe   = regexp.MustCompile(`^(\d{4})-(\d{2})$`)
	quarterRe = regexp.MustCompile(`^(\d{4})-[qQ]([1-4])$`)
	yearRe    = regexp.MustCompile(`^(\d{4})$`)
)

// Validate checks the period's shape without resolving it.
func (p Period) Validate() error {
	_, err := p.Resolve(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC))
	return err
}

// Resolve returns the days p covers when today is Day(now).
func (p Period) Resolve(now time.Time) (DateRange, error) {
	today := Day(now)
	if p.Name == "" {
		return p.resolveExplicit(now)
	}
	if p.From != "" || p.To != "" {
		return DateRange{}, FieldErrorf("period", "Give either a period name or from/to dates, not both.")
	}
	if r, ok := resolveNamed(strings.ToLower(p.Name), today); ok {
		return r, nil
	}
	return DateRange{}, FieldErrorf("period.name", "Unknown period %q.", p.Name)
}

// resolveExplicit resolves from/to dates. Each may also be relative to now as
// in dashboard URLs ("now-30d", "now-1M/M"), so a client can ask for exactly
// the range its panels show without knowing the server's clock.
func (p Period) resolveExplicit(now time.Time) (DateRange, error) {
	if p.From == "" || p.To == "" {
		return DateRange{}, FieldErrorf("period", "A period needs a name or both from and to dates.")
	}
	from, err := explicitDay(p.From, now, false)
	if err != nil {
		return DateRange{}, FieldErrorf("period.from", "%q is not a YYYY-MM-DD date or a time relative to now (now-30d).", p.From)
	}
	to, err := explicitDay(p.To, now, true)
	if err != nil {
		return DateRange{}, FieldErrorf("period.to", "%q is not a YYYY-MM-DD date or a time relative to now (now-1d).", p.To)
	}
	if from.After(to) {
		return DateRange{}, FieldErrorf("period.from", "From (%s) is after to (%s).", p.From, p.To)
	}
	if to.Sub(from) > 20*366*24*time.Hour {
		return DateRange{}, FieldErrorf("period", "A period may span at most 20 years.")
	}
	return DateRange{from, to}, nil
}

// explicitDay parses a YYYY-MM-DD date or a now-relative value.
func explicitDay(s string, now time.Time, end bool) (time.Time, error) {
	if strings.HasPrefix(s, "now") {
		return ParseTimeParam(s, now, end)
	}
	return ParseDate(s)
}

func resolveNamed(name string, today time.Time) (DateRange, bool) {
	monday := WeekStart(today)
	first := MonthStart(today)
	switch name {
	case "today":
		return DateRange{today, today}, true
	case "yesterday":
		y := today.AddDate(0, 0, -1)
		return DateRange{y, y}, true
	case "this_week", "week_to_date":
		return DateRange{monday, today}, true
	case "last_week":
		return DateRange{monday.AddDate(0, 0, -7), monday.AddDate(0, 0, -1)}, true
	case "this_month", "month_to_date":
		return DateRange{first, today}, true
	case "last_month":
		return DateRange{first.AddDate(0, -1, 0), first.AddDate(0, 0, -1)}, true
	case "year_to_date", "this_year":
		return DateRange{time.Date(today.Year(), 1, 1, 0, 0, 0, 0, time.UTC), today}, true
	case "last_year":
		y := today.Year() - 1
		return DateRange{time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC)}, true
	}
	if m := lastNRe.FindStringSubmatch(name); m != nil {
		n, _ := strconv.Atoi(m[1])
		if n < 1 {
			return DateRange{}, false
		}
		switch m[2] {
		case "days":
			return DateRange{today.AddDate(0, 0, -n), today}, true
		case "weeks":
			return DateRange{today.AddDate(0, 0, -7*n), today}, true
		default:
			return DateRange{today.AddDate(0, -n, 0), today}, true
		}
	}
	if m := monthRe.FindStringSubmatch(name); m != nil {
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		if mo < 1 || mo > 12 {
			return DateRange{}, false
		}
		s := time.Date(y, time.Month(mo), 1, 0, 0, 0, 0, time.UTC)
		return DateRange{s, s.AddDate(0, 1, -1)}, true
	}
	if m := quarterRe.FindStringSubmatch(name); m != nil {
		y, _ := strconv.Atoi(m[1])
		q, _ := strconv.Atoi(m[2])
		s := time.Date(y, time.Month(3*(q-1)+1), 1, 0, 0, 0, 0, time.UTC)
		return DateRange{s, s.AddDate(0, 3, -1)}, true
	}
	if m := yearRe.FindStringSubmatch(name); m != nil {
		y, _ := strconv.Atoi(m[1])
		return DateRange{time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC)}, true
	}
	return DateRange{}, false
}

// WeekStart returns the Monday of d's week.
func WeekStart(d time.Time) time.Time {
	d = Day(d)
	off := (int(d.Weekday()) + 6) % 7
	return d.AddDate(0, 0, -off)
}

// MonthStart returns the first day of d's month.
func MonthStart(d time.Time) time.Time {
	return time.Date(d.Year(), d.Month(), 1, 0, 0, 0, 0, time.UTC)
}

// MonthEnd returns the last day of d's month.
func MonthEnd(d time.Time) time.Time { return MonthStart(d).AddDate(0, 1, -1) }

// PreviousRange returns the range to compare r with: the same calendar span one
// month (or year) earlier when r is whole months or a month-to-date, otherwise the
// same number of days immediately before r.
func PreviousRange(r DateRange) DateRange {
	if r.From.Day() == 1 {
		if r.To.Equal(MonthEnd(r.To)) {
			months := (r.To.Year()-r.From.Year())*12 + int(r.To.Month()-r.From.Month()) + 1
			from := r.From.AddDate(0, -months, 0)
			return DateRange{from, r.From.AddDate(0, 0, -1)}
		}
		if r.From.Year() == r.To.Year() && r.From.Month() == r.To.Month() {
			from := r.From.AddDate(0, -1, 0)
			to := from.AddDate(0, 0, r.To.Day()-1)
			if end := MonthEnd(from); to.After(end) {
				to = end
			}
			return DateRange{from, to}
		}
	}
	n := r.Days()
	return DateRange{r.From.AddDate(0, 0, -n), r.From.AddDate(0, 0, -1)}
}

var grafanaRelRe = regexp.MustCompile(`^now(?:-(\d+)([mhdwMy]))?(?:/([dwMy]))?$`)

// ParseTimeParam parses a Grafana-style from/to URL value: YYYY-MM-DD, an RFC 3339
// time, epoch milliseconds, or a relative "now", "now-30d", "now/M", "now-1M/M".
// The result is a UTC day. For "to" values rounded with "/", end is true selects the
// end of the rounded unit (Grafana's behaviour for to=now-1M/M).
func ParseTimeParam(s string, now time.Time, end bool) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := ParseDate(s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return Day(t), nil
	}
	if ms, err := strconv.ParseInt(s, 10, 64); err == nil && len(s) >= 10 {
		if end {
			ms-- // Grafana's "to" is exclusive to the millisecond at a day boundary.
		}
		return Day(time.UnixMilli(ms)), nil
	}
	m := grafanaRelRe.FindStringSubmatch(s)
	if m == nil {
		return time.Time{}, fmt.Errorf("%q is not a date, epoch milliseconds or now-relative time", s)
	}
	t := now.UTC()
	if m[1] != "" {
		n, _ := strconv.Atoi(m[1])
		switch m[2] {
		case "m":
			t = t.Add(-time.Duration(n) * time.Minute)
		case "h":
			t = t.Add(-time.Duration(n) * time.Hour)
		case "d":
			t = t.AddDate(0, 0, -n)
		case "w":
			t = t.AddDate(0, 0, -7*n)
		case "M":
			t = t.AddDate(0, -n, 0)
		case "y":
			t = t.AddDate(-n, 0, 0)
		}
	}
	d := Day(t)
	switch m[3] {
	case "d":
		return d, nil
	case "w":
		if end {
			return WeekStart(d).AddDate(0, 0, 6), nil
		}
		return WeekStart(d), nil
	case "M":
		if end {
			return MonthEnd(d), nil
		}
		return MonthStart(d), nil
	case "y":
		if end {
			return time.Date(d.Year(), 12, 31, 0, 0, 0, 0, time.UTC), nil
		}
		return time.Date(d.Year(), 1, 1, 0, 0, 0, 0, time.UTC), nil
	}
	return d, nil
}
