package chat_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/chat"
	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/demo"
	"github.com/llmcost/llmcost/internal/duckdb"
	"github.com/llmcost/llmcost/internal/query"
)

// benchEngine returns the engine to benchmark: the shared fixture, or a larger
// dataset when CHAT_BENCH_DAYS / CHAT_BENCH_CUSTOMERS are set.
func benchEngine(b *testing.B) *chat.Engine {
	days, _ := strconv.Atoi(os.Getenv("CHAT_BENCH_DAYS"))
	customers, _ := strconv.Atoi(os.Getenv("CHAT_BENCH_CUSTOMERS"))
	if days == 0 && customers == 0 {
		return setup(b).engine
	}
	db, err := duckdb.Open("")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	ds := demo.Generate(demo.Options{Seed: 7, End: today, Days: days, Customers: customers})
	if err := demo.Load(context.Background(), db, ds); err != nil {
		b.Fatal(err)
	}
	var rows int64
	db.SQL().QueryRow("SELECT count(*) FROM cost_lines").Scan(&rows)
	b.Logf("dataset: %d cost lines", rows)
	now := today.Add(12 * time.Hour)
	qs := query.NewService(db, func() time.Time { return now })
	return chat.New(chat.Config{Query: qs, Store: db})
}

// BenchmarkAsk asks the question set round-robin and reports the p50 and p95
// latency of one answer.
func BenchmarkAsk(b *testing.B) {
	e := benchEngine(b)
	qs := loadQuestions(b, "testdata/questions.txt")
	var lat []time.Duration
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		q := qs[i%len(qs)]
		conv := q.conv
		if conv == "" {
			conv = fmt.Sprintf("b%d", i)
		}
		start := time.Now()
		if _, err := e.Ask(ctx, principal(q.as), cost.ChatRequest{Message: q.text, ConversationID: conv}); err != nil {
			b.Fatalf("%q: %v", q.text, err)
		}
		lat = append(lat, time.Since(start))
	}
	slices.Sort(lat)
	pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.95), "p95-ms")
}
