package cost

import (
	"errors"
	"time"
)

// ErrNotLoaded is returned by a store that reads a file itself when the file
// holds something its reader does not handle (an unusual spelling, a bad
// value): nothing was written, and the caller reads the file line by line
// instead, which accepts it or names the line and column at fault.
var ErrNotLoaded = errors.New("the store did not read the file itself")

// UnifiedFile is a unified CSV file that a store reads itself, in one
// statement, instead of receiving its lines one by one. The functions are the
// normalisation of the line-by-line reader; the store applies them to the
// file's values so that both paths write the same lines. Every partition the
// lines name is replaced.
type UnifiedFile struct {
	Name string // For messages.
	Path string // A copy of the file in the store's spool directory.
	// Columns are the header's column names, trimmed, in file order.
	Columns []string
	// Provider, Model, Family, Tags and Customer normalise values: Tags returns
	// a tags value as stored (JSON, "" for none) and false when it is not a JSON
	// object of strings; Customer returns the customer of a line without one,
	// from its raw tags, provider, account and project.
	Provider func(raw string) string
	Model    func(raw string) string
	Family   func(model string) string
	Tags     func(raw string) (string, bool)
	Customer func(tags, provider, account, project string) string
	// OpenMonth is the first day of the first month whose lines are
	// provisional when the file gives no data status.
	OpenMonth time.Time
	// MaxAbsCost is the largest cost magnitude accepted.
	MaxAbsCost float64
}

// FOCUSFile is a FOCUS CSV file that a store reads itself, in one statement.
// Its text columns (provider, service, meters, tags, …) decide a line's text
// fields, its tokens per unit and its partition; Text maps one distinct
// combination of them as the line-by-line reader maps a line, so the store
// calls it once per combination, never per line.
type FOCUSFile struct {
	Name string // For messages.
	Path string // A copy of the file in the store's spool directory.
	// Columns are the header's column names, trimmed, in file order.
	Columns []string
	// TextColumns are the positions of the text columns.
	TextColumns []int
	// Roles are the positions of the number and timestamp columns by role:
	// cost, list_cost, start, end, period_start, consumed_qty, pricing_qty
	// (-1 when absent).
	Roles map[string]int
	// Text maps the text values of a line (by position; other positions are
	// empty); noConsumed is set when its ConsumedQuantity is empty. It
	// returns an error when the line needs the line-by-line reader.
	Text func(vals []string, noConsumed bool) (*FOCUSText, error)
	// OpenMonth is the first day of the first month whose lines are
	// provisional when the file does not say.
	OpenMonth time.Time
	// MaxAbsCost is the largest cost magnitude accepted.
	MaxAbsCost float64
}

// FOCUSText is what a FOCUS line's text columns decide: its text fields
// (Line: provider, service, model, model family, token type, tier, usage
// unit, account, project, region, tags, charge category, customer, data
// status or "" when the month decides), its usage per unit of quantity, and
// its partition without the month.
type FOCUSText struct {
	Line   *LineItem
	Block  float64
	Prefix string
}

// LoadResult is what a store that read a file itself reports: what Apply
// reports, and the counters the line-by-line reader computes as lines pass.
type LoadResult struct {
	ApplyResult
	Rows, TokenLines, UnpricedLines int
	UnpricedModels                  []string
	CostUSD                         float64
	From, To                        time.Time
	Partitions                      []Partition
}
