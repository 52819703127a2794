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
