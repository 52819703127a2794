package sync

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"

	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/ingest"
)

// apply writes every file of d with one streamed Apply: the files are opened
// from the bucket and parsed one at a time while the store writes their lines.
// Besides the partitions d's lines name, it replaces those the previous applied
// delivery for the same key wrote (prev, nil when none is recorded), so that a
// partition the new delivery no longer contains is emptied. It returns the
// summary and the partitions d's lines wrote.
func (s *Syncer) apply(ctx context.Context, src Source, d *Delivery, prev *state) (*cost.IngestSummary, []cost.Partition, error) {
	rec := &recorder{Store: s.Store}
	in := &ingest.Ingester{Store: rec}
	if s.NewIngester != nil {
		in = s.NewIngester(rec)
	}
	files := make([]ingest.File, len(d.Files))
	for i, key := range d.Files {
		files[i] = ingest.File{Name: src.Bucket.String() + "/" + key,
			Open: func(ctx context.Context) (io.ReadCloser, error) { return src.Bucket.Open(ctx, key) }}
	}
	var replace []cost.Partition
	if prev != nil {
		replace = prev.Partitions
	}
	sum, err := in.IngestFiles(ctx, src.format(), files, replace)
	if err != nil {
		return nil, nil, err
	}
	sum.File = d.Key
	return sum, rec.written, nil
}

// recorder is a store that notes, in order, the partitions the lines of a
// streamed batch name, as they pass to the underlying store.
type recorder struct {
	cost.Store
	written []cost.Partition
}

// Apply passes b on, recording the partitions of its streamed lines.
func (r *recorder) Apply(ctx context.Context, b *cost.Batch) (*cost.ApplyResult, error) {
	r.written = nil
	if b.Stream != nil {
		stream, seen := b.Stream, map[cost.Partition]bool{}
		b.Stream = func(emit func(*cost.LineItem) error) error {
			return stream(func(l *cost.LineItem) error {
				if p := (cost.Partition{Source: l.Source, Key: l.SourcePartition}); !seen[p] {
					seen[p] = true
					r.written = append(r.written, p)
				}
				return emit(l)
			})
		}
	}
	return r.Store.Apply(ctx, b)
}

// fingerprint hashes the keys, sizes and ETags of files, in order.
func fingerprint(objs map[string]cost.Object, files []string) string {
	h := sha256.New()
	for _, f := range files {
		o := objs[f]
		fmt.Fprintf(h, "%s\x00%d\x00%s\n", o.Key, o.Size, o.ETag)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

func itoa(n int) string { return fmt.Sprint(n) }
