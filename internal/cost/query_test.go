package cost_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/llmcost/llmcost/internal/cost"
)

// problems returns each *cost.Error joined in err as "field: message".
func problems(err error) []string {
	var out []string
	var walk func(error)
	walk = func(err error) {
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				walk(e)
			}
			return
		}
		var e *cost.Error
		if errors.As(err, &e) {
			out = append(out, e.Field+": "+e.Message)
		}
	}
	walk(err)
	return out
}

func TestQueryValidate(t *testing.T) {
	good := cost.Query{Metrics: []cost.Metric{cost.MetricCost}, Period: cost.Period{Name: "today"}}
	tests := []struct {
		name string
		edit func(q *cost.Query)
		want []string
	}{
		{"valid", func(q *cost.Query) {}, nil},
		{"valid full", func(q *cost.Query) {
			q.Metrics = cost.AllMetrics
			q.GroupBy = []cost.Dimension{cost.DimDate, cost.DimModel}
			q.Filters = []cost.Filter{{Dimension: cost.DimDate, Op: cost.OpIn, Values: []string{"2026-11-01"}}}
			q.Having = []cost.Having{{Metric: cost.MetricTokens, Op: "gte", Value: 1}}
			q.OrderBy = []cost.Order{{By: "model"}, {By: "cost_usd", Desc: true}}
			q.Limit = cost.MaxLimit
			q.Compare = true
		}, nil},
		{"no metrics", func(q *cost.Query) { q.Metrics = nil }, []string{"metrics: At least one metric is required."}},
		{"unknown metric", func(q *cost.Query) { q.Metrics = []cost.Metric{"cost_usd", "profit"} },
			[]string{`metrics[1]: Unknown metric "profit".`}},
		{"unknown dimension", func(q *cost.Query) { q.GroupBy = []cost.Dimension{"colour"} },
			[]string{`group_by[0]: Unknown dimension "colour".`}},
		{"twice", func(q *cost.Query) { q.GroupBy = []cost.Dimension{"model", "model"} },
			[]string{`group_by[1]: Dimension "model" is listed twice.`}},
		{"filter dimension", func(q *cost.Query) {
			q.Filters = []cost.Filter{{Dimension: "colour", Op: cost.OpEq, Values: []string{"x"}}}
		}, []string{`filters[0].dimension: Unknown dimension "colour".`}},
		{"filter op", func(q *cost.Query) {
			q.Filters = []cost.Filter{{Dimension: cost.DimModel, Op: "like", Values: []string{"x"}}}
		}, []string{`filters[0].op: Unknown operator "like"; use eq, in, not_in or prefix.`}},
		{"eq values", func(q *cost.Query) {
			q.Filters = []cost.Filter{{Dimension: cost.DimModel, Op: cost.OpEq, Values: []string{"a", "b"}}}
		}, []string{`filters[0].values: Operator "eq" takes exactly one value.`}},
		{"in values", func(q *cost.Query) {
			q.Filters = []cost.Filter{{Dimension: cost.DimModel}, {Dimension: cost.DimModel, Op: cost.OpIn}}
		}, []string{`filters[0].op: Unknown operator ""; use eq, in, not_in or prefix.`,
			`filters[1].values: Operator "in" takes at least one value.`}},
		{"date filter", func(q *cost.Query) {
			q.Filters = []cost.Filter{{Dimension: cost.DimDate, Op: cost.OpEq, Values: []string{"yesterday"}}}
		}, []string{`filters[0].values: "yesterday" is not a YYYY-MM-DD date.`}},
		{"too many values", func(q *cost.Query) {
			q.Filters = []cost.Filter{{Dimension: cost.DimModel, Op: cost.OpIn, Values: make([]string, 1001)}}
		}, []string{`filters[0].values: At most 1000 values are allowed.`}},
		{"having", func(q *cost.Query) { q.Having = []cost.Having{{Metric: "x", Op: "ne"}} },
			[]string{`having[0].metric: Unknown metric "x".`, `having[0].op: Unknown operator "ne"; use gt, gte, lt or lte.`}},
		{"order", func(q *cost.Query) { q.OrderBy = []cost.Order{{By: "model"}} },
			[]string{`order_by[0].by: Cannot order by "model": it is neither a requested metric nor a group-by dimension.`}},
		{"limit high", func(q *cost.Query) { q.Limit = cost.MaxLimit + 1 }, []string{"limit: Limit must be between 0 and 10000."}},
		{"limit negative", func(q *cost.Query) { q.Limit = -1 }, []string{"limit: Limit must be between 0 and 10000."}},
		{"period", func(q *cost.Query) { q.Period = cost.Period{From: "2026-11-10", To: "2026-11-01"} },
			[]string{"period.from: From (2026-11-10) is after to (2026-11-01)."}},
		{"several", func(q *cost.Query) {
			q.Metrics = nil
			q.Limit = -5
			q.Period = cost.Period{Name: "someday"}
		}, []string{"metrics: At least one metric is required.", "limit: Limit must be between 0 and 10000.",
			`period.name: Unknown period "someday".`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := good
			tt.edit(&q)
			err := q.Validate()
			got := problems(err)
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("Validate() problems:\n got %q\nwant %q", got, tt.want)
			}
			if len(tt.want) > 0 && cost.ErrorCode(err) != cost.CodeInvalid {
				t.Errorf("code = %q, want invalid", cost.ErrorCode(err))
			}
		})
	}
}

