package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

// IngestEvents prices and writes usage events that arrive already decoded
// (OpenTelemetry GenAI spans) exactly as an events file holding them: the same
// pricing, customer attribution, deduplication on id and daily rollup, applied
// atomically. The caller has checked each event (id, time, model, non-negative
// counts). The batch id is the SHA-256 of the events' ids, so the same events
// sent again are the same batch. name labels the summary and logs.
func (in *Ingester) IngestEvents(ctx context.Context, name string, events []cost.Event) (*cost.IngestSummary, error) {
	cat, err := in.pricingCatalog()
	if err != nil {
		return nil, err
	}
	src, err := openInput(name, strings.NewReader(""), false, limitNone)
	if err != nil {
		return nil, err
	}
	r := &run{in: in, ctx: ctx, name: name, src: src, start: time.Now(),
		sum: &cost.IngestSummary{File: name, Format: FormatEvents}, warnings: map[string]int{}, models: map[string]string{}}
	batch := &cost.Batch{EventStream: func(emit func(*cost.EventUsage) error) (string, error) {
		h := sha256.New()
		var us []cost.EventUsage
		for i := range events {
			if err := r.row(); err != nil {
				return "", err
			}
			h.Write([]byte(events[i].ID))
			h.Write([]byte{0})
			us = r.usages(cat, &events[i], us[:0])
			for j := range us {
				if err := emit(&us[j]); err != nil {
					return "", err
				}
			}
		}
		id := EventBatchPrefix + hex.EncodeToString(h.Sum(nil))
		r.sum.Partitions = []cost.Partition{{Source: "events", Key: id}}
		return id, nil
	}}
	res, err := in.Store.Apply(ctx, batch)
	if err != nil {
		return nil, err
	}
	r.finish(res)
	in.after(ctx, r.sum)
	return r.sum, nil
}
