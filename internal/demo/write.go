package demo

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"github.com/llmcost/llmcost/internal/cost"
)

// Formats lists the file formats WriteFile writes.
var Formats = []string{"unified", "focus", "events"}

// WriteFile writes d to w in one of Formats: "unified" CSV (every line), "focus"
// 1.2 CSV (every line), or "events" NDJSON (per-request events for the last three
// days of the provider whose costs are event estimates).
func WriteFile(w io.Writer, format string, d *Dataset) error {
	switch format {
	case "unified":
		return writeUnified(w, d)
	case "focus":
		return writeFocus(w, d)
	case "events":
		return writeEvents(w, d)
	}
	return cost.Errorf(cost.CodeInvalid, "Unknown demo file format %q (want one of unified, focus, events).", format)
}

// UnifiedHeader is the header of the unified CSV WriteFile writes.
var UnifiedHeader = []string{"date", "cloud_provider", "service", "model", "token_type", "cost_usd",
	"usage_amount", "customer_id", "account_id", "project", "region", "pricing_tier", "model_family",
	"cost_source", "data_status", "requests"}

func writeUnified(w io.Writer, d *Dataset) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(UnifiedHeader); err != nil {
		return err
	}
	for _, l := range d.Lines {
		rec := []string{l.Date.Format(cost.DateLayout), l.CloudProvider, l.Service, l.Model, l.TokenType,
			formatFloat(l.CostUSD), formatFloat(l.UsageAmount), l.CustomerID, l.AccountID, l.Project,
			l.Region, l.PricingTier, l.ModelFamily, l.CostSource, l.DataStatus, strconv.FormatInt(l.Requests, 10)}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("demo: write unified: %w", err)
	}
	return nil
}

// formatFloat writes the shortest decimal that reads back as exactly f.
func formatFloat(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
