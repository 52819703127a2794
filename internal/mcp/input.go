package mcp

import (
	"github.com/llmcost/llmcost/internal/cost"
)

// Filters narrow a cost question to dimension values; each list is one
// "in" filter, and an empty list does not filter.
type Filters struct {
	CloudProvider []string `json:"cloud_provider,omitempty" jsonschema:"cloud providers to include"`
	Service       []string `json:"service,omitempty" jsonschema:"services to include"`
	Model         []string `json:"model,omitempty" jsonschema:"canonical model ids to include"`
	ModelFamily   []string `json:"model_family,omitempty" jsonschema:"model families to include"`
	TokenType     []string `json:"token_type,omitempty" jsonschema:"token types to include"`
	CustomerID    []string `json:"customer_id,omitempty" jsonschema:"customer ids to include"`
}

// list returns the filters as query filters.
func (f Filters) list() []cost.Filter {
	var out []cost.Filter
	add := func(d cost.Dimension, vs []string) {
		if len(vs) > 0 {
			out = append(out, cost.Filter{Dimension: d, Op: cost.OpIn, Values: vs})
		}
	}
	add(cost.DimCloudProvider, f.CloudProvider)
	add(cost.DimService, f.Service)
	add(cost.DimModel, f.Model)
	add(cost.DimModelFamily, f.ModelFamily)
	add(cost.DimTokenType, f.TokenType)
	add(cost.DimCustomer, f.CustomerID)
	return out
}

// TotalInput asks for totals over a period.
type TotalInput struct {
	Period  string   `json:"period,omitempty" jsonschema:"named period: today, yesterday, this_week, last_week, this_month, last_month, year_to_date, last_N_days, last_N_weeks, last_N_months, YYYY-MM, YYYY-QN or YYYY; default this_month. Leave empty when from and to are given"`
	From    string   `json:"from,omitempty" jsonschema:"first day YYYY-MM-DD (with to)"`
	To      string   `json:"to,omitempty" jsonschema:"last day YYYY-MM-DD, inclusive (with from)"`
	Metrics []string `json:"metrics,omitempty" jsonschema:"metrics to compute; default cost_usd and usage_amount (tokens)"`
	Filters Filters  `json:"filters,omitempty" jsonschema:"dimension values to include"`
}

// BreakdownInput asks for totals grouped by dimensions.
type BreakdownInput struct {
	Period  string   `json:"period,omitempty" jsonschema:"named period (see cost_total); default this_month"`
	From    string   `json:"from,omitempty" jsonschema:"first day YYYY-MM-DD (with to)"`
	To      string   `json:"to,omitempty" jsonschema:"last day YYYY-MM-DD, inclusive (with from)"`
	GroupBy []string `json:"group_by" jsonschema:"dimensions to group by (date, week or month give a time series)"`
	Metrics []string `json:"metrics,omitempty" jsonschema:"metrics to compute; default cost_usd and usage_amount (tokens)"`
	Filters Filters  `json:"filters,omitempty" jsonschema:"dimension values to include"`
	Limit   int      `json:"limit,omitempty" jsonschema:"maximum rows (default 1000)"`
}

// TopInput asks for the top N values of a dimension by a metric.
type TopInput struct {
	Dimension string  `json:"dimension" jsonschema:"the dimension to rank"`
	N         int     `json:"n,omitempty" jsonschema:"how many (default 10, at most 100)"`
	Metric    string  `json:"metric,omitempty" jsonschema:"the metric to rank by; default cost_usd"`
	Period    string  `json:"period,omitempty" jsonschema:"named period (see cost_total); default this_month"`
	From      string  `json:"from,omitempty" jsonschema:"first day YYYY-MM-DD (with to)"`
	To        string  `json:"to,omitempty" jsonschema:"last day YYYY-MM-DD, inclusive (with from)"`
	Filters   Filters `json:"filters,omitempty" jsonschema:"dimension values to include"`
}

// CustomerInput names a customer, or the organisation when empty.
type CustomerInput struct {
	CustomerID string `json:"customer_id,omitempty" jsonschema:"a customer id; empty for the whole organisation (admin) or the connection's own customer"`
}

// AnomaliesInput asks for anomalous days in a range.
type AnomaliesInput struct {
	From       string `json:"from,omitempty" jsonschema:"first day YYYY-MM-DD; default 30 days ago"`
	To         string `json:"to,omitempty" jsonschema:"last day YYYY-MM-DD; default today"`
	CustomerID string `json:"customer_id,omitempty" jsonschema:"narrow to one customer"`
	By         string `json:"by,omitempty" jsonschema:"split the series: total (default), customer_id or model"`
}

// ExplainInput asks what drove one day's cost.
type ExplainInput struct {
	Date         string `json:"date" jsonschema:"the day to explain, YYYY-MM-DD"`
	CustomerID   string `json:"customer_id,omitempty" jsonschema:"narrow to one customer"`
	BaselineDays int    `json:"baseline_days,omitempty" jsonschema:"days before the date averaged as the baseline (default 30)"`
}

// ValuesInput asks for a dimension's values.
type ValuesInput struct {
	Dimension string `json:"dimension" jsonschema:"the dimension whose values to list"`
}

// period builds a query period from a tool's period fields.
func period(name, from, to string) cost.Period {
	if name == "" && from == "" && to == "" {
		name = "this_month"
	}
	return cost.Period{Name: name, From: from, To: to}
}

// metrics returns the requested metrics or the default pair.
func metrics(ms []string) []cost.Metric {
	if len(ms) == 0 {
		return []cost.Metric{cost.MetricCost, cost.MetricTokens}
	}
	out := make([]cost.Metric, len(ms))
	for i, m := range ms {
		out[i] = cost.Metric(m)
	}
	return out
}
