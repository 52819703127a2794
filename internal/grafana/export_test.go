package grafana_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/cog/plugins"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/jackc/pgx/v5"
	"go.yaml.in/yaml/v3"

	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/grafana"
)

var storedRules = []cost.AlertRule{
	{ID: "r1", Name: "Acme spend > $500 a day", Kind: cost.AlertThreshold, CustomerID: "cust_o'neil", Window: cost.AlertWindowDay,
		Threshold: 500, Enabled: true, Filters: []cost.Filter{{Dimension: cost.DimModel, Op: cost.OpIn, Values: []string{"gpt-4o"}}}},
	{ID: "r2", Name: "Weekly", Kind: cost.AlertThreshold, Window: cost.AlertWindowWeek, Threshold: 9000, Enabled: true},
	{ID: "r3", Name: "Off", Kind: cost.AlertThreshold, Threshold: 1, Enabled: false},
	{ID: "r4", Name: "Budget", Kind: cost.AlertBudget, Threshold: 80, Enabled: true},
}

func export(t *testing.T) string {
	t.Helper()
	return exportWith(t, grafana.Options{UIURL: "https://cost.example.com"})
}

func exportWith(t *testing.T, o grafana.Options) string {
	t.Helper()
	dir := t.TempDir()
	files, err := grafana.Export(dir, o, storedRules)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{grafana.DatasourcesPath, grafana.ProvidersPath, grafana.AlertingPath}
	for _, d := range cost.Dashboards {
		want = append(want, grafana.DashboardsDir+"/"+d.ID+".json")
	}
	if !slices.Equal(files, want) {
		t.Fatalf("files = %v, want %v", files, want)
	}
	return dir
}

// decodeStrict decodes YAML rejecting unknown keys.
func decodeStrict(b []byte, v any) error {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	return dec.Decode(v)
}

