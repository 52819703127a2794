package billing_test

import (
	"encoding/csv"
	"os"
	"strings"
	"testing"

	"github.com/llmcost/llmcost/internal/billing"
	"github.com/llmcost/llmcost/internal/cost"
)

const observedValues = "../../../shared/data/native-llm-billing-examples/observed_values.csv"

// observedMeters is the expected normalisation of every meter text in the
// observed values (the " / sku id" suffix removed); a zero Meter is a non-token meter.
var observedMeters = map[string]billing.Meter{
	"EUW2-Mistral7B-input-tokens":                                 {"mistral-7b", "input", "standard"},
	"EUW2-Mistral7B-output-tokens":                                {"mistral-7b", "output", "standard"},
	"EUW2-MistralLarge-input-tokens":                              {"mistral-large", "input", "standard"},
	"EUW2-Mixtral8x7B-output-tokens":                              {"mixtral-8x7b", "output", "standard"},
	"EUW2-NovaLite-input-tokens":                                  {"nova-lite", "input", "standard"},
	"EUW2-NovaMicro-output-tokens":                                {"nova-micro", "output", "standard"},
	"EUW2-NovaPro-output-tokens":                                  {"nova-pro", "output", "standard"},
	"EU-Qwen3-32B-input-tokens-batch":                             {"qwen-3-32b", "input", "batch"},
	"EUW2-Qwen3Coder-30B-A3B-output-tokens":                       {"qwen-3-coder-30b-a3b", "output", "standard"},
	"EUW2-Qwen3-VL-235B-A22B-input-tokens":                        {"qwen-3-vl-235b-a22b", "input", "standard"},
	"USE1-Claude4.6Sonnet-input-tokens":                           {"claude-sonnet-4-6", "input", "standard"},
	"USE1-Claude4.6Opus-output-tokens":                            {"claude-opus-4-6", "output", "standard"},
	"USW2-MP:USW2_InputTokenCount-Units":                          {"claude-3-haiku", "input", "standard"},
	"USE1-MP:USE1_OutputTokenCount-Units":                         {"claude-3-haiku", "output", "standard"},
	"USE1-Claude4Sonnet-input-tokens-cross-region-global":         {"claude-sonnet-4", "input", "standard"},
	"USE1-Llama4-Maverick-17B-input-tokens-batch":                 {"llama-4-maverick-17b", "input", "batch"},
	"Gemini 2.5 Flash GA Text Input - Predictions":                {"gemini-2.5-flash", "input", "standard"},
	"Gemini 2.5 Flash GA Input Text Caching":                      {"gemini-2.5-flash", "cache_read", "standard"},
	"Gemini 2.5 Flash GA Text Output (Thinking On) - Predictions": {"gemini-2.5-flash", "output", "standard"},
	"Gemini 2.5 Pro Text Input - Predictions":                     {"gemini-2.5-pro", "input", "standard"},
	"Gemini 2.5 Pro Text Output - Predictions":                    {"gemini-2.5-pro", "output", "standard"},
	"Gemini 2.5 Pro Thinking Text Output - Predictions":           {"gemini-2.5-pro", "reasoning", "standard"},
	"Gemini 2.5 Pro Input Text Caching":                           {"gemini-2.5-pro", "cache_read", "standard"},
	"Gemini 3.0 Pro Text Input - Predictions":                     {"gemini-3-pro", "input", "standard"},
	"Gemini 2.0 Flash Text Input (Long) - Predictions":            {"gemini-2.0-flash", "input", "long_context"},
	"Gemini 2.5 Flash Lite Text Input":                            {"gemini-2.5-flash-lite", "input", "standard"},
	"gpt 4o 0513 Input global Tokens":                             {"gpt-4o", "input", "standard"},
	"gpt 4o 0513 Output global Tokens":                            {"gpt-4o", "output", "standard"},
	"gpt-4o-mini-0718-Inp-glbl Tokens":                            {"gpt-4o-mini", "input", "standard"},
	"gpt-4o-mini-0718-Outp-glbl Tokens":                           {"gpt-4o-mini", "output", "standard"},
	"R1 Inp glbl Tokens":                                          {"deepseek-r1", "input", "standard"},
	"Standard Text Records":                                       {},
	"gpt 4o 1120 cached Inp glbl Tokens":                          {"gpt-4o", "cache_read", "standard"},
}

// observedModels is the expected model of product labels and names.
var observedModels = map[string]string{
	"Mistral 7B":          "mistral-7b",
	"Qwen3 Coder 30B A3B": "qwen-3-coder-30b-a3b",
	"Claude 3 Haiku (Amazon Bedrock Edition)": "claude-3-haiku",
}

var meterFields = map[string]bool{"line_item_usage_type": true, "usagetype": true, "sku.description / sku.id": true,
	"sku.description": true, "MeterName": true, "MeterSubCategory": true, "meterName": true}

