package cost

import (
	"math"
	"time"
)

// Partition names one replaceable unit of billing data: a source × account ×
// billing period (e.g. "aws-cur", "123456789012/2026-10"), or an event batch.
type Partition struct {
	Source string `json:"source"`
	Key    string `json:"key"`
}

// Batch is everything one ingested file contributes, written by Store.Apply in a
// single transaction.
type Batch struct {
	// Replace lists partitions whose existing lines are deleted before Lines are
	// inserted. Every line's (Source, SourcePartition) must be one of them.
	Replace []Partition
	Lines   []LineItem
	// Stream, when set, supplies the batch's lines instead of Lines (which must
	// then be empty): it calls emit once per line, in file order, and returns the
	// first error it meets or the one emit returns. The store calls it at most
	// once, so a batch with a Stream can be applied once only. The line passed to
	// emit is only valid during that call. Every partition a streamed line names
	// is replaced, as if listed in Replace, so a caller that streams a file need
	// not know its partitions in advance; partitions listed in Replace are
	// replaced too. If Stream or emit fails, Apply writes nothing.
	Stream func(emit func(*LineItem) error) error
	// Events are per-request usages; those whose EventID the store has already seen
	// are skipped. The new ones are rolled up into daily lines with
	// Source "events" and SourcePartition EventBatch.
	Events     []EventUsage
	EventBatch string
	// EventStream, when set, supplies the batch's event usages instead of Events
	// (which must then be empty, as must EventBatch): it calls emit once per usage
	// in file order, an event's usages contiguous and its first marked First, and
	// returns the event batch id once it has read them all (a caller that names
	// the batch by the file's content knows it only then). The store calls it at
	// most once and checks each usage as it arrives; the usage passed to emit is
	// only valid during that call. If it or emit fails, Apply writes nothing and
	// returns its error as it is.
	EventStream func(emit func(*EventUsage) error) (eventBatch string, err error)
}

// ApplyResult reports what Store.Apply changed.
type ApplyResult struct {
	LinesWritten       int `json:"lines_written"`
	LinesDeleted       int `json:"lines_deleted"`
	PartitionsReplaced int `json:"partitions_replaced"`
	EventsInserted     int `json:"events_inserted"`
	EventsDuplicate    int `json:"events_duplicate"`
}

// IngestSummary is what an ingest reports to its caller (CLI or HTTP).
type IngestSummary struct {
	File               string      `json:"file,omitempty"`
	Format             string      `json:"format"`
	Rows               int         `json:"rows"`
	LinesWritten       int         `json:"lines_written"`
	TokenLines         int         `json:"token_lines"`
	PartitionsReplaced int         `json:"partitions_replaced"`
	Partitions         []Partition `json:"partitions,omitempty"`
	EventsInserted     int         `json:"events_inserted"`
	EventsDuplicate    int         `json:"events_duplicate"`
	UnpricedLines      int         `json:"unpriced_lines"`
	UnpricedModels     []string    `json:"unpriced_models,omitempty"`
	CostUSD            float64     `json:"cost_usd"`
	// From and To are the first and last day the file's lines or events fall
	// on; zero when it had none.
	From     time.Time `json:"from,omitzero"`
	To       time.Time `json:"to,omitzero"`
	Warnings []string  `json:"warnings,omitempty"`
	// Spend is the cost of the events the ingest read, by customer and month,
	// duplicates included (EventsDuplicate says whether there were any); nil for
	// billing files. Budget checks add it to month-to-date spend as it arrives.
	Spend map[SpendKey]float64 `json:"-"`
}

// SpendKey names one customer's spend in one month.
type SpendKey struct {
	CustomerID string
	Month      time.Time // The month's first day, UTC.
}

// MonthOf returns the first day of t's month, UTC.
func MonthOf(t time.Time) time.Time {
	y, m, _ := t.UTC().Date()
	return time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
}

