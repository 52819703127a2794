package billing

import (
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"

	"github.com/llmcost/llmcost/internal/cost"
)

// SourceAWSCUR is the source of lines read from AWS Cost and Usage Reports.
const SourceAWSCUR = "aws-cur"

// curCols are the CUR columns read, by CUR 2.0 name; legacy headers
// ("lineItem/UsageType") are matched through curName.
var curCols = []string{"line_item_usage_start_date", "line_item_usage_end_date", "line_item_product_code",
	"line_item_usage_type", "line_item_usage_amount", "pricing_unit", "line_item_unblended_cost",
	"line_item_net_unblended_cost", "line_item_currency_code", "pricing_public_on_demand_cost",
	"line_item_line_item_type", "line_item_usage_account_id", "line_item_resource_id",
	"line_item_iam_principal", "bill_payer_account_id", "bill_billing_period_start_date",
	"bill_invoice_id", "product", "resource_tags", "product_product_name", "product_model",
	"product_region_code", "product_region", "line_item_availability_zone", "line_item_operation",
	"cost_category", "tags"}

// curMap is a CUR header resolved to column indexes.
type curMap struct {
	o        *NativeOptions
	col      map[string]int
	tagCols  []int    // Legacy resourceTags/… columns.
	tagKeys  []string // Their tag keys.
	iamCols  []int    // Legacy iamPrincipal/… columns.
	iamKeys  []string
	ccCols   []int // Legacy costCategory/… columns.
	ccKeys   []string
	maps     map[string]map[string]string // Cached parses of map columns by text.
	meters   map[string]meterCached
	warnedFX bool
}

type meterCached struct {
	m     Meter
	block float64
	ok    bool
}

// curName returns the CUR 2.0 column name of a header: "lineItem/UsageType" →
// "line_item_usage_type", "bill/PayerAccountId" → "bill_payer_account_id".
func curName(h string) string {
	cat, name, ok := strings.Cut(h, "/")
	if !ok {
		return strings.ToLower(h)
	}
	return snake(cat) + "_" + snake(name)
}