// observedChecks check the non-meter observed values by reading a one-row export
// that carries the value.
var observedChecks = map[string]func(t *testing.T, v string){
	"line_item_product_code": func(t *testing.T, v string) {
		l := curRow(t, "line_item_product_code,line_item_usage_type", v+",USE1-Claude3Sonnet-input-tokens")
		wantLine(t, l, "claude-3-sonnet", cost.TokenInput, 2000, "")
	},
	"product['model'] (legacy: product/model)": func(t *testing.T, v string) {
		l := curRow(t, "line_item_product_code,line_item_usage_type,product", `AmazonBedrock,EUW2-XYZ-input-tokens,"{""model"":""`+v+`""}"`)
		wantLine(t, l, observedModels[v], cost.TokenInput, 2000, "")
	},
	"product['product_name']": func(t *testing.T, v string) {
		l := curRow(t, "line_item_product_code,line_item_usage_type,product", `prod-x,USW2-MP:USW2_InputTokenCount-Units,"{""product_name"":""`+v+`""}"`)
		wantLine(t, l, observedModels[v], cost.TokenInput, 2000, "")
	},
	"line_item_iam_principal": func(t *testing.T, v string) {
		l := curRow(t, "line_item_product_code,line_item_usage_type,line_item_iam_principal", "AmazonBedrock,USE1-Claude3Sonnet-input-tokens,"+v)
		wantLine(t, l, "claude-3-sonnet", cost.TokenInput, 2000, "globex")
	},
	"priceDimensions.unit": func(t *testing.T, v string) {
		l := curRow(t, "line_item_product_code,line_item_usage_type,pricing_unit", "AmazonBedrock,USE1-Claude3Sonnet-input-tokens,"+v)
		wantLine(t, l, "claude-3-sonnet", cost.TokenInput, 2000, "")
		l = curRow(t, "line_item_product_code,line_item_usage_type,pricing_unit", "AmazonBedrock,USE1-Claude3Sonnet-input-tokens,1M tokens")
		wantLine(t, l, "claude-3-sonnet", cost.TokenInput, 2e6, "")
	},
	"resource_tags / line_item_resource_id": func(t *testing.T, v string) {
		arn := strings.NewReplacer("<region>", "us-east-1", "<acct>", "111111111111", "<id>", "prof2").Replace(v)
		l := curRow(t, "line_item_product_code,line_item_usage_type,line_item_resource_id", "AmazonBedrock,USE1-Claude3Sonnet-input-tokens,"+arn)
		wantLine(t, l, "claude-3-sonnet", cost.TokenInput, 2000, "umbrella")
		l = curRow(t, "line_item_product_code,line_item_usage_type,resource_tags", `AmazonBedrock,USE1-Claude3Sonnet-input-tokens,"{""user_customer_id"":""acme""}"`)
		wantLine(t, l, "claude-3-sonnet", cost.TokenInput, 2000, "acme")
	},
	"service.description / service.id": func(t *testing.T, v string) {
		desc, id, _ := strings.Cut(v, " / ")
		l := gcpRow(t, `"service":{"id":"`+id+`","description":"`+desc+`"},"sku":{"description":"Gemini 2.5 Pro Text Input"}`)
		wantLine(t, l, "gemini-2.5-pro", cost.TokenInput, 1000, "")
	},
	"service.description": func(t *testing.T, v string) {
		l := gcpRow(t, `"service":{"description":"`+v+`"},"sku":{"description":"Gemini 2.5 Flash Lite Text Input"}`)
		wantLine(t, l, "gemini-2.5-flash-lite", cost.TokenInput, 1000, "")
	},
	"usage.unit": func(t *testing.T, v string) {
		l := gcpRow(t, `"service":{"description":"Vertex AI"},"sku":{"description":"Gemini 2.5 Pro Text Input"},"usage":{"amount":1065040,"unit":"`+v+`"}`)
		wantLine(t, l, "gemini-2.5-pro", cost.TokenInput, 1065040, "")
	},
	"credits[].type": func(t *testing.T, v string) {
		l := gcpRow(t, `"service":{"description":"Compute Engine"},"sku":{"description":"N1 Core"},"credits":[{"amount":-0.25,"type":"`+v+`"}]`)
		if l.CostUSD != 0.75 || l.TokenType != "" {
			t.Errorf("net cost %v, token type %q; want 0.75 and none", l.CostUSD, l.TokenType)
		}
	},
	"labels": func(t *testing.T, v string) {
		l := gcpRow(t, `"service":{"description":"Vertex AI"},"sku":{"description":"Gemini 2.5 Pro Text Input"},"labels":[{"key":"team","value":"x"},{"key":"customer_id","value":"acme"}]`)
		wantLine(t, l, "gemini-2.5-pro", cost.TokenInput, 1000, "acme")
		if l.Tags["team"] != "x" {
			t.Errorf("tags %v", l.Tags)
		}
	},
	"serviceName / productName": func(t *testing.T, v string) {
		svc, prod, _ := strings.Cut(v, " / ")
		l := azureRow(t, "ServiceName,ProductName,MeterName,UnitOfMeasure", svc+","+prod+",gpt 4o 0513 Input global Tokens,1K")
		wantLine(t, l, "gpt-4o", cost.TokenInput, 2000, "")
	},
	"unitOfMeasure": func(t *testing.T, v string) {
		l := azureRow(t, "MeterCategory,MeterName,UnitOfMeasure", "Azure OpenAI,gpt 4o 0513 Input global Tokens,1K")
		wantLine(t, l, "gpt-4o", cost.TokenInput, 2000, "")
		l = azureRow(t, "MeterCategory,MeterName,UnitOfMeasure", "Azure OpenAI,o3 Inpt DZone 1M Tokens,1M")
		wantLine(t, l, "o3", cost.TokenInput, 2e6, "")
	},
	"ResourceId": func(t *testing.T, v string) {
		l := azureRow(t, "MeterCategory,MeterName,UnitOfMeasure,ResourceId,SubscriptionId", "Azure OpenAI,R1 Inp glbl Tokens,1K,"+v+",sub-a")
		wantLine(t, l, "deepseek-r1", cost.TokenInput, 2000, "contoso")
	},
}

