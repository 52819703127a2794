package main

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/duckdb"
)

// The model-day of the allocation tests: $10 billed for 1M unattributed input
// tokens; the gateway saw 600k for cust_a ($1.80), 300k for cust_b ($0.90) and
// 100k without a customer ($0.30).
const (
	allocBilled = "date,cloud_provider,service,model,token_type,cost_usd,usage_amount,customer_id,cost_source\n" +
		"2026-11-05,AWS,Amazon Bedrock,claude-3-5-sonnet,input,10,1000000,,billing_export\n"
	allocEvents = `{"id":"r1","timestamp":"2026-11-05T10:00:00Z","provider":"aws","model":"claude-3-5-sonnet","customer_id":"cust_a","input_tokens":600000,"cost_usd":1.8}
{"id":"r2","timestamp":"2026-11-05T11:00:00Z","provider":"aws","model":"claude-3-5-sonnet","customer_id":"cust_b","input_tokens":300000,"cost_usd":0.9}
{"id":"r3","timestamp":"2026-11-05T12:00:00Z","provider":"aws","model":"claude-3-5-sonnet","input_tokens":100000,"cost_usd":0.3}
`
)

var (
	// rawByCustomer: billed plus estimates, as stored without allocation.
	rawByCustomer = map[string]float64{"": 10.3, "cust_a": 1.8, "cust_b": 0.9}
	// allocatedByCustomer: $10 split 600k:300k:100k; estimates superseded.
	allocatedByCustomer = map[string]float64{"": 1, "cust_a": 6, "cust_b": 3}
)

// writeFiles writes name → body into dir and returns the paths by name.
func writeFiles(t *testing.T, dir string, files map[string]string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for name, body := range files {
		out[name] = filepath.Join(dir, name)
		if err := os.WriteFile(out[name], []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// costByCustomer opens a closed data directory's store and sums cost by customer.
func costByCustomer(t *testing.T, data string) map[string]float64 {
	t.Helper()
	db, err := duckdb.Open(filepath.Join(data, StoreFile))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	f, err := db.Aggregate(t.Context(), &cost.AggregateQuery{Metrics: []cost.Metric{cost.MetricCost},
		GroupBy: []cost.Dimension{cost.DimCustomer}})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, row := range f.Rows {
		k, _ := row[0].(string)
		out[k] += row[1].(float64)
	}
	return out
}

func stdout(m *Main) string { return m.Stdout.(*bytes.Buffer).String() }

// TestAllocate_CommandAndIngestHook: with the mode off, ingest writes no
// allocation; "allocate" writes it, "allocate --off" removes it, and ingest
// with --allocation event-tokens writes it again.
func TestAllocate_CommandAndIngestHook(t *testing.T) {
	dir := t.TempDir()
	files := writeFiles(t, dir, map[string]string{"billed.csv": allocBilled, "events.ndjson": allocEvents})
	data := filepath.Join(dir, "data")
	env := map[string]string{"LLMCOST_DATA": data, "LLMCOST_NOW": "2026-11-29", "LLMCOST_LOG_LEVEL": "warn"}

	mustRun(t, env, "ingest", "--format", "unified", files["billed.csv"]).Close()
	m := mustRun(t, env, "ingest", "--format", "events", files["events.ndjson"])
	m.Close()
	if strings.Contains(stdout(m), "allocation") {
		t.Errorf("ingest with the mode off printed %q", stdout(m))
	}
	assertSums(t, "mode off", costByCustomer(t, data), rawByCustomer)

	m = mustRun(t, env, "allocate")
	m.Close()
	if out := stdout(m); !strings.Contains(out, "1 model-days allocated, $9.00 moved") || !strings.Contains(out, "$3.00 of estimates") {
		t.Errorf("allocate printed %q", out)
	}
	assertSums(t, "allocate", costByCustomer(t, data), allocatedByCustomer)

	mustRun(t, env, "allocate", "--off").Close()
	assertSums(t, "allocate --off", costByCustomer(t, data), rawByCustomer)

	m = mustRun(t, env, "ingest", "--allocation", "event-tokens", "--format", "unified", files["billed.csv"])
	m.Close()
	if out := stdout(m); !strings.Contains(out, "allocation: 2026-11-01 to 2026-11-30") {
		t.Errorf("ingest with the mode on printed %q", out)
	}
	assertSums(t, "ingest hook", costByCustomer(t, data), allocatedByCustomer)
}

// TestAllocate_OneBound runs allocate with only --from or only --to inside the
// month with data: the other bound defaults to the end (or start) of the data's
// months, so a --from after the month's first day is not "after the last day".
func TestAllocate_OneBound(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want map[string]float64
	}{
		{"FromMidMonth", []string{"allocate", "--from", "2026-11-03"}, allocatedByCustomer},
		{"ToMidMonth", []string{"allocate", "--to", "2026-11-20"}, allocatedByCustomer},
		{"OffFromMidMonth", []string{"allocate", "--off", "--from", "2026-11-10"}, rawByCustomer},
	}
	dir := t.TempDir()
	files := writeFiles(t, dir, map[string]string{"billed.csv": allocBilled, "events.ndjson": allocEvents})
	data := filepath.Join(dir, "data")
	env := map[string]string{"LLMCOST_DATA": data, "LLMCOST_NOW": "2026-11-29", "LLMCOST_LOG_LEVEL": "warn"}
	mustRun(t, env, "ingest", "--format", "unified", files["billed.csv"]).Close()
	mustRun(t, env, "ingest", "--format", "events", files["events.ndjson"]).Close()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mustRun(t, env, tt.args...).Close()
			assertSums(t, tt.name, costByCustomer(t, data), tt.want)
		})
	}
}

