package sync

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"

	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/ingest"
)

// collector is a store whose Apply keeps batches instead of writing them, so
// that every file of a delivery is written in one transaction.
type collector struct {
	cost.Store
	batches []*cost.Batch
}

// Apply keeps b. A streamed batch is read into lines now, while its file is
// open, and the partitions its lines name are added to its Replace list, since
// a delivery is written in one Apply anyway.
func (c *collector) Apply(_ context.Context, b *cost.Batch) (*cost.ApplyResult, error) {
	if b.Stream != nil {
		kept := &cost.Batch{Replace: b.Replace, Events: b.Events, EventBatch: b.EventBatch}
		seen := map[cost.Partition]bool{}
		for _, p := range b.Replace {
			seen[p] = true
		}
		n := 0
		if err := b.Stream(func(l *cost.LineItem) error {
			n++
			if err := cost.ValidateLine(n, l); err != nil {
				return err
			}
			if p := (cost.Partition{Source: l.Source, Key: l.SourcePartition}); !seen[p] {
				seen[p] = true
				kept.Replace = append(kept.Replace, p)
			}
			kept.Lines = append(kept.Lines, *l)
			return nil
		}); err != nil {
			return nil, err
		}
		b = kept
	}
	c.batches = append(c.batches, b)
	return &cost.ApplyResult{LinesWritten: len(b.Lines)}, nil
}

// merged is every collected batch as one, each partition replaced once.
func (c *collector) merged() *cost.Batch {
	out := &cost.Batch{}
	seen := map[cost.Partition]bool{}
	for _, b := range c.batches {
		for _, p := range b.Replace {
			if !seen[p] {
				seen[p] = true
				out.Replace = append(out.Replace, p)
			}
		}
		out.Lines = append(out.Lines, b.Lines...)
	}
	return out
}

// apply fetches and parses every file of d, then writes them in one Apply.
func (s *Syncer) apply(ctx context.Context, src Source, d *Delivery) (*cost.IngestSummary, error) {
	col := &collector{Store: s.Store}
	in := &ingest.Ingester{Store: col}
	if s.NewIngester != nil {
		in = s.NewIngester(col)
	}
	sum := &cost.IngestSummary{File: d.Key, Format: src.format()}
	for _, key := range d.Files {
		fs, err := s.ingestFile(ctx, in, src, key)
		if err != nil {
			return nil, err
		}
		sum.Rows += fs.Rows
		sum.TokenLines += fs.TokenLines
		sum.UnpricedLines += fs.UnpricedLines
		sum.CostUSD += fs.CostUSD
		sum.UnpricedModels = appendNew(sum.UnpricedModels, fs.UnpricedModels...)
		for _, w := range fs.Warnings {
			sum.Warnings = append(sum.Warnings, key+": "+w)
		}
	}
	b := col.merged()
	res, err := s.Store.Apply(ctx, b)
	if err != nil {
		return nil, err
	}
	sum.Partitions = b.Replace
	sum.LinesWritten, sum.PartitionsReplaced = res.LinesWritten, res.PartitionsReplaced
	return sum, nil
}

func (s *Syncer) ingestFile(ctx context.Context, in *ingest.Ingester, src Source, key string) (*cost.IngestSummary, error) {
	r, err := src.Bucket.Open(ctx, key)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return in.Ingest(ctx, src.format(), src.Bucket.String()+"/"+key, r)
}

func appendNew(list []string, items ...string) []string {
	for _, it := range items {
		if !slices.Contains(list, it) {
			list = append(list, it)
		}
	}
	return list
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
