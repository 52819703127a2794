package mcp

import (
	"context"
	"time"

	"github.com/google/jsonschema-go/jsonschema"
	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/llmcost/llmcost/internal/cost"
)

// tools are the operations a server offers, bound to one principal.
type tools struct {
	q cost.QueryService
	p cost.Principal
}

// register adds every tool to s, with schemas enumerating v.
func (t *tools) register(s *sdk.Server, v vocabulary) error {
	ro := &sdk.ToolAnnotations{ReadOnlyHint: true, OpenWorldHint: new(bool)}
	steps := []func() error{
		func() error {
			return add(s, v, &sdk.Tool{Name: "cost_total", Annotations: ro,
				Description: "Total LLM cost (USD) and tokens over a period, optionally filtered by provider, service, model, token type or customer."}, t.total)
		},
		func() error {
			return add(s, v, &sdk.Tool{Name: "cost_breakdown", Annotations: ro,
				Description: "Cost and tokens over a period grouped by one or more dimensions (provider, model, customer, day, …)."}, t.breakdown)
		},
		func() error {
			return add(s, v, &sdk.Tool{Name: "top_n", Annotations: ro,
				Description: "The top N values of a dimension (customers, models, providers, …) by cost or another metric over a period."}, t.top)
		},
		func() error {
			return add(s, v, &sdk.Tool{Name: "quick_stats", Annotations: ro,
				Description: "Headline figures: today, month to date, last 7 days, budget and its use, month-end forecast."}, t.quickStats)
		},
		func() error {
			return add(s, v, &sdk.Tool{Name: "budget_status", Annotations: ro,
				Description: "Month-to-date spend against the monthly budget, with the projection to month end."}, t.budget)
		},
		func() error {
			return add(s, v, &sdk.Tool{Name: "forecast", Annotations: ro,
				Description: "Projection of this month's spend to its end, with bounds and when the budget runs out."}, t.forecast)
		},
		func() error {
			return add(s, v, &sdk.Tool{Name: "anomalies", Annotations: ro,
				Description: "Days whose cost was unusually high or low in a range, by the rolling 2σ and weekday detectors."}, t.anomalies)
		},
		func() error {
			return add(s, v, &sdk.Tool{Name: "explain_day", Annotations: ro,
				Description: "What drove one day's cost against its baseline: the providers, models and customers that moved it."}, t.explain)
		},
		func() error {
			return add(s, v, &sdk.Tool{Name: "list_values", Annotations: ro,
				Description: "The values of a dimension (customers, models, providers, …) this connection may see."}, t.values)
		},
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// add registers a typed tool with its input schema inferred from In and its
// enumerations filled from v.
func add[In any](s *sdk.Server, v vocabulary, tool *sdk.Tool, h sdk.ToolHandlerFor[In, any]) error {
	schema, err := schemaFor[In]()
	if err != nil {
		return err
	}
	enumerate(schema, v)
	tool.InputSchema = schema
	sdk.AddTool(s, tool, h)
	return nil
}

// enumerate sets the enum of every property whose values are known.
func enumerate(s *jsonschema.Schema, v vocabulary) {
	for name, prop := range s.Properties {
		switch name {
		case "filters":
			enumerate(prop, v)
		case "metrics", "metric":
			setEnum(prop, stringsOf(cost.AllMetrics))
		case "group_by", "dimension":
			setEnum(prop, stringsOf(cost.AllDimensions))
		case "by":
			setEnum(prop, []string{"total", string(cost.DimCustomer), string(cost.DimModel)})
		default:
			if vals, ok := v[cost.Dimension(name)]; ok && len(vals) > 0 {
				setEnum(prop, vals)
			}
		}
	}
}

// setEnum sets the enum of a string property, or of a string array's items.
func setEnum(s *jsonschema.Schema, vals []string) {
	enum := make([]any, len(vals))
	for i, v := range vals {
		enum[i] = v
	}
	if s.Items != nil {
		s.Items.Enum = enum
		return
	}
	s.Enum = enum
}

func stringsOf[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

func (t *tools) total(ctx context.Context, _ *sdk.CallToolRequest, in TotalInput) (*sdk.CallToolResult, any, error) {
	res, err := t.q.Query(ctx, t.p, cost.Query{Metrics: metrics(in.Metrics), Filters: in.Filters.list(),
		Period: period(in.Period, in.From, in.To)})
	return nil, res, err
}

func (t *tools) breakdown(ctx context.Context, _ *sdk.CallToolRequest, in BreakdownInput) (*sdk.CallToolResult, any, error) {
	q := cost.Query{Metrics: metrics(in.Metrics), Filters: in.Filters.list(),
		Period: period(in.Period, in.From, in.To), Limit: in.Limit}
	for _, d := range in.GroupBy {
		q.GroupBy = append(q.GroupBy, cost.Dimension(d))
	}
	if q.Limit == 0 {
		q.Limit = 1000
	}
	if len(q.GroupBy) > 0 && !q.GroupBy[0].IsTime() {
		q.OrderBy = []cost.Order{{By: string(q.Metrics[0]), Desc: true}}
	}
	res, err := t.q.Query(ctx, t.p, q)
	return nil, res, err
}

func (t *tools) top(ctx context.Context, _ *sdk.CallToolRequest, in TopInput) (*sdk.CallToolResult, any, error) {
	n := in.N
	switch {
	case n == 0:
		n = 10
	case n < 1 || n > 100:
		return nil, nil, cost.FieldErrorf("n", "n must be between 1 and 100, not %d.", n)
	}
	m := cost.Metric(in.Metric)
	if m == "" {
		m = cost.MetricCost
	}
	res, err := t.q.Query(ctx, t.p, cost.Query{Metrics: []cost.Metric{m}, GroupBy: []cost.Dimension{cost.Dimension(in.Dimension)},
		Filters: in.Filters.list(), Period: period(in.Period, in.From, in.To),
		OrderBy: []cost.Order{{By: string(m), Desc: true}}, Limit: n})
	return nil, res, err
}

func (t *tools) quickStats(ctx context.Context, _ *sdk.CallToolRequest, in CustomerInput) (*sdk.CallToolResult, any, error) {
	st, err := t.q.QuickStats(ctx, t.p, in.CustomerID)
	return nil, st, err
}

func (t *tools) budget(ctx context.Context, _ *sdk.CallToolRequest, in CustomerInput) (*sdk.CallToolResult, any, error) {
	st, err := t.q.BudgetStatus(ctx, t.p, in.CustomerID)
	return nil, st, err
}

func (t *tools) forecast(ctx context.Context, _ *sdk.CallToolRequest, in CustomerInput) (*sdk.CallToolResult, any, error) {
	f, err := t.q.Forecast(ctx, t.p, in.CustomerID)
	return nil, f, err
}

func (t *tools) anomalies(ctx context.Context, _ *sdk.CallToolRequest, in AnomaliesInput) (*sdk.CallToolResult, any, error) {
	today := cost.Day(t.q.Now())
	rg := cost.DateRange{From: today.AddDate(0, 0, -30), To: today}
	var err error
	if in.From != "" {
		if rg.From, err = cost.ParseDate(in.From); err != nil {
			return nil, nil, cost.FieldErrorf("from", "%q is not a YYYY-MM-DD date.", in.From)
		}
	}
	if in.To != "" {
		if rg.To, err = cost.ParseDate(in.To); err != nil {
			return nil, nil, cost.FieldErrorf("to", "%q is not a YYYY-MM-DD date.", in.To)
		}
	}
	req := cost.AnomalyRequest{Range: rg, CustomerID: in.CustomerID}
	if in.By != "" && in.By != "total" {
		req.By = cost.Dimension(in.By)
	}
	rep, err := t.q.Anomalies(ctx, t.p, req)
	return nil, rep, err
}

func (t *tools) explain(ctx context.Context, _ *sdk.CallToolRequest, in ExplainInput) (*sdk.CallToolResult, any, error) {
	day, err := cost.ParseDate(in.Date)
	if err != nil {
		return nil, nil, cost.FieldErrorf("date", "%q is not a YYYY-MM-DD date.", in.Date)
	}
	ex, err := t.q.Explain(ctx, t.p, cost.ExplainRequest{Range: cost.DateRange{From: day, To: day},
		CustomerID: in.CustomerID, BaselineDays: in.BaselineDays})
	return nil, ex, err
}

// valuesResult is the output of list_values.
type valuesResult struct {
	Dimension string   `json:"dimension"`
	Values    []string `json:"values"`
}

func (t *tools) values(ctx context.Context, _ *sdk.CallToolRequest, in ValuesInput) (*sdk.CallToolResult, any, error) {
	vs, err := t.q.Values(ctx, t.p, cost.Dimension(in.Dimension))
	if vs == nil {
		vs = []string{}
	}
	return nil, valuesResult{Dimension: in.Dimension, Values: vs}, err
}

// defaultRangeDays is the dashboards' default range, as in the web UI.
const defaultRangeDays = 30

// lastDays returns the default dashboard range ending today.
func lastDays(now time.Time) cost.DateRange {
	today := cost.Day(now)
	return cost.DateRange{From: today.AddDate(0, 0, -defaultRangeDays), To: today}
}
