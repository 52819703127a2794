package main

import (
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/llmcost/llmcost/internal/allocation"
	"github.com/llmcost/llmcost/internal/chat"
	"github.com/llmcost/llmcost/internal/cost"
)

// Config is llmcost's configuration: defaults, then LLMCOST_* environment
// variables, then command-line flags. Packages receive plain values from it.
type Config struct {
	DataDir    string    // --data, LLMCOST_DATA
	Addr       string    // --addr, LLMCOST_ADDR
	PGAddr     string    // --pg-addr, LLMCOST_PG_ADDR: PostgreSQL endpoint ("" = off)
	AdminToken string    // LLMCOST_ADMIN_TOKEN ("" = stored or generated)
	Now        time.Time // LLMCOST_NOW (zero = the real clock)
	Store      string    // --store, LLMCOST_STORE: "duckdb" or clickhouse://…
	// ClickHouseCluster (--clickhouse-cluster, LLMCOST_CLICKHOUSE_CLUSTER) names the
	// cluster whose Distributed tables a clickhouse:// store uses.
	ClickHouseCluster string
	// Meta (--meta, LLMCOST_META) is where metadata lives: "duckdb" (the data
	// directory) or postgres://… shared by replicas; postgres needs ClickHouse.
	Meta         string
	PricingFile  string   // --pricing, LLMCOST_PRICING
	CustomerKeys []string // LLMCOST_CUSTOMER_KEYS (comma-separated)
	LogLevel     string   // LLMCOST_LOG_LEVEL: debug, info, warn, error
	LogFormat    string   // LLMCOST_LOG_FORMAT: text or json
	GrafanaURL   string   // LLMCOST_GRAFANA_URL: chat links point at Grafana when set
	Server       string   // --server, LLMCOST_SERVER: remote llmcost for ingest/ask
	Token        string   // --token, LLMCOST_TOKEN: bearer token for --server
	// LLM configures the optional chat planner: LLMCOST_LLM (anthropic|openai),
	// LLMCOST_LLM_MODEL, LLMCOST_LLM_API_KEY, LLMCOST_LLM_BASE_URL.
	LLM chat.LLMConfig
	// Alerts: LLMCOST_ALERT_CHANNELS (channels file), LLMCOST_ALERT_INTERVAL
	// (evaluation period, default 1m), LLMCOST_PUBLIC_URL (base of alert links).
	AlertChannels string
	AlertInterval time.Duration
	PublicURL     string
	// MappingFile extends the native export normalisation (meter and customer
	// rules, docs/formats.md): LLMCOST_MAPPING.
	MappingFile string
	// Sync: LLMCOST_SYNC_SOURCES (sources file, docs/sync.md) and
	// LLMCOST_SYNC_INTERVAL (serve's period, default 6h).
	SyncSources  string
	SyncInterval time.Duration
	// FXRates (LLMCOST_FX_RATES) is a CSV file of exchange rates to USD for
	// billing files that give costs only in another currency (docs/formats.md).
	FXRates string
	// DuckDBMemory (LLMCOST_DUCKDB_MEMORY), e.g. "2GB", caps the DuckDB store's
	// buffer pool; "" means half the machine's memory, at most 2 GiB.
	DuckDBMemory string
	// PG bounds the PostgreSQL endpoint's queries: LLMCOST_PG_QUERY_TIMEOUT
	// (default 30s) and LLMCOST_PG_QUERY_MEMORY (a customer login's DuckDB memory,
	// default 256MB).
	PG PGLimits
	// Allocation (--allocation, LLMCOST_ALLOCATION) is "off" or "event-tokens":
	// whether billed cost is written back to customers by their event tokens
	// (docs/allocation.md).
	Allocation string
	// Limits keep customers contained (limits.go).
	Limits Limits
	// QueryCacheMB (LLMCOST_QUERY_CACHE_MB) bounds serve's result cache in MiB
	// (0 = the default, 128).
	QueryCacheMB int
	// Gateway configures OTLP ingest and budget checks (gateway.go).
	Gateway GatewayConfig
}

// DefaultCustomerKeys are the tag keys a line's customer is read from.
var DefaultCustomerKeys = []string{"customer_id", "customer", "tenant"}

