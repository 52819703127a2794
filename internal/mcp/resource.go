package mcp

import (
	"context"
	"encoding/json"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/llmcost/llmcost/internal/cost"
)

// dashboardFigures is a dashboard resource's content: every panel's current
// figures over the default range.
type dashboardFigures struct {
	Dashboard string                  `json:"dashboard"`
	Title     string                  `json:"title"`
	Range     cost.DateRange          `json:"range"`
	Panels    map[string]*cost.Result `json:"panels"`
}

// addDashboardResources adds one resource per built-in dashboard,
// llmcost://dashboards/<id>, in p's scope.
func addDashboardResources(s *sdk.Server, q cost.QueryService, p cost.Principal) {
	for _, d := range cost.Dashboards {
		d := d
		s.AddResource(&sdk.Resource{URI: "llmcost://dashboards/" + d.ID, Name: d.ID, Title: d.Title,
			MIMEType:    "application/json",
			Description: "Current figures of every panel of the " + d.Title + " dashboard over the last 30 days."},
			func(ctx context.Context, req *sdk.ReadResourceRequest) (*sdk.ReadResourceResult, error) {
				figs, err := readDashboard(ctx, q, p, d)
				if err != nil {
					return nil, err
				}
				b, err := json.Marshal(figs)
				if err != nil {
					return nil, err
				}
				return &sdk.ReadResourceResult{Contents: []*sdk.ResourceContents{
					{URI: req.Params.URI, MIMEType: "application/json", Text: string(b)}}}, nil
			})
	}
}

// readDashboard runs every panel of d.
func readDashboard(ctx context.Context, q cost.QueryService, p cost.Principal, d cost.DashboardDef) (*dashboardFigures, error) {
	rg := lastDays(q.Now())
	out := &dashboardFigures{Dashboard: d.ID, Title: d.Title, Range: rg, Panels: map[string]*cost.Result{}}
	for _, pd := range d.Panels {
		res, err := q.Panel(ctx, p, cost.PanelRequest{Dashboard: d.ID, Panel: pd.ID, Range: rg})
		if err != nil {
			return nil, err
		}
		out.Panels[pd.ID] = res
	}
	return out, nil
}
