package allocation_test

import (
	"math"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/query"
)

// TestRun_CustomerScope: through the query service, a customer principal
// sees its own allocated share and only lines of its own customer id; asking
// for another customer is forbidden.
func TestRun_CustomerScope(t *testing.T) {
	e := newEnv(t)
	e.bill(billed(cost.TokenInput, "", 1_000_000, 10))
	e.gateway()
	e.run()
	svc := query.NewService(e.db, func() time.Time { return day.AddDate(0, 1, 0) })
	ctx := t.Context()
	period := cost.Period{From: month.From.Format(cost.DateLayout), To: month.To.Format(cost.DateLayout)}
	tests := []struct {
		customer string
		want     float64 // Allocated share, plus A's estimate for the other model.
	}{{"cust_a", 6 + 2}, {"cust_b", 3}}
	for _, tt := range tests {
		p := cost.Principal{CustomerID: tt.customer}
		res, err := svc.Query(ctx, p, cost.Query{Metrics: []cost.Metric{cost.MetricCost},
			GroupBy: []cost.Dimension{cost.DimCustomer, cost.DimCostSource}, Period: period})
		if err != nil {
			t.Fatal(err)
		}
		var total float64
		for _, row := range res.Rows {
			if row[0] != tt.customer {
				t.Errorf("%s sees a line of customer %v (%v)", tt.customer, row[0], row)
			}
			total += row[2].(float64)
		}
		if math.Abs(total-tt.want) > 1e-9 {
			t.Errorf("%s total = %v, want %v", tt.customer, total, tt.want)
		}
		other := cost.Query{Metrics: []cost.Metric{cost.MetricCost}, Period: period,
			Filters: []cost.Filter{{Dimension: cost.DimCustomer, Op: cost.OpEq, Values: []string{""}}}}
		if res, err := svc.Query(ctx, p, other); err == nil && len(res.Rows) > 0 && res.Rows[0][0] != 0.0 {
			t.Errorf("%s sees unattributed cost %v", tt.customer, res.Rows[0][0])
		}
		other.Filters[0].Values = []string{"cust_c"}
		if _, err := svc.Query(ctx, p, other); cost.ErrorCode(err) != cost.CodeForbidden {
			t.Errorf("%s asking for another customer: got %v, want forbidden", tt.customer, err)
		}
	}
}

// TestRun_AgreesWithAllocateAPI: the on-request split of query.Service
// equals, per customer, the model-day's totals after the run.
func TestRun_AgreesWithAllocateAPI(t *testing.T) {
	e := newEnv(t)
	e.bill(billed(cost.TokenInput, "", 1_000_000, 10), billed(cost.TokenInput, "cust_c", 500_000, 5), billed("", "", 10, 12))
	e.gateway()
	e.run()
	svc := query.NewService(e.db, func() time.Time { return day.AddDate(0, 1, 0) })
	a, err := svc.Allocate(t.Context(), cost.AdminPrincipal(), cost.AllocationRequest{Date: day, CloudProvider: cost.ProviderAWS, Model: model})
	if err != nil {
		t.Fatal(err)
	}
	api := map[string]float64{"": a.UnattributedUSD}
	for _, s := range a.Shares {
		api[s.CustomerID] = s.CostUSD
	}
	f, err := e.db.Aggregate(t.Context(), &cost.AggregateQuery{Metrics: []cost.Metric{cost.MetricCost},
		GroupBy: []cost.Dimension{cost.DimCustomer}, From: day, To: day,
		Filters: []cost.Filter{{Dimension: cost.DimModel, Op: cost.OpEq, Values: []string{model}}}})
	if err != nil {
		t.Fatal(err)
	}
	written := map[string]float64{}
	for _, row := range f.Rows {
		written[row[0].(string)] = math.Round(row[1].(float64)*100) / 100
	}
	// By hand: A 6 + 12·0.6, B 3 + 12·0.3, C 5 tagged, "" 1 + 12·0.1.
	want := map[string]float64{"cust_a": 13.2, "cust_b": 6.6, "cust_c": 5, "": 2.2}
	assertSums(t, "API", api, want)
	assertSums(t, "written", written, want)
}
