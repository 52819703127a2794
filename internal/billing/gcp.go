package billing

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

// SourceGCPBilling is the source of lines read from Cloud Billing exports.
const SourceGCPBilling = "gcp-billing"

// gcpRow is one Cloud Billing export row (standard or detailed table), as
// BigQuery writes it to newline-delimited JSON.
type gcpRow struct {
	BillingAccountID flexString  `json:"billing_account_id"`
	Service          gcpIDDesc   `json:"service"`
	SKU              gcpIDDesc   `json:"sku"`
	UsageStartTime   string      `json:"usage_start_time"`
	UsageEndTime     string      `json:"usage_end_time"`
	Project          gcpProject  `json:"project"`
	Labels           gcpLabels   `json:"labels"`
	Location         gcpLocation `json:"location"`
	Cost             flexFloat   `json:"cost"`
	CostAtList       *flexFloat  `json:"cost_at_list"`
	Currency         string      `json:"currency"`
	ConversionRate   flexFloat   `json:"currency_conversion_rate"`
	Usage            gcpUsage    `json:"usage"`
	Credits          []gcpCredit `json:"credits"`
	Invoice          struct {
		Month flexString `json:"month"`
	} `json:"invoice"`
	CostType string `json:"cost_type"`
	Resource struct {
		Name string `json:"name"`
	} `json:"resource"`
}

type gcpIDDesc struct {
	ID          string `json:"id"`
	Description string `json:"description"`
}

type gcpProject struct {
	ID     string     `json:"id"`
	Number flexString `json:"number"`
	Name   string     `json:"name"`
	Labels gcpLabels  `json:"labels"`
}

type gcpLocation struct {
	Region   string `json:"region"`
	Location string `json:"location"`
}

type gcpUsage struct {
	Amount flexFloat `json:"amount"`
	Unit   string    `json:"unit"`
}

type gcpCredit struct {
	Name   string    `json:"name"`
	Amount flexFloat `json:"amount"`
	Type   string    `json:"type"`
}

// flexFloat is a JSON number or a string holding one (BigQuery writes INT64 and
// NUMERIC as strings).
type flexFloat float64

func (f *flexFloat) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if s == "null" || s == "" {
		*f = 0
		return nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Errorf("%s is not a number", b)
	}
	*f = flexFloat(v)
	return nil
}

// flexString is a JSON string or number, kept as text.
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexString(s)
		return nil
	}
	*f = flexString(b)
	return nil
}

// gcpLabels is a labels field: an array of {key, value} (as exported) or an object.
type gcpLabels map[string]string

func (g *gcpLabels) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		return nil
	}
	if b[0] == '{' {
		var m map[string]string
		if err := json.Unmarshal(b, &m); err != nil {
			return err
		}
		*g = m
		return nil
	}
	var kv []struct{ Key, Value string }
	if err := json.Unmarshal(b, &kv); err != nil {
		return fmt.Errorf("labels: want an array of {key, value}: %v", err)
	}
	if len(kv) == 0 {
		return nil
	}
	m := make(map[string]string, len(kv))
	for _, p := range kv {
		m[p.Key] = p.Value
	}
	*g = m
	return nil
}

// ReadGCPBilling streams Cloud Billing export rows: newline-delimited JSON (the
// BigQuery export of the standard or detailed table) or CSV with flattened
// columns ("service.description" or "service_description"; labels and credits
// as JSON text).
func ReadGCPBilling(file string, r io.Reader, o *NativeOptions, fn LineFunc, warn WarnFunc) error {
	br := bufio.NewReaderSize(r, 1<<16)
	for {
		b, err := br.Peek(1)
		if err != nil {
			return lineError(file, 1, "", "file is empty")
		}
		if b[0] == ' ' || b[0] == '\n' || b[0] == '\r' || b[0] == '\t' {
			br.ReadByte()
			continue
		}
		g := &gcpMap{o: o, meters: map[string]meterCached{}}
		if b[0] == '{' {
			return g.readJSON(file, br, fn)
		}
		return g.readCSV(file, br, fn, warn)
	}
}

// gcpMap maps export rows to cost lines.
type gcpMap struct {
	o      *NativeOptions
	meters map[string]meterCached
	layout int
}

func (g *gcpMap) readJSON(file string, br *bufio.Reader, fn LineFunc) error {
	for line := 1; ; line++ {
		b, err := br.ReadBytes('\n')
		if len(bytes.TrimSpace(b)) > 0 {
			var row gcpRow
			if jerr := json.Unmarshal(b, &row); jerr != nil {
				return lineError(file, line, "", "not a billing export row: %v", jerr)
			}
			l, lerr := g.line(file, line, &row)
			if lerr != nil {
				return lerr
			}
			if ferr := fn(l); ferr != nil {
				return ferr
			}
		}
		if err == io.EOF {
			return nil
		} else if err != nil {
			return lineError(file, line, "", "cannot read: %v", err)
		}
	}
}

