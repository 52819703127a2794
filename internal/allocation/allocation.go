// Package allocation writes billed cost back to customers in proportion to
// their gateway event tokens, as cost lines, so that every total counts each
// dollar once and invoiced cost reaches the customers who used it.
//
// An allocated model-day is a (day, cloud provider, model) with billed lines
// (cost source billing_export, model set) and gateway event lines (cost
// sources event_estimate and event_reported). For each one the allocator
// writes, into partition {Source: "allocation", Key: "YYYY-MM"}:
//
//   - Moves (cost source allocation, charge category Allocation): each group of
//     unattributed billed lines (same date, provider, service, account,
//     project, region, model, family, token type, pricing tier and data status;
//     cost U, tokens U_tok) gives customer c with event tokens a line of
//     +U·t_c/max(T, U_tok) USD and +U_tok·t_c/max(T, U_tok) tokens, where t_c
//     and T count the events' tokens of the group's token type (T including
//     tokens with no customer); the group gets one unattributed line with the
//     negated sum. For a token type the events do not report, t_c and T count
//     the events' tokens on the same side (or of every type when there are
//     none, and for a non-token charge) and no tokens move (analysis.Split). Event tokens with no customer, and billed tokens the
//     gateway never saw, keep their part unattributed. Billed lines attributed
//     by tags are left as they are.
//   - Offsets (cost source superseded_estimate, charge category Allocation):
//     each event line of the model-day whose tokens the bill covers (the bill
//     has token lines on the same side: input with cache reads and writes,
//     output with reasoning; analysis.TokenSide) is cancelled by a line with
//     the negated cost and usage and the same dimensions (requests 0, so request counts
//     survive), grouped by date, provider, service, account, project, region,
//     model, family, token type, pricing tier, data status and customer.
//
// Estimates on a side the bill has no tokens for are kept: a bill of
// provisioned hours alone does not say what the tokens cost, and a token bill
// that was not ingested must not erase what the gateway saw.
//
// With no filter, a model-day's total is then its billed cost (plus the
// estimates kept) and a customer's
// total its share plus any tag-attributed billed cost; the lines with cost
// source billing_export still show the invoice as delivered. The allocator
// reads only billing_export and event lines, so its own lines never feed back
// into a recomputation, and it reads through Store.Aggregate only, so it works
// on every store.
package allocation

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

// Source is the partition source of the allocator's lines; each month is one
// partition keyed YYYY-MM.
const Source = "allocation"

// ChargeCategory is the charge category of the allocator's lines.
const ChargeCategory = "Allocation"

// Modes of LLMCOST_ALLOCATION.
const (
	ModeOff         = "off"          // No allocation lines.
	ModeEventTokens = "event-tokens" // Billed cost allocated by event tokens.
)

// Modes lists the allocation modes.
var Modes = []string{ModeOff, ModeEventTokens}

// Allocator recomputes the allocation lines of whole months. Its runs are
// serialised, so a run always reads what earlier runs and ingests wrote.
type Allocator struct {
	Store  cost.Store
	Now    func() time.Time // Times each run for its log record; nil = time.Now.
	Logger *slog.Logger     // nil = slog.Default().

	mu sync.Mutex
}

// Result says what one Run or Clear did.
type Result struct {
	From          time.Time `json:"from"` // First day of the first month.
	To            time.Time `json:"to"`   // Last day of the last month.
	Months        int       `json:"months"`
	ModelDays     int       `json:"model_days"`     // Allocated model-days.
	MovedUSD      float64   `json:"moved_usd"`      // Unattributed billed cost moved to customers.
	SupersededUSD float64   `json:"superseded_usd"` // Event estimates cancelled.
	LinesWritten  int       `json:"lines_written"`
	LinesDeleted  int       `json:"lines_deleted"` // Allocation lines the run replaced.
}

// String summarises r on one line.
func (r *Result) String() string {
	return fmt.Sprintf("%s to %s: %d months, %d model-days allocated, $%.2f moved to customers, "+
		"$%.2f of estimates superseded, %d lines written, %d replaced",
		r.From.Format(cost.DateLayout), r.To.Format(cost.DateLayout), r.Months, r.ModelDays,
		r.MovedUSD, r.SupersededUSD, r.LinesWritten, r.LinesDeleted)
}

// Run recomputes the allocation partitions of every month from `from` to `to`
// (inclusive days, widened to whole months): one Store.Apply replacing those
// months' partitions.
func (a *Allocator) Run(ctx context.Context, from, to time.Time) (*Result, error) {
	res, err := span(from, to)
	if err != nil {
		return nil, err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	start := a.now()
	days, err := a.read(ctx, res.From, res.To)
	if err != nil {
		return nil, err
	}
	lines := plan(days, res)
	if err := a.apply(ctx, res, lines); err != nil {
		return nil, err
	}
	a.log(ctx, "allocation run", res, start)
	return res, nil
}

// Clear removes all allocation lines between from and to (inclusive days,
// widened to whole months), as when the mode is switched off.
func (a *Allocator) Clear(ctx context.Context, from, to time.Time) (*Result, error) {
	res, err := span(from, to)
	if err != nil {
		return nil, err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	start := a.now()
	if err := a.apply(ctx, res, nil); err != nil {
		return nil, err
	}
	a.log(ctx, "allocation cleared", res, start)
	return res, nil
}

// apply replaces the months' partitions with lines.
func (a *Allocator) apply(ctx context.Context, res *Result, lines []cost.LineItem) error {
	b := &cost.Batch{Replace: partitions(res.From, res.To), Lines: lines}
	ar, err := a.Store.Apply(ctx, b)
	if err != nil {
		return fmt.Errorf("allocation: %w", err)
	}
	res.LinesWritten, res.LinesDeleted = ar.LinesWritten, ar.LinesDeleted
	return nil
}

func (a *Allocator) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

// log writes the run's one record.
func (a *Allocator) log(ctx context.Context, msg string, r *Result, start time.Time) {
	l := a.Logger
	if l == nil {
		l = slog.Default()
	}
	l.InfoContext(ctx, msg, "from", r.From.Format(cost.DateLayout), "to", r.To.Format(cost.DateLayout),
		"months", r.Months, "model_days", r.ModelDays, "moved_usd", r.MovedUSD,
		"superseded_usd", r.SupersededUSD, "lines_written", r.LinesWritten,
		"lines_deleted", r.LinesDeleted, "elapsed", a.now().Sub(start))
}

// span widens from..to to whole months.
func span(from, to time.Time) (*Result, error) {
	if from.IsZero() || to.IsZero() {
		return nil, cost.Errorf(cost.CodeInvalid, "Allocation needs a first and a last day.")
	}
	from, to = cost.Day(from), cost.Day(to)
	if to.Before(from) {
		return nil, cost.Errorf(cost.CodeInvalid, "Allocation: the last day %s is before the first day %s.",
			to.Format(cost.DateLayout), from.Format(cost.DateLayout))
	}
	first := time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, time.UTC)
	last := time.Date(to.Year(), to.Month()+1, 0, 0, 0, 0, 0, time.UTC)
	r := &Result{From: first, To: last}
	for m := first; !m.After(last); m = m.AddDate(0, 1, 0) {
		r.Months++
	}
	return r, nil
}

// partitions lists the allocation partition of every month from first to last.
func partitions(first, last time.Time) []cost.Partition {
	var ps []cost.Partition
	for m := first; !m.After(last); m = m.AddDate(0, 1, 0) {
		ps = append(ps, cost.Partition{Source: Source, Key: m.Format("2006-01")})
	}
	return ps
}
