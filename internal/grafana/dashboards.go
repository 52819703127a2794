package grafana

import (
	"fmt"

	"github.com/grafana/grafana-foundation-sdk/go/barchart"
	"github.com/grafana/grafana-foundation-sdk/go/bargauge"
	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/cog/variants"
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/gauge"
	"github.com/grafana/grafana-foundation-sdk/go/heatmap"
	"github.com/grafana/grafana-foundation-sdk/go/piechart"
	"github.com/grafana/grafana-foundation-sdk/go/stat"
	"github.com/grafana/grafana-foundation-sdk/go/table"
	"github.com/grafana/grafana-foundation-sdk/go/text"
	"github.com/grafana/grafana-foundation-sdk/go/timeseries"

	"github.com/llmcost/llmcost/internal/cost"
)

// Identifiers shared by the exported files.
const (
	DatasourceUID  = "llmcost-pg"
	DatasourceType = "grafana-postgresql-datasource"
	DatasourceName = "llmcost"
	Tag            = "llmcost"
	URLVariable    = "llmcost_url" // Constant variable: llmcost's address in the browser.
	ChatPanelID    = 99            // The text panel opening llmcost's chat.
)

// Variable is a dashboard variable the panel SQL uses.
type Variable struct {
	Name  string
	Label string
	Multi bool // Takes several values.
}

// Variables are the dashboard variables, each with an All option.
var Variables = []Variable{
	{"cloud_provider", "Cloud provider", true},
	{"customer_id", "Customer", false},
	{"model", "Model", true},
}

// Units maps cost.PanelDef units to Grafana units.
var Units = map[string]string{
	"usd":        "currencyUSD",
	"usd_per_1k": "currencyUSD",
	"tokens":     "short",
	"count":      "short",
	"percent":    "percent",
}

func datasource(o Options) common.DataSourceRef {
	uid, typ := o.dsRef()
	return common.DataSourceRef{Type: cog.ToPtr(typ), Uid: cog.ToPtr(uid)}
}

// Dashboards builds the four dashboards of cost.Dashboards for Grafana, each with
// the panels, ids, titles and units of the built-in UI.
func Dashboards(o Options) ([]dashboard.Dashboard, error) {
	o = o.normalised()
	if err := o.check(); err != nil {
		return nil, err
	}
	var out []dashboard.Dashboard
	for _, d := range cost.Dashboards {
		b, err := buildDashboard(d, o)
		if err != nil {
			return nil, fmt.Errorf("grafana: dashboard %s: %w", d.ID, err)
		}
		out = append(out, b)
	}
	return out, nil
}

func buildDashboard(d cost.DashboardDef, o Options) (dashboard.Dashboard, error) {
	b := dashboard.NewDashboardBuilder(d.Title).
		Uid(d.UID).
		Tags([]string{Tag}).
		Readonly().
		Time("now-30d", "now").
		Timezone("utc").
		Refresh("5m").
		Link(dashboard.NewDashboardLinkBuilder("LLM cost dashboards").
			Type(dashboard.DashboardLinkTypeDashboards).Tags([]string{Tag}).
			AsDropdown(false).IncludeVars(true).KeepTime(true)).
		Link(dashboard.NewDashboardLinkBuilder("Open in llmcost").
			Type(dashboard.DashboardLinkTypeLink).
			Url("${" + URLVariable + "}/d/" + d.ID + "?${__url_time_range}&${cloud_provider:queryparam}&${customer_id:queryparam}&${model:queryparam}").
			TargetBlank(true)).
		WithVariable(dashboard.NewConstantVariableBuilder(URLVariable).
			Label("llmcost address").
			Value(dashboard.StringOrMap{String: cog.ToPtr(o.UIURL)}))
	for _, v := range Variables {
		b = b.WithVariable(variable(o, v.Name, v.Label, v.Multi))
	}
	b = b.WithPanel(chatPanel(o))
	for i, p := range d.Panels {
		pb, err := panel(o, d, p, uint32(i+1))
		if err != nil {
			return dashboard.Dashboard{}, err
		}
		b = b.WithPanel(pb)
	}
	return b.Build()
}