// gcpCSVCols are the flattened CSV columns read, by JSON path.
var gcpCSVCols = []string{"billing_account_id", "service.id", "service.description", "sku.id", "sku.description",
	"usage_start_time", "usage_end_time", "project.id", "project.name", "project.labels", "labels",
	"location.region", "cost", "cost_at_list", "currency", "currency_conversion_rate", "usage.amount",
	"usage.unit", "credits", "invoice.month", "cost_type", "resource.name"}

func (g *gcpMap) readCSV(file string, r io.Reader, fn LineFunc, warn WarnFunc) error {
	f, err := openCSV(file, r)
	if err != nil {
		return err
	}
	idx := map[string]int{}
	for _, c := range gcpCSVCols {
		idx[c] = f.rec.index(c, strings.ReplaceAll(c, ".", "_"))
	}
	for _, c := range []string{"usage_start_time", "cost"} {
		if idx[c] < 0 {
			return lineError(file, 1, c, "required billing export column is missing from the header")
		}
	}
	for {
		more, err := f.next()
		if err != nil || !more {
			return err
		}
		row, err := gcpCSVRow(&f.rec, idx)
		if err != nil {
			return err
		}
		l, err := g.line(file, f.rec.line, row)
		if err != nil {
			return err
		}
		if err := fn(l); err != nil {
			return err
		}
	}
}

// gcpCSVRow builds an export row from a flattened CSV record.
func gcpCSVRow(r *record, idx map[string]int) (*gcpRow, error) {
	s := func(c string) string { return r.str(idx[c]) }
	num := func(c string) (flexFloat, error) {
		v, err := r.float(idx[c], false)
		return flexFloat(v), err
	}
	row := &gcpRow{BillingAccountID: flexString(s("billing_account_id")), Service: gcpIDDesc{s("service.id"), s("service.description")},
		SKU: gcpIDDesc{s("sku.id"), s("sku.description")}, UsageStartTime: s("usage_start_time"),
		UsageEndTime: s("usage_end_time"), Currency: s("currency"), CostType: s("cost_type")}
	row.Project.ID, row.Project.Name = s("project.id"), s("project.name")
	row.Location.Region, row.Usage.Unit, row.Resource.Name = s("location.region"), s("usage.unit"), s("resource.name")
	row.Invoice.Month = flexString(s("invoice.month"))
	var err error
	if row.Cost, err = num("cost"); err != nil {
		return nil, err
	}
	if row.ConversionRate, err = num("currency_conversion_rate"); err != nil {
		return nil, err
	}
	if row.Usage.Amount, err = num("usage.amount"); err != nil {
		return nil, err
	}
	if s("cost_at_list") != "" {
		v, err := num("cost_at_list")
		if err != nil {
			return nil, err
		}
		row.CostAtList = &v
	}
	for c, dst := range map[string]any{"labels": &row.Labels, "project.labels": &row.Project.Labels, "credits": &row.Credits} {
		if t := s(c); t != "" {
			if err := json.Unmarshal([]byte(t), dst); err != nil {
				return nil, r.errorf(idx[c], "not JSON: %v", err)
			}
		}
	}
	return row, nil
}

// gcpTime parses an export timestamp ("2024-05-13 01:49:02.981774 UTC", RFC 3339).
func (g *gcpMap) gcpTime(s string) (time.Time, bool) {
	s = strings.TrimSuffix(strings.TrimSpace(s), " UTC")
	return parseTime(s, &g.layout)
}

