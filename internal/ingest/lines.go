package ingest

import (
	"github.com/llmcost/llmcost/internal/billing"
	"github.com/llmcost/llmcost/internal/cost"
)

// lines parses a billing file into a batch that replaces every partition it covers.
func (r *run) lines(format string) (*cost.Batch, error) {
	b := &cost.Batch{}
	seen := map[cost.Partition]bool{}
	now := r.in.now()
	openMonth := now.Year()*12 + int(now.Month())
	add := func(l *cost.LineItem) error {
		if err := r.row(); err != nil {
			return err
		}
		if l.CustomerID == "" {
			l.CustomerID = r.in.customerFromTags(l.Tags)
		}
		if l.ModelFamily == "" {
			l.ModelFamily = cost.ModelFamily(l.Model)
		}
		if l.DataStatus == "" {
			l.DataStatus = cost.StatusFinal
			if l.Date.Year()*12+int(l.Date.Month()) >= openMonth {
				l.DataStatus = cost.StatusProvisional
			}
		}
		if p := (cost.Partition{Source: l.Source, Key: l.SourcePartition}); !seen[p] {
			seen[p] = true
			b.Replace = append(b.Replace, p)
		}
		if l.IsTokenLine() {
			r.sum.TokenLines++
		}
		if l.Unpriced {
			r.sum.UnpricedLines++
			r.unpricedModel(l.Model)
		}
		r.sum.CostUSD += l.CostUSD
		b.Lines = append(b.Lines, *l)
		return nil
	}
	var err error
	switch format {
	case FormatUnified:
		err = billing.ReadUnified(r.name, r.src, add)
	case FormatFOCUS:
		err = r.readFOCUS(add)
	case FormatAWSCUR, FormatGCP, FormatAzure:
		err = r.readNative(format, add)
	}
	if err != nil {
		return nil, err
	}
	r.sum.Partitions = b.Replace
	return b, nil
}

// readFOCUS reads FOCUS CSV, or Parquet when the content starts with its magic.
func (r *run) readFOCUS(add billing.LineFunc) error {
	if !r.src.isParquet() {
		return billing.ReadFOCUS(r.name, r.src, add, r.warn)
	}
	f, size, err := r.src.spool()
	if err != nil {
		return cost.Errorf(cost.CodeInvalid, "%s: %v", r.name, err)
	}
	defer f.Close()
	return billing.ReadFOCUSParquet(r.name, f, size, add, r.warn)
}

// unpricedModel records a model with unpriced usage.
func (r *run) unpricedModel(model string) {
	if r.unpriced == nil {
		r.unpriced = map[string]bool{}
	}
	if model == "" {
		model = "(none)"
	}
	r.unpriced[model] = true
}