// DefaultConfig returns the configuration with no environment or flags.
func DefaultConfig() Config {
	return Config{
		DataDir:      "./data",
		Addr:         ":8080",
		Store:        "duckdb",
		Meta:         "duckdb",
		CustomerKeys: DefaultCustomerKeys,
		LogLevel:     "info",
		LogFormat:    "text",
		Allocation:   allocation.ModeOff,
	}
}

// ReadEnv applies LLMCOST_* variables read through getenv onto c.
func (c *Config) ReadEnv(getenv func(string) string) error {
	str := func(name string, dst *string) {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			*dst = v
		}
	}
	str("LLMCOST_DATA", &c.DataDir)
	str("LLMCOST_ADDR", &c.Addr)
	str("LLMCOST_PG_ADDR", &c.PGAddr)
	str("LLMCOST_ADMIN_TOKEN", &c.AdminToken)
	str("LLMCOST_STORE", &c.Store)
	str("LLMCOST_CLICKHOUSE_CLUSTER", &c.ClickHouseCluster)
	str("LLMCOST_META", &c.Meta)
	str("LLMCOST_PRICING", &c.PricingFile)
	str("LLMCOST_MAPPING", &c.MappingFile)
	str("LLMCOST_LOG_LEVEL", &c.LogLevel)
	str("LLMCOST_LOG_FORMAT", &c.LogFormat)
	str("LLMCOST_GRAFANA_URL", &c.GrafanaURL)
	str("LLMCOST_SERVER", &c.Server)
	str("LLMCOST_TOKEN", &c.Token)
	str("LLMCOST_ALLOCATION", &c.Allocation)
	str("LLMCOST_DUCKDB_MEMORY", &c.DuckDBMemory)
	str("LLMCOST_FX_RATES", &c.FXRates)
	if v := strings.TrimSpace(getenv("LLMCOST_QUERY_CACHE_MB")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return cost.FieldErrorf("LLMCOST_QUERY_CACHE_MB", "LLMCOST_QUERY_CACHE_MB must be a whole number of MiB, not %q.", v)
		}
		c.QueryCacheMB = n
	}
	if v := strings.TrimSpace(getenv("LLMCOST_CUSTOMER_KEYS")); v != "" {
		c.CustomerKeys = splitList(v)
	}
	if llm, ok := chat.LLMConfigFromEnv(getenv); ok {
		c.LLM = llm
	}
	if err := c.readAlertEnv(getenv); err != nil {
		return err
	}
	if err := c.readSyncEnv(getenv); err != nil {
		return err
	}
	if err := c.PG.readEnv(getenv); err != nil {
		return err
	}
	if err := c.readLimitsEnv(getenv); err != nil {
		return err
	}
	if err := c.readGatewayEnv(getenv); err != nil {
		return err
	}
	if v := strings.TrimSpace(getenv("LLMCOST_NOW")); v != "" {
		t, err := ParseNow(v)
		if err != nil {
			return cost.FieldErrorf("LLMCOST_NOW", "LLMCOST_NOW=%q is not a date (YYYY-MM-DD) or an RFC 3339 time.", v)
		}
		c.Now = t
	}
	return nil
}