func variable(o Options, name, label string, multi bool) *dashboard.QueryVariableBuilder {
	all := dashboard.StringOrArrayOfString{String: cog.ToPtr("All")}
	allV := dashboard.StringOrArrayOfString{String: cog.ToPtr("$__all")}
	return dashboard.NewQueryVariableBuilder(name).
		Label(label).
		Datasource(datasource(o)).
		Query(dashboard.StringOrMap{String: cog.ToPtr(fmt.Sprintf(
			"SELECT DISTINCT %[1]s FROM unified_costs WHERE %[1]s IS NOT NULL ORDER BY 1", name))}).
		Multi(multi).
		IncludeAll(true).
		AllValue(AllValue).
		AllowCustomValue(false).
		Current(dashboard.VariableOption{Selected: cog.ToPtr(true), Text: all, Value: allV}).
		Refresh(dashboard.VariableRefreshOnTimeRangeChanged).
		Sort(dashboard.VariableSortAlphabeticalAsc)
}

// chatPanel is the seed's "Ask questions: [Open Chat Widget]" link.
func chatPanel(o Options) *text.PanelBuilder {
	return text.NewPanelBuilder().
		Id(ChatPanelID).
		Title("Ask questions").
		Description("Ask llmcost's chat about these costs in plain language.").
		Transparent(true).
		Height(3).Span(24).
		Mode(text.TextModeMarkdown).
		Content("**Ask questions:** [Open Chat Widget](${" + URLVariable + "}/widget-demo) · " +
			"[Open this dashboard in llmcost](${" + URLVariable + "}/d/overview?${__url_time_range})")
}

// commonBuilder is what every panel builder of the SDK offers.
type commonBuilder[B any] interface {
	cog.Builder[dashboard.Panel]
	Id(uint32) B
	Title(string) B
	Description(string) B
	Datasource(common.DataSourceRef) B
	Unit(string) B
	Height(uint32) B
	Span(uint32) B
	WithTarget(cog.Builder[variants.Dataquery]) B
	DataLinks([]cog.Builder[dashboard.DashboardLink]) B
	Links([]cog.Builder[dashboard.DashboardLink]) B
}

func configure[B commonBuilder[B]](b B, o Options, d cost.DashboardDef, p cost.PanelDef, id uint32, pq panelQuery) B {
	b = b.Id(id).Title(p.Title).
		Description(fmt.Sprintf("%s (llmcost panel %s/%s).", p.Title, d.ID, p.ID)).
		Datasource(datasource(o)).
		Unit(Units[p.Unit]).
		Height(8).Span(12).
		WithTarget(target(o, "A", pq)).
		Links([]cog.Builder[dashboard.DashboardLink]{
			dashboard.NewDashboardLinkBuilder("Open in llmcost").
				Url("${" + URLVariable + "}/d/" + d.ID + "?${__url_time_range}&${cloud_provider:queryparam}&${customer_id:queryparam}&${model:queryparam}").
				TargetBlank(true),
			dashboard.NewDashboardLinkBuilder("Ask llmcost's chat").
				Url("${" + URLVariable + "}/widget-demo").TargetBlank(true),
		})
	if customerPanels[d.ID+"/"+p.ID] {
		b = b.DataLinks([]cog.Builder[dashboard.DashboardLink]{
			dashboard.NewDashboardLinkBuilder("Customer ${__data.fields.customer_id} in llmcost").
				Url("${" + URLVariable + "}/d/customers?${__url_time_range}&var-customer_id=${__data.fields.customer_id:percentencode}").
				TargetBlank(true),
		})
	}
	return b
}