func TestErrorHelpers(t *testing.T) {
	err := cost.FieldErrorf("limit", "Bad %d.", 3)
	if cost.ErrorCode(err) != cost.CodeInvalid || cost.ErrorMessage(err) != "Bad 3." || cost.ErrorField(err) != "limit" {
		t.Errorf("FieldErrorf: %v", err)
	}
	if err.Error() != "invalid: Bad 3. (limit)" {
		t.Errorf("Error() = %q", err.Error())
	}
	plain := errors.New("disk on fire")
	if cost.ErrorCode(plain) != cost.CodeInternal || cost.ErrorMessage(plain) != "Internal error." || cost.ErrorCode(nil) != "" {
		t.Errorf("plain error mapped to %q %q", cost.ErrorCode(plain), cost.ErrorMessage(plain))
	}
	wrapped := errors.Join(errors.New("ctx"), cost.Errorf(cost.CodeForbidden, "No."))
	if cost.ErrorCode(wrapped) != cost.CodeForbidden {
		t.Errorf("wrapped code = %q, want forbidden", cost.ErrorCode(wrapped))
	}
}

func TestFindPanelAndPath(t *testing.T) {
	d, p, ok := cost.FindPanel("models", "model-efficiency")
	if !ok || d.UID != "llmcost-models" || p.Kind != cost.KindBarGauge {
		t.Errorf("FindPanel = %v %v %v", d, p, ok)
	}
	if _, _, ok := cost.FindPanel("models", "total-cost-this-month"); ok {
		t.Errorf("FindPanel found a panel on the wrong dashboard")
	}
	got := cost.DashboardPath("overview", rng("2026-11-01", "2026-11-28"),
		cost.DashboardVars{Providers: []string{"AWS", "GCP"}, CustomerID: "cust_acme", Models: []string{"gpt-4o"}})
	want := "/d/overview?from=2026-11-01&to=2026-11-28&var-cloud_provider=AWS&var-cloud_provider=GCP&var-customer_id=cust_acme&var-model=gpt-4o"
	if got != want {
		t.Errorf("DashboardPath = %q, want %q", got, want)
	}
}

func TestModelFamily(t *testing.T) {
	tests := map[string]string{"claude-3-5-sonnet": "claude", "Gemini-1.5-Pro": "gemini", "gpt-4o": "gpt",
		"o3-mini": "openai-o", "meta-llama-3": "llama", "mixtral-8x7b": "mistral", "": "", "  ": "", "foo": "other"}
	for m, want := range tests {
		if got := cost.ModelFamily(m); got != want {
			t.Errorf("ModelFamily(%q) = %q, want %q", m, got, want)
		}
	}
}

func TestPrincipal(t *testing.T) {
	if a := cost.AdminPrincipal(); a.IsCustomer() || a.String() != "admin" {
		t.Errorf("admin = %+v %q", a, a.String())
	}
	if c := cost.CustomerPrincipal("cust_a"); !c.IsCustomer() || c.String() != "customer:cust_a" {
		t.Errorf("customer = %+v %q", c, c.String())
	}
}
