package chat

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

// Planner asks a language model to choose a typed plan for a question by calling
// the plan_query tool. It returns the tool call's arguments; the engine validates
// them against the asker's vocabulary and runs them in the asker's scope. A
// planner never writes SQL and never sees cost figures.
type Planner interface {
	Plan(ctx context.Context, req PlanRequest) (json.RawMessage, error)
}

// PlanRequest is what a Planner sends the model.
type PlanRequest struct {
	System   string         // Instructions: today's date, the names the asker may use.
	Question string         // The user's question.
	Tool     string         // The tool's name (ToolName).
	Schema   map[string]any // The tool's input JSON schema.
}

// ToolName is the name of the one tool a planner offers the model.
const ToolName = "plan_query"

var llmIntents = []string{intentTotal, intentTokens, intentRequests, intentPer1K, intentAverage, intentShare,
	intentBreakdown, intentTop, intentTopDay, intentLowDay, intentCompare, intentGrowth, intentBudget,
	intentOverBudget, intentForecast, intentExplain, intentAnomalies, intentAlert, "unknown"}

var llmGroupBy = []cost.Dimension{cost.DimCloudProvider, cost.DimService, cost.DimModel, cost.DimModelFamily,
	cost.DimTokenType, cost.DimCustomer, cost.DimDate, cost.DimWeek, cost.DimMonth, cost.DimRegion, cost.DimProject}

var llmFilterDims = []cost.Dimension{cost.DimCloudProvider, cost.DimService, cost.DimModel, cost.DimModelFamily,
	cost.DimTokenType, cost.DimCustomer}

var llmMetrics = []cost.Metric{cost.MetricCost, cost.MetricTokens, cost.MetricCostPer1K, cost.MetricRequests}

// schema is the plan_query tool's input schema, its enums filled from v.
func (v *vocab) schema() map[string]any {
	var values []string
	for _, d := range llmFilterDims {
		values = append(values, v.values[d]...)
	}
	slices.Sort(values)
	values = slices.Compact(values)
	str := func(desc string, enum ...string) map[string]any {
		m := map[string]any{"type": "string", "description": desc}
		if len(enum) > 0 {
			m["enum"] = enum
		}
		return m
	}
	period := "today, yesterday, this_week, last_week, this_month, last_month, this_year, last_year, " +
		"last_N_days, last_N_weeks, last_N_months, YYYY-MM, YYYY-QN, YYYY, or YYYY-MM-DD..YYYY-MM-DD. Weeks start on Monday."
	return map[string]any{
		"type": "object",
		"properties": map[string]any{
			"intent":         str("What the question asks; unknown when it is not a cost question.", llmIntents...),
			"metric":         str("What to measure.", toStrings(llmMetrics)...),
			"period":         str("The period asked about; empty when none is named. " + period),
			"compare_period": str("For compare and growth: the period compared with; empty for the previous period. " + period),
			"group_by":       str("The dimension to break down or rank by.", toStrings(llmGroupBy)...),
			"limit":          map[string]any{"type": "integer", "minimum": 1, "maximum": 50, "description": "N of top-N."},
			"order":          str("desc for most/top, asc for least/cheapest.", "desc", "asc"),
			"filters": map[string]any{"type": "array", "items": map[string]any{
				"type": "object",
				"properties": map[string]any{
					"dimension": str("", toStrings(llmFilterDims)...),
					"values":    map[string]any{"type": "array", "items": str("", values...)},
				},
				"required":             []string{"dimension", "values"},
				"additionalProperties": false,
			}},
			"alert": map[string]any{"type": "object", "properties": map[string]any{
				"kind":      str("", "threshold", "anomaly", "budget"),
				"window":    str("For threshold alerts.", "day", "week", "month_to_date"),
				"threshold": map[string]any{"type": "number", "description": "USD for threshold, percent for budget."},
			}, "additionalProperties": false},
		},
		"required":             []string{"intent"},
		"additionalProperties": false,
	}
}

