package ingest

import (
	"fmt"

	"github.com/llmcost/llmcost/internal/billing"
	"github.com/llmcost/llmcost/internal/cost"
)

// lines prepares a billing file as a batch that replaces every partition it
// covers. Every line format is streamed: the batch's Stream parses the file while
// the store writes it, so no slice of the file's lines is built; the summary's
// counters are computed as lines pass. Parquet content is first copied to a
// temporary file (its footer is at the end), then read a page at a time.
func (r *run) lines(format string) (*cost.Batch, error) {
	return &cost.Batch{Stream: func(emit func(*cost.LineItem) error) error {
		return r.parse(format, r.prepare(emit))
	}}, nil
}

// parse runs the format's reader, calling add for each line.
func (r *run) parse(format string, add billing.LineFunc) error {
	switch format {
	case FormatUnified:
		return billing.ReadUnified(r.name, r.src, add)
	case FormatFOCUS:
		return r.readFOCUS(add)
	default:
		return r.readNative(format, add)
	}
}

// prepare returns the per-line step shared by streamed and buffered files: it
// counts the row, completes the line (customer from tags, model family, data
// status), records its partition and updates the summary, then passes the line
// to keep.
func (r *run) prepare(keep func(*cost.LineItem) error) billing.LineFunc {
	seen := map[cost.Partition]bool{}
	now := r.in.now()
	openMonth := now.Year()*12 + int(now.Month())
	return func(l *cost.LineItem) error {
		if err := r.row(); err != nil {
			return err
		}
		if l.CustomerID == "" {
			l.CustomerID = r.in.customerFromTags(l.Tags)
			if l.CustomerID == "" && (l.Source == billing.SourceFOCUS || l.Source == billing.SourceUnified) {
				l.CustomerID = r.in.Mapping.AccountCustomer(l.CloudProvider, l.AccountID, l.Project)
			}
		}
		if err := r.checkCustomer(l.CustomerID); err != nil {
			return err
		}
		if l.ModelFamily == "" {
			l.ModelFamily = cost.ModelFamily(l.Model)
		}
		if l.CostUSD == 0 && l.Cost != 0 && l.Currency != "" && l.Currency != "USD" {
			r.toUSD(l)
		}
		if l.DataStatus == "" {
			l.DataStatus = cost.StatusFinal
			if l.Date.Year()*12+int(l.Date.Month()) >= openMonth {
				l.DataStatus = cost.StatusProvisional
			}
		}
		if p := (cost.Partition{Source: l.Source, Key: l.SourcePartition}); !seen[p] {
			seen[p] = true
			r.sum.Partitions = append(r.sum.Partitions, p)
		}
		if l.IsTokenLine() {
			r.sum.TokenLines++
		}
		if l.Unpriced {
			r.sum.UnpricedLines++
			r.unpricedModel(l.Model)
		}
		r.sum.CostUSD += l.CostUSD
		r.sum.Cover(l.Date)
		return keep(l)
	}
}

// toUSD converts the cost of a line billed in another currency, which the file
// gives no USD figure for, at the exchange rate of its month; without a rate the
// line keeps cost_usd 0 and the ingest warns.
func (r *run) toUSD(l *cost.LineItem) {
	if rate, ok := r.in.Rates.USD(l.Currency, l.Date); ok {
		l.CostUSD = l.Cost * rate
		return
	}
	r.warn(fmt.Sprintf("%s: costs billed in %s have no USD figure in the file, and the exchange rates "+
		"(LLMCOST_FX_RATES) have no %s rate for %s; their cost_usd is 0", r.name, l.Currency, l.Currency, l.Date.Format("2006-01")))
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
