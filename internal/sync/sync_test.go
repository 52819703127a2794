package sync_test

import (
	"context"
	"fmt"
	"io"
	"math"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/duckdb"
	"github.com/llmcost/llmcost/internal/ingest"
	billsync "github.com/llmcost/llmcost/internal/sync"
)

// now is the test clock: October 2026 is the previous, still re-read month.
var now = time.Date(2026, 11, 10, 12, 0, 0, 0, time.UTC)

const header = "date,cloud_provider,service,model,token_type,cost_usd,usage_amount,customer_id\n"

// rows is a unified CSV of AWS Bedrock input lines in October 2026, one per cost.
func rows(costs ...float64) string {
	var b strings.Builder
	b.WriteString(header)
	for i, c := range costs {
		fmt.Fprintf(&b, "2026-10-%02d,AWS,Amazon Bedrock,claude-3-5-sonnet,input,%g,1000,cust_%d\n", i+1, c, i)
	}
	return b.String()
}

// counting counts the objects opened through it.
type counting struct {
	cost.Bucket
	opened atomic.Int64
}

func (c *counting) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	c.opened.Add(1)
	return c.Bucket.Open(ctx, key)
}

// harness runs syncs of one source into a fresh DuckDB store.
type harness struct {
	t      *testing.T
	store  *duckdb.DB
	syncer *billsync.Syncer
	src    billsync.Source
	bucket *counting
}

