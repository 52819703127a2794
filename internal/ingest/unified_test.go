package ingest_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/llmcost/llmcost/internal/billing"
	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/duckdb"
	"github.com/llmcost/llmcost/internal/ingest"
)

// lineByLine hides the DuckDB store's own CSV reader, so the ingester reads
// the file line by line.
type lineByLine struct{ cost.Store }

// unifiedMixed spells values the many ways unified files do: provider aliases,
// raw model ids, customers from tags and from the mapping, token types in
// capitals, timestamps, optional columns empty or set, NULL markers.
const unifiedMixed = "Date,cloud_provider,service,model,token_type,cost_usd,usage_amount,customer_id," +
	"charge_period_start,list_cost_usd,account_id,project,tags,requests,unpriced,data_status,cost_source,extra\n" +
	"2026-09-30,aws,Amazon Bedrock,anthropic.claude-3-5-sonnet-20240620-v1:0,INPUT,1.25,1000,,2026-09-30T00:00:00Z,1.5,123,,\"{\"\"Tenant\"\":\"\" t-1 \"\"}\",3,false,,,x\n" +
	"2026-10-01, Amazon Web Services ,Amazon Bedrock,Claude3.5Sonnet,output,2.5e0,20,cust_a,,,123,,,0,,final,,y\n" +
	"2026-10-02,Google Cloud,Vertex AI,Gemini 1.5 Pro,,0.75,5,null,2026-10-02T10:00:00.5Z,,,proj-9,,,TRUE,,list_price,z\n" +
	"2026-10-02,GCP,Vertex AI,gemini-1.5-pro-002,cache_read,-0.5,.5,,,,acct-7,proj-9,\"{\"\"customer_id\"\":\"\"\"\"}\",,,,,\n" +
	"2026-10-03,Azure,Azure OpenAI,gpt-4o-2024-08-06,input,3,100,cust_b,,2,sub-1,,\"{\"\"b\"\":\"\"2\"\",\"\"a\"\":\"\"1\"\"}\",,1,,,\n"

