package cost_test

import (
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

func day(s string) time.Time {
	t, err := cost.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return t
}

func rng(from, to string) cost.DateRange { return cost.DateRange{From: day(from), To: day(to)} }

// now is Friday 2026-11-20, 15:04 UTC.
var now = time.Date(2026, 11, 20, 15, 4, 0, 0, time.UTC)

func TestPeriodResolve(t *testing.T) {
	tests := []struct {
		p    cost.Period
		want cost.DateRange
	}{
		{cost.Period{Name: "today"}, rng("2026-11-20", "2026-11-20")},
		{cost.Period{Name: "Yesterday"}, rng("2026-11-19", "2026-11-19")},
		{cost.Period{Name: "this_week"}, rng("2026-11-16", "2026-11-20")},
		{cost.Period{Name: "week_to_date"}, rng("2026-11-16", "2026-11-20")},
		{cost.Period{Name: "last_week"}, rng("2026-11-09", "2026-11-15")},
		{cost.Period{Name: "this_month"}, rng("2026-11-01", "2026-11-20")},
		{cost.Period{Name: "month_to_date"}, rng("2026-11-01", "2026-11-20")},
		{cost.Period{Name: "last_month"}, rng("2026-10-01", "2026-10-31")},
		{cost.Period{Name: "year_to_date"}, rng("2026-01-01", "2026-11-20")},
		{cost.Period{Name: "this_year"}, rng("2026-01-01", "2026-11-20")},
		{cost.Period{Name: "last_year"}, rng("2025-01-01", "2025-12-31")},
		// The seed's "last N days": date >= today − N, so N whole days plus today.
		{cost.Period{Name: "last_7_days"}, rng("2026-11-13", "2026-11-20")},
		{cost.Period{Name: "last_30_days"}, rng("2026-10-21", "2026-11-20")},
		{cost.Period{Name: "last_2_weeks"}, rng("2026-11-06", "2026-11-20")},
		{cost.Period{Name: "last_3_months"}, rng("2026-08-20", "2026-11-20")},
		{cost.Period{Name: "2026-02"}, rng("2026-02-01", "2026-02-28")},
		{cost.Period{Name: "2024-02"}, rng("2024-02-01", "2024-02-29")},
		{cost.Period{Name: "2026-Q3"}, rng("2026-07-01", "2026-09-30")},
		{cost.Period{Name: "2026-q4"}, rng("2026-10-01", "2026-12-31")},
		{cost.Period{Name: "2025"}, rng("2025-01-01", "2025-12-31")},
		{cost.Period{From: "2026-11-02", To: "2026-11-02"}, rng("2026-11-02", "2026-11-02")},
	}
	for _, tt := range tests {
		got, err := tt.p.Resolve(now)
		if err != nil || got != tt.want {
			t.Errorf("%+v.Resolve = %v, %v; want %v", tt.p, got, err, tt.want)
		}
	}
}

func TestPeriodResolveWeekStartsMonday(t *testing.T) {
	sunday := time.Date(2026, 11, 22, 23, 0, 0, 0, time.UTC)
	got, err := cost.Period{Name: "this_week"}.Resolve(sunday)
	if want := rng("2026-11-16", "2026-11-22"); err != nil || got != want {
		t.Errorf("this_week on a Sunday = %v, %v; want %v", got, err, want)
	}
	// A non-UTC clock resolves on its UTC day.
	late := time.Date(2026, 11, 20, 23, 30, 0, 0, time.FixedZone("X", -3*3600))
	got, _ = cost.Period{Name: "today"}.Resolve(late)
	if want := rng("2026-11-21", "2026-11-21"); got != want {
		t.Errorf("today at 23:30−03:00 = %v, want %v", got, want)
	}
}

// TestPeriodRelative checks from/to relative to now, as dashboard URLs write
// them; now is Fri 2026-11-20 in these tests.
func TestPeriodRelative(t *testing.T) {
	tests := []struct {
		from, to         string
		wantFrom, wantTo string
	}{
		{"now-30d", "now-1d", "2026-10-21", "2026-11-19"},
		{"now/M", "now", "2026-11-01", "2026-11-20"},
		{"now-1M/M", "now-1M/M", "2026-10-01", "2026-10-31"},
		{"2026-11-02", "now-1d", "2026-11-02", "2026-11-19"},
	}
	for _, tt := range tests {
		got, err := cost.Period{From: tt.from, To: tt.to}.Resolve(now)
		if err != nil {
			t.Errorf("%s..%s: %v", tt.from, tt.to, err)
			continue
		}
		if f, to := got.From.Format(cost.DateLayout), got.To.Format(cost.DateLayout); f != tt.wantFrom || to != tt.wantTo {
			t.Errorf("%s..%s = %s..%s, want %s..%s", tt.from, tt.to, f, to, tt.wantFrom, tt.wantTo)
		}
	}
}

func TestPeriodErrors(t *testing.T) {
	tests := []struct {
		p     cost.Period
		field string
	}{
		{cost.Period{}, "period"},
		{cost.Period{From: "2026-11-01"}, "period"},
		{cost.Period{Name: "today", From: "2026-11-01"}, "period"},
		{cost.Period{Name: "fortnight"}, "period.name"},
		{cost.Period{Name: "last_0_days"}, "period.name"},
		{cost.Period{Name: "2026-13"}, "period.name"},
		{cost.Period{From: "2026-11-31", To: "2026-12-01"}, "period.from"},
		{cost.Period{From: "2026-11-01", To: "tomorrow"}, "period.to"},
		{cost.Period{From: "now-3x", To: "now"}, "period.from"},
		{cost.Period{From: "2026-11-10", To: "2026-11-01"}, "period.from"},
		{cost.Period{From: "1990-01-01", To: "2026-01-01"}, "period"},
	}
	for _, tt := range tests {
		_, err := tt.p.Resolve(now)
		if cost.ErrorCode(err) != cost.CodeInvalid || cost.ErrorField(err) != tt.field {
			t.Errorf("%+v: err = %v, want invalid on %q", tt.p, err, tt.field)
		}
		if err := tt.p.Validate(); err == nil {
			t.Errorf("%+v.Validate() = nil, want an error", tt.p)
		}
	}
}

func TestPreviousRange(t *testing.T) {
	tests := []struct {
		r, want cost.DateRange
	}{
		// Whole months: the same number of months before.
		{rng("2026-10-01", "2026-10-31"), rng("2026-09-01", "2026-09-30")},
		{rng("2026-03-01", "2026-03-31"), rng("2026-02-01", "2026-02-28")},
		{rng("2026-07-01", "2026-09-30"), rng("2026-04-01", "2026-06-30")},
		{rng("2026-01-01", "2026-12-31"), rng("2025-01-01", "2025-12-31")},
		// Month to date: the same days of the previous month.
		{rng("2026-11-01", "2026-11-20"), rng("2026-10-01", "2026-10-20")},
		// …clipped to that month's end.
		{rng("2026-03-01", "2026-03-30"), rng("2026-02-01", "2026-02-28")},
		{rng("2026-01-01", "2026-01-15"), rng("2025-12-01", "2025-12-15")},
		// Anything else: the same number of days just before.
		{rng("2026-11-20", "2026-11-20"), rng("2026-11-19", "2026-11-19")},
		{rng("2026-11-13", "2026-11-20"), rng("2026-11-05", "2026-11-12")},
		{rng("2026-11-16", "2026-11-22"), rng("2026-11-09", "2026-11-15")},
		{rng("2026-10-01", "2026-11-15"), rng("2026-08-16", "2026-09-30")},
	}
	for _, tt := range tests {
		if got := cost.PreviousRange(tt.r); got != tt.want {
			t.Errorf("PreviousRange(%v) = %v, want %v", tt.r, got, tt.want)
		}
	}
}

func TestParseTimeParam(t *testing.T) {
	tests := []struct {
		s    string
		end  bool
		want string
	}{
		{"2026-11-03", false, "2026-11-03"},
		{" 2026-11-03 ", true, "2026-11-03"},
		{"2026-11-03T23:59:00Z", false, "2026-11-03"},
		{"2026-11-03T23:00:00-05:00", false, "2026-11-04"},
		{"1762128000000", false, "2025-11-03"}, // 2025-11-03T00:00:00Z in ms.
		{"1762128000000", true, "2025-11-02"},  // An exclusive "to" at midnight is the day before.
		{"1762131600000", true, "2025-11-03"},  // 01:00 is inside the day.
		{"now", false, "2026-11-20"},
		{"now-30d", false, "2026-10-21"},
		{"now-1w", false, "2026-11-13"},
		{"now-6h", false, "2026-11-20"},
		{"now-16h", false, "2026-11-19"},
		{"now-90m", false, "2026-11-20"},
		{"now-1M", false, "2026-10-20"},
		{"now-1y", false, "2025-11-20"},
		{"now/d", true, "2026-11-20"},
		{"now/w", false, "2026-11-16"},
		{"now/w", true, "2026-11-22"},
		{"now/M", false, "2026-11-01"},
		{"now-1M/M", false, "2026-10-01"},
		{"now-1M/M", true, "2026-10-31"},
		{"now/y", false, "2026-01-01"},
		{"now-1y/y", true, "2025-12-31"},
	}
	for _, tt := range tests {
		got, err := cost.ParseTimeParam(tt.s, now, tt.end)
		if err != nil || !got.Equal(day(tt.want)) {
			t.Errorf("ParseTimeParam(%q, end=%v) = %v, %v; want %s", tt.s, tt.end, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "yesterday", "now-5x", "now+1d", "12345", "2026-13-01"} {
		if _, err := cost.ParseTimeParam(bad, now, false); err == nil {
			t.Errorf("ParseTimeParam(%q) = nil error, want one", bad)
		}
	}
}

func TestDateRange(t *testing.T) {
	r := rng("2026-10-30", "2026-11-02")
	if r.Days() != 4 || !r.Contains(day("2026-10-30")) || !r.Contains(day("2026-11-02")) || r.Contains(day("2026-11-03")) {
		t.Errorf("%v: days %d, contains wrong", r, r.Days())
	}
	if r.String() != "2026-10-30..2026-11-02" {
		t.Errorf("String() = %q", r.String())
	}
	b, err := r.MarshalJSON()
	if err != nil || string(b) != `{"from":"2026-10-30","to":"2026-11-02"}` {
		t.Errorf("MarshalJSON = %s, %v", b, err)
	}
	var back cost.DateRange
	if err := back.UnmarshalJSON(b); err != nil || back != r {
		t.Errorf("UnmarshalJSON = %v, %v", back, err)
	}
	if err := back.UnmarshalJSON([]byte(`{"from":"2026-10-30","to":"soon"}`)); cost.ErrorField(err) != "to" {
		t.Errorf("bad to: err = %v, want field to", err)
	}
}

func TestWeekMonthHelpers(t *testing.T) {
	tests := []struct{ d, week, ms, me string }{
		{"2026-11-20", "2026-11-16", "2026-11-01", "2026-11-30"},
		{"2026-11-16", "2026-11-16", "2026-11-01", "2026-11-30"},
		{"2026-11-01", "2026-10-26", "2026-11-01", "2026-11-30"},
		{"2024-02-10", "2024-02-05", "2024-02-01", "2024-02-29"},
	}
	for _, tt := range tests {
		if got := cost.WeekStart(day(tt.d)); !got.Equal(day(tt.week)) {
			t.Errorf("WeekStart(%s) = %v, want %s", tt.d, got, tt.week)
		}
		if got := cost.MonthStart(day(tt.d)); !got.Equal(day(tt.ms)) {
			t.Errorf("MonthStart(%s) = %v, want %s", tt.d, got, tt.ms)
		}
		if got := cost.MonthEnd(day(tt.d)); !got.Equal(day(tt.me)) {
			t.Errorf("MonthEnd(%s) = %v, want %s", tt.d, got, tt.me)
		}
	}
}
