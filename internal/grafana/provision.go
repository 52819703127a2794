package grafana

import (
	"fmt"
	"strings"

	"github.com/llmcost/llmcost/internal/cost"
)

// Grafana provisioning files, with the field names of Grafana's file
// provisioning (administration/provisioning). Values of these files go through
// Grafana's environment expansion: a literal "$" is written "$$".

// DatasourcesFile is provisioning/datasources/*.yaml.
type DatasourcesFile struct {
	APIVersion  int          `yaml:"apiVersion"`
	Datasources []Datasource `yaml:"datasources"`
}

// Datasource is one provisioned data source.
type Datasource struct {
	Name           string            `yaml:"name"`
	Type           string            `yaml:"type"`
	UID            string            `yaml:"uid"`
	Access         string            `yaml:"access"`
	URL            string            `yaml:"url,omitempty"`
	User           string            `yaml:"user,omitempty"`
	IsDefault      bool              `yaml:"isDefault"`
	Editable       bool              `yaml:"editable"`
	JSONData       map[string]any    `yaml:"jsonData"`
	SecureJSONData map[string]string `yaml:"secureJsonData"`
}

// ProvidersFile is provisioning/dashboards/*.yaml.
type ProvidersFile struct {
	APIVersion int        `yaml:"apiVersion"`
	Providers  []Provider `yaml:"providers"`
}

// Provider is one dashboard provider.
type Provider struct {
	Name                  string          `yaml:"name"`
	OrgID                 int             `yaml:"orgId"`
	Folder                string          `yaml:"folder"`
	Type                  string          `yaml:"type"`
	DisableDeletion       bool            `yaml:"disableDeletion"`
	UpdateIntervalSeconds int             `yaml:"updateIntervalSeconds"`
	AllowUIUpdates        bool            `yaml:"allowUiUpdates"`
	Options               ProviderOptions `yaml:"options"`
}

// ProviderOptions says where a file provider reads dashboards.
type ProviderOptions struct {
	Path                      string `yaml:"path"`
	FoldersFromFilesStructure bool   `yaml:"foldersFromFilesStructure"`
}

// datasources is the PostgreSQL data source pointed at llmcost's endpoint. The
// login comes from the environment of Grafana's process: LLMCOST_PG_USER is
// "admin" or a customer id, LLMCOST_PG_PASSWORD the matching token.
func datasources(o Options) DatasourcesFile {
	return DatasourcesFile{APIVersion: 1, Datasources: []Datasource{{
		Name: DatasourceName, Type: DatasourceType, UID: DatasourceUID, Access: "proxy",
		URL: o.PGAddr, User: "$LLMCOST_PG_USER", IsDefault: true,
		JSONData: map[string]any{"database": "llmcost", "sslmode": "disable",
			"postgresVersion": 1600, "timescaledb": false, "maxOpenConns": 4, "timeInterval": "1d"},
		SecureJSONData: map[string]string{"password": "$LLMCOST_PG_PASSWORD"},
	}}}
}

func providers(o Options) ProvidersFile {
	return ProvidersFile{APIVersion: 1, Providers: []Provider{{
		Name: "llmcost", OrgID: 1, Folder: escapeEnv(o.Folder), Type: "file",
		UpdateIntervalSeconds: 60, Options: ProviderOptions{Path: o.DashboardsPath},
	}}}
}

// AlertingFile is provisioning/alerting/*.yaml.
type AlertingFile struct {
	APIVersion    int            `yaml:"apiVersion"`
	Groups        []RuleGroup    `yaml:"groups"`
	ContactPoints []ContactPoint `yaml:"contactPoints"`
	Policies      []Policy       `yaml:"policies"`
}

// RuleGroup is a group of alert rules evaluated together.
type RuleGroup struct {
	OrgID    int    `yaml:"orgId"`
	Name     string `yaml:"name"`
	Folder   string `yaml:"folder"`
	Interval string `yaml:"interval"`
	Rules    []Rule `yaml:"rules"`
}

