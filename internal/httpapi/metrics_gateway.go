package httpapi

import "github.com/prometheus/client_golang/prometheus"

// gatewayMetrics count the traffic of the gateway-facing routes: budget checks
// and OTLP span ingest.
type gatewayMetrics struct {
	budgetChecks *prometheus.CounterVec
	otlpSpans    *prometheus.CounterVec
}

func newGatewayMetrics(reg *prometheus.Registry) *gatewayMetrics {
	m := &gatewayMetrics{
		budgetChecks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "llmcost_budget_checks_total",
			Help: "Budget checks by answer (allowed true or false).",
		}, []string{"allowed"}),
		otlpSpans: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "llmcost_otlp_spans_total",
			Help: "OTLP spans received, by outcome: usage (became a usage event) or dropped (no GenAI usage attributes).",
		}, []string{"outcome"}),
	}
	reg.MustRegister(m.budgetChecks, m.otlpSpans)
	return m
}
