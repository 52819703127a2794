package grafana_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/llmcost/llmcost/internal/clickhouse"
	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/demo"
	"github.com/llmcost/llmcost/internal/duckdb"
	"github.com/llmcost/llmcost/internal/grafana"
	"github.com/llmcost/llmcost/internal/query"
)

// chWorld is a demo dataset in a ClickHouse store, served by the query layer.
type chWorld struct {
	data  *demo.Dataset
	store *clickhouse.Store
	svc   *query.Service
}

// newCHWorld loads demo data into a new database test_<random> on the server
// named by LLMCOST_TEST_CLICKHOUSE, dropped when the test ends. Without the
// variable the test is skipped, except under CI, where it fails.
func newCHWorld(t *testing.T) *chWorld {
	t.Helper()
	addr := os.Getenv("LLMCOST_TEST_CLICKHOUSE")
	if addr == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("LLMCOST_TEST_CLICKHOUSE is not set; CI must run the ClickHouse panel tests")
		}
		t.Skip("LLMCOST_TEST_CLICKHOUSE is not set")
	}
	ctx := context.Background()
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	db := "test_" + hex.EncodeToString(b[:])
	meta, err := duckdb.Open("")
	if err != nil {
		t.Fatal(err)
	}
	s, err := clickhouse.Open(ctx, clickhouse.Config{DSN: addr + "/" + db, Meta: meta})
	if err != nil {
		meta.Close()
		t.Fatalf("clickhouse.Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Conn().Exec(context.Background(), "DROP DATABASE IF EXISTS "+db); err != nil {
			t.Errorf("drop %s: %v", db, err)
		}
		s.Close()
	})
	d := demo.Generate(demo.Options{Seed: 3, End: now, Days: 45, Customers: 6})
	if err := demo.Load(ctx, s, d); err != nil {
		t.Fatal(err)
	}
	return &chWorld{data: d, store: s, svc: query.NewService(s, func() time.Time { return now })}
}

// chRows runs sql on the store's connection and normalises its rows.
func chRows(t *testing.T, conn driver.Conn, sql string) [][]any {
	t.Helper()
	rows, err := conn.Query(context.Background(), sql)
	if err != nil {
		t.Fatalf("%v\n%s", err, sql)
	}
	defer rows.Close()
	types := rows.ColumnTypes()
	var out [][]any
	for rows.Next() {
		ptrs := make([]any, len(types))
		for i, ct := range types {
			ptrs[i] = reflect.New(ct.ScanType()).Interface()
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatalf("%v\n%s", err, sql)
		}
		row := make([]any, len(ptrs))
		for i, p := range ptrs {
			v := reflect.ValueOf(p).Elem()
			for v.Kind() == reflect.Pointer {
				if v.IsNil() {
					break
				}
				v = v.Elem()
			}
			if v.Kind() == reflect.Pointer {
				row[i] = nil
			} else {
				row[i] = v.Interface()
			}
		}
		out = append(out, row)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%v\n%s", err, sql)
	}
	return normalise(out, nil)
}