// TestServe_AllocationHooks: serve with the mode on allocates after each
// ingest over HTTP; a restart with the mode off removes the lines, and one
// with it on writes them again. A customer token sees only its own share.
func TestServe_AllocationHooks(t *testing.T) {
	data := t.TempDir()
	on := map[string]string{"LLMCOST_ALLOCATION": "event-tokens"}
	for k, v := range e2eEnv {
		on[k] = v
	}
	byCustomer := `{"metrics":["cost_usd"],"group_by":["customer_id"],"period":{"from":"2026-11-01","to":"2026-11-30"}}`
	query := func(env map[string]string, ingest bool) (admin, own map[string]float64) {
		m := mustRun(t, env, "serve", "--data", data, "--addr", "127.0.0.1:0")
		defer m.Close()
		c := client{t, m.Server.URL(), testAdminToken}
		if ingest {
			c.must(200, "POST", "/api/v1/ingest?format=unified&name=billed.csv", allocBilled, nil)
			c.must(200, "POST", "/api/v1/ingest?format=events&name=events.ndjson", allocEvents, nil)
		}
		var res result
		c.must(200, "POST", "/api/v1/query", byCustomer, &res)
		admin = res.sums(t, "customer_id", "cost_usd")
		var tok struct {
			Token string `json:"token"`
		}
		c.must(201, "POST", "/api/v1/tokens", `{"customer_id":"cust_a","ttl_seconds":3600}`, &tok)
		client{t, m.Server.URL(), tok.Token}.must(200, "POST", "/api/v1/query", byCustomer, &res)
		return admin, res.sums(t, "customer_id", "cost_usd")
	}
	admin, own := query(on, true)
	assertSums(t, "after HTTP ingest", admin, allocatedByCustomer)
	assertSums(t, "cust_a's view", own, map[string]float64{"cust_a": 6})

	admin, _ = query(e2eEnv, false)
	assertSums(t, "restart with the mode off", admin, rawByCustomer)
	admin, _ = query(on, false)
	assertSums(t, "restart with the mode on", admin, allocatedByCustomer)
}

// TestSync_Allocates: a sync with the mode on allocates the synced month.
// The fake bucket bills $9.50 for 100k unattributed output tokens of
// gemini-2.5-pro on 2026-10-02; the gateway saw 60k for cust_a, 40k for cust_b.
func TestSync_Allocates(t *testing.T) {
	dir := t.TempDir()
	sources := fakeGCS(t, dir)
	events := `{"id":"g1","timestamp":"2026-10-02T09:00:00Z","provider":"gcp","model":"gemini-2.5-pro","customer_id":"cust_a","output_tokens":60000,"cost_usd":0.5}
{"id":"g2","timestamp":"2026-10-02T10:00:00Z","provider":"gcp","model":"gemini-2.5-pro","customer_id":"cust_b","output_tokens":40000,"cost_usd":0.25}
`
	files := writeFiles(t, dir, map[string]string{"events.ndjson": events})
	data := filepath.Join(dir, "data")
	env := map[string]string{"LLMCOST_DATA": data, "LLMCOST_NOW": "2026-11-05", "LLMCOST_LOG_LEVEL": "warn"}
	mustRun(t, env, "ingest", "--format", "events", files["events.ndjson"]).Close()
	m := mustRun(t, env, "sync", "--sources", sources, "--allocation", "event-tokens")
	m.Close()
	if out := stdout(m); !strings.Contains(out, "allocation: 2026-10-01 to 2026-10-31: 1 months, 1 model-days") {
		t.Errorf("sync printed %q", out)
	}
	// cust_acme's $12.50 was tagged; $9.50 splits 60:40; the estimates are superseded.
	assertSums(t, "after sync", costByCustomer(t, data), map[string]float64{"cust_acme": 12.5, "cust_a": 5.7, "cust_b": 3.8, "": 0})
}

func TestAllocation_BadFlags(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"BadMode", map[string]string{"LLMCOST_ALLOCATION": "tokens"}, []string{"serve"}, "LLMCOST_ALLOCATION"},
		{"BadFlag", nil, []string{"ingest", "--allocation", "yes", "--format", "unified", "x.csv"}, "LLMCOST_ALLOCATION"},
		{"BadDate", nil, []string{"allocate", "--from", "2026-13-01"}, "--from"},
		{"Reversed", nil, []string{"allocate", "--from", "2026-11-02", "--to", "2026-11-01"}, "before"},
		{"Argument", nil, []string{"allocate", "now"}, "unexpected argument"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newTestMain(tt.env)
			err := m.ParseFlags(t.Context(), tt.args)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ParseFlags(%v): got %v, want an error naming %q", tt.args, err, tt.want)
			}
		})
	}
}

func TestAllocate_Help(t *testing.T) {
	m := newTestMain(nil)
	if err := m.ParseFlags(t.Context(), []string{"allocate", "--help"}); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("allocate --help: got %v, want flag.ErrHelp", err)
	}
	if out := stdout(m); !strings.Contains(out, "Usage: llmcost allocate") || !strings.Contains(out, "-off") {
		t.Errorf("help %q lacks the usage line or the --off flag", out)
	}
}
