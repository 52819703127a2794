package billing

import (
	"encoding/json"
	"io"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

// Mapping is the user's extension of the native-export normalisation: meter
// rules tried before the built-in parser, and customer rules that attribute
// accounts, projects, subscriptions, principals or resources to customers when
// no tag names one. It is read from a JSON file:
//
//	{"meters": [{"provider": "Azure", "match": "^ft-gpt-4o-acme (inp|input)",
//	             "model": "gpt-4o", "token_type": "input", "tier": "standard"}],
//	 "customers": [{"kind": "project", "value": "acme-prod", "customer": "acme"}]}
type Mapping struct {
	Meters    []MeterRule    `json:"meters"`
	Customers []CustomerRule `json:"customers"`

	customers map[string]string // kind \x00 lower(value) → customer.
}

// MeterRule maps meter texts matching a case-insensitive regular expression to a
// model, token type and tier. An empty token type marks the meter as not tokens.
type MeterRule struct {
	Provider  string `json:"provider"` // AWS, GCP, Azure; "" for any.
	Match     string `json:"match"`
	Model     string `json:"model"`
	TokenType string `json:"token_type"`
	Tier      string `json:"tier"`
	// TokensPerUnit overrides the unit's block size (e.g. 1000 when usage counts 1K tokens).
	TokensPerUnit float64 `json:"tokens_per_unit"`

	re *regexp.Regexp
}

// Customer rule kinds: what a CustomerRule's value is compared with.
const (
	KindAccount       = "account"        // AWS usage or payer account, GCP billing account, Azure billing account.
	KindProject       = "project"        // GCP project id.
	KindSubscription  = "subscription"   // Azure subscription id.
	KindResourceGroup = "resource_group" // Azure resource group.
	KindPrincipal     = "principal"      // AWS line_item_iam_principal ARN.
	KindResource      = "resource"       // Resource id or ARN (e.g. an application inference profile).
)

var customerKinds = []string{KindAccount, KindProject, KindSubscription, KindResourceGroup, KindPrincipal, KindResource}

// CustomerRule attributes lines whose Kind identifier equals Value (case-insensitive) to Customer.
type CustomerRule struct {
	Kind     string `json:"kind"`
	Value    string `json:"value"`
	Customer string `json:"customer"`
}

// LoadMapping reads a mapping file; "" returns nil (built-in rules only).
func LoadMapping(path string) (*Mapping, error) {
	if path == "" {
		return nil, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, cost.Errorf(cost.CodeInvalid, "mapping file: %v", err)
	}
	defer f.Close()
	return ParseMapping(path, f)
}

// ParseMapping reads and checks a mapping file's JSON.
func ParseMapping(file string, r io.Reader) (*Mapping, error) {
	m := &Mapping{}
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(m); err != nil {
		return nil, lineError(file, 0, "", "not a mapping file: %v", err)
	}
	if err := m.compile(file); err != nil {
		return nil, err
	}
	return m, nil
}

func (m *Mapping) compile(file string) error {
	for i := range m.Meters {
		r := &m.Meters[i]
		re, err := regexp.Compile("(?i)" + r.Match)
		if err != nil || r.Match == "" {
			return lineError(file, 0, "", "meters[%d].match: %q is not a regular expression", i, r.Match)
		}
		r.re = re
		if r.TokenType != "" && !isTokenType(r.TokenType) {
			return lineError(file, 0, "", "meters[%d].token_type: %q is not one of %s", i, r.TokenType,
				strings.Join(cost.TokenTypes, ", "))
		}
		r.Model = CanonicalModel(r.Model)
	}
	m.customers = map[string]string{}
	for i, c := range m.Customers {
		if !isKind(c.Kind) || c.Value == "" || c.Customer == "" {
			return lineError(file, 0, "", "customers[%d]: kind must be one of %s, with a value and a customer",
				i, strings.Join(customerKinds, ", "))
		}
		m.customers[c.Kind+"\x00"+strings.ToLower(strings.TrimSpace(c.Value))] = c.Customer
	}
	return nil
}

func isTokenType(s string) bool {
	for _, t := range cost.TokenTypes {
		if s == t {
			return true
		}
	}
	return false
}

func isKind(s string) bool {
	for _, k := range customerKinds {
		if s == k {
			return true
		}
	}
	return false
}

// meterRule returns the first user rule matching a provider's meter text.
func (m *Mapping) meterRule(provider, text string) *MeterRule {
	if m == nil {
		return nil
	}
	for i := range m.Meters {
		r := &m.Meters[i]
		if (r.Provider == "" || strings.EqualFold(r.Provider, provider)) && r.re.MatchString(text) {
			return r
		}
	}
	return nil
}

// customer returns the customer a rule gives an identifier of a kind, or "".
func (m *Mapping) customer(kind, value string) string {
	if m == nil || value == "" {
		return ""
	}
	return m.customers[kind+"\x00"+strings.ToLower(strings.TrimSpace(value))]
}

// AccountCustomer returns the customer the mapping's customer rules give a line
// of provider by its account and project: the subscription (Azure), the
// project (GCP) or the account (AWS and others). It serves lines of formats
// whose readers take no mapping (FOCUS, unified); "" when no rule matches.
func (m *Mapping) AccountCustomer(provider, account, project string) string {
	if m == nil {
		return ""
	}
	var tries [][2]string
	switch provider {
	case cost.ProviderAzure:
		tries = [][2]string{{KindSubscription, account}, {KindAccount, account}}
	case cost.ProviderGCP:
		tries = [][2]string{{KindProject, project}, {KindProject, account}, {KindAccount, account}}
	default:
		tries = [][2]string{{KindAccount, account}}
	}
	for _, t := range tries {
		if c := m.customer(t[0], t[1]); c != "" {
			return c
		}
	}
	return ""
}

// NativeOptions configure the native export readers (aws-cur, gcp-billing, azure-cost).
type NativeOptions struct {
	Mapping *Mapping // nil = built-in rules only.
	// CustomerKeys are the tag or label keys, in order, whose value names a line's
	// customer (matched case-insensitively). Default customer_id, customer, tenant.
	CustomerKeys []string
	// Now decides which billing months are still open; zero = time.Now.
	Now time.Time
}

var defaultCustomerKeys = []string{"customer_id", "customer", "tenant"}

// customerFromTags returns the first non-empty tag value for the customer keys.
func (o *NativeOptions) customerFromTags(tags map[string]string) string {
	if len(tags) == 0 {
		return ""
	}
	keys := o.CustomerKeys
	if len(keys) == 0 {
		keys = defaultCustomerKeys
	}
	for _, k := range keys {
		if v := strings.TrimSpace(tags[k]); v != "" {
			return v
		}
		for tk, v := range tags {
			if strings.EqualFold(strings.TrimSpace(tk), k) && strings.TrimSpace(v) != "" {
				return strings.TrimSpace(v)
			}
		}
	}
	return ""
}

// attribute returns the customer of a line: from its tags, else from the first
// identifier (kind, value pairs in order) a customer rule names.
func (o *NativeOptions) attribute(tags map[string]string, ids ...string) string {
	if c := o.customerFromTags(tags); c != "" {
		return c
	}
	for i := 0; i+1 < len(ids); i += 2 {
		if c := o.Mapping.customer(ids[i], ids[i+1]); c != "" {
			return c
		}
	}
	return ""
}

// month returns the number of a time's month, for open/closed comparisons.
func month(t time.Time) int { return t.Year()*12 + int(t.Month()) }

// statusByMonth returns provisional while the billing month is open, else final.
func (o *NativeOptions) statusByMonth(period time.Time) string {
	now := o.Now
	if now.IsZero() {
		now = time.Now()
	}
	if month(period) >= month(now.UTC()) {
		return cost.StatusProvisional
	}
	return cost.StatusFinal
}

var (
	// reNotTokens matches meters billed by time, storage or capacity, not tokens,
	// even when they mention caching or output ("Caching Storage", "Provisioned
	// Managed Unit", "Data Transfer Out").
	reNotTokens = regexp.MustCompile(`(?i)storage|\bhours?\b|provisioned|managed unit|throughput|` +
		`data transfer|\bgb\b|video|image generation|records`)
	// reLongContext matches long-context SKU variants ("Text Input (Long)").
	reLongContext = regexp.MustCompile(`(?i)\(long\)|long context|long-context|\blong (input|output)\b|>\s*200k`)
	reTokens      = regexp.MustCompile(`(?i)\btokens?\b`)
)

// NormalizeMeter reads (model, token type, tier) from a provider's meter text:
// the mapping's rules first, then ParseMeter. ok is false for a non-token meter.
// Meters naming a direction but no model take the model named by hints (an AWS
// product name such as "Claude 3 Haiku (Amazon Bedrock Edition)", a product model
// label). block is the tokens per usage unit a rule sets, or 0.
func (m *Mapping) NormalizeMeter(provider, text string, hints ...string) (meter Meter, block float64, ok bool) {
	if r := m.meterRule(provider, text); r != nil {
		return Meter{Model: r.Model, TokenType: r.TokenType, Tier: r.Tier}, r.TokensPerUnit, r.TokenType != ""
	}
	if reNotTokens.MatchString(text) {
		return Meter{}, 0, false
	}
	meter, ok = ParseMeter(text)
	if !ok {
		// A token meter without a direction ("text-embedding-3-large Tokens") counts input.
		if reTokens.MatchString(text) {
			model := CanonicalModel(reTokens.ReplaceAllString(text, ""))
			if !KnownFamily(model) {
				model = FindModel(text)
			}
			if model != "" {
				return Meter{Model: model, TokenType: cost.TokenInput}, 0, true
			}
		}
		return Meter{}, 0, false
	}
	if meter.Tier == "" && reLongContext.MatchString(text) {
		meter.Tier = "long_context"
	}
	for _, h := range hints {
		if meter.Model != "" {
			break
		}
		meter.Model = FindModel(h)
	}
	return meter, 0, true
}

// setMeter sets a line's model, token type and tier, and converts its usage to
// tokens (amount × the unit's block size) when the meter counts tokens.
func setMeter(l *cost.LineItem, meter Meter, block float64, unitTexts ...string) {
	l.Model, l.ModelFamily, l.TokenType = meter.Model, cost.ModelFamily(meter.Model), meter.TokenType
	l.PricingTier = meter.Tier
	if l.TokenType == "" {
		return
	}
	if l.PricingTier == "" {
		l.PricingTier = "standard"
	}
	if block == 0 {
		block = 1
		for _, u := range unitTexts {
			if b := unitBlock(u); b != 1 {
				block = b
				break
			}
		}
	}
	l.UsageAmount, l.UsageUnit = l.UsageAmount*block, "tokens"
}

var reBlock = regexp.MustCompile(`(?i)(?:^|[^0-9.])(1|10|100)\s*([km])(?:\s*tokens?)?\b`)

// unitBlock returns the tokens in one unit of a unit text ("1K tokens", "1M",
// "10K", a meter "o3 Inpt DZone 1M Tokens"), or 1.
func unitBlock(unit string) float64 {
	if b := tokenBlock(unit); b != 1 {
		return b
	}
	mm := reBlock.FindStringSubmatch(unit)
	if mm == nil {
		return 1
	}
	n := map[string]float64{"1": 1, "10": 10, "100": 100}[mm[1]]
	if strings.EqualFold(mm[2], "k") {
		return n * 1e3
	}
	return n * 1e6
}
