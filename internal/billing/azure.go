package billing

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

// SourceAzureCost is the source of lines read from Azure cost details exports.
const SourceAzureCost = "azure-cost"

// azureCols are the cost details columns read, by role; EA and MCA names (and
// older usage-details names) are listed, first match wins.
var azureCols = map[string][]string{
	"date":           {"Date", "UsageDate", "UsageDateTime"},
	"period_start":   {"BillingPeriodStartDate"},
	"billing_acct":   {"BillingAccountId", "BillingAccountID"},
	"subscription":   {"SubscriptionId", "SubscriptionGuid"},
	"sub_name":       {"SubscriptionName"},
	"resource_group": {"ResourceGroup", "ResourceGroupName"},
	"resource":       {"ResourceId", "InstanceId", "InstanceName"},
	"region":         {"ResourceLocation", "MeterRegion"},
	"service":        {"ServiceName", "MeterCategory"},
	"category":       {"MeterCategory"},
	"subcategory":    {"MeterSubCategory", "MeterSubcategory"},
	"meter":          {"MeterName"},
	"product":        {"ProductName", "Product"},
	"quantity":       {"Quantity", "UsageQuantity"},
	"unit":           {"UnitOfMeasure"},
	"cost":           {"CostInBillingCurrency", "Cost", "PreTaxCost"},
	"cost_usd":       {"CostInUsd", "CostInUSD"},
	"currency":       {"BillingCurrency", "BillingCurrencyCode", "Currency"},
	"payg_price":     {"PayGPrice"},
	"tags":           {"Tags"},
	"charge_type":    {"ChargeType"},
	"invoice":        {"InvoiceId", "InvoiceID"},
}

// azureMap is a cost details header resolved to column indexes.
type azureMap struct {
	o      *NativeOptions
	col    map[string]int
	tags   map[string]map[string]string
	meters map[string]meterCached
	dayFmt int // Index in azureDateLayouts that parsed the last date.
}

// azureDateLayouts are the date spellings of cost details files.
var azureDateLayouts = []string{"1/2/2006", "2006-01-02", "01/02/2006 15:04:05", "1/2/2006 3:04:05 PM"}

func newAzureMap(r *record, o *NativeOptions) (*azureMap, error) {
	m := &azureMap{o: o, col: map[string]int{}, tags: map[string]map[string]string{}, meters: map[string]meterCached{}}
	for role, names := range azureCols {
		m.col[role] = r.index(names...)
	}
	for _, role := range []string{"date", "cost"} {
		if m.col[role] < 0 {
			return nil, lineError(r.file, 1, azureCols[role][0], "required cost details column is missing from the header")
		}
	}
	return m, nil
}

// ReadAzureCost streams an Azure cost details CSV (EA or MCA, actual or
// amortized): byte-order mark, US dates ("9/2/2023"), tags without braces, Cost
// (EA) or CostInBillingCurrency (MCA), token quantities in UnitOfMeasure blocks.
func ReadAzureCost(file string, r io.Reader, o *NativeOptions, fn LineFunc, warn WarnFunc) error {
	f, err := openCSV(file, r)
	if err != nil {
		return err
	}
	m, err := newAzureMap(&f.rec, o)
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

// date parses a cost details date at index i.
func (m *azureMap) date(r *record, i int, required bool) (time.Time, error) {
	s := r.str(i)
	if s == "" {
		if required {
			return time.Time{}, r.errorf(i, "value is empty; a date is required")
		}
		return time.Time{}, nil
	}
	if t, err := time.Parse(azureDateLayouts[m.dayFmt], s); err == nil {
		return t, nil
	}
	for j, layout := range azureDateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			m.dayFmt = j
			return t, nil
		}
	}
	return r.time(i, required)
}

