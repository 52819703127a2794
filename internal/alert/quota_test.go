package alert_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/alert"
	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/duckdb"
	"github.com/llmcost/llmcost/internal/query"
)

// TestQuota_CustomerRulesAndChannels checks the per-customer limits: the
// customer at its limit is refused a new rule or channel with
// CodeTooManyRequests, may still replace existing ones, may add again after a
// delete; another customer and the admin are not affected.
func TestQuota_CustomerRulesAndChannels(t *testing.T) {
	db, err := duckdb.Open("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	now := func() time.Time { return time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC) }
	const maxRules, maxChannels = 3, 2
	e := alert.New(alert.Config{Query: query.NewService(db, now), Store: db, Alerts: db,
		MaxCustomerRules: maxRules, MaxCustomerChannels: maxChannels})
	ctx := context.Background()
	acme, globex, admin := cost.CustomerPrincipal("cust_acme"), cost.CustomerPrincipal("cust_globex"), cost.AdminPrincipal()
	newRule := func(p cost.Principal, i int) (*cost.AlertRule, error) {
		r := &cost.AlertRule{Name: fmt.Sprintf("rule %d", i), Kind: cost.AlertAnomaly, Enabled: true}
		return r, e.SaveRule(ctx, p, r)
	}
	newChannel := func(p cost.Principal, i int) (*cost.AlertChannel, error) {
		c := &cost.AlertChannel{Type: cost.ChannelWebhook, URL: fmt.Sprintf("https://hooks.example.com/%d", i)}
		return c, e.SaveChannel(ctx, p, c)
	}

	var rules []*cost.AlertRule
	for i := range maxRules {
		r, err := newRule(acme, i)
		if err != nil {
			t.Fatalf("rule %d of %d: %v", i+1, maxRules, err)
		}
		rules = append(rules, r)
	}
	var chans []*cost.AlertChannel
	for i := range maxChannels {
		c, err := newChannel(acme, i)
		if err != nil {
			t.Fatalf("channel %d of %d: %v", i+1, maxChannels, err)
		}
		chans = append(chans, c)
	}

	tests := []struct {
		name string
		do   func() error
		want string
	}{
		{"RuleOverLimit", func() error { _, err := newRule(acme, 99); return err }, cost.CodeTooManyRequests},
		{"ChannelOverLimit", func() error { _, err := newChannel(acme, 99); return err }, cost.CodeTooManyRequests},
		{"ReplaceRuleAtLimit", func() error { r := *rules[0]; r.Name = "renamed"; return e.SaveRule(ctx, acme, &r) }, ""},
		{"ReplaceChannelAtLimit", func() error { c := *chans[0]; c.Name = "renamed"; return e.SaveChannel(ctx, acme, &c) }, ""},
		{"OtherCustomerRule", func() error { _, err := newRule(globex, 0); return err }, ""},
		{"OtherCustomerChannel", func() error { _, err := newChannel(globex, 0); return err }, ""},
		{"AdminRules", func() error {
			for i := range maxRules + 2 {
				if _, err := newRule(admin, i); err != nil {
					return err
				}
			}
			return nil
		}, ""},
		{"AdminChannels", func() error {
			for i := range maxChannels + 2 {
				if _, err := newChannel(admin, i); err != nil {
					return err
				}
			}
			return nil
		}, ""},
		{"RuleAfterDelete", func() error {
			if err := e.DeleteRule(ctx, acme, rules[1].ID); err != nil {
				return err
			}
			_, err := newRule(acme, 100)
			return err
		}, ""},
		{"ChannelAfterDelete", func() error {
			if err := e.DeleteChannel(ctx, acme, chans[1].ID); err != nil {
				return err
			}
			_, err := newChannel(acme, 100)
			return err
		}, ""},
		{"RuleOverLimitAgain", func() error { _, err := newRule(acme, 101); return err }, cost.CodeTooManyRequests},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cost.ErrorCode(tt.do()); got != tt.want {
				t.Errorf("code = %q, want %q", got, tt.want)
			}
		})
	}
	got, err := e.Rules(ctx, acme)
	if err != nil || len(got) != maxRules {
		t.Errorf("cust_acme has %d rules (%v), want %d", len(got), err, maxRules)
	}
}

// TestReservedCustomerIDs checks that the admin cannot scope a rule or a
// channel to an id no customer may have, such as _org.
func TestReservedCustomerIDs(t *testing.T) {
	e := ssrfEngine(t, nil, nil)
	ctx, admin := context.Background(), cost.AdminPrincipal()
	tests := []struct {
		name string
		save func() error
	}{
		{"RuleOrg", func() error {
			return e.SaveRule(ctx, admin, &cost.AlertRule{Name: "x", Kind: cost.AlertAnomaly, CustomerID: "_org"})
		}},
		{"RuleControl", func() error {
			return e.SaveRule(ctx, admin, &cost.AlertRule{Name: "x", Kind: cost.AlertAnomaly, CustomerID: "a\nb"})
		}},
		{"ChannelReserved", func() error {
			return e.SaveChannel(ctx, admin, &cost.AlertChannel{Type: cost.ChannelWebhook, URL: "https://hooks.example.com/x", CustomerID: "_x"})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.save(); cost.ErrorCode(err) != cost.CodeInvalid || cost.ErrorField(err) != "customer_id" {
				t.Errorf("err = %v, want invalid customer_id", err)
			}
		})
	}
}
