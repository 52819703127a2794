package billing

import (
	"encoding/csv"
	"encoding/json"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

// SourceUnified is the source of lines read from unified CSV files.
const SourceUnified = "unified"

// UnifiedColumns are the seed's columns: required, and first, in a unified CSV.
var UnifiedColumns = []string{"date", "cloud_provider", "service", "model", "token_type",
	"cost_usd", "usage_amount", "customer_id"}

// UnifiedExtraColumns are the optional columns a unified CSV may carry, named as
// the cost.LineItem JSON fields. WriteUnified writes all of them.
var UnifiedExtraColumns = []string{"charge_period_start", "charge_period_end", "model_family",
	"pricing_tier", "usage_unit", "cost", "currency", "list_cost_usd", "account_id", "project",
	"region", "tags", "cost_source", "data_status", "charge_category", "requests", "unpriced"}

// UnifiedPartition returns the partition of a unified line: the provider and the
// month of its date ("GCP/2026-10"), so re-importing a month replaces it.
func UnifiedPartition(provider string, date time.Time) string {
	return provider + "/" + date.Format("2006-01")
}

// ReadUnified streams a unified CSV. Extra columns that are not LineItem fields
// are ignored.
func ReadUnified(file string, r io.Reader, fn LineFunc) error {
	f, err := openCSV(file, r)
	if err != nil {
		return err
	}
	for _, c := range UnifiedColumns {
		if err := f.require([]string{c}); err != nil {
			return err
		}
	}
	idx := map[string]int{}
	for _, c := range slices.Concat(UnifiedColumns, UnifiedExtraColumns) {
		idx[c] = f.rec.index(c)
	}
	models := map[string]string{} // Raw → canonical model, for speed.
	for {
		more, err := f.next()
		if err != nil || !more {
			return err
		}
		l, err := unifiedLine(&f.rec, idx, models)
		if err != nil {
			return err
		}
		if err := fn(l); err != nil {
			return err
		}
	}
}

// unifiedLine maps one unified record to a line.
func unifiedLine(r *record, idx map[string]int, models map[string]string) (*cost.LineItem, error) {
	l := &cost.LineItem{Source: SourceUnified}
	s := func(c string) string { return r.str(idx[c]) }
	d, err := r.time(idx["date"], true)
	if err != nil {
		return nil, err
	}
	l.Date = cost.Day(d)
	if l.ChargePeriodStart, err = r.time(idx["charge_period_start"], false); err != nil {
		return nil, err
	}
	if l.ChargePeriodEnd, err = r.time(idx["charge_period_end"], false); err != nil {
		return nil, err
	}
	l.CloudProvider = NormalizeProvider(s("cloud_provider"))
	if l.CloudProvider == "" {
		return nil, r.errorf(idx["cloud_provider"], "value is empty; a provider is required")
	}
	l.Service, l.CustomerID = s("service"), s("customer_id")
	raw := s("model")
	l.Model = models[raw]
	if _, ok := models[raw]; !ok {
		l.Model = CanonicalModel(raw)
		if len(models) < cacheLimit {
			models[raw] = l.Model
		}
	}
	l.ModelFamily = cost.ModelFamily(l.Model)
	l.TokenType = strings.ToLower(s("token_type"))
	if l.TokenType != "" && !slices.Contains(cost.TokenTypes, l.TokenType) {
		return nil, r.errorf(idx["token_type"], "%q is not a token type; use one of %s or leave it empty",
			l.TokenType, strings.Join(cost.TokenTypes, ", "))
	}
	if l.CostUSD, err = r.costFloat(idx["cost_usd"], true); err != nil {
		return nil, err
	}
	if l.UsageAmount, err = r.float(idx["usage_amount"], false); err != nil {
		return nil, err
	}
	if err := unifiedExtras(r, idx, l); err != nil {
		return nil, err
	}
	l.SourcePartition = UnifiedPartition(l.CloudProvider, l.Date)
	return l, nil
}

// unifiedExtras fills the optional columns of a line.
func unifiedExtras(r *record, idx map[string]int, l *cost.LineItem) error {
	s := func(c string) string { return r.str(idx[c]) }
	l.PricingTier, l.UsageUnit, l.Currency = s("pricing_tier"), s("usage_unit"), s("currency")
	l.AccountID, l.Project, l.Region = s("account_id"), s("project"), s("region")
	l.CostSource, l.DataStatus, l.ChargeCategory = s("cost_source"), s("data_status"), s("charge_category")
	if l.CostSource == "" {
		l.CostSource = cost.SourceBillingExport
	}
	var err error
	if l.Cost, err = r.costFloat(idx["cost"], false); err != nil {
		return err
	}
	if l.ListCostUSD, err = r.optFloat(idx["list_cost_usd"]); err != nil {
		return err
	}
	if l.ListCostUSD != nil && math.Abs(*l.ListCostUSD) > cost.MaxAbsCost {
		return r.errorf(idx["list_cost_usd"], "%q is beyond %g; a cost that large cannot be right",
			s("list_cost_usd"), cost.MaxAbsCost)
	}
	if req := s("requests"); req != "" {
		if l.Requests, err = strconv.ParseInt(req, 10, 64); err != nil {
			return r.errorf(idx["requests"], "%q is not a whole number", req)
		}
	}
	if u := s("unpriced"); u != "" {
		if l.Unpriced, err = strconv.ParseBool(u); err != nil {
			return r.errorf(idx["unpriced"], "%q is not true or false", u)
		}
	}
	if t := s("tags"); t != "" {
		if err := json.Unmarshal([]byte(t), &l.Tags); err != nil {
			return r.errorf(idx["tags"], "tags must be a JSON object of strings: %v", err)
		}
	}
	return nil
}

// UnifiedWriter writes lines as a unified CSV: the seed's columns, then
// UnifiedExtraColumns. ReadUnified reads it back unchanged.
type UnifiedWriter struct {
	w      *csv.Writer
	header bool
	row    []string
}

// NewUnifiedWriter returns a writer to w. Call Flush when done.
func NewUnifiedWriter(w io.Writer) *UnifiedWriter {
	return &UnifiedWriter{w: csv.NewWriter(w)}
}

// Write writes one line, preceded by the header on the first call.
func (u *UnifiedWriter) Write(l *cost.LineItem) error {
	if err := u.writeHeader(); err != nil {
		return err
	}
	num := func(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }
	ts := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format(time.RFC3339Nano)
	}
	list, tags := "", ""
	if l.ListCostUSD != nil {
		list = num(*l.ListCostUSD)
	}
	if len(l.Tags) > 0 {
		b, err := json.Marshal(l.Tags)
		if err != nil {
			return err
		}
		tags = string(b)
	}
	u.row = append(u.row[:0], l.Date.Format(cost.DateLayout), l.CloudProvider, l.Service, l.Model,
		l.TokenType, num(l.CostUSD), num(l.UsageAmount), l.CustomerID,
		ts(l.ChargePeriodStart), ts(l.ChargePeriodEnd), l.ModelFamily, l.PricingTier, l.UsageUnit,
		num(l.Cost), l.Currency, list, l.AccountID, l.Project, l.Region, tags, l.CostSource,
		l.DataStatus, l.ChargeCategory, strconv.FormatInt(l.Requests, 10), strconv.FormatBool(l.Unpriced))
	return u.w.Write(u.row)
}

// Flush writes the header if nothing was written, then flushes buffered rows.
func (u *UnifiedWriter) Flush() error {
	if err := u.writeHeader(); err != nil {
		return err
	}
	u.w.Flush()
	return u.w.Error()
}

func (u *UnifiedWriter) writeHeader() error {
	if u.header {
		return nil
	}
	u.header = true
	return u.w.Write(slices.Concat(UnifiedColumns, UnifiedExtraColumns))
}