func newHarness(t *testing.T, b backend, kind, prefix string) *harness {
	db, err := duckdb.Open("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	clock := func() time.Time { return now }
	cb := &counting{Bucket: b.bucket}
	return &harness{t: t, store: db, bucket: cb,
		syncer: &billsync.Syncer{Store: db, Now: clock,
			NewIngester: func(s cost.Store) *ingest.Ingester { return &ingest.Ingester{Store: s, Now: clock} }},
		src: billsync.Source{Name: "test", Kind: kind, Format: ingest.FormatUnified, Bucket: cb, Prefix: prefix}}
}

// sync runs one sync and returns its deliveries' statuses by key, and how many
// objects it opened.
func (h *harness) sync() (map[string]billsync.Delivery, int64) {
	h.t.Helper()
	h.bucket.opened.Store(0)
	rep, err := h.syncer.Sync(context.Background(), h.src)
	if err != nil {
		h.t.Fatal(err)
	}
	got := map[string]billsync.Delivery{}
	for _, d := range rep.Deliveries {
		got[d.Key] = d
	}
	return got, h.bucket.opened.Load()
}

// total is the stored cost and line count.
func (h *harness) total() (float64, int) {
	h.t.Helper()
	var sum float64
	n := 0
	err := h.store.Lines(context.Background(), cost.LineFilter{}, func(l *cost.LineItem) error {
		sum += l.CostUSD
		n++
		return nil
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return math.Round(sum*100) / 100, n
}

func (h *harness) wantStatus(got map[string]billsync.Delivery, key, status string) billsync.Delivery {
	h.t.Helper()
	d, ok := got[key]
	if !ok {
		h.t.Fatalf("no delivery %q in %v", key, got)
	}
	if d.Status != status {
		h.t.Fatalf("delivery %s: got status %s (%s), want %s", key, d.Status, d.String(), status)
	}
	return d
}

func (h *harness) wantTotal(cost float64, lines int) {
	h.t.Helper()
	if gotCost, gotLines := h.total(); gotCost != cost || gotLines != lines {
		h.t.Fatalf("stored: got $%v in %d lines, want $%v in %d lines", gotCost, gotLines, cost, lines)
	}
}

func curManifest(assembly string, keys ...string) string {
	return legacyManifest(assembly, "20261001", "20261101", keys...)
}

// legacyManifest is a legacy CUR manifest of report "llm" for the billing
// period from start to end (YYYYMMDD).
func legacyManifest(assembly, start, end string, keys ...string) string {
	return fmt.Sprintf(`{"assemblyId":%q,"reportName":"llm","billingPeriod":{"start":"%sT000000.000Z","end":"%sT000000.000Z"},"reportKeys":[%s]}`,
		assembly, start, end, quoteList(keys))
}

func quoteList(keys []string) string {
	q := make([]string, len(keys))
	for i, k := range keys {
		q[i] = fmt.Sprintf("%q", k)
	}
	return strings.Join(q, ",")
}

// testCUR delivers October twice, then an incomplete third delivery.
func testCUR(t *testing.T, b backend) {
	h := newHarness(t, b, billsync.KindAWS, "cur/")
	dir := "cur/llm/20261001-20261101/"
	manifest := dir + "llm-Manifest.json"
	b.put(t, dir+"a1/llm-1.csv", rows(10, 5))
	b.put(t, dir+"a1/llm-2.csv", rows(7))
	b.put(t, manifest, curManifest("a1", dir+"a1/llm-1.csv", dir+"a1/llm-2.csv"))

	got, _ := h.sync()
	h.wantStatus(got, "llm/2026-10", billsync.StatusApplied)
	h.wantTotal(22, 3)

	got, opened := h.sync()
	h.wantStatus(got, "llm/2026-10", billsync.StatusUnchanged)
	if opened != 1 {
		t.Fatalf("unchanged delivery: opened %d objects, want only the manifest", opened)
	}
	h.wantTotal(22, 3)

	b.put(t, dir+"a2/llm-1.csv", rows(11, 4))
	b.put(t, manifest, curManifest("a2", dir+"a2/llm-1.csv"))
	// A versioned report's copy of an older manifest, written later, does not win.
	b.put(t, dir+"a1/llm-Manifest.json", curManifest("a1", dir+"a1/llm-1.csv", dir+"a1/llm-2.csv"))
	got, _ = h.sync()
	if d := h.wantStatus(got, "llm/2026-10", billsync.StatusApplied); d.ID != "a2" {
		t.Fatalf("applied %s, want a2", d.ID)
	}
	h.wantTotal(15, 2)

	b.put(t, dir+"a3/llm-1.csv", rows(1))
	b.put(t, manifest, curManifest("a3", dir+"a3/llm-1.csv", dir+"a3/llm-2.csv"))
	got, _ = h.sync()
	d := h.wantStatus(got, "llm/2026-10", billsync.StatusIncomplete)
	if len(d.Missing) != 1 || d.Missing[0] != dir+"a3/llm-2.csv" {
		t.Fatalf("missing: got %v, want [%s]", d.Missing, dir+"a3/llm-2.csv")
	}
	h.wantTotal(15, 2)

	b.put(t, dir+"a3/llm-2.csv", rows(2, 3))
	got, _ = h.sync()
	h.wantStatus(got, "llm/2026-10", billsync.StatusApplied)
	h.wantTotal(6, 3)
}

func azureManifest(runID, submitted string, blobs ...string) string {
	var parts []string
	for _, b := range blobs {
		parts = append(parts, fmt.Sprintf(`{"blobName":%q,"byteCount":1,"dataRowCount":1}`, b))
	}
	return fmt.Sprintf(`{"manifestVersion":"2024-04-01","blobCount":%d,"exportConfig":{"exportName":"llm-costs","type":"ActualCost"},"runInfo":{"runId":%q,"submittedTime":%q,"startDate":"2026-10-01T00:00:00"},"blobs":[%s]}`,
		len(blobs), runID, submitted, strings.Join(parts, ","))
}

// testAzure delivers October in three runs: complete, complete with changed rows, incomplete.
func testAzure(t *testing.T, b backend) {
	h := newHarness(t, b, billsync.KindAzure, "exports/")
	run := func(id string) string { return "exports/llm-costs/20261001-20261031/" + id + "/" }
	b.put(t, run("r1")+"part_0_0001.csv", rows(10, 5))
	b.put(t, run("r1")+"part_0_0002.csv", rows(7))
	b.put(t, run("r1")+"manifest.json", azureManifest("r1", "2026-11-01T02:00:00Z", run("r1")+"part_0_0001.csv", run("r1")+"part_0_0002.csv"))

	got, _ := h.sync()
	h.wantStatus(got, "llm-costs/2026-10", billsync.StatusApplied)
	h.wantTotal(22, 3)
	got, opened := h.sync()
	h.wantStatus(got, "llm-costs/2026-10", billsync.StatusUnchanged)
	if opened != 1 {
		t.Fatalf("unchanged delivery: opened %d objects, want only the manifest", opened)
	}

	// A run naming its blobs relative to its folder.
	b.put(t, run("r2")+"part_0_0001.csv", rows(11, 4))
	b.put(t, run("r2")+"manifest.json", azureManifest("r2", "2026-11-02T02:00:00Z", "part_0_0001.csv"))
	got, _ = h.sync()
	h.wantStatus(got, "llm-costs/2026-10", billsync.StatusApplied)
	h.wantTotal(15, 2)

	b.put(t, run("r3")+"manifest.json", azureManifest("r3", "2026-11-03T02:00:00Z", run("r3")+"part_0_0001.csv"))
	b.put(t, "exports/other/manifest.json", "{not json")
	got, _ = h.sync()
	h.wantStatus(got, "exports/other/manifest.json", billsync.StatusFailed)
	d := h.wantStatus(got, "llm-costs/2026-10", billsync.StatusIncomplete)
	if len(d.Missing) != 1 || d.Missing[0] != run("r3")+"part_0_0001.csv" {
		t.Fatalf("missing: got %v", d.Missing)
	}
	h.wantTotal(15, 2)
}

// testGCP re-reads a changed open month and leaves a closed one alone.
func testGCP(t *testing.T, b backend) {
	h := newHarness(t, b, billsync.KindGCP, "billing/")
	b.put(t, "billing/invoice_month=202610/part-0.csv", rows(10, 5))
	b.put(t, "billing/invoice_month=202610/part-1.csv", rows(7))
	b.put(t, "billing/invoice_month=202608/part-0.csv", strings.ReplaceAll(rows(3), "2026-10-", "2026-08-"))
	b.put(t, "billing/invoice_month=202610/_SUCCESS", "")

	got, _ := h.sync()
	h.wantStatus(got, "2026-10", billsync.StatusApplied)
	h.wantStatus(got, "2026-08", billsync.StatusApplied)
	h.wantTotal(25, 4)

	got, opened := h.sync()
	h.wantStatus(got, "2026-10", billsync.StatusUnchanged)
	h.wantStatus(got, "2026-08", billsync.StatusUnchanged)
	if opened != 0 {
		t.Fatalf("unchanged months: opened %d objects, want 0", opened)
	}

	b.put(t, "billing/invoice_month=202610/part-0.csv", rows(11, 4))
	b.put(t, "billing/invoice_month=202608/part-0.csv", strings.ReplaceAll(rows(30), "2026-10-", "2026-08-"))
	got, _ = h.sync()
	h.wantStatus(got, "2026-10", billsync.StatusApplied)
	h.wantStatus(got, "2026-08", billsync.StatusUnchanged)
	h.wantTotal(25, 4) // 11 + 4 + 7, and August's 3 kept.
}

func TestS3(t *testing.T) {
	b := s3Backend(t)
	t.Run("bucket", func(t *testing.T) { testBucket(t, b) })
	t.Run("cur", func(t *testing.T) { testCUR(t, b) })
	t.Run("data-exports", func(t *testing.T) { testDataExports(t, b) })
	t.Run("restated-scope", func(t *testing.T) { testRestatedScope(t, b) })
	t.Run("hostile", func(t *testing.T) { testHostile(t, b) })
}

func TestGCS(t *testing.T) {
	b := gcsBackend(t)
	t.Run("bucket", func(t *testing.T) { testBucket(t, b) })
	t.Run("gcp", func(t *testing.T) { testGCP(t, b) })
	t.Run("gcp-native", func(t *testing.T) { testGCPNative(t, b) })
}

func TestAzureBlob(t *testing.T) {
	b := azureBackend(t)
	t.Run("bucket", func(t *testing.T) { testBucket(t, b) })
	t.Run("azure", func(t *testing.T) { testAzure(t, b) })
	t.Run("azure-native", func(t *testing.T) { testAzureNative(t, b) })
	t.Run("hostile", func(t *testing.T) { testHostile(t, b) })
}

// curRow is one CUR 2.0 Bedrock usage row of September 2026 for payer 111111111111.
func curRow(day int, usageType string, thousands, cost float64) string {
	return payerRow("111111111111", "2026-09", day, usageType, thousands, cost)
}

// payerRow is one CUR 2.0 Bedrock usage row of month (YYYY-MM) for payer.
func payerRow(payer, month string, day int, usageType string, thousands, cost float64) string {
	return fmt.Sprintf(",AWS,%s,%s-01T00:00:00Z,%s,Usage,%s-%02dT00:00:00Z,%s-%02dT00:00:00Z,"+
		"AmazonBedrock,%s,,%g,1K tokens,%g,%g,USD,,\"{\"\"product_name\"\":\"\"Amazon Bedrock\"\"}\",\"{\"\"user_customer_id\"\":\"\"acme\"\"}\"\n",
		payer, month, payer, month, day, month, day+1, usageType, thousands, cost, cost)
}

const curHeader = "bill_invoice_id,bill_billing_entity,bill_payer_account_id,bill_billing_period_start_date,line_item_usage_account_id," +
	"line_item_line_item_type,line_item_usage_start_date,line_item_usage_end_date,line_item_product_code,line_item_usage_type," +
	"line_item_resource_id,line_item_usage_amount,pricing_unit,line_item_unblended_cost,line_item_net_unblended_cost," +
	"line_item_currency_code,line_item_iam_principal,product,resource_tags\n"

func dataExportsManifest(execution string, keys ...string) string {
	uris := make([]string, len(keys))
	for i, k := range keys {
		uris[i] = "s3://billing/" + k
	}
	return fmt.Sprintf(`{"executionId":%q,"billingPeriod":{"start":"2026-09-01T00:00:00.000Z","end":"2026-10-01T00:00:00.000Z"},"dataFiles":[%s]}`,
		execution, quoteList(uris))
}

// testDataExports restates September from native CUR 2.0 files listed by Data
// Exports manifests.
func testDataExports(t *testing.T, b backend) {
	h := newHarness(t, b, billsync.KindAWS, "exports/")
	h.src.Format = ""
	data := "exports/llm/data/BILLING_PERIOD=2026-09/"
	manifest := "exports/llm/metadata/BILLING_PERIOD=2026-09/llm-Manifest.json"
	b.put(t, data+"e1-00001.csv", curHeader+curRow(1, "USE1-Claude4.6Sonnet-input-tokens", 2000, 6)+
		curRow(2, "USE1-Claude4.6Sonnet-output-tokens", 100, 7.5))
	b.put(t, manifest, dataExportsManifest("e1", data+"e1-00001.csv"))
	got, _ := h.sync()
	h.wantStatus(got, "llm/2026-09", billsync.StatusApplied)
	h.wantTotal(13.5, 2)

	b.put(t, data+"e2-00001.csv", curHeader+curRow(1, "USE1-Claude4.6Sonnet-input-tokens", 2000, 6))
	b.put(t, data+"e2-00002.csv", curHeader+curRow(2, "USE1-Claude4.6Sonnet-output-tokens", 100, 2))
	b.put(t, manifest, dataExportsManifest("e2", data+"e2-00001.csv", data+"e2-00002.csv"))
	got, _ = h.sync()
	h.wantStatus(got, "llm/2026-09", billsync.StatusApplied)
	h.wantTotal(8, 2)
}

// gcpRow is one Cloud Billing export row (newline-delimited JSON) of invoice month 2026-10.
func gcpRow(day int, cost, credit float64) string {
	return fmt.Sprintf(`{"billing_account_id":"01A2B3-C4D5E6-F7A8B9","service":{"id":"C7E2-9256-1C43","description":"Vertex AI"},`+
		`"sku":{"id":"FDAB-647C-5A22","description":"Gemini 2.5 Flash GA Text Input - Predictions"},`+
		`"usage_start_time":"2026-10-%02d 00:00:00 UTC","usage_end_time":"2026-10-%02d 01:00:00 UTC",`+
		`"project":{"id":"acme-prod","labels":[]},"labels":[{"key":"customer_id","value":"acme"}],"location":{"region":"us-central1"},`+
		`"cost":%g,"currency":"USD","usage":{"amount":"1000000","unit":"requests"},`+
		`"credits":[{"name":"Free tier","amount":%g,"type":"FREE_TIER"}],"invoice":{"month":"202610"},"cost_type":"regular"}`+"\n",
		day, day, cost, credit)
}

// testGCPNative re-reads a changed open month of native GCP billing rows; net cost is cost + credits.
func testGCPNative(t *testing.T, b backend) {
	h := newHarness(t, b, billsync.KindGCP, "native/")
	h.src.Format = ""
	b.put(t, "native/2026-10/export-0.json", gcpRow(1, 4.5, -0.5)+gcpRow(2, 3, 0))
	got, _ := h.sync()
	h.wantStatus(got, "2026-10", billsync.StatusApplied)
	h.wantTotal(7, 2)
	b.put(t, "native/2026-10/export-0.json", gcpRow(1, 4.5, -1.5))
	got, _ = h.sync()
	h.wantStatus(got, "2026-10", billsync.StatusApplied)
	h.wantTotal(3, 1)
}

const azureHeader = "\ufeffinvoiceId,billingAccountId,billingPeriodStartDate,date,subscriptionId,subscriptionName,resourceGroupName," +
	"resourceId,resourceLocation,productName,meterCategory,meterSubCategory,meterName,quantity,unitOfMeasure," +
	"costInBillingCurrency,billingCurrency,tags,chargeType\n"

// azureRow is one MCA cost-details row of October 2026 (US dates).
func azureRow(day int, direction string, thousands, cost float64) string {
	meter := "gpt 4o 0513 " + direction + " global Tokens"
	return fmt.Sprintf(`,B-1,10/01/2026,10/%02d/2026,sub-a,Sub A,rg-ai,/subscriptions/sub-a/resourceGroups/rg-ai/providers/`+
		`Microsoft.CognitiveServices/accounts/oai1,eastus,Azure OpenAI,Foundry Models,%s,%s,%g,1K,%g,USD,"""customer_id"": ""acme""",Usage`+"\n",
		day, meter, meter, thousands, cost)
}

// testAzureNative restates October from native MCA cost-details files.
func testAzureNative(t *testing.T, b backend) {
	h := newHarness(t, b, billsync.KindAzure, "mca/")
	h.src.Format = ""
	run := func(id string) string { return "mca/llm-costs/20261001-20261031/" + id + "/" }
	b.put(t, run("r1")+"part_0_0001.csv", azureHeader+azureRow(2, "Input", 1500, 3.75)+azureRow(2, "Output", 100, 1.5))
	b.put(t, run("r1")+"manifest.json", azureManifest("r1", "2026-11-01T02:00:00Z", run("r1")+"part_0_0001.csv"))
	got, _ := h.sync()
	h.wantStatus(got, "llm-costs/2026-10", billsync.StatusApplied)
	h.wantTotal(5.25, 2)
	b.put(t, run("r2")+"part_0_0001.csv", azureHeader+azureRow(2, "Input", 800, 2))
	b.put(t, run("r2")+"manifest.json", azureManifest("r2", "2026-11-02T02:00:00Z", run("r2")+"part_0_0001.csv"))
	got, _ = h.sync()
	h.wantStatus(got, "llm-costs/2026-10", billsync.StatusApplied)
	h.wantTotal(2, 1)
}

// testBucket checks the cost.Bucket contract of an adapter: prefix listing in
// key order with sizes and ETags, reading, and CodeNotFound for a missing object.
func testBucket(t *testing.T, b backend) {
	ctx := context.Background()
	b.put(t, "contract/b.csv", "bb")
	b.put(t, "contract/a.csv", "a")
	b.put(t, "other/c.csv", "ccc")
	objs, err := b.bucket.List(ctx, "contract/")
	if err != nil {
		t.Fatal(err)
	}
	if len(objs) != 2 || objs[0].Key != "contract/a.csv" || objs[0].Size != 1 || objs[1].Key != "contract/b.csv" || objs[1].Size != 2 {
		t.Fatalf("list: got %+v, want contract/a.csv (1 byte), contract/b.csv (2 bytes)", objs)
	}
	if objs[0].ETag == "" || objs[0].Updated.IsZero() {
		t.Errorf("list: %+v lacks an ETag or a time", objs[0])
	}
	r, err := b.bucket.Open(ctx, "contract/b.csv")
	if err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(r)
	r.Close()
	if err != nil || string(data) != "bb" {
		t.Fatalf("read: got %q, %v; want bb", data, err)
	}
	if _, err := b.bucket.Open(ctx, "contract/missing.csv"); cost.ErrorCode(err) != cost.CodeNotFound {
		t.Fatalf("missing object: got %v, want not_found", err)
	}
	// Names that need escaping in a URL path or query, listed and read back.
	const odd = "odd & name/a b+c#1?=%.csv"
	b.put(t, odd, "odd")
	objs, err = b.bucket.List(ctx, "odd & name/")
	if err != nil || len(objs) != 1 || objs[0].Key != odd {
		t.Fatalf("list odd names: got %+v, %v; want %q", objs, err, odd)
	}
	r, err = b.bucket.Open(ctx, odd)
	if err != nil {
		t.Fatal(err)
	}
	data, err = io.ReadAll(r)
	r.Close()
	if err != nil || string(data) != "odd" {
		t.Fatalf("read %q: got %q, %v; want odd", odd, data, err)
	}
}
