package demo

import "github.com/llmcost/llmcost/internal/cost"

// cloud is one provider account the demo organisation buys LLM tokens from.
type cloud struct {
	Name           string // cloud_provider.
	Service        string
	Key            string // Lower-case name used in partition keys and event ids.
	BillingAccount string
	Account        string // account_id: AWS account, GCP project id, Azure subscription.
	Project        string
	Region         string
	RegionName     string
	FocusProvider  string // FOCUS ProviderName.
	FocusPublisher string
}

var (
	aws = &cloud{Name: cost.ProviderAWS, Service: "Amazon Bedrock", Key: "aws",
		BillingAccount: "999988887777", Account: "123456789012", Project: "bedrock-prod",
		Region: "us-east-1", RegionName: "US East (N. Virginia)",
		FocusProvider: "AWS", FocusPublisher: "Amazon Web Services, Inc."}
	azure = &cloud{Name: cost.ProviderAzure, Service: "Azure OpenAI", Key: "azure",
		BillingAccount: "87654321", Account: "8f3c2a1e-5b6d-4c7e-9f0a-1b2c3d4e5f60", Project: "rg-openai-prod",
		Region: "eastus", RegionName: "East US",
		FocusProvider: "Microsoft", FocusPublisher: "Microsoft"}
	gcp = &cloud{Name: cost.ProviderGCP, Service: "Vertex AI", Key: "gcp",
		BillingAccount: "01A2B3-C4D5E6-F7A8B9", Account: "llm-platform-prod", Project: "llm-platform-prod",
		Region: "us-central1", RegionName: "Iowa",
		FocusProvider: "Google Cloud", FocusPublisher: "Google"}
	clouds = []*cloud{aws, azure, gcp}
)

// model is one model with its illustrative list prices and usage profile.
type model struct {
	ID    string
	Cloud *cloud
	// Price is USD per million tokens by token type (0 = not sold).
	Price map[string]float64
	// Mix is each token type's share of a day's cost when the customer uses every
	// type (cache types only for caching customers).
	Mix          map[string]float64
	Popularity   float64 // Weight when customers pick their models.
	PromptTokens float64 // Average input tokens per request.
	// HalfLife, when set, is the number of days in which the model's use halves
	// (a model being retired).
	HalfLife float64
}

const (
	in, out, cr, cw, rs = cost.TokenInput, cost.TokenOutput, cost.TokenCacheRead, cost.TokenCacheWrite, cost.TokenReasoning
)

// models are the demo's ten models. Prices are round illustrative figures, close
// to but not exactly any cloud's list price.
var models = []*model{
	{ID: "gemini-2.5-pro", Cloud: gcp, Popularity: 10, PromptTokens: 3000,
		Price: map[string]float64{in: 1.25, out: 10, cr: 0.3125, rs: 10},
		Mix:   map[string]float64{in: 0.30, out: 0.40, cr: 0.05, rs: 0.25}},
	{ID: "gemini-2.5-flash", Cloud: gcp, Popularity: 10, PromptTokens: 1800,
		Price: map[string]float64{in: 0.30, out: 2.50, cr: 0.075},
		Mix:   map[string]float64{in: 0.35, out: 0.55, cr: 0.10}},
	{ID: "gemini-1.5-pro", Cloud: gcp, Popularity: 5, PromptTokens: 2500, HalfLife: 60,
		Price: map[string]float64{in: 1.25, out: 5, cr: 0.3125},
		Mix:   map[string]float64{in: 0.45, out: 0.50, cr: 0.05}},
	{ID: "claude-3-5-sonnet", Cloud: aws, Popularity: 16, PromptTokens: 4000,
		Price: map[string]float64{in: 3, out: 15, cr: 0.30, cw: 3.75},
		Mix:   map[string]float64{in: 0.35, out: 0.45, cr: 0.08, cw: 0.12}},
	{ID: "claude-3-haiku", Cloud: aws, Popularity: 8, PromptTokens: 1500,
		Price: map[string]float64{in: 0.25, out: 1.25, cr: 0.03, cw: 0.30},
		Mix:   map[string]float64{in: 0.40, out: 0.45, cr: 0.05, cw: 0.10}},
	{ID: "llama-3.1-70b", Cloud: aws, Popularity: 6, PromptTokens: 1200,
		Price: map[string]float64{in: 0.72, out: 0.72},
		Mix:   map[string]float64{in: 0.60, out: 0.40}},
	{ID: "mistral-large", Cloud: aws, Popularity: 5, PromptTokens: 1500,
		Price: map[string]float64{in: 2, out: 6},
		Mix:   map[string]float64{in: 0.45, out: 0.55}},
	{ID: "gpt-4o", Cloud: azure, Popularity: 18, PromptTokens: 2000,
		Price: map[string]float64{in: 2.50, out: 10},
		Mix:   map[string]float64{in: 0.50, out: 0.50}},
	{ID: "gpt-4o-mini", Cloud: azure, Popularity: 14, PromptTokens: 1200,
		Price: map[string]float64{in: 0.15, out: 0.60},
		Mix:   map[string]float64{in: 0.55, out: 0.45}},
	{ID: "gpt-4", Cloud: azure, Popularity: 8, PromptTokens: 2500,
		Price: map[string]float64{in: 30, out: 60},
		Mix:   map[string]float64{in: 0.55, out: 0.45}},
}

func modelIndex(id string) int {
	for i, m := range models {
		if m.ID == id {
			return i
		}
	}
	panic("demo: unknown model " + id)
}

// platformModels are what the company's own, unattributed traffic uses.
var platformModels = []string{"gpt-4o-mini", "gemini-2.5-flash", "claude-3-haiku"}

// nonToken is a recurring charge that is not billed per token.
type nonToken struct {
	Cloud       *cloud
	Model       string
	Customer    string
	Tier        string
	HoursPerDay float64
	USDPerHour  float64
	// FromEnd is how many days before End the charge starts (0 = whole range).
	FromEnd int
}

var nonTokens = []nonToken{
	// Provisioned throughput bought for the platform three months ago.
	{Cloud: aws, Model: "llama-3.1-70b", Customer: "", Tier: "provisioned", HoursPerDay: 24, USDPerHour: 6, FromEnd: 90},
	// Hosting of a fine-tuned deployment for one customer.
	{Cloud: azure, Model: "gpt-4o-mini", Customer: "cust_globex", Tier: "standard", HoursPerDay: 24, USDPerHour: 1.70},
}
