package budgetcheck

import (
	"encoding/json"
	"math"

	"github.com/llmcost/llmcost/internal/cost"
)

// Policy actions.
const (
	// ActionBlock refuses requests once spend reaches the budget, and warns
	// from WarnPercent.
	ActionBlock = "block"
	// ActionWarn never refuses; it warns from WarnPercent.
	ActionWarn = "warn"
)

// DefaultWarnPercent is the warning threshold of a policy that names none.
const DefaultWarnPercent = 80

// policiesSetting is the store setting holding every policy as a JSON object
// keyed by customer id.
const policiesSetting = "budget_check_policies"

// Policy says what a budget check answers as a customer's spend nears its
// monthly budget. The zero Policy is "block at 100 %, warn at 80 %".
type Policy struct {
	Action      string  `json:"action"`
	WarnPercent float64 `json:"warn_percent"`
}

// DefaultPolicy is the policy of a budget without one.
func DefaultPolicy() Policy { return Policy{Action: ActionBlock, WarnPercent: DefaultWarnPercent} }

// normalize fills defaults.
func (p Policy) normalize() Policy {
	if p.Action == "" {
		p.Action = ActionBlock
	}
	if p.WarnPercent == 0 {
		p.WarnPercent = DefaultWarnPercent
	}
	return p
}

// Validate checks a policy.
func (p Policy) Validate() error {
	if p.Action != "" && p.Action != ActionBlock && p.Action != ActionWarn {
		return cost.FieldErrorf("action", "Unknown action %q; use block or warn.", p.Action)
	}
	if math.IsNaN(p.WarnPercent) || p.WarnPercent < 0 || p.WarnPercent > 1000 {
		return cost.FieldErrorf("warn_percent", "warn_percent must be between 0 and 1000.")
	}
	return nil
}

// decodePolicies reads the stored policies setting.
func decodePolicies(s string) (map[string]Policy, error) {
	m := map[string]Policy{}
	if s == "" {
		return m, nil
	}
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		return nil, err
	}
	return m, nil
}
