package query

import (
	"context"
	"math"
	"slices"
	"strings"

	"github.com/llmcost/llmcost/internal/cost"
)

var _ cost.Reconciler = (*Service)(nil)

// eventSources are the cost sources estimated from gateway events.
var eventSources = []string{cost.SourceEventEstimate, cost.SourceEventReported}

// Reconcile returns, for each provider-day in r with both billing-export and
// event cost, billed vs estimated cost, the gap and the unattributed billed
// cost. Only admins may reconcile.
func (s *Service) Reconcile(ctx context.Context, p cost.Principal, r cost.DateRange) (*cost.Reconciliation, error) {
	if !p.Admin {
		return nil, cost.Errorf(cost.CodeForbidden, "Reconciliation covers the whole organisation; it needs an admin token.")
	}
	f, err := s.aggregate(ctx, r, cost.AggregateQuery{
		Metrics: []cost.Metric{cost.MetricCost},
		GroupBy: []cost.Dimension{cost.DimDate, cost.DimCloudProvider, cost.DimCostSource, cost.DimCustomer},
		Filters: []cost.Filter{{Dimension: cost.DimCostSource, Op: cost.OpIn,
			Values: append([]string{cost.SourceBillingExport}, eventSources...)}},
	})
	if err != nil {
		return nil, err
	}
	type key struct {
		day      string
		provider string
	}
	rows := map[key]*cost.ReconciliationRow{}
	for _, row := range f.Rows {
		k := key{str(row[0]), str(row[1])}
		rr := rows[k]
		if rr == nil {
			day, _ := cost.ParseDate(k.day)
			rr = &cost.ReconciliationRow{Date: day, CloudProvider: k.provider}
			rows[k] = rr
		}
		v := num(row[4])
		if str(row[2]) == cost.SourceBillingExport {
			rr.BilledUSD += v
			if str(row[3]) == "" {
				rr.UnattributedUSD += v
			}
		} else {
			rr.EstimatedUSD += v
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

// finishRow sets the gap and its share of billed cost, rounded to cents and 0.1%.
func finishRow(r *cost.ReconciliationRow) {
	r.BilledUSD, r.EstimatedUSD, r.UnattributedUSD = cents(r.BilledUSD), cents(r.EstimatedUSD), cents(r.UnattributedUSD)
	r.GapUSD = cents(r.BilledUSD - r.EstimatedUSD)
	if r.BilledUSD != 0 {
		r.GapShare = math.Round(r.GapUSD/r.BilledUSD*1000) / 1000
	}
}

func cents(v float64) float64 { return math.Round(v*100) / 100 }
