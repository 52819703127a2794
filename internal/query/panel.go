package query

import (
	"context"
	"slices"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

// panelFunc builds one named panel.
type panelFunc func(ctx context.Context, pc *panelCtx) (*cost.Result, error)

// panels maps "dashboard/panel" to its named query. Every panel of
// cost.Dashboards has one (checked by a test); docs/panels.md describes them.
var panels = map[string]panelFunc{
	"overview/total-cost-this-month": totalCostThisMonth,
	"overview/cost-by-provider":      costByProvider,
	"overview/daily-cost-trend":      dailyCostTrend,
	"overview/top-customers":         topCustomers,
	"overview/budget-vs-actual":      budgetVsActual,
	"models/cost-per-model":          costPerModel,
	"models/model-cost-trend":        modelCostTrend,
	"models/input-vs-output":         inputVsOutput,
	"models/model-efficiency":        modelEfficiency,
	"customers/customer-heatmap":     customerHeatmap,
	"customers/top-spenders":         topSpenders,
	"customers/customer-growth":      customerGrowth,
	"anomalies/cost-anomalies":       costAnomalies,
	"anomalies/unusual-customers":    unusualCustomers,
}

// panelCtx is one panel request after scoping.
type panelCtx struct {
	s        *Service
	req      cost.PanelRequest
	r        cost.DateRange // The dashboard's time range.
	today    time.Time      // r.To: "today" for the seed's fixed windows.
	customer string         // The selected customer, "" = all in scope.
	filters  []cost.Filter  // Scoped variable filters: providers, models, customer.
}

// DefaultPanelDays is the length of the range a panel covers when none is given:
// the last 30 days (date >= today − 30).
const DefaultPanelDays = 30

// Panel runs one named dashboard panel with the dashboard's variables. The range
// defaults to the last 30 days (a missing end is today, a missing start 30 days
// before the end); panels whose seed SQL has a fixed window
// (month-to-date, last 7 days, yesterday) take it relative to the range's end, and
// every result states the exact dates it covers. Returns CodeNotFound for an
// unknown panel, CodeInvalid for a reversed range and CodeForbidden when a
// customer principal selects another customer.
func (s *Service) Panel(ctx context.Context, p cost.Principal, req cost.PanelRequest) (*cost.Result, error) {
	d, def, ok := cost.FindPanel(req.Dashboard, req.Panel)
	if !ok {
		return nil, cost.Errorf(cost.CodeNotFound, "Unknown panel %s/%s.", req.Dashboard, req.Panel)
	}
	pc, err := s.panelCtx(p, req)
	if err != nil {
		return nil, err
	}
	fn := panels[d.ID+"/"+def.ID]
	if fn == nil {
		return nil, cost.Errorf(cost.CodeNotImplemented, "Panel %s/%s has no query.", d.ID, def.ID)
	}
	res, err := fn(ctx, pc)
	if err != nil {
		return nil, err
	}
	if res.Title == "" {
		res.Title = def.Title
	}
	res.Unit = def.Unit
	return res, nil
}

func (s *Service) panelCtx(p cost.Principal, req cost.PanelRequest) (*panelCtx, error) {
	r := s.defaultRange(req.Range)
	if r.From.After(r.To) {
		return nil, cost.FieldErrorf("from", "From (%s) is after to (%s).",
			r.From.Format(cost.DateLayout), r.To.Format(cost.DateLayout))
	}
	customer, err := scopeCustomer(p, req.CustomerID)
	if err != nil {
		return nil, err
	}
	if customer == orgBudgetID {
		customer = ""
	}
	var fs []cost.Filter
	if v := nonEmpty(req.Providers); len(v) > 0 {
		fs = append(fs, cost.Filter{Dimension: cost.DimCloudProvider, Op: cost.OpIn, Values: v})
	}
	if v := nonEmpty(req.Models); len(v) > 0 {
		fs = append(fs, cost.Filter{Dimension: cost.DimModel, Op: cost.OpIn, Values: v})
	}
	if customer != "" {
		fs = append(fs, cost.Filter{Dimension: cost.DimCustomer, Op: cost.OpEq, Values: []string{customer}})
	}
	if fs, err = scopeFilters(p, fs); err != nil {
		return nil, err
	}
	return &panelCtx{s: s, req: req, r: r, today: r.To, customer: customer, filters: fs}, nil
}

// defaultRange fills a missing end with today and a missing start with
// DefaultPanelDays before the end.
func (s *Service) defaultRange(r cost.DateRange) cost.DateRange {
	if r.To.IsZero() {
		r.To = s.today()
	}
	if r.From.IsZero() {
		r.From = cost.Day(r.To).AddDate(0, 0, -DefaultPanelDays)
	}
	return cost.DateRange{From: cost.Day(r.From), To: cost.Day(r.To)}
}

func nonEmpty(vs []string) []string {
	var out []string
	for _, v := range vs {
		if v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// with returns the panel's filters plus extra.
func (pc *panelCtx) with(extra ...cost.Filter) []cost.Filter {
	return append(slices.Clone(pc.filters), extra...)
}

// monthToDate is the seed's DATE_TRUNC(CURRENT_DATE(), MONTH) window.
func (pc *panelCtx) monthToDate() cost.DateRange {
	return cost.DateRange{From: cost.MonthStart(pc.today), To: pc.today}
}

// lastDays is the n days ending with the range's last day, both ends included,
// so "last 7 days" is 7 days.
func (pc *panelCtx) lastDays(n int) cost.DateRange {
	return cost.DateRange{From: pc.today.AddDate(0, 0, -(n - 1)), To: pc.today}
}

// run runs q over r and names its columns.
func (pc *panelCtx) run(ctx context.Context, r cost.DateRange, q cost.AggregateQuery, names ...string) (*cost.Result, error) {
	f, err := pc.s.aggregate(ctx, r, q)
	if err != nil {
		return nil, err
	}
	if len(names) == len(f.Columns) {
		f.Columns = names
	}
	return &cost.Result{Frame: *f, Period: r}, nil
}

// attributed keeps only lines attributed to a customer (the seed's
// customer_id IS NOT NULL).
var attributed = cost.Filter{Dimension: cost.DimCustomer, Op: cost.OpNotIn, Values: []string{""}}

func metrics(ms ...cost.Metric) []cost.Metric { return ms }

func dims(ds ...cost.Dimension) []cost.Dimension { return ds }

func desc(by string) []cost.Order { return []cost.Order{{By: by, Desc: true}} }
