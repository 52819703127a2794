package query_test

import (
	"context"
	"fmt"
	"github.com/llmcost/llmcost/internal/query"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/sqlbuild"
)

func BenchmarkTmpSQL(b *testing.B) {
	rows := benchSize(b)
	today := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	db := openBench(b, rows, today)
	r := cost.DateRange{From: today.AddDate(0, 0, -30), To: today}
	ctx := context.Background()
	mtd := cost.DateRange{From: cost.MonthStart(today), To: today}
	qs := map[string]*cost.AggregateQuery{
		"overview/total-cost-this-month": {Metrics: []cost.Metric{cost.MetricCost}, From: mtd.From, To: mtd.To},
		"customers/customer-heatmap": {Metrics: []cost.Metric{cost.MetricCost}, GroupBy: []cost.Dimension{cost.DimCustomer, cost.DimWeek},
			Filters: []cost.Filter{{Dimension: cost.DimCustomer, Op: cost.OpNotIn, Values: []string{""}}},
			OrderBy: []cost.Order{{By: "week"}, {By: "customer_id"}}, From: r.From, To: r.To},
	}
	key := os.Getenv("LLMCOST_BENCH_PANEL")
	q := qs[key]
	gen, gargs, err := sqlbuild.Build(sqlbuild.DuckDB, q)
	if err != nil {
		b.Fatal(err)
	}
	raw, rargs := positional(rawPanels[key], benchArgs(today, r))
	h := newHTTPBench(b, db, today, false)
	vars := url.Values{"from": {r.From.Format(cost.DateLayout)}, "to": {r.To.Format(cost.DateLayout)}}
	names := []string{"http", "dashboards", "gen", "raw", "aggregate", "service", "handler"}
	svc := query.NewService(db, func() time.Time { return today.Add(12 * time.Hour) })
	dash, panel, _ := strings.Cut(key, "/")
	preq := cost.PanelRequest{Dashboard: dash, Panel: panel, Range: r}
	hreq := httptest.NewRequest("GET", "/api/v1/panels/"+key+"?"+vars.Encode(), nil)
	hreq.Header.Set("Authorization", "Bearer "+h.token)
	hreq.Header.Set("Accept-Encoding", "gzip")
	steps := []func() error{
		func() error { _, err := h.get("panels/"+key+"?"+vars.Encode(), ""); return err },
		func() error { _, err := h.get("dashboards", ""); return err },
		func() error { _, err := countRows(ctx, db.SQL(), gen, gargs...); return err },
		func() error { _, err := countRows(ctx, db.SQL(), raw, rargs...); return err },
		func() error { _, err := db.Aggregate(ctx, q); return err },
		func() error { _, err := svc.Panel(ctx, cost.AdminPrincipal(), preq); return err },
		func() error {
			w := httptest.NewRecorder()
			h.srv.Handler().ServeHTTP(w, hreq)
			if w.Code != 200 {
				return fmt.Errorf("%d", w.Code)
			}
			return nil
		},
	}
	walls := make([][]time.Duration, len(steps))
	cpus := make([][]time.Duration, len(steps))
	for b.Loop() {
		for i, s := range steps {
			c0, t0 := cpuTime(), time.Now()
			if err := s(); err != nil {
				b.Fatal(err)
			}
			walls[i], cpus[i] = append(walls[i], time.Since(t0)), append(cpus[i], cpuTime()-c0)
		}
	}
	for i, n := range names {
		fmt.Printf("%-12s wall %8.3f ms  cpu %8.3f ms\n", n, float64(median(walls[i]).Microseconds())/1000, float64(median(cpus[i]).Microseconds())/1000)
	}
}
