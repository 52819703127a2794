package otlp

import (
	"strings"

	"github.com/llmcost/llmcost/internal/cost"
)

// providers maps gen_ai.provider.name / gen_ai.system values to a cloud
// provider and service. The names are the conventions' well-known values and
// the spellings instrumentations use.
var providers = map[string][2]string{
	"openai":             {cost.ProviderOpenAI, "OpenAI API"},
	"anthropic":          {cost.ProviderAnthropic, "Anthropic API"},
	"aws.bedrock":        {cost.ProviderAWS, "Amazon Bedrock"},
	"bedrock":            {cost.ProviderAWS, "Amazon Bedrock"},
	"aws_bedrock":        {cost.ProviderAWS, "Amazon Bedrock"},
	"gcp.vertex_ai":      {cost.ProviderGCP, "Vertex AI"},
	"vertex_ai":          {cost.ProviderGCP, "Vertex AI"},
	"vertexai":           {cost.ProviderGCP, "Vertex AI"},
	"gcp.gemini":         {cost.ProviderGCP, "Gemini API"},
	"gcp.gen_ai":         {cost.ProviderGCP, "Vertex AI"},
	"gemini":             {cost.ProviderGCP, "Gemini API"},
	"azure.ai.openai":    {cost.ProviderAzure, "Azure OpenAI"},
	"az.ai.openai":       {cost.ProviderAzure, "Azure OpenAI"},
	"azure_openai":       {cost.ProviderAzure, "Azure OpenAI"},
	"azure.ai.inference": {cost.ProviderAzure, "Azure AI Foundry"},
	"az.ai.inference":    {cost.ProviderAzure, "Azure AI Foundry"},
}

// provider returns the cloud provider and service of a GenAI provider name;
// an unknown name is kept as the provider, with no service, and an empty one
// leaves both empty (the ingester then infers them from the model).
func provider(name string) (string, string) {
	if p, ok := providers[strings.ToLower(name)]; ok {
		return p[0], p[1]
	}
	return name, ""
}
