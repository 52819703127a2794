package query

import (
	"context"
	"math"
	"slices"
	"strings"

	"github.com/llmcost/llmcost/internal/analysis"
	"github.com/llmcost/llmcost/internal/cost"
)

var _ cost.Reconciler = (*Service)(nil)

// eventSources are the cost sources estimated from gateway events.
var eventSources = []string{cost.SourceEventEstimate, cost.SourceEventReported}

// Reconcile returns, for each provider-day in the request's range with both
// billing-export and event cost, billed vs estimated cost, the gap and the
// unattributed billed cost, net of what the allocator moved to customers:
// of the lines of the selected providers, models and customer, as a panel
// reads them. Only admins may reconcile.
func (s *Service) Reconcile(ctx context.Context, p cost.Principal, req cost.ReconcileRequest) (*cost.Reconciliation, error) {
	if !p.Admin {
		return nil, cost.Errorf(cost.CodeForbidden, "Reconciliation covers the whole organisation; it needs an admin token.")
	}
	r := cost.DateRange{From: cost.Day(req.Range.From), To: cost.Day(req.Range.To)}
	filters := reconcileFilters(req)
	type key struct {
		day      string
		provider string
	}
	rows := map[key]*cost.ReconciliationRow{}
	// Two provider-day-source sums, of every line and of unattributed lines,
	// rather than one row per customer; what customers have is the difference.
	// Neither filters on the cost source (an IN list costs more than reading
	// every source): sources that take no part are left out here.
	for _, unattributed := range []bool{false, true} {
		if unattributed && req.CustomerID != "" {
			continue // One customer's lines are all attributed.
		}
		f, err := s.reconcileSums(ctx, r, filters, unattributed)
		if err != nil {
			return nil, err
		}
		for _, row := range f.Rows {
			if d, err := cost.ParseDate(str(row[0])); err != nil || !r.Contains(d) {
				continue
			}
			source := str(row[2])
			if !reconciled(source) {
				continue
			}
			k := key{str(row[0]), str(row[1])}
			rr := rows[k]
			if rr == nil {
				day, _ := cost.ParseDate(k.day)
				rr = &cost.ReconciliationRow{Date: day, CloudProvider: k.provider}
				rows[k] = rr
			}
			addReconciled(rr, source, unattributed, num(row[3]))
		}
	}
	out := &cost.Reconciliation{Period: r, Rows: []cost.ReconciliationRow{}}
	for _, rr := range rows {
		if rr.BilledUSD == 0 || rr.EstimatedUSD == 0 {
			continue
		}
		finishRow(rr)
		out.Rows = append(out.Rows, *rr)
		out.Total.BilledUSD += rr.BilledUSD
		out.Total.EstimatedUSD += rr.EstimatedUSD
		out.Total.UnattributedUSD += rr.UnattributedUSD
		out.Total.AllocatedUSD += rr.AllocatedUSD
	}
	slices.SortFunc(out.Rows, func(a, b cost.ReconciliationRow) int {
		if c := a.Date.Compare(b.Date); c != 0 {
			return c
		}
		return strings.Compare(a.CloudProvider, b.CloudProvider)
	})
	finishRow(&out.Total)
	return out, nil
}

// reconcileFilters are the filters of a reconciliation's variables, in the
// order a panel's are (providers, models, customer), so that its sums and a
// dashboard's share a base.
func reconcileFilters(req cost.ReconcileRequest) []cost.Filter {
	var fs []cost.Filter
	if v := nonEmpty(req.Providers); len(v) > 0 {
		fs = append(fs, cost.Filter{Dimension: cost.DimCloudProvider, Op: cost.OpIn, Values: v})
	}
	if v := nonEmpty(req.Models); len(v) > 0 {
		fs = append(fs, cost.Filter{Dimension: cost.DimModel, Op: cost.OpIn, Values: v})
	}
	if req.CustomerID != "" {
		fs = append(fs, cost.Filter{Dimension: cost.DimCustomer, Op: cost.OpEq, Values: []string{req.CustomerID}})
	}
	return fs
}

// reconcileSums returns cost by date, cloud provider and cost source over r
// under filters, of every line or of the unattributed lines. Of every line,
// when the service shares aggregates, it is the overview's shared base of the
// same variables (over a period holding r).
func (s *Service) reconcileSums(ctx context.Context, r cost.DateRange, filters []cost.Filter, unattributed bool) (*cost.Frame, error) {
	if !unattributed && s.sharing() {
		return s.providerDays(ctx, overviewWindow(r), filters)
	}
	q := cost.AggregateQuery{Metrics: []cost.Metric{cost.MetricCost},
		GroupBy: []cost.Dimension{cost.DimDate, cost.DimCloudProvider, cost.DimCostSource}, Filters: filters}
	if unattributed {
		q.Filters = append(slices.Clone(filters), cost.Filter{Dimension: cost.DimCustomer, Op: cost.OpEq, Values: []string{""}})
	}
	return s.aggregate(ctx, r, q)
}

// reconciled reports whether lines of a cost source take part in
// reconciliation: billed, allocated or estimated from events.
func reconciled(source string) bool {
	return source == cost.SourceBillingExport || source == cost.SourceAllocation || slices.Contains(eventSources, source)
}

