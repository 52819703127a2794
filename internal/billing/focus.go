package billing

import (
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

// SourceFOCUS is the source of lines read from FOCUS files.
const SourceFOCUS = "focus"

// focusCols are the FOCUS columns the mapping reads, by role; each lists the
// accepted names (FOCUS 1.0–1.2 and common x_ extensions), first match wins.
var focusCols = map[string][]string{
	"cost":          {"BilledCost"},
	"currency":      {"BillingCurrency"},
	"cost_usd":      {"x_BilledCostInUsd", "x_BilledCostUSD", "BilledCostInUsd"},
	"list_cost":     {"ListCost"},
	"start":         {"ChargePeriodStart"},
	"end":           {"ChargePeriodEnd"},
	"provider":      {"ProviderName", "ServiceProviderName", "x_ProviderName"},
	"service":       {"ServiceName"},
	"category":      {"ServiceCategory"},
	"account":       {"SubAccountId"},
	"account_name":  {"SubAccountName"},
	"billing_acct":  {"BillingAccountId"},
	"period_start":  {"BillingPeriodStart"},
	"region":        {"RegionId", "Region", "RegionName"},
	"tags":          {"Tags"},
	"charge_cat":    {"ChargeCategory"},
	"consumed_qty":  {"ConsumedQuantity"},
	"consumed_unit": {"ConsumedUnit"},
	"pricing_qty":   {"PricingQuantity", "UsageQuantity"},
	"pricing_unit":  {"PricingUnit", "UsageUnit"},
	"product":       {"x_SkuProductName", "x_ProductName", "ResourceName"},
	"invoice":       {"InvoiceId"},
	"x_invoice":     {"x_InvoiceId"},
	"block":         {"x_PricingBlockSize"},
	"unit_desc":     {"x_PricingUnitDescription"},
	"eff_price":     {"x_EffectiveUnitPrice"},
	"eff_cost":      {"EffectiveCost"},
	"list_price":    {"ListUnitPrice"},
	"charge_desc":   {"ChargeDescription"},
}

// focusMeterCols are the columns that may reveal an LLM token line, in order.
var focusMeterCols = []string{"SkuMeter", "x_SkuMeterName", "x_SkuMeterSubcategory", "x_UsageType",
	"x_SkuDescription", "SkuId", "ChargeDescription"}

// aiServiceWords mark services that sell LLM tokens.
var aiServiceWords = []string{"bedrock", "vertex", "openai", "gemini", "anthropic", "foundry",
	"ai services", "cognitive"}

// focusMap is a FOCUS header resolved to column indexes.
type focusMap struct {
	col    map[string]int
	meters []int
	// Billing files repeat the same few meters and tag sets on millions of rows:
	// results are cached by text, up to cacheLimit entries each.
	meterCache map[string]meterResult
	tagCache   map[string]map[string]string
}

// cacheLimit bounds each per-file cache.
const cacheLimit = 4096

type meterResult struct {
	m     Meter
	block float64 // Tokens per unit the meter text names ("… 1M Tokens"), or 1.
	ok    bool
}

func newFocusMap(r *record) (*focusMap, error) {
	m := &focusMap{col: map[string]int{}, meterCache: map[string]meterResult{},
		tagCache: map[string]map[string]string{}}
	for role, names := range focusCols {
		m.col[role] = r.index(names...)
	}
	for _, c := range focusMeterCols {
		if i := r.index(c); i >= 0 {
			m.meters = append(m.meters, i)
		}
	}
	for _, role := range []string{"cost", "start", "provider"} {
		if m.col[role] < 0 {
			return nil, lineError(r.file, 1, focusCols[role][0], "required FOCUS column is missing from the header")
		}
	}
	return m, nil
}

// ReadFOCUS streams a FOCUS 1.0–1.2 CSV file.
func ReadFOCUS(file string, r io.Reader, fn LineFunc, warn WarnFunc) error {
	f, err := openCSV(file, r)
	if err != nil {
		return err
	}
	m, err := newFocusMap(&f.rec)
	if err != nil {
		return err
	}
	for {
		more, err := f.next()
		if err != nil || !more {
			return err
		}
		l, err := m.line(&f.rec, warn)
		if err != nil {
			return err
		}
		if err := fn(l); err != nil {
			return err
		}
	}
}

// line maps one FOCUS record to a cost line.
func (m *focusMap) line(r *record, warn WarnFunc) (*cost.LineItem, error) {
	c := func(role string) string { return r.str(m.col[role]) }
	l := &cost.LineItem{Source: SourceFOCUS, CostSource: cost.SourceBillingExport}
	var err error
	if l.ChargePeriodStart, err = r.time(m.col["start"], true); err != nil {
		return nil, err
	}
	if l.ChargePeriodEnd, err = r.time(m.col["end"], false); err != nil {
		return nil, err
	}
	l.Date = cost.Day(l.ChargePeriodStart)
	if l.CloudProvider = NormalizeProvider(c("provider")); l.CloudProvider == "" {
		return nil, r.errorf(m.col["provider"], "value is empty; a provider is required")
	}
	l.Service, l.Region, l.ChargeCategory = c("service"), c("region"), c("charge_cat")
	l.AccountID, l.Project = c("account"), c("account_name")
	if l.AccountID == "" {
		l.AccountID = c("billing_acct")
	}
	if err := m.costs(r, l); err != nil {
		return nil, err
	}
	if err := m.usage(r, l); err != nil {
		return nil, err
	}
	l.Tags = m.tags(r, warn)
	period := l.Date
	if ps, err := r.time(m.col["period_start"], false); err != nil {
		return nil, err
	} else if !ps.IsZero() {
		period = ps
	}
	scope := c("billing_acct")
	if l.CloudProvider == cost.ProviderAzure && c("account") != "" {
		// Microsoft exports are scoped to a billing account or a subscription:
		// one subscription's delivery must not replace another's.
		scope += "/" + c("account")
	}
	l.SourcePartition = FOCUSPartition(l.CloudProvider, scope, period)
	switch {
	case c("invoice") != "" || c("x_invoice") != "":
		l.DataStatus = cost.StatusFinal
	case m.col["invoice"] >= 0 && l.CloudProvider != cost.ProviderAzure:
		// FOCUS 1.2: InvoiceId is null until the charge is invoiced. Microsoft's
		// invoice ids (1.2 InvoiceId, 1.0 x_InvoiceId) are not known to be filled
		// for every agreement (EA): an empty one leaves the status to the month.
		l.DataStatus = cost.StatusProvisional
	}
	return l, nil
}

// FOCUSPartition returns the partition of a FOCUS line: provider, billing account
// (for Microsoft, with the subscription) and billing-period month
// ("AWS/1234567890123/2024-09").
func FOCUSPartition(provider, billingAccount string, periodStart time.Time) string {
	return provider + "/" + billingAccount + "/" + periodStart.Format("2006-01")
}

// costs sets the cost fields: cost_usd is BilledCost when billed in USD, else a
// USD conversion column when the file has one.
func (m *focusMap) costs(r *record, l *cost.LineItem) error {
	billed, err := r.float(m.col["cost"], true)
	if err != nil {
		return err
	}
	l.Cost, l.Currency = billed, strings.ToUpper(r.str(m.col["currency"]))
	list, err := r.optFloat(m.col["list_cost"])
	if err != nil {
		return err
	}
	if l.Currency == "" || l.Currency == "USD" {
		l.Currency, l.CostUSD, l.ListCostUSD = "USD", billed, list
		return nil
	}
	usd, err := r.optFloat(m.col["cost_usd"])
	if err != nil {
		return err
	}
	if usd == nil {
		return nil // The ingester converts with its exchange rates, or warns.
	}
	l.CostUSD = *usd
	return nil
}

// usage sets usage and, for LLM token lines, the model, token type and tier.
func (m *focusMap) usage(r *record, l *cost.LineItem) error {
	qty, err := r.float(m.col["consumed_qty"], false)
	if err != nil {
		return err
	}
	unit := r.str(m.col["consumed_unit"])
	if r.str(m.col["consumed_qty"]) == "" {
		if qty, err = r.float(m.col["pricing_qty"], false); err != nil {
			return err
		}
		unit = r.str(m.col["pricing_unit"])
	}
	l.UsageAmount, l.UsageUnit = qty, unit
	meter, block, ok := m.meter(r, l)
	if !ok {
		return nil
	}
	l.Model, l.ModelFamily, l.TokenType = meter.Model, cost.ModelFamily(meter.Model), meter.TokenType
	l.PricingTier = meter.Tier
	if l.PricingTier == "" {
		l.PricingTier = "standard"
	}
	if b := tokenBlock(unit); b != 1 {
		block = b
	}
	l.UsageAmount, l.UsageUnit = qty*block, "tokens"
	if b := m.pricingBlock(r); b > 1 {
		l.UsageAmount = m.blockTokens(r, qty, b)
	}
	return nil
}

// pricingBlock returns the block size of Microsoft's FOCUS extension columns
// (x_PricingBlockSize, else the block in x_PricingUnitDescription "1K"), or 0.
func (m *focusMap) pricingBlock(r *record) float64 {
	if b, err := r.float(m.col["block"], false); err == nil && b > 0 {
		return b
	}
	if s := r.str(m.col["unit_desc"]); s != "" {
		return tokenBlock(s)
	}
	return 0
}

// blockTokens returns the tokens of a quantity whose units (PricingUnit and
// ConsumedUnit "Units") hide a block b. Microsoft's exports fill ConsumedQuantity
// with the cost details' Quantity, a count of b-token blocks (the FOCUS sample's
// Microsoft rows: ListCost = ListUnitPrice × ConsumedQuantity), and derive
// PricingQuantity from it divided by b once more; a conformant file counts
// tokens in ConsumedQuantity and blocks in PricingQuantity. A unit price per
// block and its cost tell which: the count of tokens t satisfies price × t / b = cost.
// Without prices the quantity counts blocks.
func (m *focusMap) blockTokens(r *record, qty, b float64) float64 {
	for _, pc := range [][2]string{{"eff_price", "eff_cost"}, {"list_price", "list_cost"}} {
		price, err1 := r.float(m.col[pc[0]], false)
		c, err2 := r.float(m.col[pc[1]], false)
		if err1 != nil || err2 != nil || price <= 0 || c == 0 {
			continue
		}
		for _, t := range []float64{qty, qty * b, qty * b * b} {
			if ratio := price * t / b / c; ratio > 0.9 && ratio < 1.1 {
				return t
			}
		}
	}
	return qty * b
}

// tags parses the Tags column, through the cache. Lines with the same tags share
// one map, which nobody modifies.
func (m *focusMap) tags(r *record, warn WarnFunc) map[string]string {
	s := r.str(m.col["tags"])
	if t, ok := m.tagCache[s]; ok {
		return t
	}
	bad := false
	t := parseTags(s, func(e error) {
		bad = true
		warn(fmt.Sprintf("%s: column %q is not a JSON object on some lines; those lines keep no tags",
			r.file, r.name[m.col["tags"]]))
	})
	if !bad && len(m.tagCache) < cacheLimit {
		m.tagCache[s] = t
	}
	return t
}

// meter finds a token meter with a known model in the record's meter columns,
// and the block its text names, through the cache.
func (m *focusMap) meter(r *record, l *cost.LineItem) (Meter, float64, bool) {
	var key strings.Builder
	key.WriteString(l.Service)
	for _, i := range m.meters {
		key.WriteByte(0)
		key.WriteString(r.str(i))
	}
	key.WriteByte(0)
	key.WriteString(r.str(m.col["category"]))
	key.WriteByte(0)
	key.WriteString(l.UsageUnit)
	key.WriteByte(0)
	key.WriteString(r.str(m.col["product"]))
	if res, ok := m.meterCache[key.String()]; ok {
		return res.m, res.block, res.ok
	}
	meter, block, ok := m.findMeter(r, l)
	if len(m.meterCache) < cacheLimit {
		m.meterCache[key.String()] = meterResult{meter, block, ok}
	}
	return meter, block, ok
}

// findMeter normalises the meter columns as the native exports' meters are
// (NormalizeMeter): the first that names a time, storage or transfer meter
// ends the search with no token line.
func (m *focusMap) findMeter(r *record, l *cost.LineItem) (Meter, float64, bool) {
	if !m.looksAI(r, l) {
		return Meter{}, 1, false
	}
	var direction, undirected Meter
	dirBlock, undirBlock := 1.0, 1.0
	for _, i := range m.meters {
		text := r.str(i)
		meter, _, ok := (*Mapping)(nil).NormalizeMeter(l.CloudProvider, text)
		if !ok {
			if reNotTokens.MatchString(text) {
				return Meter{}, 1, false
			}
			continue
		}
		block := unitBlock(text)
		if i == m.col["charge_desc"] { // "$0.003 per 1K input tokens" is the price's block.
			block = 1
		}
		if _, named := ParseMeter(text); !named { // "text-embedding-3-large Tokens": a last resort.
			if undirected.TokenType == "" {
				undirected, undirBlock = meter, block
			}
			continue
		}
		if meter.Model != "" {
			return meter, block, true
		}
		if direction.TokenType == "" {
			direction, dirBlock = meter, block
		}
	}
	if direction.TokenType != "" {
		for _, text := range []string{l.Service, r.str(m.col["product"])} {
			if direction.Model = FindModel(text); direction.Model != "" {
				return direction, dirBlock, true
			}
		}
	}
	if undirected.TokenType != "" {
		return undirected, undirBlock, true
	}
	return Meter{}, 1, false
}

// looksAI reports whether a line may be an LLM token line: an AI service, or a
// meter text or unit that mentions tokens.
func (m *focusMap) looksAI(r *record, l *cost.LineItem) bool {
	if strings.EqualFold(r.str(m.col["category"]), "AI and Machine Learning") {
		return true
	}
	svc := strings.ToLower(l.Service)
	for _, w := range aiServiceWords {
		if strings.Contains(svc, w) {
			return true
		}
	}
	if strings.Contains(strings.ToLower(l.UsageUnit), "token") {
		return true
	}
	for _, i := range m.meters {
		if strings.Contains(strings.ToLower(r.str(i)), "token") {
			return true
		}
	}
	return false
}

// tokenBlock returns how many tokens one unit of a token quantity is, from a
// unit text: 1000 for "1K tokens", 25000 for "25K", 1e6 for "1M" or
// "1000000 Tokens", else 1.
func tokenBlock(unit string) float64 {
	u := strings.ToLower(strings.TrimSpace(strings.ReplaceAll(unit, ",", "")))
	if m := reUnitBlock.FindStringSubmatch(u); m != nil {
		n, err := strconv.ParseFloat(m[1], 64)
		if err != nil || n <= 0 {
			return 1
		}
		switch m[2] {
		case "k", "thousand":
			n *= 1e3
		case "m", "million":
			n *= 1e6
		}
		return n
	}
	switch {
	case strings.Contains(u, "thousand"):
		return 1e3
	case strings.Contains(u, "million"):
		return 1e6
	}
	return 1
}

// reUnitBlock matches a unit that starts with a block size: a number with K,
// M, thousand or million ("1K", "25K", "1M tokens (batch)", "1 Million Tokens"),
// or a number before what it counts ("1000000 Tokens", "1000 units").
var reUnitBlock = regexp.MustCompile(`^([0-9]+(?:\.[0-9]+)?)\s*(?:(k|m|thousand|million)\b|(?:tokens?|units?|requests?)\b|$)`)

// parseTags reads a JSON object of tags (values of any type become strings).
// Azure EA tags without braces are accepted. Bad JSON is reported to bad.
func parseTags(s string, bad func(error)) map[string]string {
	if s == "" || s == "{}" {
		return nil
	}
	if !strings.HasPrefix(s, "{") {
		s = "{" + s + "}"
	}
	var raw map[string]any
	if err := json.Unmarshal([]byte(s), &raw); err != nil {
		bad(err)
		return nil
	}
	tags := make(map[string]string, len(raw))
	for k, v := range raw {
		k = strings.TrimSpace(k)
		if str, ok := v.(string); ok {
			tags[k] = str
		} else if v != nil {
			b, _ := json.Marshal(v)
			tags[k] = string(b)
		}
	}
	return tags
}
