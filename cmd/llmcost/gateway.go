package main

import (
	"context"
	"strings"
	"time"

	"github.com/llmcost/llmcost/internal/budgetcheck"
	"github.com/llmcost/llmcost/internal/cost"
)

// DefaultBudgetCheckRefresh is how often serve re-reads month-to-date spend
// for budget checks without LLMCOST_BUDGET_CHECK_REFRESH.
const DefaultBudgetCheckRefresh = time.Minute

// GatewayConfig configures where LLM traffic meets llmcost: OTLP ingest and
// budget checks.
type GatewayConfig struct {
	// OTelCustomerKeys (LLMCOST_OTEL_CUSTOMER_KEYS, comma-separated) are the
	// span, then resource, attributes naming a span's customer.
	OTelCustomerKeys []string
	// CustomerHeader (LLMCOST_GATEWAY_CUSTOMER_HEADER) names the customer in
	// the Envoy ext_authz mode of the budget check.
	CustomerHeader string
	// Refresh (LLMCOST_BUDGET_CHECK_REFRESH) is how often budget checks re-read
	// spend from the store.
	Refresh time.Duration
}

// readGatewayEnv reads the gateway settings.
func (c *Config) readGatewayEnv(getenv func(string) string) error {
	if v := strings.TrimSpace(getenv("LLMCOST_OTEL_CUSTOMER_KEYS")); v != "" {
		c.Gateway.OTelCustomerKeys = splitList(v)
	}
	c.Gateway.CustomerHeader = strings.TrimSpace(getenv("LLMCOST_GATEWAY_CUSTOMER_HEADER"))
	if v := strings.TrimSpace(getenv("LLMCOST_BUDGET_CHECK_REFRESH")); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Second {
			return cost.FieldErrorf("LLMCOST_BUDGET_CHECK_REFRESH",
				"LLMCOST_BUDGET_CHECK_REFRESH=%q is not a duration of at least 1s, like 1m.", v)
		}
		c.Gateway.Refresh = d
	}
	return nil
}

// startBudgetChecks reads the figures once, then refreshes them until Close.
func (m *Main) startBudgetChecks(ctx context.Context, c *budgetcheck.Checker) error {
	if err := c.Refresh(ctx); err != nil {
		return err
	}
	every := m.Config.Gateway.Refresh
	if every <= 0 {
		every = DefaultBudgetCheckRefresh
	}
	rctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		c.Run(rctx, every)
	}()
	m.onClose(func() error {
		cancel()
		<-done
		return nil
	})
	return nil
}