// Rule is one alert rule.
type Rule struct {
	UID          string            `yaml:"uid"`
	Title        string            `yaml:"title"`
	Condition    string            `yaml:"condition"`
	Data         []RuleQuery       `yaml:"data"`
	DashboardUID string            `yaml:"dashboardUid,omitempty"`
	PanelID      int               `yaml:"panelId,omitempty"`
	NoDataState  string            `yaml:"noDataState"`
	ExecErrState string            `yaml:"execErrState"`
	For          string            `yaml:"for"`
	Annotations  map[string]string `yaml:"annotations"`
	Labels       map[string]string `yaml:"labels"`
	IsPaused     bool              `yaml:"isPaused"`
}

// RuleQuery is one query or expression of a rule.
type RuleQuery struct {
	RefID             string         `yaml:"refId"`
	RelativeTimeRange *TimeRange     `yaml:"relativeTimeRange,omitempty"`
	DatasourceUID     string         `yaml:"datasourceUid"`
	Model             map[string]any `yaml:"model"`
}

// TimeRange is seconds back from now.
type TimeRange struct {
	From int `yaml:"from"`
	To   int `yaml:"to"`
}

// ContactPoint is a named set of receivers.
type ContactPoint struct {
	OrgID     int        `yaml:"orgId"`
	Name      string     `yaml:"name"`
	Receivers []Receiver `yaml:"receivers"`
}

// Receiver is one notification integration.
type Receiver struct {
	UID                   string         `yaml:"uid"`
	Type                  string         `yaml:"type"`
	Settings              map[string]any `yaml:"settings"`
	DisableResolveMessage bool           `yaml:"disableResolveMessage"`
}

// Policy is an organisation's root notification policy.
type Policy struct {
	OrgID          int      `yaml:"orgId"`
	Receiver       string   `yaml:"receiver"`
	GroupBy        []string `yaml:"group_by"`
	GroupWait      string   `yaml:"group_wait"`
	GroupInterval  string   `yaml:"group_interval"`
	RepeatInterval string   `yaml:"repeat_interval"`
}

// ContactPointName is the exported contact point: a webhook whose URL comes
// from LLMCOST_ALERT_WEBHOOK_URL in Grafana's environment.
const ContactPointName = "llmcost-webhook"

// alerting mirrors the seed's daily-spend rule and the enabled threshold rules
// of rules, with a webhook contact point and a root policy.
func alerting(o Options, rules []cost.AlertRule) AlertingFile {
	out := []Rule{spendRule(o, "llmcost-daily-spend", "Daily Cost Spike", o.DailySpendUSD, "day", "", nil,
		fmt.Sprintf("Yesterday's spend exceeded %.2f USD.", o.DailySpendUSD))}
	for _, r := range rules {
		if r.Kind != cost.AlertThreshold || !r.Enabled {
			continue
		}
		where, ok := filterSQL(o, r.Filters)
		if !ok {
			continue
		}
		name := r.Name
		if name == "" {
			name = r.ID
		}
		out = append(out, spendRule(o, ruleUID(r.ID), name, r.Threshold, r.Window, r.CustomerID, where,
			fmt.Sprintf("Spend over the %s window exceeded %.2f USD.", strings.ReplaceAll(windowOrDay(r.Window), "_", " "), r.Threshold)))
	}
	return AlertingFile{
		APIVersion: 1,
		Groups:     []RuleGroup{{OrgID: 1, Name: "llmcost", Folder: escapeEnv(o.Folder), Interval: "1h", Rules: out}},
		ContactPoints: []ContactPoint{{OrgID: 1, Name: ContactPointName, Receivers: []Receiver{{
			UID: ContactPointName, Type: "webhook",
			Settings: map[string]any{"url": "$LLMCOST_ALERT_WEBHOOK_URL", "httpMethod": "POST"},
		}}}},
		Policies: []Policy{{OrgID: 1, Receiver: ContactPointName, GroupBy: []string{"grafana_folder", "alertname"},
			GroupWait: "30s", GroupInterval: "5m", RepeatInterval: "4h"}},
	}
}

func windowOrDay(w string) string {
	if w == "" {
		return cost.AlertWindowDay
	}
	return w
}