// TestClickHousePanelsMatchQueryLayer expands every panel's ClickHouse SQL as
// Grafana and the ClickHouse plugin would, runs it on the ClickHouse store, and
// compares the rows with the query layer's panel over the same store for the
// same range and variables.
func TestClickHousePanelsMatchQueryLayer(t *testing.T) {
	w := newCHWorld(t)
	ctx := context.Background()
	budgets, err := w.store.Budgets(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(budgets) == 0 {
		t.Fatal("the demo data set no budgets")
	}
	o := grafana.Options{Datasource: grafana.DatasourceClickHouse, Budgets: budgets}
	panelSQL := exportedSQL(t, o)
	from, to := now.AddDate(0, 0, -30), now
	r := cost.DateRange{From: cost.Day(from), To: cost.Day(to)}
	big := w.data.Customers[0].ID
	noBudget := "cust_without_budget"
	sels := []selection{
		{name: "all"},
		{name: "one provider", providers: []string{"aws"}},
		{name: "customer", customer: big},
		{name: "two models and a customer", customer: big, models: modelsOf(w.data, big)[:2]},
		{name: "customer without data", customer: noBudget},
	}
	for _, sel := range sels {
		for _, d := range cost.Dashboards {
			for _, p := range d.Panels {
				key := d.ID + "/" + p.ID
				t.Run(sel.name+"/"+key, func(t *testing.T) {
					want, err := w.svc.Panel(ctx, cost.AdminPrincipal(), cost.PanelRequest{Dashboard: d.ID, Panel: p.ID,
						Range: r, Providers: sel.providers, CustomerID: sel.customer, Models: sel.models})
					if err != nil {
						t.Fatal(err)
					}
					sql, err := grafana.ExpandClickHouse(panelSQL[key], sel.vars(), from, to, 24*time.Hour)
					if err != nil {
						t.Fatal(err)
					}
					got := reorder(key, chRows(t, w.store.Conn(), sql))
					compare(t, seedColumns(key, got), seedColumns(key, normalise(want.Rows, nil)))
				})
			}
		}
	}
}

// exportedSQL reads each panel's SQL from the exported dashboards, keyed
// "dashboard/panel".
func exportedSQL(t *testing.T, o grafana.Options) map[string]string {
	t.Helper()
	dir := exportWith(t, o)
	out := map[string]string{}
	for _, def := range cost.Dashboards {
		var d dashboardJSON
		if err := json.Unmarshal(read(t, dir, grafana.DashboardsDir+"/"+def.ID+".json"), &d); err != nil {
			t.Fatal(err)
		}
		for _, p := range d.Panels {
			if p.ID == grafana.ChatPanelID {
				continue
			}
			if len(p.Targets) != 1 || p.Datasource == nil || p.Datasource.UID != grafana.ClickHouseDatasourceUID ||
				p.Targets[0].Datasource.UID != grafana.ClickHouseDatasourceUID {
				t.Fatalf("%s panel %d: want one target on the ClickHouse data source", def.ID, p.ID)
			}
			out[def.ID+"/"+def.Panels[p.ID-1].ID] = p.Targets[0].RawSQL
		}
	}
	if len(out) != len(grafana.PanelSQL) {
		t.Fatalf("%d panels exported, want %d", len(out), len(grafana.PanelSQL))
	}
	return out
}

// TestClickHouseExportFiles checks the ClickHouse data source, the query
// format of the targets and the alert rules' data source.
func TestClickHouseExportFiles(t *testing.T) {
	dir := exportWith(t, grafana.Options{Datasource: grafana.DatasourceClickHouse, ClickHouseAddr: "ch.internal:9440",
		ClickHouseDatabase: "costs"})
	var dsf grafana.DatasourcesFile
	if err := decodeStrict(read(t, dir, grafana.DatasourcesPath), &dsf); err != nil {
		t.Fatal(err)
	}
	ds := dsf.Datasources[0]
	if ds.Type != grafana.ClickHouseDatasourceType || ds.UID != grafana.ClickHouseDatasourceUID ||
		ds.JSONData["host"] != "ch.internal" || ds.JSONData["port"] != 9440 || ds.JSONData["protocol"] != "native" ||
		ds.JSONData["defaultDatabase"] != "costs" || ds.SecureJSONData["password"] != "$LLMCOST_CH_PASSWORD" {
		t.Errorf("data source = %+v", ds)
	}
	var d struct {
		Panels []struct {
			Targets []map[string]any `json:"targets"`
		} `json:"panels"`
		Templating struct {
			List []struct {
				Type       string            `json:"type"`
				Datasource map[string]string `json:"datasource"`
			} `json:"list"`
		} `json:"templating"`
	}
	if err := json.Unmarshal(read(t, dir, grafana.DashboardsDir+"/overview.json"), &d); err != nil {
		t.Fatal(err)
	}
	formats := map[float64]int{}
	for _, p := range d.Panels {
		for _, tg := range p.Targets {
			formats[tg["format"].(float64)]++
			if tg["editorType"] != "sql" {
				t.Errorf("target %v: editorType %v", tg["refId"], tg["editorType"])
			}
		}
	}
	if formats[0] != 1 || formats[1] != 4 { // One time series, four tables.
		t.Errorf("formats = %v", formats)
	}
	for _, v := range d.Templating.List {
		if v.Type == "query" && v.Datasource["uid"] != grafana.ClickHouseDatasourceUID {
			t.Errorf("variable on data source %v", v.Datasource)
		}
	}
	var af grafana.AlertingFile
	if err := decodeStrict(read(t, dir, grafana.AlertingPath), &af); err != nil {
		t.Fatal(err)
	}
	for _, r := range af.Groups[0].Rules {
		if r.Data[0].DatasourceUID != grafana.ClickHouseDatasourceUID {
			t.Errorf("rule %s: data source %q", r.UID, r.Data[0].DatasourceUID)
		}
	}
	if got := af.Groups[0].Rules[1].Data[0].Model["rawSql"].(string); !strings.Contains(got, `customer_id = 'cust_o\'neil'`) {
		t.Errorf("stored rule SQL = %s", got)
	}
	if _, err := grafana.Export(t.TempDir(), grafana.Options{Datasource: "mysql"}, nil); err == nil {
		t.Error("an unknown data source was accepted")
	}
}

// TestClickHouseAlertAndVariableSQLRuns runs the exported alert queries and
// the variable queries on a ClickHouse store.
func TestClickHouseAlertAndVariableSQLRuns(t *testing.T) {
	w := newCHWorld(t)
	dir := exportWith(t, grafana.Options{Datasource: grafana.DatasourceClickHouse})
	var af grafana.AlertingFile
	if err := decodeStrict(read(t, dir, grafana.AlertingPath), &af); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, r := range af.Groups[0].Rules {
		var spend float64
		if err := w.store.Conn().QueryRow(ctx, r.Data[0].Model["rawSql"].(string)).Scan(&spend); err != nil {
			t.Errorf("rule %s: %v", r.UID, err)
		}
	}
	var d struct {
		Templating struct {
			List []struct {
				Name  string `json:"name"`
				Type  string `json:"type"`
				Query string `json:"query"`
			} `json:"list"`
		} `json:"templating"`
	}
	if err := json.Unmarshal(read(t, dir, grafana.DashboardsDir+"/overview.json"), &d); err != nil {
		t.Fatal(err)
	}
	for _, v := range d.Templating.List {
		if v.Type != "query" {
			continue
		}
		rows := chRows(t, w.store.Conn(), v.Query)
		if len(rows) == 0 {
			t.Errorf("%s: no values", v.Name)
		}
		if v.Name == "customer_id" && len(rows) != len(w.data.Customers) {
			t.Errorf("customer_id: %d values, want %d", len(rows), len(w.data.Customers))
		}
	}
}

func TestExpandClickHouse(t *testing.T) {
	from := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	to := time.Date(2024, 1, 8, 0, 0, 0, 0, time.UTC)
	got, err := grafana.ExpandClickHouse(`SELECT $__timeInterval(ts), ${model:sqlstring} FROM t WHERE $__timeFilter(ts) AND d >= toDate($__fromTime) AND d < $__toTime_ms AND $__dateFilter(d) AND ${customer_id:sqlstring} = 'x'`,
		map[string][]string{"model": {"a'b", "c"}}, from, to, 5*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	want := `SELECT toStartOfInterval(toDateTime(ts), INTERVAL 300 second), 'a''b','c' FROM t WHERE ts >= toDateTime(1704067200) AND ts <= toDateTime(1704672000) AND d >= toDate(toDateTime(1704067200)) AND d < fromUnixTimestamp64Milli(1704672000000) AND d >= toDate('2024-01-01') AND d <= toDate('2024-01-08') AND '__all' = 'x'`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if _, err := grafana.ExpandClickHouse(`SELECT $__nope(x)`, nil, from, to, time.Minute); err == nil {
		t.Error("an unknown macro was accepted")
	}
}
