package query_test

import (
	"context"
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/duckdb"
)

// benchLayouts are the physical orders of cost_lines BenchmarkLayouts compares.
var benchLayouts = []string{
	"date",
	"date, cloud_provider",
	"date, cloud_provider, model",
	"date, customer_id",
	"date, cloud_provider, model, customer_id",
}

// BenchmarkLayouts rewrites cost_lines in each order of benchLayouts and times
// cold dashboard loads over HTTP, unfiltered and filtered by a provider, a
// customer and a model, so the order that lets filters skip row groups can be
// chosen. It leaves the lines in ingest's order (date, cloud_provider, model),
// as the store was generated. LLMCOST_BENCH_ROWS sets the size.
func BenchmarkLayouts(b *testing.B) {
	rows := benchSize(b)
	today := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	db := openBench(b, rows, today)
	base := url.Values{"from": {today.AddDate(0, 0, -30).Format(cost.DateLayout)}, "to": {today.Format(cost.DateLayout)}}
	filters := []struct {
		name string
		key  string
		val  []string
	}{
		{"none", "", nil},
		{"provider", "var-cloud_provider", []string{"GCP"}},
		{"customer", "var-customer_id", []string{"cust_0042"}},
		{"model", "var-model", []string{"gpt-4o"}},
	}
	for b.Loop() {
		fmt.Printf("\nCold loads of all four dashboards by physical order of cost_lines (ms, sum of medians of %d)\n%-44s", benchReps, "order")
		for _, f := range filters {
			fmt.Printf(" %10s", f.name)
		}
		fmt.Println()
		for _, order := range append(benchLayouts, "date") {
			start := time.Now()
			if err := reorder(db, order); err != nil {
				b.Fatal(err)
			}
			fmt.Printf("%-44s", fmt.Sprintf("%s (%s)", order, time.Since(start).Round(time.Second)))
			for _, f := range filters {
				v := url.Values{}
				for k, vs := range base {
					v[k] = vs
				}
				if f.key != "" {
					v[f.key] = f.val
				}
				var total time.Duration
				for _, d := range cost.Dashboards {
					var walls []time.Duration
					for range benchReps {
						h := newHTTPBench(b, db, today, true)
						wall, _, err := h.load(d, v, map[string]string{})
						if err != nil {
							b.Fatal(err)
						}
						walls = append(walls, wall)
						h.close()
					}
					total += median(walls)
				}
				fmt.Printf(" %10s", ms(total))
			}
			fmt.Println()
		}
		if err := reorder(db, ingestOrder); err != nil {
			b.Fatal(err)
		}
	}
}

// ingestOrder is the order ingest writes lines in, and benchPopulate generates them.
const ingestOrder = "date, cloud_provider, model"

// reorder rewrites the lines (table cost_rows, read through the view
// cost_lines) sorted by order.
func reorder(db *duckdb.DB, order string) error {
	ctx := context.Background()
	for _, q := range []string{
		`CREATE TABLE cost_rows_sorted AS SELECT * FROM cost_rows ORDER BY ` + order,
		`DROP TABLE cost_rows`,
		`ALTER TABLE cost_rows_sorted RENAME TO cost_rows`,
		`CHECKPOINT`,
	} {
		if _, err := db.SQL().ExecContext(ctx, q); err != nil {
			return fmt.Errorf("reorder by %s: %w", order, err)
		}
	}
	return nil
}