// windowSQL is the days an alert window covers: complete UTC days, as the
// product's own alert rules count them.
var windowSQL = map[string]string{
	cost.AlertWindowDay:         "date = current_date - 1",
	cost.AlertWindowWeek:        "date BETWEEN current_date - 7 AND current_date - 1",
	cost.AlertWindowMonthToDate: "date >= date_trunc('month', current_date)",
}

func spendRule(o Options, uid, title string, threshold float64, window, customer string, where []string, summary string) Rule {
	ch := o.Datasource == DatasourceClickHouse
	conds := []string{windowSQL[windowOrDay(window)]}
	lit := sqlLiteral
	if ch {
		conds[0], lit = chWindowSQL[windowOrDay(window)], chLiteral
	}
	if customer != "" {
		conds = append(conds, "customer_id = "+lit(customer))
	}
	conds = append(conds, where...)
	sql := "SELECT coalesce(sum(cost_usd), 0) AS spend FROM unified_costs WHERE " + strings.Join(conds, " AND ")
	dsUID, _ := o.dsRef()
	model := map[string]any{"refId": "A", "rawSql": sql, "format": formatTable, "rawQuery": true, "editorMode": "code"}
	if ch {
		model = chTarget("A", panelQuery{SQL: sql, Format: formatTable})
		delete(model, "datasource")
	}
	labels := map[string]string{"severity": "warning", "source": "llmcost"}
	if customer != "" {
		labels["customer_id"] = escapeEnv(customer)
	}
	return Rule{
		UID: uid, Title: escapeEnv(title), Condition: "C",
		Data: []RuleQuery{
			{RefID: "A", RelativeTimeRange: &TimeRange{From: 86400, To: 0}, DatasourceUID: dsUID, Model: model},
			{RefID: "B", DatasourceUID: "__expr__",
				Model: map[string]any{"refId": "B", "type": "reduce", "expression": "A", "reducer": "last"}},
			{RefID: "C", DatasourceUID: "__expr__",
				Model: map[string]any{"refId": "C", "type": "threshold", "expression": "B",
					"conditions": []any{map[string]any{"evaluator": map[string]any{"type": "gt", "params": []any{threshold}}}}}},
		},
		DashboardUID: "llmcost-overview", PanelID: 3,
		NoDataState: "OK", ExecErrState: "Error", For: "0m",
		Annotations: map[string]string{"summary": summary, "description": "Current: {{ $values.B }} USD"},
		Labels:      labels,
	}
}

// filterSQL renders a rule's filters on unified_costs columns; ok is false when
// a filter cannot be expressed there.
func filterSQL(o Options, fs []cost.Filter) (out []string, ok bool) {
	lit := sqlLiteral
	if o.Datasource == DatasourceClickHouse {
		lit = chLiteral
	}
	cols := map[cost.Dimension]bool{cost.DimCloudProvider: true, cost.DimService: true, cost.DimModel: true,
		cost.DimTokenType: true, cost.DimCustomer: true}
	for _, f := range fs {
		if !cols[f.Dimension] || len(f.Values) == 0 {
			return nil, false
		}
		vals := make([]string, len(f.Values))
		for i, v := range f.Values {
			vals[i] = lit(v)
		}
		col := "coalesce(" + string(f.Dimension) + ", '')"
		switch f.Op {
		case cost.OpEq, cost.OpIn:
			out = append(out, col+" IN ("+strings.Join(vals, ", ")+")")
		case cost.OpNotIn:
			out = append(out, col+" NOT IN ("+strings.Join(vals, ", ")+")")
		default:
			return nil, false
		}
	}
	return out, true
}

// ruleUID makes a Grafana uid (at most 40 of [A-Za-z0-9_-]) from a rule id.
func ruleUID(id string) string {
	var b strings.Builder
	b.WriteString("llmcost-")
	for _, r := range id {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	s := b.String()
	if len(s) > 40 {
		s = s[:40]
	}
	return s
}

func sqlLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// escapeEnv protects a literal "$" from Grafana's environment expansion.
func escapeEnv(s string) string { return strings.ReplaceAll(s, "$", "$$") }