// line maps one cost details record to a cost line.
func (m *azureMap) line(r *record, warn WarnFunc) (*cost.LineItem, error) {
	c := func(role string) string { return r.str(m.col[role]) }
	l := &cost.LineItem{CloudProvider: cost.ProviderAzure, Source: SourceAzureCost, CostSource: cost.SourceBillingExport}
	day, err := m.date(r, m.col["date"], true)
	if err != nil {
		return nil, err
	}
	l.Date, l.ChargePeriodStart = cost.Day(day), day
	l.Service, l.Region = c("service"), c("region")
	l.AccountID, l.Project = c("subscription"), c("sub_name")
	l.ChargeCategory = azureChargeCategory(c("charge_type"))
	if err := m.costs(r, l); err != nil {
		return nil, err
	}
	if l.UsageAmount, err = r.float(m.col["quantity"], false); err != nil {
		return nil, err
	}
	l.UsageUnit = c("unit")
	if m.isAI(r) {
		mc := m.meter(c("meter"), c("subcategory"), c("product"))
		setMeter(l, mc.m, mc.block, l.UsageUnit, c("meter"))
	}
	l.Tags = m.tagsOf(r, warn)
	l.CustomerID = m.o.attribute(l.Tags, KindResource, c("resource"), KindResourceGroup, c("resource_group"),
		KindSubscription, l.AccountID, KindAccount, c("billing_acct"))
	period, err := m.date(r, m.col["period_start"], false)
	if err != nil {
		return nil, err
	}
	if period.IsZero() {
		period = l.Date
	}
	// Exports are scoped to a billing account or to a subscription: one
	// subscription's delivery must not replace another's in the same account.
	scope := c("billing_acct")
	switch {
	case scope == "":
		scope = l.AccountID
	case l.AccountID != "":
		scope += "/" + l.AccountID
	}
	l.SourcePartition = NativePartition(scope, period)
	switch {
	case m.col["invoice"] >= 0 && c("invoice") != "":
		l.DataStatus = cost.StatusFinal
	case m.col["invoice"] >= 0:
		l.DataStatus = cost.StatusProvisional
	default:
		l.DataStatus = m.o.statusByMonth(period)
	}
	return l, nil
}

// costs sets cost and currency; cost_usd is the cost when billed in USD, else
// the CostInUsd column when the file has one.
func (m *azureMap) costs(r *record, l *cost.LineItem) error {
	v, err := r.float(m.col["cost"], false)
	if err != nil {
		return err
	}
	l.Cost, l.Currency = v, strings.ToUpper(r.str(m.col["currency"]))
	if l.Currency == "" || l.Currency == "USD" {
		l.Currency, l.CostUSD = "USD", v
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

// isAI reports whether a line may be Azure OpenAI / Foundry token usage.
func (m *azureMap) isAI(r *record) bool {
	for _, role := range []string{"service", "category", "product"} {
		s := strings.ToLower(r.str(m.col[role]))
		for _, w := range aiServiceWords {
			if strings.Contains(s, w) {
				return true
			}
		}
	}
	return strings.Contains(strings.ToLower(r.str(m.col["meter"])), "token")
}

// meter normalises a meter name (then the subcategory), through the cache.
func (m *azureMap) meter(meter, sub, product string) meterCached {
	key := meter + "\x00" + sub + "\x00" + product
	if mc, ok := m.meters[key]; ok {
		return mc
	}
	var mc, undirected meterCached
	for _, text := range []string{meter, sub} {
		mc.m, mc.block, mc.ok = m.o.Mapping.NormalizeMeter(cost.ProviderAzure, text, product)
		if _, named := ParseMeter(text); mc.ok && !named && m.o.Mapping.meterRule(cost.ProviderAzure, text) == nil {
			// "gpt-4o Tokens" names no direction: the subcategory may.
			if !undirected.ok {
				undirected = mc
			}
			mc = meterCached{}
			continue
		}
		if mc.ok || mc.m.Model != "" {
			break
		}
	}
	if !mc.ok && mc.m.Model == "" && undirected.ok {
		mc = undirected
	}
	if len(m.meters) < cacheLimit {
		m.meters[key] = mc
	}
	return mc
}

// tagsOf parses the Tags column (JSON with or without braces), through the cache.
func (m *azureMap) tagsOf(r *record, warn WarnFunc) map[string]string {
	s := r.str(m.col["tags"])
	if t, ok := m.tags[s]; ok {
		return t
	}
	bad := false
	t := parseTags(s, func(error) {
		bad = true
		warn(fmt.Sprintf("%s: column %q is not JSON tags on some lines; those lines keep no tags",
			r.file, r.name[m.col["tags"]]))
	})
	if !bad && len(m.tags) < cacheLimit {
		m.tags[s] = t
	}
	return t
}

// azureChargeCategory maps an Azure charge type to a FOCUS charge category.
func azureChargeCategory(t string) string {
	switch strings.ToLower(t) {
	case "usage", "unusedreservation", "unusedsavingsplan":
		return "Usage"
	case "purchase":
		return "Purchase"
	case "refund":
		return "Credit"
	case "tax":
		return "Tax"
	case "roundingadjustment":
		return "Adjustment"
	}
	return t
}
