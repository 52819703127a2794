package demo

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

// FocusHeader is the header of the FOCUS 1.2 CSV WriteFile writes.
var FocusHeader = []string{"BilledCost", "BillingAccountId", "BillingAccountName", "BillingCurrency",
	"BillingPeriodEnd", "BillingPeriodStart", "ChargeCategory", "ChargeClass", "ChargeDescription",
	"ChargeFrequency", "ChargePeriodEnd", "ChargePeriodStart", "ConsumedQuantity", "ConsumedUnit",
	"ContractedCost", "EffectiveCost", "InvoiceIssuerName", "ListCost", "ListUnitPrice",
	"PricingCategory", "PricingQuantity", "PricingUnit", "ProviderName", "PublisherName", "RegionId",
	"RegionName", "ResourceId", "ServiceCategory", "ServiceName", "SkuId", "SkuMeter", "SkuPriceId",
	"SubAccountId", "SubAccountName", "Tags"}

// tokenMeter names each token type in FOCUS SkuMeter values ("gpt-4o Input Tokens").
var tokenMeter = map[string]string{
	cost.TokenInput:      "Input Tokens",
	cost.TokenOutput:     "Output Tokens",
	cost.TokenCacheRead:  "Cache Read Tokens",
	cost.TokenCacheWrite: "Cache Write Tokens",
	cost.TokenReasoning:  "Reasoning Tokens",
}

func writeFocus(w io.Writer, d *Dataset) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(FocusHeader); err != nil {
		return err
	}
	for i := range d.Lines {
		rec, err := focusRecord(&d.Lines[i])
		if err != nil {
			return err
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("demo: write focus: %w", err)
	}
	return nil
}

func focusRecord(l *cost.LineItem) ([]string, error) {
	cl := cloudOf(l.CloudProvider)
	tags, err := json.Marshal(l.Tags)
	if err != nil {
		return nil, err
	}
	meter, unit, sku := focusMeter(l)
	price := ""
	if l.UsageAmount > 0 {
		price = formatFloat(l.CostUSD / l.UsageAmount)
	}
	c, list := formatFloat(l.CostUSD), listCost(l)
	month := cost.MonthStart(l.Date)
	return []string{c, cl.BillingAccount, "Demo Organisation", "USD",
		rfc3339(month.AddDate(0, 1, 0)), rfc3339(month), "Usage", "", meter + " (" + l.Service + ")",
		"Usage-Based", rfc3339(l.Date.AddDate(0, 0, 1)), rfc3339(l.Date), formatFloat(l.UsageAmount), unit,
		c, c, cl.FocusPublisher, list, price,
		"Standard", formatFloat(l.UsageAmount), unit, cl.FocusProvider, cl.FocusPublisher, l.Region,
		cl.RegionName, resourceID(cl, l), "AI and Machine Learning", l.Service, sku, meter, sku + "-" + l.PricingTier,
		l.AccountID, l.Project, string(tags)}, nil
}

// focusMeter returns the SkuMeter, consumed unit and SkuId of a line.
func focusMeter(l *cost.LineItem) (meter, unit, sku string) {
	if l.IsTokenLine() {
		meter, unit = l.Model+" "+tokenMeter[l.TokenType], "Tokens"
	} else {
		if unit = l.UsageUnit; unit != "" {
			unit = strings.ToUpper(unit[:1]) + unit[1:]
		}
		meter = l.Model + " Provisioned Throughput"
		if l.PricingTier != "provisioned" {
			meter = l.Model + " Hosting"
		}
	}
	sku = strings.ToUpper(strings.NewReplacer(" ", "-", ".", "").Replace(meter))
	return meter, unit, sku
}

func listCost(l *cost.LineItem) string {
	if l.ListCostUSD == nil {
		return formatFloat(l.CostUSD)
	}
	return formatFloat(*l.ListCostUSD)
}

func resourceID(cl *cloud, l *cost.LineItem) string {
	switch cl {
	case aws:
		return "arn:aws:bedrock:" + l.Region + "::foundation-model/" + l.Model
	case azure:
		return "/subscriptions/" + l.AccountID + "/resourceGroups/" + l.Project + "/deployments/" + l.Model
	}
	return "projects/" + l.Project + "/locations/" + l.Region + "/publishers/google/models/" + l.Model
}

func cloudOf(provider string) *cloud {
	for _, c := range clouds {
		if c.Name == provider {
			return c
		}
	}
	return &cloud{Name: provider, FocusProvider: provider, FocusPublisher: provider}
}

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }
