package mcp

import (
	"context"

	"github.com/llmcost/llmcost/internal/cost"
)

// vocabulary is what a principal's tool schemas enumerate: the values of the
// filterable dimensions in its scope.
type vocabulary map[cost.Dimension][]string

// filterDimensions are the dimensions tools filter on, with enumerated values.
var filterDimensions = []cost.Dimension{cost.DimCloudProvider, cost.DimService, cost.DimModel,
	cost.DimModelFamily, cost.DimTokenType, cost.DimCustomer}

// readVocabulary lists the filterable dimensions' values in p's scope. A
// customer principal's customer list is only itself.
func readVocabulary(ctx context.Context, q cost.QueryService, p cost.Principal) (vocabulary, error) {
	v := vocabulary{}
	for _, d := range filterDimensions {
		if d == cost.DimCustomer && p.IsCustomer() {
			v[d] = []string{p.CustomerID}
			continue
		}
		vals, err := q.Values(ctx, p, d)
		if err != nil {
			return nil, err
		}
		var kept []string
		for _, s := range vals {
			if s != "" {
				kept = append(kept, s)
			}
		}
		v[d] = kept
	}
	return v, nil
}