func TestIngestUnified_DuckDBReaderMatchesLineByLine(t *testing.T) {
	mapping, err := billing.ParseMapping("mapping.json", strings.NewReader(`{"customers": [
		{"kind": "project", "value": "proj-9", "customer": "cust_gcp"},
		{"kind": "account", "value": "123", "customer": "cust_aws"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	got, gotSum, progress := ingestBoth(t, "unified", "mixed.csv", unifiedMixed, mapping, false)
	want, wantSum, _ := ingestBoth(t, "unified", "mixed.csv", unifiedMixed, mapping, true)
	if !strings.Contains(progress, "read by DuckDB's CSV reader") {
		t.Fatalf("the file was not read by DuckDB; progress:\n%s", progress)
	}
	if len(got) != 5+4 { // Five lines in four partitions.
		t.Fatalf("stored %d lines and partitions, want 9:\n%s", len(got), strings.Join(got, "\n"))
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("lines read by DuckDB:\n%s\nline by line:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !reflect.DeepEqual(gotSum, wantSum) {
		t.Errorf("summary read by DuckDB:\n%+v\nline by line:\n%+v", gotSum, wantSum)
	}
}

// dumpLines returns every stored line (but its ingest time) and partition as text, in a fixed order.
func dumpLines(t *testing.T, db *duckdb.DB) []string {
	t.Helper()
	rows, err := db.SQL().Query(`SELECT * EXCLUDE (ingested_at) FROM cost_lines ORDER BY ALL`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprint(vals...))
	}
	prow, err := db.SQL().Query(`SELECT source, key, line_count, cost_usd FROM partitions ORDER BY ALL`)
	if err != nil {
		t.Fatal(err)
	}
	defer prow.Close()
	for prow.Next() {
		var s, k string
		var n int
		var c float64
		if err := prow.Scan(&s, &k, &n, &c); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("partition %s %s %d %g", s, k, n, c))
	}
	return out
}

func TestIngest_ProgressShowsRateAndShareOfFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big.csv")
	var b strings.Builder
	b.WriteString("date,cloud_provider,service,model,token_type,cost_usd,usage_amount,customer_id\n")
	for i := range 200_000 {
		fmt.Fprintf(&b, "2026-10-%02d,AWS,Amazon Bedrock,claude-3-5-sonnet,input,1,%d,cust_%d\n", 1+i%28, i, i%10)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := duckdb.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var progress bytes.Buffer
	in := &ingest.Ingester{Store: lineByLine{db}, Progress: &progress}
	if _, err := in.Ingest(context.Background(), "unified", "big.csv", f); err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`(?m)^big\.csv: 100000 rows, [0-9]+ rows/s, [0-9.]+ MB read \(([0-9]+)%\)$`)
	m := re.FindStringSubmatch(progress.String())
	if m == nil {
		t.Fatalf("no progress line with rows/s and share of the file:\n%s", progress.String())
	}
	// Half the rows have been parsed; reads run ahead by a buffer or two.
	if pct, _ := strconv.Atoi(m[1]); pct < 45 || pct > 100 {
		t.Errorf("progress at 100000 of 200000 rows says %s%% read", m[1])
	}
}

// unifiedCanonical is written as llmcost writes unified files: values as
// stored, so DuckDB's reader maps only model families; one column (region)
// has a single value with spaces around it.
const unifiedCanonical = "date,cloud_provider,service,model,token_type,cost_usd,usage_amount,customer_id,region,tags\n" +
	"2026-09-30,AWS,Amazon Bedrock,claude-3-5-sonnet,input,1.25,1000,cust_a,us-east-1,\"{\"\"team\"\":\"\"x\"\"}\"\n" +
	"2026-10-01,Azure,Azure OpenAI,gpt-4o,output,2.5,20,cust_b, eastus ,\n" +
	"2026-10-02,GCP,Vertex AI,gemini-1.5-pro,cache_read,0.75,5,cust_c,,\n" +
	"2026-10-02,GCP,Vertex AI,gemini-1.5-pro,,0.5,0,,,\n"

func TestIngestUnified_DuckDBReaderMatchesLineByLineOnValuesAsStored(t *testing.T) {
	got, gotSum, progress := ingestBoth(t, "unified", "canonical.csv", unifiedCanonical, nil, false)
	want, wantSum, _ := ingestBoth(t, "unified", "canonical.csv", unifiedCanonical, nil, true)
	if !strings.Contains(progress, "read by DuckDB's CSV reader") {
		t.Fatalf("the file was not read by DuckDB; progress:\n%s", progress)
	}
	if len(got) != 4+3 { // Four lines in three partitions.
		t.Fatalf("stored %d lines and partitions, want 7:\n%s", len(got), strings.Join(got, "\n"))
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("lines read by DuckDB:\n%s\nline by line:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !reflect.DeepEqual(gotSum, wantSum) {
		t.Errorf("summary read by DuckDB:\n%+v\nline by line:\n%+v", gotSum, wantSum)
	}
}

// unifiedSeed has only the seed's columns (and cost_source): DuckDB's reader
// stores its lines in the table that keeps only those.
const unifiedSeed = "date,cloud_provider,service,model,token_type,cost_usd,usage_amount,customer_id,cost_source\n" +
	"2026-09-30,aws,Amazon Bedrock,anthropic.claude-3-5-sonnet-20240620-v1:0,INPUT,1.25,1000,cust_a,\n" +
	"2026-10-01,Amazon Web Services,Amazon Bedrock,Claude3.5Sonnet,output,2.5e0,20,,list_price\n" +
	"2026-10-02,Google Cloud,Vertex AI,Gemini 1.5 Pro,,0.75,5,cust_b,\n" +
	"2026-10-14,Azure,Azure OpenAI,gpt-4o-2024-08-06,input,3,100,cust_b,\n"

// A file of the seed's columns read by DuckDB stores what the line-by-line
// reader stores, and each reader's lines replace the other's partitions.
func TestIngestUnified_SeedColumnsMatchLineByLineAndReplace(t *testing.T) {
	ingestSeed := func(db *duckdb.DB, lineByLineOnly bool, body string) (*cost.IngestSummary, string) {
		return ingestInto(t, db, "unified", "seed.csv", body, nil, lineByLineOnly)
	}
	open := func() *duckdb.DB {
		db, err := duckdb.Open("")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	byDuckDB, byLines := open(), open()
	gotSum, progress := ingestSeed(byDuckDB, false, unifiedSeed)
	wantSum, _ := ingestSeed(byLines, true, unifiedSeed)
	if !strings.Contains(progress, "read by DuckDB's CSV reader") {
		t.Fatalf("the file was not read by DuckDB; progress:\n%s", progress)
	}
	var basic int
	if err := byDuckDB.SQL().QueryRow(`SELECT count(*) FROM cost_rows_basic`).Scan(&basic); err != nil || basic != 4 {
		t.Fatalf("lines in the seed-columns table = %d (%v), want 4", basic, err)
	}
	if got, want := dumpLines(t, byDuckDB), dumpLines(t, byLines); !reflect.DeepEqual(got, want) {
		t.Errorf("lines read by DuckDB:\n%s\nline by line:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !reflect.DeepEqual(gotSum, wantSum) {
		t.Errorf("summary read by DuckDB:\n%+v\nline by line:\n%+v", gotSum, wantSum)
	}

	// The same partitions again, costs doubled, by the other reader each
	// time: only the latest file's lines remain.
	doubled := strings.NewReplacer(",1.25,", ",2.5,", ",2.5e0,", ",5,", ",0.75,", ",1.5,", ",3,", ",6,").Replace(unifiedSeed)
	for i, lineByLineOnly := range []bool{true, false, true} {
		body := unifiedSeed
		if i%2 == 0 {
			body = doubled
		}
		sum, _ := ingestSeed(byDuckDB, lineByLineOnly, body)
		if sum.PartitionsReplaced != len(sum.Partitions) {
			t.Errorf("round %d: %d of %d partitions replaced", i, sum.PartitionsReplaced, len(sum.Partitions))
		}
		var n int
		var total float64
		if err := byDuckDB.SQL().QueryRow(`SELECT count(*), sum(cost_usd) FROM cost_lines`).Scan(&n, &total); err != nil {
			t.Fatal(err)
		}
		want := 7.5
		if i%2 == 0 {
			want = 15
		}
		if n != 4 || total != want {
			t.Errorf("round %d: %d lines costing $%v, want 4 costing $%v", i, n, total, want)
		}
	}
}