// addReconciled adds the cost of one cost source, of every line or of the
// unattributed lines alone, to a row. Lines the allocator wrote (cost source
// allocation) net to zero per day, so they leave billed cost alone: their
// unattributed side lowers the unattributed figure, their customers' side (all
// of them less the unattributed side) is the allocated figure.
func addReconciled(rr *cost.ReconciliationRow, source string, unattributed bool, usd float64) {
	switch {
	case source == cost.SourceBillingExport && unattributed:
		rr.UnattributedUSD += usd
	case source == cost.SourceBillingExport:
		rr.BilledUSD += usd
	case source == cost.SourceAllocation && unattributed:
		rr.UnattributedUSD += usd
		rr.AllocatedUSD -= usd
	case source == cost.SourceAllocation:
		rr.AllocatedUSD += usd
	case !unattributed:
		rr.EstimatedUSD += usd
	}
}

// finishRow sets the gap and its share of billed cost, rounded to cents and 0.1%.
func finishRow(r *cost.ReconciliationRow) {
	r.BilledUSD, r.EstimatedUSD, r.UnattributedUSD = cents(r.BilledUSD), cents(r.EstimatedUSD), cents(r.UnattributedUSD)
	r.AllocatedUSD = cents(r.AllocatedUSD)
	r.GapUSD = cents(r.BilledUSD - r.EstimatedUSD)
	if r.BilledUSD != 0 {
		r.GapShare = math.Round(r.GapUSD/r.BilledUSD*1000) / 1000
	}
}

func cents(v float64) float64 { return math.Round(v*100) / 100 }

// Allocate splits the billed cost of one provider's model on one day across
// customers with the rule the allocator writes back as lines (analysis.Split):
// each group of unattributed billed cost goes to customers in proportion to
// their event tokens that day, of the group's token type when the events have
// it; billed cost already attributed by tags stays with its customer. Shares
// are rounded down to the cent and what is left stays unattributed. Only
// admins may allocate.
func (s *Service) Allocate(ctx context.Context, p cost.Principal, req cost.AllocationRequest) (*cost.Allocation, error) {
	if !p.Admin {
		return nil, cost.Errorf(cost.CodeForbidden, "Allocation covers every customer; it needs an admin token.")
	}
	if req.CloudProvider == "" || req.Model == "" || req.Date.IsZero() {
		return nil, cost.FieldErrorf("model", "Allocation needs a date, a cloud provider and a model.")
	}
	day := cost.Day(req.Date)
	rg := cost.DateRange{From: day, To: day}
	base := []cost.Filter{
		{Dimension: cost.DimCloudProvider, Op: cost.OpEq, Values: []string{req.CloudProvider}},
		{Dimension: cost.DimModel, Op: cost.OpEq, Values: []string{req.Model}},
	}
	byType := func(sources ...string) (*cost.Frame, error) {
		return s.aggregate(ctx, rg, cost.AggregateQuery{
			Metrics: []cost.Metric{cost.MetricCost, cost.MetricTokens},
			GroupBy: []cost.Dimension{cost.DimTokenType, cost.DimCustomer},
			Filters: append(slices.Clone(base), cost.Filter{Dimension: cost.DimCostSource, Op: cost.OpIn, Values: sources}),
		})
	}
	billed, err := byType(cost.SourceBillingExport)
	if err != nil {
		return nil, err
	}
	events, err := byType(eventSources...)
	if err != nil {
		return nil, err
	}
	out := &cost.Allocation{AllocationRequest: cost.AllocationRequest{Date: day, CloudProvider: req.CloudProvider, Model: req.Model},
		Shares: []cost.AllocationShare{}}
	ev, tokens := analysis.EventTokens{}, map[string]float64{}
	for _, row := range events.Rows {
		ev.Add(str(row[0]), str(row[1]), num(row[3]))
		tokens[str(row[1])] += num(row[3])
		out.EventTokens += num(row[3])
	}
	total, exact := splitBilled(billed, ev)
	a := analysis.RoundShares(total, exact)
	for id, usd := range a.Shares {
		out.Shares = append(out.Shares, cost.AllocationShare{CustomerID: id, Tokens: tokens[id], CostUSD: usd})
	}
	slices.SortFunc(out.Shares, func(x, y cost.AllocationShare) int {
		if x.CostUSD != y.CostUSD {
			if x.CostUSD > y.CostUSD {
				return -1
			}
			return 1
		}
		return strings.Compare(x.CustomerID, y.CustomerID)
	})
	out.BilledUSD, out.UnattributedUSD = cents(total), a.Unattributed
	return out, nil
}

// splitBilled returns a model-day's billed total and each customer's exact
// share of it: billed cost attributed by tags plus the split of each group of
// unattributed billed cost. Rows are token type, customer, cost, tokens.
func splitBilled(billed *cost.Frame, ev analysis.EventTokens) (float64, map[string]float64) {
	var total float64
	exact := map[string]float64{}
	for _, row := range billed.Rows {
		usd := num(row[2])
		total += usd
		if c := str(row[1]); c != "" {
			exact[c] += usd
			continue
		}
		for c, sh := range analysis.Split(usd, num(row[3]), str(row[0]), ev) {
			exact[c] += sh.USD
		}
	}
	return total, exact
}
