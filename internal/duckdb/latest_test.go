package duckdb_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/duckdb"
)

// linesLatest is LatestData computed from the lines themselves, as the store
// computed it before partition_latest: per provider, the newest day and
// ingest time of the lines not derived from others.
func linesLatest(t *testing.T, db *duckdb.DB) []string {
	t.Helper()
	rows, err := db.SQL().Query(`SELECT cloud_provider, max(date), max(ingested_at) FROM cost_lines
		WHERE cost_source NOT IN (?, ?) GROUP BY 1 ORDER BY 1`, cost.DerivedSources[0], cost.DerivedSources[1])
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var p string
		var day, at time.Time
		if err := rows.Scan(&p, &day, &at); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s %s %s", p, day.Format(cost.DateLayout), at.UTC().Format(time.RFC3339Nano)))
	}
	return out
}

// column returns the first column of a query's rows as text.
func column(t *testing.T, db *duckdb.DB, q string) []string {
	t.Helper()
	rows, err := db.SQL().Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

func storeLatest(t *testing.T, db *duckdb.DB) []string {
	t.Helper()
	fs, err := db.LatestData(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range fs {
		out = append(out, fmt.Sprintf("%s %s %s", f.CloudProvider, f.LatestDate.Format(cost.DateLayout),
			f.IngestedAt.UTC().Format(time.RFC3339Nano)))
	}
	return out
}

// TestLatestDataFollowsEveryWrite: after every kind of write (lines applied,
// streamed, bulk-loaded into either line table, event batches that grow,
// derived lines, a partition emptied, a failed write), the freshness the
// store keeps per partition equals the one computed from all the lines.
func TestLatestDataFollowsEveryWrite(t *testing.T) {
	db, err := duckdb.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	day := func(d int) time.Time { return time.Date(2026, 10, d, 0, 0, 0, 0, time.UTC) }
	line := func(d int, provider, source, key, costSource string) cost.LineItem {
		return cost.LineItem{Date: day(d), CloudProvider: provider, Service: "s", Model: "m", TokenType: cost.TokenInput,
			UsageAmount: 1, CostUSD: 1, CostSource: costSource, Source: source, SourcePartition: key}
	}
	apply := func(b *cost.Batch) error {
		_, err := db.Apply(ctx, b)
		return err
	}
	stream := func(ls ...cost.LineItem) *cost.Batch {
		return &cost.Batch{Stream: func(emit func(*cost.LineItem) error) error {
			for i := range ls {
				if err := emit(&ls[i]); err != nil {
					return err
				}
			}
			return nil
		}}
	}
	event := func(id string, d int, provider string) cost.EventUsage {
		return cost.EventUsage{EventID: id, Time: day(d).Add(time.Hour), Provider: provider, Service: "s", Model: "m",
			TokenType: cost.TokenInput, Tokens: 10, CostUSD: 0.5, CostSource: cost.SourceEventEstimate, First: true}
	}
	seed := strings.Split("date,cloud_provider,service,model,token_type,cost_usd,usage_amount,customer_id", ",")
	wide := append(append([]string(nil), seed...), "region")
	unified := func(cols []string, rows ...string) error {
		path := spool(t, db, strings.Join(cols, ",")+"\n"+strings.Join(rows, "\n")+"\n")
		_, err := db.LoadUnified(ctx, unifiedFile(path, cols...))
		return err
	}
	a := line(3, "AWS", "t", "a", cost.SourceBillingExport)
	steps := []struct {
		name    string
		write   func() error
		wantErr bool
	}{
		{"lines", func() error {
			return apply(&cost.Batch{Replace: []cost.Partition{{Source: "t", Key: "a"}, {Source: "t", Key: "g"}},
				Lines: []cost.LineItem{a, line(5, "AWS", "t", "a", cost.SourceBillingExport), line(4, "GCP", "t", "g", cost.SourceBillingExport)}})
		}, false},
		{"derived lines later than any", func() error {
			return apply(&cost.Batch{Replace: []cost.Partition{{Source: "allocation", Key: "m"}}, Lines: []cost.LineItem{
				line(20, "AWS", "allocation", "m", cost.SourceAllocation), line(21, "GCP", "allocation", "m", cost.SourceSupersededEstimate),
				line(2, "OpenAI", "allocation", "m", cost.SourceAllocation)}})
		}, false},
		{"stream moves AWS back", func() error { return apply(stream(a)) }, false},
		{"unified seed columns", func() error {
			return unified(seed, "2026-10-07,Azure,Foundry,m,input,1.5,10,c1", "2026-10-06,AWS,Bedrock,m,output,2,5,c2")
		}, false},
		{"unified with a region", func() error {
			return unified(wide, "2026-10-09,Azure,Foundry,m,input,1.5,10,c1,eastus")
		}, false},
		{"unified with derived sources", func() error {
			return unified(append(append([]string(nil), seed...), "cost_source"),
				"2026-10-25,GCP,Vertex,m,input,1,1,c1,allocation", "2026-10-08,GCP,Vertex,m,input,1,1,c1,billing_export")
		}, false},
		{"unified replaces its month", func() error {
			return unified(seed, "2026-10-01,Azure,Foundry,m,input,1.5,10,c1")
		}, false},
		{"event batch", func() error {
			return apply(&cost.Batch{EventBatch: "b1", Events: []cost.EventUsage{event("e1", 11, "OpenAI")}})
		}, false},
		{"event batch grows", func() error {
			return apply(&cost.Batch{EventBatch: "b1", Events: []cost.EventUsage{event("e2", 10, "OpenAI"), event("e3", 12, "Anthropic")}})
		}, false},
		{"repeated events", func() error {
			return apply(&cost.Batch{EventBatch: "b1", Events: []cost.EventUsage{event("e3", 12, "Anthropic")}})
		}, false},
		{"partition emptied", func() error {
			return apply(&cost.Batch{Replace: []cost.Partition{{Source: "t", Key: "g"}}})
		}, false},
		{"failed stream", func() error {
			b := stream(line(30, "GCP", "t", "x", cost.SourceBillingExport), cost.LineItem{CloudProvider: "GCP", Source: "t", SourcePartition: "x"})
			return apply(b)
		}, true},
		{"failed load", func() error { return unified(seed, "2026-10-30,GCP,Vertex,m,input,1_000,10,c1") }, true},
	}
	for _, s := range steps {
		if err := s.write(); (err != nil) != s.wantErr {
			t.Fatalf("%s: err = %v, want error %v", s.name, err, s.wantErr)
		}
		got, want := storeLatest(t, db), linesLatest(t, db)
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("after %s: LatestData\n%s\nwant, from the lines,\n%s", s.name, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		// The providers present, which a filter of several is read as the
		// complement of, derived lines' included.
		got = column(t, db, `SELECT DISTINCT cloud_provider FROM partition_latest ORDER BY 1`)
		want = column(t, db, `SELECT DISTINCT cloud_provider FROM cost_lines ORDER BY 1`)
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("after %s: providers %q, want, from the lines, %q", s.name, got, want)
		}
	}
	if got := storeLatest(t, db); len(got) != 5 {
		t.Errorf("providers at the end: %q, want AWS, Anthropic, Azure, GCP and OpenAI", got)
	}
}

// TestProvidersFilterWhileProvidersChange: a filter keeping three providers
// of four is read as "none of the others", with the providers present read
// in the same snapshot as the lines; while another writer keeps replacing a
// fifth provider with a new one, no answer ever includes it.
func TestProvidersFilterWhileProvidersChange(t *testing.T) {
	db, err := duckdb.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	day := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	line := func(provider, key string, usd float64) cost.LineItem {
		return cost.LineItem{Date: day, CloudProvider: provider, Service: "s", CostUSD: usd,
			CostSource: cost.SourceBillingExport, Source: "t", SourcePartition: key}
	}
	base := []cost.LineItem{line("AWS", "a", 1), line("GCP", "g", 2), line("Azure", "z", 4), line("Oracle", "o", 8)}
	if _, err := db.Apply(ctx, &cost.Batch{Replace: partitionsOf(base), Lines: base}); err != nil {
		t.Fatal(err)
	}
	q := &cost.AggregateQuery{Metrics: []cost.Metric{cost.MetricCost}, From: day, To: day,
		Filters: []cost.Filter{{Dimension: cost.DimCloudProvider, Op: cost.OpIn, Values: []string{"AWS", "GCP", "Azure"}}}}
	done := make(chan error)
	go func() {
		for i := range 60 {
			l := []cost.LineItem{line(fmt.Sprintf("New-%02d", i), "x", 1000)}
			if _, err := db.Apply(ctx, &cost.Batch{Replace: partitionsOf(l), Lines: l}); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	for n := 0; ; n++ {
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				t.Error("no query ran while providers changed")
			}
			return
		default:
		}
		f, err := db.Aggregate(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if got := f.Rows[0][0]; got != 7.0 {
			t.Fatalf("query %d: AWS, GCP and Azure cost $%v, want $7", n, got)
		}
	}
}

// TestRebuildSummaries: lines written around the store are missing from its
// freshness until RebuildSummaries, and then counted.
func TestRebuildSummaries(t *testing.T) {
	db, err := duckdb.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.SQL().Exec(`INSERT INTO cost_rows (date, cloud_provider, cost_usd, cost_source, source,
		source_partition, ingested_at) VALUES (DATE '2026-10-02', 'GCP', 1, 'billing_export', 't', 'p', TIMESTAMP '2026-10-03 00:00:00'),
		(DATE '2026-10-05', 'GCP', 1, 'allocation', 't', 'p', TIMESTAMP '2026-10-06 00:00:00')`); err != nil {
		t.Fatal(err)
	}
	if got := storeLatest(t, db); len(got) != 0 {
		t.Fatalf("before the rebuild: %q, want nothing", got)
	}
	v0, _ := db.DataVersion(context.Background())
	if err := db.RebuildSummaries(context.Background()); err != nil {
		t.Fatal(err)
	}
	got, want := storeLatest(t, db), linesLatest(t, db)
	if strings.Join(got, "\n") != strings.Join(want, "\n") || len(got) != 1 || !strings.HasPrefix(got[0], "GCP 2026-10-02 ") {
		t.Errorf("after the rebuild: %q, want %q (GCP through Oct 2: the allocation does not count)", got, want)
	}
	if v1, _ := db.DataVersion(context.Background()); v1 == v0 {
		t.Errorf("data version %s unchanged by the rebuild", v1)
	}
}
