package httpapi

import (
	"context"
	"maps"
	"net/http"
	"slices"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

// freshnessJSON says how recent the data is: per cloud provider, the newest day
// with data and when it was last ingested, and the newest of each overall.
type freshnessJSON struct {
	DataThrough string          `json:"data_through,omitempty"` // YYYY-MM-DD; absent without data.
	LastIngest  *time.Time      `json:"last_ingest,omitempty"`
	Providers   []providerFresh `json:"providers"`
}

type providerFresh struct {
	CloudProvider string     `json:"cloud_provider"`
	LatestDate    string     `json:"latest_date"`
	IngestedAt    *time.Time `json:"ingested_at,omitempty"`
}

// customerFreshDays bounds how far back a customer's own freshness looks.
const customerFreshDays = 400

// handleFreshness answers GET /api/v1/freshness. An admin gets every
// provider's newest day and ingest time. A customer token gets only what its
// own lines say: the providers it has cost on and its newest day on each,
// through the scoped query layer, and no ingest times, so nothing it reads
// depends on another customer's data.
func (s *Server) handleFreshness(w http.ResponseWriter, r *http.Request) {
	if s.notModified(w, r, nil) {
		return
	}
	p := principal(r)
	var out freshnessJSON
	var err error
	if p.Admin {
		out, err = s.orgFreshness(r.Context())
	} else {
		out, err = s.customerFreshness(r.Context(), p)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, out)
}

func (s *Server) orgFreshness(ctx context.Context) (freshnessJSON, error) {
	fs, err := s.cfg.Store.LatestData(ctx)
	if err != nil {
		return freshnessJSON{}, err
	}
	out := freshnessJSON{Providers: []providerFresh{}}
	var through, ingest time.Time
	for _, f := range fs {
		at := f.IngestedAt.UTC()
		out.Providers = append(out.Providers, providerFresh{CloudProvider: f.CloudProvider,
			LatestDate: f.LatestDate.Format(cost.DateLayout), IngestedAt: &at})
		through = later(through, f.LatestDate)
		ingest = later(ingest, at)
	}
	if !through.IsZero() {
		out.DataThrough = through.Format(cost.DateLayout)
	}
	if !ingest.IsZero() {
		out.LastIngest = &ingest
	}
	return out, nil
}

// customerFreshness reads the principal's newest day per provider over the
// last customerFreshDays days.
func (s *Server) customerFreshness(ctx context.Context, p cost.Principal) (freshnessJSON, error) {
	res, err := s.cfg.Query.Query(ctx, p, cost.Query{
		Metrics: []cost.Metric{cost.MetricActiveDays},
		GroupBy: []cost.Dimension{cost.DimCloudProvider, cost.DimDate},
		Period:  cost.Period{From: cost.Day(s.now()).AddDate(0, 0, -customerFreshDays).Format(cost.DateLayout), To: cost.Day(s.now()).Format(cost.DateLayout)},
	})
	if err != nil {
		return freshnessJSON{}, err
	}
	latest := map[string]time.Time{}
	for _, row := range res.Rows {
		provider, _ := row[0].(string)
		day, err := cellDay(row[1])
		if provider == "" || err != nil {
			continue
		}
		latest[provider] = later(latest[provider], day)
	}
	out := freshnessJSON{Providers: []providerFresh{}}
	var through time.Time
	for _, provider := range slices.Sorted(maps.Keys(latest)) {
		out.Providers = append(out.Providers, providerFresh{CloudProvider: provider, LatestDate: latest[provider].Format(cost.DateLayout)})
		through = later(through, latest[provider])
	}
	if !through.IsZero() {
		out.DataThrough = through.Format(cost.DateLayout)
	}
	return out, nil
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// cellDay reads a date cell, a time or a YYYY-MM-DD string.
func cellDay(v any) (time.Time, error) {
	if t, ok := v.(time.Time); ok {
		return cost.Day(t), nil
	}
	s, _ := v.(string)
	if len(s) > len(cost.DateLayout) {
		s = s[:len(cost.DateLayout)]
	}
	return cost.ParseDate(s)
}
