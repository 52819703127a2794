package billing_test

import (
	"testing"

	"github.com/llmcost/llmcost/internal/cost"
)

// Each row is one CUR line (2 units of "1K tokens" costing 1 USD) with the
// normalisation worked out by hand from the usage type and columns.
func TestReadAWSCURRows(t *testing.T) {
	tests := []struct {
		name, cols, vals string
		want             want
	}{
		// Cost categories (CUR 2.0 map, legacy costCategory/… columns) name the
		// customer when no resource tag does.
		{"cost category", "line_item_product_code,line_item_usage_type,cost_category",
			`AmazonBedrock,USE1-NovaPro-input-tokens,"{""customer"":""acme""}"`,
			want{"nova-pro", "input", "standard", 2000, 1, "acme"}},
		{"legacy cost category", "lineItem/ProductCode,lineItem/UsageType,costCategory/Customer",
			"AmazonBedrock,USE1-NovaPro-output-tokens,acme",
			want{"nova-pro", "output", "standard", 2000, 1, "acme"}},
		{"resource tag over cost category", "line_item_product_code,line_item_usage_type,resource_tags,cost_category",
			`AmazonBedrock,USE1-NovaPro-input-tokens,"{""user_customer_id"":""globex""}","{""customer"":""acme""}"`,
			want{"nova-pro", "input", "standard", 2000, 1, "globex"}},
		{"cost category without customer", "line_item_product_code,line_item_usage_type,cost_category,line_item_usage_account_id",
			`AmazonBedrock,USE1-NovaPro-input-tokens,"{""team"":""search""}",222222222222`,
			want{"nova-pro", "input", "standard", 2000, 1, "hooli"}},
		// CUR 2.0's tags column holds the resource tags too, when resource_tags is not exported.
		{"tags column", "line_item_product_code,line_item_usage_type,tags",
			`AmazonBedrock,USE1-NovaPro-input-tokens,"{""user_customer_id"":""acme"",""aws_createdBy"":""x""}"`,
			want{"nova-pro", "input", "standard", 2000, 1, "acme"}},
		{"resource_tags and tags", "line_item_product_code,line_item_usage_type,tags,resource_tags",
			`AmazonBedrock,USE1-NovaPro-input-tokens,"{""user_team"":""search""}","{""user_customer_id"":""globex""}"`,
			want{"nova-pro", "input", "standard", 2000, 1, "globex"}},
		// Tiers and cache variants read from the right of the usage type.
		{"priority", "line_item_product_code,line_item_usage_type", "AmazonBedrock,USE1-Claude4.5Sonnet-input-tokens-priority",
			want{"claude-sonnet-4-5", "input", "priority", 2000, 1, ""}},
		{"flex", "line_item_product_code,line_item_usage_type", "AmazonBedrock,USE1-NovaPro-output-tokens-flex",
			want{"nova-pro", "output", "flex", 2000, 1, ""}},
		{"marketplace cache write global", "line_item_product_code,line_item_usage_type,pricing_unit,product",
			`prod-x,USE1-MP:USE1_CacheWriteInputTokenCount_Global-Units,Units,"{""product_name"":""Claude 3.5 Sonnet (Amazon Bedrock Edition)""}"`,
			want{"claude-3-5-sonnet", "cache_write", "standard", 2, 1, ""}},
		// A model key spelt in camel case, with a hyphen inside it.
		{"DeepSeek", "line_item_product_code,line_item_usage_type", "AmazonBedrock,USE1-DeepSeek-R1-output-tokens",
			want{"deepseek-r1", "output", "standard", 2000, 1, ""}},
		{"DeepSeek V3", "line_item_product_code,line_item_usage_type", "AmazonBedrock,USE1-DeepSeekV3-input-tokens",
			want{"deepseek-v3", "input", "standard", 2000, 1, ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkLines(t, []cost.LineItem{curRow(t, tt.cols, tt.vals)}, []want{tt.want})
		})
	}
}
