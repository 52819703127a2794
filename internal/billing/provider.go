package billing

import (
	"strings"

	"github.com/llmcost/llmcost/internal/cost"
)

// providerAliases maps lower-case provider spellings to llmcost's names.
var providerAliases = map[string]string{
	"aws": cost.ProviderAWS, "amazon web services": cost.ProviderAWS,
	"amazon web services, inc.": cost.ProviderAWS, "amazon": cost.ProviderAWS, "bedrock": cost.ProviderAWS,
	"amazon bedrock": cost.ProviderAWS,
	"gcp":            cost.ProviderGCP, "google": cost.ProviderGCP, "google cloud": cost.ProviderGCP,
	"google cloud platform": cost.ProviderGCP, "vertex": cost.ProviderGCP, "vertex ai": cost.ProviderGCP,
	"vertex_ai": cost.ProviderGCP,
	"azure":     cost.ProviderAzure, "microsoft": cost.ProviderAzure, "microsoft azure": cost.ProviderAzure,
	"azure openai": cost.ProviderAzure,
	"openai":       cost.ProviderOpenAI, "anthropic": cost.ProviderAnthropic,
}

// NormalizeProvider returns llmcost's name for a provider ("Amazon Web Services"
// and "aws" → "AWS", "Microsoft" → "Azure", "Google Cloud" → "GCP"); other names
// are kept as written.
func NormalizeProvider(raw string) string {
	s := strings.TrimSpace(raw)
	if p, ok := providerAliases[strings.ToLower(s)]; ok {
		return p
	}
	return s
}