// line maps one export row to a cost line.
func (g *gcpMap) line(file string, lineNo int, row *gcpRow) (*cost.LineItem, error) {
	bad := func(field, format string, args ...any) error {
		return lineError(file, lineNo, field, format, args...)
	}
	l := &cost.LineItem{CloudProvider: cost.ProviderGCP, Source: SourceGCPBilling, CostSource: cost.SourceBillingExport}
	start, ok := g.gcpTime(row.UsageStartTime)
	if !ok {
		return nil, bad("usage_start_time", "%q is not a timestamp", row.UsageStartTime)
	}
	l.ChargePeriodStart, l.Date = start, cost.Day(start)
	if row.UsageEndTime != "" {
		if l.ChargePeriodEnd, ok = g.gcpTime(row.UsageEndTime); !ok {
			return nil, bad("usage_end_time", "%q is not a timestamp", row.UsageEndTime)
		}
	}
	l.Service, l.Region = row.Service.Description, row.Location.Region
	l.AccountID, l.Project = row.Project.ID, row.Project.Name
	l.ChargeCategory = gcpChargeCategory(row.CostType)
	net := float64(row.Cost)
	for _, c := range row.Credits {
		net += float64(c.Amount)
	}
	l.Cost, l.Currency = net, strings.ToUpper(row.Currency)
	switch {
	case l.Currency == "" || l.Currency == "USD":
		l.Currency, l.CostUSD = "USD", net
		if row.CostAtList != nil {
			list := float64(*row.CostAtList)
			l.ListCostUSD = &list
		}
	case row.ConversionRate > 0:
		l.CostUSD = net / float64(row.ConversionRate)
		if row.CostAtList != nil {
			list := float64(*row.CostAtList) / float64(row.ConversionRate)
			l.ListCostUSD = &list
		}
	default:
		return nil, bad("currency_conversion_rate", "costs in %s need a currency_conversion_rate", l.Currency)
	}
	l.UsageAmount, l.UsageUnit = float64(row.Usage.Amount), row.Usage.Unit
	if gcpIsAI(row) {
		mc := g.meter(row.SKU)
		setMeter(l, mc.m, mc.block)
	}
	l.Tags = gcpTags(row)
	l.CustomerID = g.o.attribute(l.Tags, KindProject, row.Project.ID, KindResource, row.Resource.Name,
		KindAccount, string(row.BillingAccountID))
	period := time.Date(l.Date.Year(), l.Date.Month(), 1, 0, 0, 0, 0, time.UTC)
	if m := string(row.Invoice.Month); m != "" {
		p, err := time.Parse("200601", m)
		if err != nil {
			return nil, bad("invoice.month", "%q is not a YYYYMM month", m)
		}
		period = p
	}
	l.SourcePartition = NativePartition(string(row.BillingAccountID), period)
	l.DataStatus = g.o.statusByMonth(period)
	return l, nil
}

// gcpIsAI reports whether a row may be LLM token usage.
func gcpIsAI(row *gcpRow) bool {
	s := strings.ToLower(row.Service.Description)
	for _, w := range []string{"vertex", "gemini", "generative language", "anthropic", "claude"} {
		if strings.Contains(s, w) {
			return true
		}
	}
	return strings.Contains(strings.ToLower(row.SKU.Description), "token")
}

// meter normalises a SKU, through the cache: a mapping rule for its description,
// else one for its stable id, else the built-in reading of its description.
func (g *gcpMap) meter(sku gcpIDDesc) meterCached {
	key := sku.ID + "\x00" + sku.Description
	if mc, ok := g.meters[key]; ok {
		return mc
	}
	text := sku.Description
	switch {
	case g.o.Mapping.meterRule(cost.ProviderGCP, text) != nil:
	case sku.ID != "" && g.o.Mapping.meterRule(cost.ProviderGCP, sku.ID) != nil:
		text = sku.ID
	default:
		text = reGCPModality.ReplaceAllString(text, "$1$2")
	}
	var mc meterCached
	mc.m, mc.block, mc.ok = g.o.Mapping.NormalizeMeter(cost.ProviderGCP, text)
	if len(g.meters) < cacheLimit {
		g.meters[key] = mc
	}
	return mc
}

// reGCPModality matches the modality of a Vertex AI SKU ("Gemini 2.5 Flash
// Audio Input", "… Live Audio (AV2A) Output"): Google bills one SKU per model,
// modality and direction, all counted in tokens, so the modality names neither
// the model nor a non-token meter. Image output is left alone: it may name an
// image model.
var reGCPModality = regexp.MustCompile(`(?i)\b(?:(?:audio|image|video) (input)|audio(?: \([^)]*\))? (output))\b`)

// gcpTags merges resource labels with project labels (resource labels win).
func gcpTags(row *gcpRow) map[string]string {
	if len(row.Project.Labels) == 0 {
		return row.Labels
	}
	tags := make(map[string]string, len(row.Labels)+len(row.Project.Labels))
	for k, v := range row.Project.Labels {
		tags[k] = v
	}
	for k, v := range row.Labels {
		tags[k] = v
	}
	return tags
}

// gcpChargeCategory maps a cost type to a FOCUS charge category.
func gcpChargeCategory(t string) string {
	switch strings.ToLower(t) {
	case "", "regular":
		return "Usage"
	case "tax":
		return "Tax"
	case "adjustment", "rounding_error":
		return "Adjustment"
	}
	return t
}
