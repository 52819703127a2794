package httpapi

import (
	"net/http"
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/llmcost/llmcost/internal/cost"
)

// metrics are the Prometheus metrics for operating llmcost itself. Each Server
// has its own registry, so several servers can run in one process (tests).
type metrics struct {
	reg        *prometheus.Registry
	requests   *prometheus.CounterVec
	latency    *prometheus.HistogramVec
	ingestRows *prometheus.CounterVec
	ingests    *prometheus.CounterVec
	rejected   *prometheus.CounterVec
}

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "llmcost_http_requests_total",
			Help: "HTTP requests by route pattern, method and status code.",
		}, []string{"route", "method", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "llmcost_http_request_duration_seconds",
			Help:    "HTTP request latency by route pattern.",
			Buckets: []float64{.001, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 120},
		}, []string{"route"}),
		ingestRows: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "llmcost_ingest_rows_total",
			Help: "Rows read by successful ingests, by format.",
		}, []string{"format"}),
		ingests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "llmcost_ingests_total",
			Help: "Ingest requests by format and result (ok or the error code).",
		}, []string{"format", "result"}),
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "llmcost_http_rejected_total",
			Help: "Requests refused with 429 by limit: chat (per-principal rate), auth (failed tokens per client address), quota (per-customer alert rules and channels).",
		}, []string{"limit"}),
	}
	m.reg.MustRegister(m.requests, m.latency, m.ingestRows, m.ingests, m.rejected,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

func (m *metrics) observe(route, method string, status int, seconds float64) {
	m.requests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
	m.latency.WithLabelValues(route).Observe(seconds)
}

// cacheStatser is a query service with a result cache (query.Cached).
type cacheStatser interface {
	CacheStats() cost.CacheStats
}

// watchCache exports a result cache's counters.
func (m *metrics) watchCache(c cacheStatser) {
	stat := func(f func(cost.CacheStats) int64) func() float64 {
		return func() float64 { return float64(f(c.CacheStats())) }
	}
	m.reg.MustRegister(
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "llmcost_query_cache_hits_total",
			Help: "Query answers served from the result cache."}, stat(func(s cost.CacheStats) int64 { return s.Hits })),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "llmcost_query_cache_misses_total",
			Help: "Query answers computed because the result cache did not hold them."}, stat(func(s cost.CacheStats) int64 { return s.Misses })),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "llmcost_query_cache_evictions_total",
			Help: "Result cache entries dropped to stay within its size."}, stat(func(s cost.CacheStats) int64 { return s.Evictions })),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "llmcost_query_cache_bytes",
			Help: "Estimated bytes held by the result cache."}, stat(func(s cost.CacheStats) int64 { return s.Bytes })),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "llmcost_query_cache_entries",
			Help: "Answers held by the result cache."}, stat(func(s cost.CacheStats) int64 { return s.Entries })),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "llmcost_query_cache_max_bytes",
			Help: "The result cache's size bound."}, stat(func(s cost.CacheStats) int64 { return s.MaxBytes })),
	)
}
