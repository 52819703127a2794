package ingest_test

import (
	"context"
	"os"
	"reflect"
	"testing"

	"github.com/llmcost/llmcost/internal/billing"
	"github.com/llmcost/llmcost/internal/cost"
)

// TestIngestEvents_SameAsFile writes the same events decoded and as a file,
// into two stores, and compares the rollups, summaries and spend; the decoded
// ones sent again count once.
func TestIngestEvents_SameAsFile(t *testing.T) {
	const path = "testdata/events_prices.ndjson"
	fileIn, fileDB := newIngester(t)
	fromFile := ingestFile(t, fileIn, "events", path)

	var events []cost.Event
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := billing.ReadEvents(path, f, func(e *cost.Event) error { events = append(events, *e); return nil }); err != nil {
		t.Fatal(err)
	}
	in, db := newIngester(t)
	decoded, err := in.IngestEvents(context.Background(), "otlp", events)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := eventLines(t, db), eventLines(t, fileDB); !reflect.DeepEqual(got, want) {
		t.Errorf("decoded rollup:\n%v\nfile rollup:\n%v", got, want)
	}
	if decoded.EventsInserted != fromFile.EventsInserted || decoded.CostUSD != fromFile.CostUSD ||
		decoded.UnpricedLines != fromFile.UnpricedLines || !reflect.DeepEqual(decoded.Spend, fromFile.Spend) {
		t.Errorf("decoded summary %+v\nfile summary %+v", decoded, fromFile)
	}
	var acmeSep float64
	for k, v := range decoded.Spend {
		if k.CustomerID == "cust_acme" && k.Month.Format("2006-01") == "2024-09" {
			acmeSep += v
		}
	}
	if acmeSep != 5+1.5 { // gpt-4o at $5/$15 per 1M: 1M input + 100k output.
		t.Errorf("cust_acme September spend=%v, want 6.5", acmeSep)
	}
	again, err := in.IngestEvents(context.Background(), "otlp", events)
	if err != nil {
		t.Fatal(err)
	}
	if again.EventsInserted != 0 || again.EventsDuplicate != len(events) {
		t.Errorf("resent: %d inserted, %d duplicate; want 0 and %d", again.EventsInserted, again.EventsDuplicate, len(events))
	}
	if got, want := eventLines(t, db), eventLines(t, fileDB); !reflect.DeepEqual(got, want) {
		t.Errorf("rollup changed after resending")
	}
}