// AddSpend adds usd to the summary's spend of a customer in the month of t.
func (s *IngestSummary) AddSpend(customerID string, t time.Time, usd float64) {
	if s.Spend == nil {
		s.Spend = map[SpendKey]float64{}
	}
	s.Spend[SpendKey{CustomerID: customerID, Month: MonthOf(t)}] += usd
}

// Validate checks a batch before anything is written: every line names a partition
// the batch replaces, has a date and finite figures; every event usage has an id, a
// time and a finite cost. Stores call it first in Apply.
func (b *Batch) Validate() error {
	parts := make(map[Partition]bool, len(b.Replace))
	for _, p := range b.Replace {
		parts[p] = true
	}
	if b.Stream != nil && len(b.Lines) > 0 {
		return Errorf(CodeInvalid, "The batch has both a line stream and lines.")
	}
	for i := range b.Lines {
		l := &b.Lines[i]
		if !parts[Partition{Source: l.Source, Key: l.SourcePartition}] {
			return Errorf(CodeInvalid, "Line %d names partition %s %q, which the batch does not replace.",
				i+1, l.Source, l.SourcePartition)
		}
		if err := ValidateLine(i+1, l); err != nil {
			return err
		}
	}
	if b.EventStream != nil && (len(b.Events) > 0 || b.EventBatch != "") {
		return Errorf(CodeInvalid, "The batch has both an event stream and events or an event batch id.")
	}
	if len(b.Events) > 0 && b.EventBatch == "" {
		return Errorf(CodeInvalid, "The batch has events but no event batch id.")
	}
	for i := range b.Events {
		if err := ValidateUsage(&b.Events[i]); err != nil {
			return err
		}
	}
	return nil
}

// ValidateUsage checks one event usage on its own: it has an event id, a time
// and a finite cost. Stores call it on each streamed usage as it arrives;
// Batch.Validate calls it for each of Events.
func ValidateUsage(u *EventUsage) error {
	if u.EventID == "" {
		return Errorf(CodeInvalid, "An event usage has no event id.")
	}
	if u.Time.IsZero() {
		return Errorf(CodeInvalid, "Event %q has no time.", u.EventID)
	}
	if !finite(u.CostUSD) {
		return Errorf(CodeInvalid, "Event %q has a cost that is not a finite number.", u.EventID)
	}
	return nil
}

// MaxAbsCost is the largest cost magnitude a line may carry (a trillion
// dollars): beyond it a figure is a mistake, and sums of such figures overflow.
const MaxAbsCost = 1e12

// ValidateLine checks the n-th line (1-based) of a batch on its own: it has a
// date and finite figures, and costs within MaxAbsCost. Stores call it on each streamed line as it arrives;
// Batch.Validate calls it for each of Lines.
func ValidateLine(n int, l *LineItem) error {
	if l.Date.IsZero() {
		return Errorf(CodeInvalid, "Line %d has no date.", n)
	}
	if !finite(l.CostUSD, l.Cost, l.UsageAmount) || l.ListCostUSD != nil && !finite(*l.ListCostUSD) {
		return Errorf(CodeInvalid, "Line %d has a cost or usage that is not a finite number.", n)
	}
	if math.Abs(l.CostUSD) > MaxAbsCost || math.Abs(l.Cost) > MaxAbsCost ||
		l.ListCostUSD != nil && math.Abs(*l.ListCostUSD) > MaxAbsCost {
		return Errorf(CodeInvalid, "Line %d has a cost beyond %g, which cannot be right.", n, MaxAbsCost)
	}
	return nil
}

// finite reports whether every x is neither NaN nor infinite.
func finite(xs ...float64) bool {
	for _, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}

// Cover widens the summary's date range to include day.
func (s *IngestSummary) Cover(day time.Time) {
	day = Day(day)
	if s.From.IsZero() || day.Before(s.From) {
		s.From = day
	}
	if day.After(s.To) {
		s.To = day
	}
}