// snake converts a camel-case word to snake case.
func snake(s string) string {
	var b strings.Builder
	rs := []rune(s)
	for i, r := range rs {
		if unicode.IsUpper(r) && i > 0 && (unicode.IsLower(rs[i-1]) || unicode.IsDigit(rs[i-1]) ||
			(i+1 < len(rs) && unicode.IsLower(rs[i+1]) && unicode.IsUpper(rs[i-1]))) {
			b.WriteByte('_')
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

func newCURMap(r *record, o *NativeOptions) (*curMap, error) {
	m := &curMap{o: o, col: map[string]int{}, maps: map[string]map[string]string{}, meters: map[string]meterCached{}}
	byName := map[string]int{}
	for i, h := range r.name {
		lower := strings.ToLower(h)
		switch {
		case strings.HasPrefix(lower, "resourcetags/"):
			m.tagCols, m.tagKeys = append(m.tagCols, i), append(m.tagKeys, tagKey(h[len("resourceTags/"):]))
		case strings.HasPrefix(lower, "resource_tags_"): // CUR 2.0 flattened by a query engine.
			m.tagCols, m.tagKeys = append(m.tagCols, i), append(m.tagKeys, tagKey(h[len("resource_tags_"):]))
		case strings.HasPrefix(lower, "iamprincipal/"):
			m.iamCols, m.iamKeys = append(m.iamCols, i), append(m.iamKeys, tagKey(h[len("iamPrincipal/"):]))
		case strings.HasPrefix(lower, "costcategory/"):
			m.ccCols, m.ccKeys = append(m.ccCols, i), append(m.ccKeys, strings.TrimSpace(h[len("costCategory/"):]))
		}
		if _, dup := byName[curName(h)]; !dup {
			byName[curName(h)] = i
		}
	}
	for _, c := range curCols {
		i, ok := byName[c]
		if !ok {
			i = -1
		}
		m.col[c] = i
	}
	for _, c := range []string{"line_item_usage_start_date", "line_item_unblended_cost"} {
		if m.col[c] < 0 {
			return nil, lineError(r.file, 1, c, "required CUR column is missing from the header (lineItem/… in legacy CUR)")
		}
	}
	return m, nil
}

// tagKey strips the "user:" / "user_" prefix AWS puts on user-defined tags.
func tagKey(k string) string {
	k = strings.TrimSpace(k)
	for _, p := range []string{"user:", "user_"} {
		if len(k) > len(p) && strings.EqualFold(k[:len(p)], p) {
			return k[len(p):]
		}
	}
	return k
}

// ReadAWSCUR streams an AWS Cost and Usage Report CSV: CUR 2.0 (Data Exports,
// snake_case columns, product and resource_tags as JSON maps) or legacy CUR
// (lineItem/UsageType headers, one resourceTags/user:… column per tag).
func ReadAWSCUR(file string, r io.Reader, o *NativeOptions, fn LineFunc, warn WarnFunc) error {
	f, err := openCSV(file, r)
	if err != nil {
		return err
	}
	m, err := newCURMap(&f.rec, o)
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

// line maps one CUR record to a cost line.
func (m *curMap) line(r *record, warn WarnFunc) (*cost.LineItem, error) {
	c := func(name string) string { return r.str(m.col[name]) }
	l := &cost.LineItem{CloudProvider: cost.ProviderAWS, Source: SourceAWSCUR, CostSource: cost.SourceBillingExport}
	var err error
	if l.ChargePeriodStart, err = r.time(m.col["line_item_usage_start_date"], true); err != nil {
		return nil, err
	}
	if l.ChargePeriodEnd, err = r.time(m.col["line_item_usage_end_date"], false); err != nil {
		return nil, err
	}
	l.Date = cost.Day(l.ChargePeriodStart)
	product := m.mapCol(r, "product", warn)
	prod := func(key string) string {
		if v := product[key]; v != "" {
			return v
		}
		return c("product_" + key)
	}
	productName := prod("product_name")
	l.Service = productName
	if l.Service == "" {
		l.Service = c("line_item_product_code")
	}
	l.Region = prod("region_code")
	if l.Region == "" {
		l.Region = prod("region")
	}
	l.AccountID = c("line_item_usage_account_id")
	l.ChargeCategory = awsChargeCategory(c("line_item_line_item_type"))
	if err := m.costs(r, l); err != nil {
		return nil, err
	}
	if l.UsageAmount, err = r.float(m.col["line_item_usage_amount"], false); err != nil {
		return nil, err
	}
	l.UsageUnit = c("pricing_unit")
	if m.isAI(c("line_item_product_code"), productName, c("line_item_usage_type")) {
		mc := m.meter(c("line_item_usage_type"), prod("model"), productName)
		setMeter(l, mc.m, mc.block, l.UsageUnit)
	}
	l.Tags = m.tags(r, warn)
	named := l.Tags
	if m.o.customerFromTags(named) == "" {
		named = m.costCategories(r, warn)
	}
	l.CustomerID = m.o.attribute(named, KindPrincipal, c("line_item_iam_principal"),
		KindResource, c("line_item_resource_id"), KindAccount, l.AccountID, KindAccount, c("bill_payer_account_id"))
	period := l.Date
	if p, err := r.time(m.col["bill_billing_period_start_date"], false); err != nil {
		return nil, err
	} else if !p.IsZero() {
		period = p
	}
	payer := c("bill_payer_account_id")
	if payer == "" {
		payer = l.AccountID
	}
	l.SourcePartition = NativePartition(payer, period)
	l.DataStatus = cost.StatusProvisional
	if c("bill_invoice_id") != "" {
		l.DataStatus = cost.StatusFinal
	}
	return l, nil
}

// NativePartition returns the partition key of a native export line: billing
// account and billing-period month ("123456789012/2026-10").
func NativePartition(account string, period time.Time) string {
	return account + "/" + period.Format("2006-01")
}

// costs sets cost (net unblended when the report has it), currency and list cost.
func (m *curMap) costs(r *record, l *cost.LineItem) error {
	i := m.col["line_item_net_unblended_cost"]
	if r.str(i) == "" {
		i = m.col["line_item_unblended_cost"]
	}
	v, err := r.float(i, false)
	if err != nil {
		return err
	}
	list, err := r.optFloat(m.col["pricing_public_on_demand_cost"])
	if err != nil {
		return err
	}
	l.Cost, l.Currency = v, strings.ToUpper(r.str(m.col["line_item_currency_code"]))
	if l.Currency == "" || l.Currency == "USD" {
		l.Currency, l.CostUSD, l.ListCostUSD = "USD", v, list
		return nil
	}
	return nil // No USD figure in a CUR: the ingester converts with its exchange rates, or warns.
}

// isAI reports whether a CUR line may be Bedrock token usage.
func (m *curMap) isAI(productCode, productName, usageType string) bool {
	for _, s := range []string{productCode, productName} {
		if strings.Contains(strings.ToLower(s), "bedrock") {
			return true
		}
	}
	return strings.Contains(strings.ToLower(usageType), "token")
}

// meter normalises a usage type, through the cache.
func (m *curMap) meter(usageType, model, productName string) meterCached {
	key := usageType + "\x00" + model + "\x00" + productName
	if mc, ok := m.meters[key]; ok {
		return mc
	}
	var mc meterCached
	mc.m, mc.block, mc.ok = m.o.Mapping.NormalizeMeter(cost.ProviderAWS, usageType, model, productName)
	if len(m.meters) < cacheLimit {
		m.meters[key] = mc
	}
	return mc
}

// mapCol parses a CUR 2.0 map column (JSON text), through the cache.
func (m *curMap) mapCol(r *record, name string, warn WarnFunc) map[string]string {
	s := r.str(m.col[name])
	if s == "" {
		return nil
	}
	key := name + "\x00" + s
	if v, ok := m.maps[key]; ok {
		return v
	}
	bad := false
	v := parseTags(s, func(error) {
		bad = true
		warn(fmt.Sprintf("%s: column %q is not a JSON map on some lines; it is ignored there", r.file, name))
	})
	if (name == "resource_tags" || name == "tags") && len(v) > 0 {
		stripped := make(map[string]string, len(v))
		for k, val := range v {
			stripped[tagKey(k)] = val
		}
		v = stripped
	}
	if !bad && len(m.maps) < cacheLimit {
		m.maps[key] = v
	}
	return v
}

// tags returns a line's tags: resource_tags (CUR 2.0) or resourceTags/… columns
// (legacy), user prefixes stripped, then CUR 2.0's tags column (which holds the
// resource tags too) and IAM principal tags where absent.
func (m *curMap) tags(r *record, warn WarnFunc) map[string]string {
	src := m.mapCol(r, "resource_tags", warn)
	all := m.mapCol(r, "tags", warn)
	if len(m.tagCols) == 0 && len(m.iamCols) == 0 && len(all) == 0 {
		return src // Shared through the cache; nobody modifies it.
	}
	var tags map[string]string
	set := func(k, v string) {
		if v == "" || tags[k] != "" {
			return
		}
		if tags == nil {
			tags = map[string]string{}
		}
		tags[k] = v
	}
	for k, v := range src {
		set(k, v)
	}
	for j, i := range m.tagCols {
		set(m.tagKeys[j], r.str(i))
	}
	for k, v := range all {
		set(k, v)
	}
	for j, i := range m.iamCols {
		set(m.iamKeys[j], r.str(i))
	}
	return tags
}

// costCategories returns a line's cost category values by category name:
// cost_category (CUR 2.0) or costCategory/… columns (legacy).
func (m *curMap) costCategories(r *record, warn WarnFunc) map[string]string {
	src := m.mapCol(r, "cost_category", warn)
	if len(m.ccCols) == 0 {
		return src
	}
	cc := make(map[string]string, len(src)+len(m.ccCols))
	for k, v := range src {
		cc[k] = v
	}
	for j, i := range m.ccCols {
		if v := r.str(i); v != "" {
			cc[m.ccKeys[j]] = v
		}
	}
	return cc
}

// awsChargeCategory maps a CUR line item type to a FOCUS charge category.
func awsChargeCategory(t string) string {
	switch t {
	case "Usage", "DiscountedUsage", "SavingsPlanCoveredUsage":
		return "Usage"
	case "Tax":
		return "Tax"
	case "Credit", "Refund", "BundledDiscount", "Discount", "EdpDiscount", "PrivateRateDiscount",
		"SavingsPlanNegation", "DistributorDiscount":
		return "Credit"
	case "Fee", "RIFee", "SavingsPlanRecurringFee", "SavingsPlanUpfrontFee":
		return "Purchase"
	}
	return t
}