func target(o Options, ref string, pq panelQuery) cog.Builder[variants.Dataquery] {
	if o.Datasource == DatasourceClickHouse {
		return variants.NewUnknownDataqueryBuilderFromObject(variants.UnknownDataquery(chTarget(ref, pq)))
	}
	return variants.NewUnknownDataqueryBuilderFromObject(variants.UnknownDataquery{
		"refId": ref, "rawSql": pq.SQL, "format": pq.Format, "rawQuery": true, "editorMode": "code",
		"datasource": map[string]any{"type": DatasourceType, "uid": DatasourceUID},
	})
}

func reduce(values bool, fields string) *common.ReduceDataOptionsBuilder {
	r := common.NewReduceDataOptionsBuilder().Calcs([]string{"lastNotNull"}).Values(values)
	if fields != "" {
		r = r.Fields(fields)
	}
	return r
}

func legend() *common.VizLegendOptionsBuilder {
	return common.NewVizLegendOptionsBuilder().ShowLegend(true).
		DisplayMode(common.LegendDisplayModeList).Placement(common.LegendPlacementBottom)
}

func tooltip() *common.VizTooltipOptionsBuilder {
	return common.NewVizTooltipOptionsBuilder().Mode(common.TooltipDisplayModeMulti).Sort(common.SortOrderDescending)
}

// panel builds one panel of the kind cost.Dashboards gives it.
func panel(o Options, d cost.DashboardDef, p cost.PanelDef, id uint32) (cog.Builder[dashboard.Panel], error) {
	pq, ok := panelSQL(o, d.ID+"/"+p.ID)
	if !ok {
		return nil, fmt.Errorf("no SQL for panel %s", p.ID)
	}
	switch p.Kind {
	case cost.KindStat:
		return configure(stat.NewPanelBuilder(), o, d, p, id, pq).ReduceOptions(reduce(false, "")).
			Orientation(common.VizOrientationAuto), nil
	case cost.KindPie:
		return configure(piechart.NewPanelBuilder(), o, d, p, id, pq).PieType(piechart.PieChartTypePie).
			Tooltip(tooltip()).Orientation(common.VizOrientationAuto).
			ReduceOptions(reduce(true, "")).
			Legend(piechart.NewPieChartLegendOptionsBuilder().ShowLegend(true).
				DisplayMode(common.LegendDisplayModeList).Placement(common.LegendPlacementBottom)), nil
	case cost.KindTimeSeries, cost.KindThreshold:
		return configure(timeseries.NewPanelBuilder(), o, d, p, id, pq).Legend(legend()).Tooltip(tooltip()), nil
	case cost.KindBarGauge:
		return configure(bargauge.NewPanelBuilder(), o, d, p, id, pq).ReduceOptions(reduce(true, "")).
			Orientation(common.VizOrientationHorizontal), nil
	case cost.KindGauge:
		return configure(gauge.NewPanelBuilder(), o, d, p, id, pq).Min(0).Max(100).ShowThresholdMarkers(true).
			ReduceOptions(reduce(false, "/^percent_used$/")).Orientation(common.VizOrientationAuto), nil
	case cost.KindTable:
		return configure(table.NewPanelBuilder(), o, d, p, id, pq).
			Footer(common.NewTableFooterOptionsBuilder().Show(false).Reducer([]string{"sum"})), nil
	case cost.KindHeatmap:
		return configure(heatmap.NewPanelBuilder(), o, d, p, id, pq), nil
	case cost.KindBarChart:
		return configure(barchart.NewPanelBuilder(), o, d, p, id, pq).Stacking(common.StackingModeNormal).Legend(legend()).
			Tooltip(tooltip()).Orientation(common.VizOrientationAuto), nil
	}
	return nil, fmt.Errorf("panel %s: unknown kind %q", p.ID, p.Kind)
}

// customerPanels list a customer per row; their data links open the customer.
var customerPanels = map[string]bool{
	"overview/top-customers": true,
	"customers/top-spenders": true, "anomalies/unusual-customers": true,
}