func toStrings[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

// system is the planner's instructions for p's question.
func (v *vocab) system(p cost.Principal, today time.Time, prior *plan) string {
	var b strings.Builder
	fmt.Fprintf(&b, "You turn questions about LLM costs into one call of the %s tool. Never answer in text. "+
		"Today is %s (%s). ", ToolName, today.Format(cost.DateLayout), today.Weekday())
	if p.IsCustomer() {
		b.WriteString("The asker is one customer and may only ask about its own costs; " +
			"never filter or group by customer. ")
	}
	for _, d := range llmFilterDims {
		if vals := v.values[d]; len(vals) > 0 && (d != cost.DimCustomer || !p.IsCustomer()) {
			fmt.Fprintf(&b, "Known %s values: %s. ", d, strings.Join(vals, ", "))
		}
	}
	if prior != nil {
		fmt.Fprintf(&b, "The previous question in this conversation was planned as intent=%s period=%s..%s group_by=%s",
			prior.Intent, prior.When.Range.From.Format(cost.DateLayout), prior.When.Range.To.Format(cost.DateLayout), prior.GroupBy)
		for _, f := range prior.filters() {
			fmt.Fprintf(&b, " %s=%s", f.Dimension, strings.Join(f.Values, "|"))
		}
		b.WriteString("; a follow-up changes only what it names, and a provider, service, model or model family it names " +
			"replaces the previous provider, service, model and family filters unless it narrows the last answer " +
			"(\"of that\", \"within that\"). ")
	}
	return b.String()
}

// toolArgs are the plan_query tool's arguments.
type toolArgs struct {
	Intent        string `json:"intent"`
	Metric        string `json:"metric"`
	Period        string `json:"period"`
	ComparePeriod string `json:"compare_period"`
	GroupBy       string `json:"group_by"`
	Limit         int    `json:"limit"`
	Order         string `json:"order"`
	Filters       []struct {
		Dimension string   `json:"dimension"`
		Values    []string `json:"values"`
	} `json:"filters"`
	Alert *struct {
		Kind      string  `json:"kind"`
		Window    string  `json:"window"`
		Threshold float64 `json:"threshold"`
	} `json:"alert"`
}

// errNoPlan means the model did not plan the question; the built-in parser answers.
var errNoPlan = errors.New("chat: the planner did not plan the question")

// planFromTool validates tool arguments against v and turns them into a plan in
// p's scope. Anything outside the schema or the vocabulary is rejected.
func planFromTool(raw json.RawMessage, v *vocab, p cost.Principal, today time.Time) (*plan, error) {
	var a toolArgs
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&a); err != nil {
		return nil, fmt.Errorf("chat: invalid tool arguments: %w", err)
	}
	if a.Intent == "unknown" {
		return nil, errNoPlan
	}
	if !slices.Contains(llmIntents, a.Intent) {
		return nil, fmt.Errorf("chat: unknown intent %q", a.Intent)
	}
	pl := &plan{Intent: a.Intent, Metric: metricOf(a.Intent), N: a.Limit, Asc: a.Order == "asc"}
	if a.Metric != "" {
		if !slices.Contains(llmMetrics, cost.Metric(a.Metric)) {
			return nil, fmt.Errorf("chat: unknown metric %q", a.Metric)
		}
		pl.Metric = cost.Metric(a.Metric)
	}
	if a.GroupBy != "" {
		if !slices.Contains(llmGroupBy, cost.Dimension(a.GroupBy)) {
			return nil, fmt.Errorf("chat: unknown group_by %q", a.GroupBy)
		}
		pl.GroupBy = cost.Dimension(a.GroupBy)
	}
	if a.Limit < 0 || a.Limit > 50 || a.Order != "" && a.Order != "asc" && a.Order != "desc" {
		return nil, fmt.Errorf("chat: invalid limit or order")
	}
	if err := setPeriods(pl, a, today); err != nil {
		return nil, err
	}
	for _, f := range a.Filters {
		d := cost.Dimension(f.Dimension)
		if !slices.Contains(llmFilterDims, d) || len(f.Values) == 0 {
			return nil, fmt.Errorf("chat: invalid filter dimension %q", f.Dimension)
		}
		for _, val := range f.Values {
			if !slices.Contains(v.values[d], val) {
				return nil, fmt.Errorf("chat: %s %q is not a known value", d, val)
			}
			pl.Filters = append(pl.Filters, entity{Dim: d, Value: val, Op: cost.OpEq})
		}
	}
	if pl.Intent == intentTop && pl.N == 0 {
		pl.N = 1
	}
	if pl.Intent == intentAlert {
		if a.Alert == nil || !slices.Contains([]string{"threshold", "anomaly", "budget"}, a.Alert.Kind) || a.Alert.Threshold < 0 {
			return nil, fmt.Errorf("chat: invalid alert")
		}
		pl.Alert = alertFromTool(pl, p, a.Alert.Kind, a.Alert.Window, a.Alert.Threshold)
		if pl.Alert == nil {
			return nil, fmt.Errorf("chat: invalid alert")
		}
	}
	if p.IsCustomer() {
		scopeToCustomer(pl, &parsed{set: map[string]bool{}})
	}
	return pl, nil
}