func read(t *testing.T, dir, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var (
	uidRe      = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,40}$`)
	varUseRe   = regexp.MustCompile(`\$(?:\{([_a-zA-Z0-9]+)(?:[:.][^}]*)?\}|([_a-zA-Z0-9]+))|\[\[([_a-zA-Z0-9]+)`)
	validUnits = map[string]bool{"currencyUSD": true, "short": true, "percent": true, "percentunit": true, "none": true}
	// Grafana's own variables, the PostgreSQL data source's macros and the
	// ClickHouse plugin's.
	builtins = regexp.MustCompile(`^__(from|to|interval|interval_ms|url_time_range|data|value|field|series|all_variables|timeFilter|timeFrom|timeTo|timeGroup|timeGroupAlias|time|timeEpoch|unixEpochFrom|unixEpochTo|unixEpochFilter|fromTime|toTime|fromTime_ms|toTime_ms|timeFilter_ms|dateFilter|timeInterval|interval_s)$`)
)

// panelJSON is the part of a classic dashboard panel the lint reads.
type panelJSON struct {
	ID          int    `json:"id"`
	Type        string `json:"type"`
	Title       string `json:"title"`
	Description string `json:"description"`
	Datasource  *struct {
		UID string `json:"uid"`
	} `json:"datasource"`
	GridPos *struct{ H, W, X, Y int } `json:"gridPos"`
	Targets []struct {
		RefID      string          `json:"refId"`
		RawSQL     string          `json:"rawSql"`
		Format     json.RawMessage `json:"format"`
		Datasource struct {
			UID string `json:"uid"`
		} `json:"datasource"`
	} `json:"targets"`
	FieldConfig struct {
		Defaults struct {
			Unit  string            `json:"unit"`
			Links []json.RawMessage `json:"links"`
		} `json:"defaults"`
	} `json:"fieldConfig"`
	Links   []json.RawMessage `json:"links"`
	Options struct {
		Content string `json:"content"`
	} `json:"options"`
}

type dashboardJSON struct {
	UID        string            `json:"uid"`
	Title      string            `json:"title"`
	Tags       []string          `json:"tags"`
	Links      []json.RawMessage `json:"links"`
	Panels     []panelJSON       `json:"panels"`
	Templating struct {
		List []struct {
			Name     string `json:"name"`
			Type     string `json:"type"`
			Multi    bool   `json:"multi"`
			AllValue string `json:"allValue"`
			Refresh  int    `json:"refresh"`
		} `json:"list"`
	} `json:"templating"`
}

// wantKind is the Grafana panel type of each cost panel kind.
var wantKind = map[string]string{cost.KindThreshold: "timeseries"}

func TestExportLint(t *testing.T) {
	lintExport(t, export(t))
}

func TestExportLintClickHouse(t *testing.T) {
	lintExport(t, exportWith(t, grafana.Options{UIURL: "https://cost.example.com",
		Datasource: grafana.DatasourceClickHouse, ClickHouseAddr: "ch.internal:9000",
		Budgets: []cost.Budget{{MonthlyUSD: 1500}, {CustomerID: `cust_o'neil\`, MonthlyUSD: 20}}}))
}

func lintExport(t *testing.T, dir string) {
	t.Helper()
	var dsf grafana.DatasourcesFile
	if err := decodeStrict(read(t, dir, grafana.DatasourcesPath), &dsf); err != nil {
		t.Fatal(err)
	}
	dsUIDs := map[string]bool{}
	for _, ds := range dsf.Datasources {
		dsUIDs[ds.UID] = true
		if ds.JSONData["database"] == nil && ds.JSONData["defaultDatabase"] == nil {
			t.Errorf("data source %s: no jsonData.database", ds.UID)
		}
	}
	var pf grafana.ProvidersFile
	if err := decodeStrict(read(t, dir, grafana.ProvidersPath), &pf); err != nil {
		t.Fatal(err)
	}
	plugins.RegisterDefaultPlugins()
	uids := map[string]bool{}
	for _, def := range cost.Dashboards {
		raw := read(t, dir, grafana.DashboardsDir+"/"+def.ID+".json")
		t.Run(def.ID, func(t *testing.T) {
			var sdk dashboard.Dashboard
			if err := json.Unmarshal(raw, &sdk); err != nil {
				t.Fatal(err)
			}
			if err := sdk.Validate(); err != nil {
				t.Fatalf("SDK validation: %v", err)
			}
			var strict dashboard.Dashboard
			if err := strict.UnmarshalJSONStrict(raw); !noErrors(err) {
				t.Fatalf("strict decoding: %v", err)
			}
			bogus := bytes.Replace(raw, []byte(`"uid":`), []byte(`"bogus": 1, "uid":`), 1)
			if err := new(dashboard.Dashboard).UnmarshalJSONStrict(bogus); noErrors(err) {
				t.Error("strict decoding accepted an unknown field")
			}
			var d dashboardJSON
			if err := json.Unmarshal(raw, &d); err != nil {
				t.Fatal(err)
			}
			lintDashboard(t, def, d, raw, dsUIDs)
			if uids[d.UID] {
				t.Errorf("uid %s used twice", d.UID)
			}
			uids[d.UID] = true
		})
	}
}

// noErrors reports whether err is nil or an empty cog.BuildErrors (the SDK
// returns its error list as an error even when empty).
func noErrors(err error) bool {
	var be cog.BuildErrors
	return err == nil || errors.As(err, &be) && len(be) == 0
}

func lintDashboard(t *testing.T, def cost.DashboardDef, d dashboardJSON, raw []byte, dsUIDs map[string]bool) {
	t.Helper()
	var top map[string]json.RawMessage
	json.Unmarshal(raw, &top)
	if _, wrapped := top["dashboard"]; wrapped || d.Title != def.Title {
		t.Errorf("want a bare dashboard titled %q, got title %q", def.Title, d.Title)
	}
	if !uidRe.MatchString(d.UID) || d.UID != def.UID {
		t.Errorf("uid %q, want %q in Grafana's format", d.UID, def.UID)
	}
	if !slices.Contains(d.Tags, grafana.Tag) || !strings.Contains(string(d.Links[0]), `"dashboards"`) {
		t.Errorf("want the %s tag and a link to the tagged dashboards", grafana.Tag)
	}
	defined := map[string]bool{}
	multi := map[string]bool{}
	for _, v := range d.Templating.List {
		defined[v.Name] = true
		multi[v.Name] = v.Multi
		if v.Type == "query" && (v.Refresh != 2 || v.AllValue != grafana.AllValue) {
			t.Errorf("variable %s: refresh %d, allValue %q", v.Name, v.Refresh, v.AllValue)
		}
	}
	for _, v := range grafana.Variables {
		if !defined[v.Name] || multi[v.Name] != v.Multi {
			t.Errorf("variable %s: defined %v, multi %v, want multi %v", v.Name, defined[v.Name], multi[v.Name], v.Multi)
		}
	}
	checkVars := func(where, s string) {
		for _, m := range varUseRe.FindAllStringSubmatch(s, -1) {
			name := m[1] + m[2] + m[3]
			if !defined[name] && !builtins.MatchString(name) {
				t.Errorf("%s uses undefined variable %q", where, name)
			}
		}
	}
	ids := map[int]bool{}
	var cards []panelJSON
	for _, p := range d.Panels {
		if ids[p.ID] || p.ID == 0 {
			t.Errorf("panel id %d missing or repeated", p.ID)
		}
		ids[p.ID] = true
		if p.GridPos == nil || p.GridPos.W <= 0 || p.GridPos.W > 24 || p.GridPos.H <= 0 {
			t.Errorf("panel %d: bad gridPos %+v", p.ID, p.GridPos)
		}
		if p.Title == "" || p.Description == "" {
			t.Errorf("panel %d: title %q, description %q", p.ID, p.Title, p.Description)
		}
		for _, l := range p.Links {
			checkVars("panel link", string(l))
		}
		if p.ID == grafana.ChatPanelID {
			if p.Type != "text" || !strings.Contains(p.Options.Content, "/widget-demo") {
				t.Errorf("chat panel: type %s, content %q", p.Type, p.Options.Content)
			}
			checkVars("chat panel", p.Options.Content)
			continue
		}
		cards = append(cards, p)
	}
	if len(cards) != len(def.Panels) {
		t.Fatalf("%d query panels, want %d", len(cards), len(def.Panels))
	}
	for i, p := range cards {
		want := def.Panels[i]
		kind := want.Kind
		if k, ok := wantKind[kind]; ok {
			kind = k
		}
		if p.ID != i+1 || p.Title != want.Title || p.Type != kind {
			t.Errorf("panel %d %q %s, want %d %q %s", p.ID, p.Title, p.Type, i+1, want.Title, kind)
		}
		if u := p.FieldConfig.Defaults.Unit; !validUnits[u] || u != grafana.Units[want.Unit] {
			t.Errorf("panel %s: unit %q, want %q", want.ID, u, grafana.Units[want.Unit])
		}
		if p.Datasource == nil || !dsUIDs[p.Datasource.UID] {
			t.Errorf("panel %s: data source not provisioned", want.ID)
		}
		if len(p.Targets) == 0 {
			t.Fatalf("panel %s: no targets", want.ID)
		}
		refs := map[string]bool{}
		for _, tg := range p.Targets {
			if refs[tg.RefID] || !dsUIDs[tg.Datasource.UID] || tg.RawSQL == "" {
				t.Errorf("panel %s: target %q repeated, unprovisioned or empty", want.ID, tg.RefID)
			}
			refs[tg.RefID] = true
			checkVars("panel "+want.ID+" SQL", tg.RawSQL)
			for _, m := range varUseRe.FindAllStringSubmatch(tg.RawSQL, -1) {
				if name := m[1] + m[2] + m[3]; multi[name] && !strings.Contains(m[0], ":sqlstring") {
					t.Errorf("panel %s: multi-value variable %s used without :sqlstring", want.ID, name)
				}
			}
		}
		for _, l := range p.FieldConfig.Defaults.Links {
			checkVars("data link", string(l))
		}
	}
}

func TestExportAlerting(t *testing.T) {
	dir := export(t)
	raw := read(t, dir, grafana.AlertingPath)
	var top map[string]any
	if err := yaml.Unmarshal(raw, &top); err != nil {
		t.Fatal(err)
	}
	documented := []string{"apiVersion", "groups", "deleteRules", "contactPoints", "deleteContactPoints",
		"policies", "resetPolicies", "muteTimes", "deleteMuteTimes", "templates", "deleteTemplates"}
	for k := range top {
		if !slices.Contains(documented, k) {
			t.Errorf("undocumented top-level key %q", k)
		}
	}
	var af grafana.AlertingFile
	if err := decodeStrict(raw, &af); err != nil {
		t.Fatal(err)
	}
	bogus := strings.Replace(string(raw), "condition: C", "condition: C\n          bogus: 1", 1)
	if err := decodeStrict([]byte(bogus), &grafana.AlertingFile{}); err == nil {
		t.Error("an unknown key was accepted")
	}
	rules := af.Groups[0].Rules
	var titles []string
	for _, r := range rules {
		titles = append(titles, r.Title)
		if !uidRe.MatchString(r.UID) {
			t.Errorf("rule uid %q", r.UID)
		}
		refs := map[string]bool{}
		for _, q := range r.Data {
			refs[q.RefID] = true
			if q.DatasourceUID != "__expr__" && q.DatasourceUID != grafana.DatasourceUID {
				t.Errorf("rule %s: data source %q", r.UID, q.DatasourceUID)
			}
		}
		if r.DashboardUID != "" {
			d := dashboardByUID(r.DashboardUID)
			if d == nil || r.PanelID < 1 || r.PanelID > len(d.Panels) {
				t.Errorf("rule %s: no panel %d on dashboard %q", r.UID, r.PanelID, r.DashboardUID)
			}
		}
		if !refs[r.Condition] {
			t.Errorf("rule %s: condition %q is not a query", r.UID, r.Condition)
		}
		for k, v := range r.Labels {
			if strings.Count(v, "$")%2 != 0 {
				t.Errorf("rule %s: label %s=%q has an unescaped $", r.UID, k, v)
			}
		}
	}
	want := []string{"Daily Cost Spike", "Acme spend > $$500 a day", "Weekly"}
	if !slices.Equal(titles, want) {
		t.Errorf("rule titles = %q, want %q", titles, want)
	}
	if af.ContactPoints[0].Name != af.Policies[0].Receiver {
		t.Errorf("policy receiver %q is not the contact point %q", af.Policies[0].Receiver, af.ContactPoints[0].Name)
	}
	if got := rules[1].Data[0].Model["rawSql"].(string); !strings.Contains(got, "customer_id = 'cust_o''neil'") ||
		!strings.Contains(got, "IN ('gpt-4o')") {
		t.Errorf("stored rule SQL = %s", got)
	}
}

// TestAlertSQLRuns runs every exported alert query through the PostgreSQL
// endpoint.
func TestAlertSQLRuns(t *testing.T) {
	dir := export(t)
	var af grafana.AlertingFile
	if err := decodeStrict(read(t, dir, grafana.AlertingPath), &af); err != nil {
		t.Fatal(err)
	}
	w := newWorld(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, w.url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, r := range af.Groups[0].Rules {
		var spend float64
		if err := conn.QueryRow(ctx, r.Data[0].Model["rawSql"].(string)).Scan(&spend); err != nil {
			t.Errorf("rule %s: %v", r.UID, err)
		}
	}
}

// TestDeployTreeUpToDate checks deploy/grafana/provisioning is what
// "llmcost grafana export" writes with its default flags.
func TestDeployTreeUpToDate(t *testing.T) {
	dir := t.TempDir()
	files, err := grafana.Export(dir, grafana.Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	deployed := filepath.Join("..", "..", "deploy", "grafana", "provisioning")
	for _, f := range files {
		if !bytes.Equal(read(t, dir, f), read(t, deployed, f)) {
			t.Errorf("deploy/grafana/provisioning/%s is stale: run llmcost grafana export deploy/grafana/provisioning", f)
		}
	}
}

// TestDeployScaleOutTreeUpToDate checks deploy/grafana/scale-out, which the
// compose file's scale-out profile mounts, is what "llmcost grafana export
// --datasource clickhouse" writes with its other flags' defaults.
func TestDeployScaleOutTreeUpToDate(t *testing.T) {
	dir := t.TempDir()
	files, err := grafana.Export(dir, grafana.Options{Datasource: grafana.DatasourceClickHouse}, nil)
	if err != nil {
		t.Fatal(err)
	}
	deployed := filepath.Join("..", "..", "deploy", "grafana", "scale-out")
	for _, f := range files {
		if !bytes.Equal(read(t, dir, f), read(t, deployed, f)) {
			t.Errorf("deploy/grafana/scale-out/%s is stale: run llmcost grafana export --datasource clickhouse deploy/grafana/scale-out", f)
		}
	}
}

// TestVariableQueriesRun runs every dashboard variable's query through the
// PostgreSQL endpoint as a customer login: it lists only that customer.
func TestVariableQueriesRun(t *testing.T) {
	dir := export(t)
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
	w := newWorld(t)
	id := w.data.Customers[0].ID
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, w.customerURL(t, id))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	n := 0
	for _, v := range d.Templating.List {
		if v.Type != "query" {
			continue
		}
		n++
		rows, err := conn.Query(ctx, v.Query)
		if err != nil {
			t.Fatalf("%s: %v", v.Name, err)
		}
		vals, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil || len(vals) == 0 {
			t.Fatalf("%s: %v values, %v", v.Name, vals, err)
		}
		if v.Name == "customer_id" && !slices.Equal(vals, []string{id}) {
			t.Errorf("customer_id values = %v, want only %s", vals, id)
		}
	}
	if n != len(grafana.Variables) {
		t.Errorf("%d query variables, want %d", n, len(grafana.Variables))
	}
}

func dashboardByUID(uid string) *cost.DashboardDef {
	for i := range cost.Dashboards {
		if cost.Dashboards[i].UID == uid {
			return &cost.Dashboards[i]
		}
	}
	return nil
}
