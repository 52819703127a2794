package query

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/llmcost/llmcost/internal/cost"
)

// TestAnswerSize: a result's estimated size is within a factor of two of its
// JSON's length, as the result cache's bound assumes.
func TestAnswerSize(t *testing.T) {
	res := &cost.Result{Frame: cost.Frame{Columns: []string{"customer_id", "week", "weekly_cost"},
		Types: []string{cost.TypeString, cost.TypeDate, cost.TypeNumber}}, Title: "Customer Heatmap", Unit: "usd",
		Meta: map[string]any{"note": "x"}}
	for i := range 2000 {
		res.Rows = append(res.Rows, []any{fmt.Sprintf("cust_%04d", i%1000), "2026-11-02", float64(i) * 1234.5678912345 / 7.3})
	}
	res.Rows = append(res.Rows, []any{nil, "2026-11-09", 0.0})
	for _, v := range []any{res, &cost.QuickStats{CustomerID: "cust_a"}, []string{"a", "b"}} {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := answerSize(v)
		if want := int64(len(b)); !ok || got < want/2 || got > 2*want {
			t.Errorf("%T: size %d (%v), want within 2x of %d", v, got, ok, want)
		}
	}
}