func TestObservedValues(t *testing.T) {
	f, err := os.Open(observedValues)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	provider := map[string]string{"aws": cost.ProviderAWS, "gcp": cost.ProviderGCP, "azure": cost.ProviderAzure}
	m := testOptions(t).Mapping
	for i, r := range rows[1:] {
		field, value := r[2], r[3]
		t.Run(field+"="+value, func(t *testing.T) {
			if meterFields[field] {
				text, _, _ := strings.Cut(value, " / ")
				want, ok := observedMeters[text]
				if !ok {
					t.Fatalf("row %d: no expectation for meter %q", i+2, text)
				}
				hint := ""
				if strings.Contains(text, "MP:") {
					hint = "Claude 3 Haiku (Amazon Bedrock Edition)"
				}
				got, _, isToken := m.NormalizeMeter(provider[r[0]], text, hint)
				if isToken && got.Tier == "" {
					got.Tier = "standard"
				}
				if got != want || isToken != (want.TokenType != "") {
					t.Errorf("NormalizeMeter(%q) = %+v, %v; want %+v", text, got, isToken, want)
				}
				return
			}
			check, ok := observedChecks[field]
			if !ok {
				t.Fatalf("row %d: no check for field %q", i+2, field)
			}
			check(t, value)
		})
	}
}

// curRow reads a one-row CUR 2.0 CSV: the given columns plus a start date and
// 2 units of usage costing 1 USD.
func curRow(t *testing.T, cols, vals string) cost.LineItem {
	t.Helper()
	doc := "line_item_usage_start_date,line_item_usage_amount,line_item_unblended_cost,pricing_unit," + cols + "\n" +
		"2026-09-01T00:00:00Z,2,1,1K tokens," + vals + "\n"
	if strings.Contains(cols, "pricing_unit") {
		doc = strings.Replace(doc, "pricing_unit,", "", 1)
		doc = strings.Replace(doc, "1K tokens,", "", 1)
	}
	return readOne(t, billing.ReadAWSCUR, doc)
}

// gcpRow reads one export row with the given JSON fields, 1000 units of usage
// and a cost of 1 USD.
func gcpRow(t *testing.T, fields string) cost.LineItem {
	t.Helper()
	doc := `{"billing_account_id":"B","usage_start_time":"2026-09-01 00:00:00 UTC","cost":1,"currency":"USD",` +
		`"usage":{"amount":1000,"unit":"requests"},"invoice":{"month":"202609"},` + fields + "}\n"
	if strings.Contains(fields, `"usage"`) {
		doc = strings.Replace(doc, `"usage":{"amount":1000,"unit":"requests"},`, "", 1)
	}
	return readOne(t, billing.ReadGCPBilling, doc)
}

// azureRow reads a one-row cost details CSV with 2 units costing 1 USD.
func azureRow(t *testing.T, cols, vals string) cost.LineItem {
	t.Helper()
	doc := "\ufeffDate,Quantity,Cost,BillingCurrency," + cols + "\n9/2/2026,2,1,USD," + vals + "\n"
	return readOne(t, billing.ReadAzureCost, doc)
}

func readOne(t *testing.T, read nativeReader, doc string) cost.LineItem {
	t.Helper()
	var got []cost.LineItem
	err := read("row.csv", strings.NewReader(doc), testOptions(t), func(l *cost.LineItem) error {
		got = append(got, *l)
		return nil
	}, func(string) {})
	if err != nil || len(got) != 1 {
		t.Fatalf("read %q: %d lines, %v", doc, len(got), err)
	}
	return got[0]
}

func wantLine(t *testing.T, l cost.LineItem, model, tokenType string, tokens float64, customer string) {
	t.Helper()
	if l.Model != model || l.TokenType != tokenType || !near(l.UsageAmount, tokens) || l.CustomerID != customer {
		t.Errorf("got model %q, token type %q, usage %v, customer %q; want %q, %q, %v, %q",
			l.Model, l.TokenType, l.UsageAmount, l.CustomerID, model, tokenType, tokens, customer)
	}
}
