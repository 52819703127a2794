package httpapi

import (
	"net/http"
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
	CloudProvider string    `json:"cloud_provider"`
	LatestDate    string    `json:"latest_date"`
	IngestedAt    time.Time `json:"ingested_at"`
}

// handleFreshness answers GET /api/v1/freshness. It names providers and dates,
// never customers or amounts, so every principal may ask.
func (s *Server) handleFreshness(w http.ResponseWriter, r *http.Request) {
	fs, err := s.cfg.Store.LatestData(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := freshnessJSON{Providers: []providerFresh{}}
	var through, ingest time.Time
	for _, f := range fs {
		out.Providers = append(out.Providers, providerFresh{CloudProvider: f.CloudProvider,
			LatestDate: f.LatestDate.Format(cost.DateLayout), IngestedAt: f.IngestedAt.UTC()})
		if f.LatestDate.After(through) {
			through = f.LatestDate
		}
		if f.IngestedAt.After(ingest) {
			ingest = f.IngestedAt
		}
	}
	if !through.IsZero() {
		out.DataThrough = through.Format(cost.DateLayout)
	}
	if !ingest.IsZero() {
		t := ingest.UTC()
		out.LastIngest = &t
	}
	s.writeJSON(w, r, http.StatusOK, out)
}
