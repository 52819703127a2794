package httpapi

import (
	"context"
	"net/http"

	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/otlp"
)

// EventIngester writes usage events that arrive already decoded (OTLP spans)
// through the events path. *ingest.Ingester implements it.
type EventIngester interface {
	IngestEvents(ctx context.Context, name string, events []cost.Event) (*cost.IngestSummary, error)
}

// defaultMaxOTLPBytes bounds an OTLP request body, compressed and decompressed.
const defaultMaxOTLPBytes = 16 << 20

// handleTraces receives POST /v1/traces (OTLP/HTTP, protobuf or JSON, optionally
// gzip): spans with GenAI usage become usage events; the others are counted and
// dropped. A bad payload answers 400 and writes nothing.
func (s *Server) handleTraces(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Events == nil {
		s.writeError(w, r, cost.Errorf(cost.CodeNotImplemented, "OTLP ingest is not configured on this server."))
		return
	}
	enc, err := otlp.Encoding(r.Header.Get("Content-Type"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	limit := s.cfg.MaxOTLPBytes
	if limit <= 0 {
		limit = defaultMaxOTLPBytes
	}
	body, err := otlp.ReadBody(http.MaxBytesReader(w, r.Body, limit), r.Header.Get("Content-Encoding"), limit)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	sum, err := s.ingestTraces(r.Context(), body, enc)
	if err != nil {
		s.metrics.ingests.WithLabelValues("otlp", cost.ErrorCode(err)).Inc()
		s.writeError(w, r, err)
		return
	}
	s.budgetsIngested(r.Context(), sum)
	s.metrics.ingests.WithLabelValues("otlp", "ok").Inc()
	out, ct := otlp.Response(enc)
	w.Header().Set("Content-Type", ct)
	w.WriteHeader(http.StatusOK)
	w.Write(out)
}

// ingestTraces decodes a payload and ingests its usage spans; the summary is
// nil when there were none.
func (s *Server) ingestTraces(ctx context.Context, body []byte, enc string) (*cost.IngestSummary, error) {
	td, err := otlp.Decode(body, enc)
	if err != nil {
		return nil, err
	}
	events, st, err := otlp.Events(td, s.cfg.OTelCustomerKeys)
	if err != nil {
		return nil, err
	}
	s.gw.otlpSpans.WithLabelValues("dropped").Add(float64(st.Dropped))
	if len(events) == 0 {
		return nil, nil
	}
	sum, err := s.cfg.Events.IngestEvents(ctx, "otlp", events)
	if err != nil {
		return nil, err
	}
	s.gw.otlpSpans.WithLabelValues("usage").Add(float64(st.Usage))
	s.metrics.ingestRows.WithLabelValues("otlp").Add(float64(st.Usage))
	s.log.Debug("otlp spans ingested", "spans", st.Spans, "usage", st.Usage, "dropped", st.Dropped,
		"events_inserted", sum.EventsInserted, "events_duplicate", sum.EventsDuplicate, "cost_usd", sum.CostUSD)
	return sum, nil
}