// ParseNow parses a fixed clock: a date (its UTC midnight) or an RFC 3339 time.
func ParseNow(s string) (time.Time, error) {
	if d, err := cost.ParseDate(s); err == nil {
		return d, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	return t.UTC(), err
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// Validate checks the configuration and names each bad setting.
func (c Config) Validate() error {
	var errs []error
	if strings.TrimSpace(c.DataDir) == "" {
		errs = append(errs, cost.FieldErrorf("LLMCOST_DATA", "The data directory (--data / LLMCOST_DATA) must not be empty."))
	}
	if strings.TrimSpace(c.Addr) == "" {
		errs = append(errs, cost.FieldErrorf("LLMCOST_ADDR", "The listen address (--addr / LLMCOST_ADDR) must not be empty."))
	}
	if err := validateStore(c.Store); err != nil {
		errs = append(errs, err)
	}
	if err := validateMeta(c.Meta, c.Store); err != nil {
		errs = append(errs, err)
	}
	if _, err := c.SlogLevel(); err != nil {
		errs = append(errs, err)
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, cost.FieldErrorf("LLMCOST_LOG_FORMAT", "LLMCOST_LOG_FORMAT must be text or json, not %q.", c.LogFormat))
	}
	if len(c.CustomerKeys) == 0 {
		errs = append(errs, cost.FieldErrorf("LLMCOST_CUSTOMER_KEYS", "LLMCOST_CUSTOMER_KEYS must name at least one tag key."))
	}
	if c.AdminToken != "" && len(c.AdminToken) < 16 {
		errs = append(errs, cost.FieldErrorf("LLMCOST_ADMIN_TOKEN", "LLMCOST_ADMIN_TOKEN must be at least 16 characters."))
	}
	if p := c.LLM.Provider; p != "" && p != "anthropic" && p != "openai" {
		errs = append(errs, cost.FieldErrorf("LLMCOST_LLM", "LLMCOST_LLM must be anthropic or openai, not %q.", p))
	}
	if c.Server != "" && !strings.HasPrefix(c.Server, "http://") && !strings.HasPrefix(c.Server, "https://") {
		errs = append(errs, cost.FieldErrorf("LLMCOST_SERVER", "--server / LLMCOST_SERVER must be an http:// or https:// URL, not %q.", c.Server))
	}
	if !slices.Contains(allocation.Modes, c.Allocation) {
		errs = append(errs, cost.FieldErrorf("LLMCOST_ALLOCATION", "--allocation / LLMCOST_ALLOCATION must be %s, not %q.",
			strings.Join(allocation.Modes, " or "), c.Allocation))
	}
	if err := validateOrigins(c.Limits.WidgetOrigins); err != nil {
		errs = append(errs, err)
	}
	if c.DuckDBMemory != "" && !memoryLimit.MatchString(c.DuckDBMemory) {
		errs = append(errs, cost.FieldErrorf("LLMCOST_DUCKDB_MEMORY",
			"LLMCOST_DUCKDB_MEMORY must be an amount of memory such as 512MB or 4GB, not %q.", c.DuckDBMemory))
	}
	return errors.Join(errs...)
}

// memoryLimit matches the memory amounts DuckDB accepts: a number and a unit.
var memoryLimit = regexp.MustCompile(`(?i)^[0-9]+(\.[0-9]+)?\s*(B|KB|MB|GB|TB|KIB|MIB|GIB|TIB)$`)

func validateStore(s string) error {
	switch {
	case s == "duckdb":
		return nil
	case strings.HasPrefix(s, "clickhouse://"):
		return nil
	default:
		return cost.FieldErrorf("LLMCOST_STORE", "Unknown store %q; use duckdb or clickhouse://host:port/db.", redactDSN(s))
	}
}

func validateMeta(meta, store string) error {
	switch {
	case meta == "duckdb":
		return nil
	case strings.HasPrefix(meta, "postgres://") || strings.HasPrefix(meta, "postgresql://"):
		if !strings.HasPrefix(store, "clickhouse://") {
			return cost.FieldErrorf("LLMCOST_META", "--meta / LLMCOST_META postgres://… needs --store clickhouse://…: a DuckDB store belongs to one server, so there is nothing to share.")
		}
		return nil
	default:
		return cost.FieldErrorf("LLMCOST_META", "Unknown metadata store %q; use duckdb or postgres://user:pass@host:5432/db.", redactDSN(meta))
	}
}

// SlogLevel returns the configured log level.
func (c Config) SlogLevel() (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(c.LogLevel)); err != nil {
		return 0, cost.FieldErrorf("LLMCOST_LOG_LEVEL", "LLMCOST_LOG_LEVEL must be debug, info, warn or error, not %q.", c.LogLevel)
	}
	return l, nil
}

// Clock returns the configured clock: fixed at Now when set, else time.Now.
func (c Config) Clock() func() time.Time {
	if c.Now.IsZero() {
		return time.Now
	}
	fixed := c.Now
	return func() time.Time { return fixed }
}

// String summarises the configuration for logs, without secrets.
func (c Config) String() string {
	return fmt.Sprintf("data=%s addr=%s store=%s meta=%s pricing=%q now=%v customer_keys=%v",
		c.DataDir, c.Addr, redactDSN(c.Store), redactDSN(c.Meta), c.PricingFile, c.Now, c.CustomerKeys)
}
