package httpapi

import (
	"errors"
	"net/http"

	"github.com/llmcost/llmcost/internal/cost"
)

// handleIngest streams the request body (a billing file or event stream,
// optionally gzip) to the Ingester. The whole file is applied atomically.
func (s *Server) handleIngest(w http.ResponseWriter, r *http.Request) {
	format := r.URL.Query().Get("format")
	if format == "" {
		s.writeError(w, r, cost.FieldErrorf("format", "The format query parameter is required (e.g. ?format=unified)."))
		return
	}
	if s.cfg.Ingester == nil {
		s.writeError(w, r, cost.Errorf(cost.CodeNotImplemented, "Ingestion is not configured on this server."))
		return
	}
	name := r.URL.Query().Get("name")
	if name == "" {
		name = "upload"
	}
	body := http.MaxBytesReader(w, r.Body, s.cfg.MaxIngestBytes)
	sum, err := s.cfg.Ingester.Ingest(r.Context(), format, name, body)
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		err = cost.Errorf(cost.CodeInvalid, "The upload is larger than %d bytes.", tooBig.Limit)
	}
	if err != nil {
		s.metrics.ingests.WithLabelValues(format, cost.ErrorCode(err)).Inc()
		s.writeError(w, r, err)
		return
	}
	s.metrics.ingests.WithLabelValues(format, "ok").Inc()
	s.budgetsIngested(r.Context(), sum)
	s.metrics.ingestRows.WithLabelValues(format).Add(float64(sum.Rows))
	s.log.Info("ingested", "format", format, "name", name, "rows", sum.Rows,
		"lines_written", sum.LinesWritten, "partitions_replaced", sum.PartitionsReplaced,
		"unpriced_lines", sum.UnpricedLines)
	s.writeJSON(w, r, http.StatusOK, sum)
}