func metricOf(intent string) cost.Metric {
	switch intent {
	case intentTokens:
		return cost.MetricTokens
	case intentRequests:
		return cost.MetricRequests
	case intentPer1K:
		return cost.MetricCostPer1K
	}
	return cost.MetricCost
}

// setPeriods resolves the tool's period names (or explicit ranges).
func setPeriods(pl *plan, a toolArgs, today time.Time) error {
	if a.Period == "" {
		pl.When, pl.Defaulted = defaultWhen(pl.Intent, &parsed{set: map[string]bool{}}, today), true
	} else {
		r, err := toolPeriod(a.Period, today)
		if err != nil {
			return err
		}
		pl.When = when{r, ""}
	}
	if pl.Intent == intentCompare || pl.Intent == intentGrowth {
		prev := cost.PreviousRange(pl.When.Range)
		if a.ComparePeriod != "" {
			r, err := toolPeriod(a.ComparePeriod, today)
			if err != nil {
				return err
			}
			prev = r
		}
		pl.Against = &when{prev, ""}
	}
	return nil
}

func toolPeriod(s string, today time.Time) (cost.DateRange, error) {
	p := cost.Period{Name: s}
	if from, to, ok := strings.Cut(s, ".."); ok {
		p = cost.Period{From: from, To: to}
	}
	r, err := p.Resolve(today)
	if err != nil {
		return r, fmt.Errorf("chat: invalid period %q: %w", s, err)
	}
	return clip(r, today), nil
}

// alertFromTool builds an alert rule from the tool's alert arguments.
func alertFromTool(pl *plan, p cost.Principal, kind, window string, threshold float64) *cost.AlertRule {
	ps := &parsed{set: map[string]bool{}}
	switch kind {
	case "anomaly":
		ps.set["spike"] = true
	case "budget":
		ps.set["budget"], ps.percent = true, threshold
	default:
		if threshold <= 0 {
			return nil
		}
		ps.money = threshold
		switch window {
		case "week":
			ps.set["weekly"] = true
		case "month_to_date":
			ps.set["monthly"] = true
		}
	}
	ps.text = " "
	return buildAlert(ps, pl, p)
}

// llmPlan asks the planner for a plan, within the engine's LLM timeout.
func (e *Engine) llmPlan(ctx context.Context, p cost.Principal, v *vocab, q string, prior *plan, today time.Time) (*plan, error) {
	ctx, cancel := context.WithTimeout(ctx, e.llmTimeout)
	defer cancel()
	raw, err := e.planner.Plan(ctx, PlanRequest{System: v.system(p, today, prior), Question: q, Tool: ToolName, Schema: v.schema()})
	if err != nil {
		return nil, err
	}
	return planFromTool(raw, v, p, today)
}
