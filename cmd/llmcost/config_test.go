package main

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/chat"
	"github.com/llmcost/llmcost/internal/cost"
)

func TestConfig_ReadEnvAndValidate(t *testing.T) {
	tests := []struct {
		name      string
		env       map[string]string
		want      func(c *Config)
		wantField string
	}{
		{name: "Defaults", env: nil, want: func(c *Config) {}},
		{name: "AllSet", env: map[string]string{
			"LLMCOST_DATA": "/var/lib/llmcost", "LLMCOST_ADDR": "127.0.0.1:9090",
			"LLMCOST_ADMIN_TOKEN": "0123456789abcdef0123", "LLMCOST_NOW": "2026-11-28",
			"LLMCOST_STORE": "duckdb", "LLMCOST_PRICING": "prices.json",
			"LLMCOST_CUSTOMER_KEYS": " tenant_id, org ,", "LLMCOST_LOG_LEVEL": "debug",
			"LLMCOST_LOG_FORMAT": "json", "LLMCOST_GRAFANA_URL": "https://grafana.example.com",
			"LLMCOST_SERVER": "http://localhost:8080", "LLMCOST_TOKEN": "tok",
			"LLMCOST_MAPPING": "mapping.json", "LLMCOST_FX_RATES": "fx.csv",
		}, want: func(c *Config) {
			c.DataDir, c.Addr, c.AdminToken = "/var/lib/llmcost", "127.0.0.1:9090", "0123456789abcdef0123"
			c.Now = time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)
			c.PricingFile, c.CustomerKeys = "prices.json", []string{"tenant_id", "org"}
			c.LogLevel, c.LogFormat = "debug", "json"
			c.GrafanaURL, c.Server, c.Token = "https://grafana.example.com", "http://localhost:8080", "tok"
			c.MappingFile, c.FXRates = "mapping.json", "fx.csv"
		}},
		{name: "NowRFC3339", env: map[string]string{"LLMCOST_NOW": "2026-11-28T10:30:00+02:00"}, want: func(c *Config) {
			c.Now = time.Date(2026, 11, 28, 8, 30, 0, 0, time.UTC)
		}},
		{name: "PGAddr", env: map[string]string{"LLMCOST_PG_ADDR": "127.0.0.1:5432"}, want: func(c *Config) {
			c.PGAddr = "127.0.0.1:5432"
		}},
		{name: "BadNow", env: map[string]string{"LLMCOST_NOW": "yesterday"}, wantField: "LLMCOST_NOW"},
		{name: "ClickHouse", env: map[string]string{"LLMCOST_STORE": "clickhouse://ch:9000/llmcost",
			"LLMCOST_CLICKHOUSE_CLUSTER": "costs"}, want: func(c *Config) {
			c.Store, c.ClickHouseCluster = "clickhouse://ch:9000/llmcost", "costs"
		}},
		{name: "UnknownStore", env: map[string]string{"LLMCOST_STORE": "sqlite"}, wantField: "LLMCOST_STORE"},
		{name: "PostgresMeta", env: map[string]string{"LLMCOST_STORE": "clickhouse://ch:9000/llmcost",
			"LLMCOST_META": "postgres://u:p@pg:5432/llmcost"}, want: func(c *Config) {
			c.Store, c.Meta = "clickhouse://ch:9000/llmcost", "postgres://u:p@pg:5432/llmcost"
		}},
		{name: "PostgresMetaWithDuckDB", env: map[string]string{"LLMCOST_META": "postgres://u:p@pg:5432/llmcost"},
			wantField: "LLMCOST_META"},
		{name: "UnknownMeta", env: map[string]string{"LLMCOST_META": "mysql://u:s3cret@db/llmcost"}, wantField: "LLMCOST_META"},
		{name: "BadLogLevel", env: map[string]string{"LLMCOST_LOG_LEVEL": "loud"}, wantField: "LLMCOST_LOG_LEVEL"},
		{name: "BadLogFormat", env: map[string]string{"LLMCOST_LOG_FORMAT": "xml"}, wantField: "LLMCOST_LOG_FORMAT"},
		{name: "ShortAdminToken", env: map[string]string{"LLMCOST_ADMIN_TOKEN": "short"}, wantField: "LLMCOST_ADMIN_TOKEN"},
		{name: "EmptyCustomerKeys", env: map[string]string{"LLMCOST_CUSTOMER_KEYS": " , "}, wantField: "LLMCOST_CUSTOMER_KEYS"},
		{name: "LLM", env: map[string]string{"LLMCOST_LLM": "anthropic", "LLMCOST_LLM_MODEL": "claude-sonnet-4-5", "ANTHROPIC_API_KEY": "k"},
			want: func(c *Config) {
				c.LLM = chat.LLMConfig{Provider: "anthropic", Model: "claude-sonnet-4-5", APIKey: "k"}
			}},
		{name: "UnknownLLM", env: map[string]string{"LLMCOST_LLM": "eliza"}, wantField: "LLMCOST_LLM"},
		{name: "Alerts", env: map[string]string{"LLMCOST_ALERT_CHANNELS": "channels.json", "LLMCOST_ALERT_INTERVAL": "30s",
			"LLMCOST_PUBLIC_URL": "https://llmcost.example.com"}, want: func(c *Config) {
			c.AlertChannels, c.AlertInterval, c.PublicURL = "channels.json", 30*time.Second, "https://llmcost.example.com"
		}},
		{name: "BadAlertInterval", env: map[string]string{"LLMCOST_ALERT_INTERVAL": "often"}, wantField: "LLMCOST_ALERT_INTERVAL"},
		{name: "Sync", env: map[string]string{"LLMCOST_SYNC_SOURCES": "sources.json", "LLMCOST_SYNC_INTERVAL": "1h"},
			want: func(c *Config) { c.SyncSources, c.SyncInterval = "sources.json", time.Hour }},
		{name: "BadSyncInterval", env: map[string]string{"LLMCOST_SYNC_INTERVAL": "0s"}, wantField: "LLMCOST_SYNC_INTERVAL"},
		{name: "DuckDBMemory", env: map[string]string{"LLMCOST_DUCKDB_MEMORY": "1.5GiB"},
			want: func(c *Config) { c.DuckDBMemory = "1.5GiB" }},
		{name: "BadDuckDBMemory", env: map[string]string{"LLMCOST_DUCKDB_MEMORY": "2 gigs"}, wantField: "LLMCOST_DUCKDB_MEMORY"},
		{name: "ServerNotURL", env: map[string]string{"LLMCOST_SERVER": "localhost:8080"}, wantField: "LLMCOST_SERVER"},
		{name: "Limits", env: map[string]string{"LLMCOST_ALERT_ALLOW_HOSTS": "hooks.corp.example, 10.0.0.5",
			"LLMCOST_ALERT_MAX_RULES": "50", "LLMCOST_ALERT_MAX_CHANNELS": "5", "LLMCOST_CHAT_PER_MINUTE": "20",
			"LLMCOST_AUTH_FAILURES_PER_MINUTE": "3", "LLMCOST_WIDGET_ORIGINS": "https://app.example.com/, http://localhost:3000"},
			want: func(c *Config) {
				c.Limits = Limits{AlertAllowHosts: []string{"hooks.corp.example", "10.0.0.5"}, AlertMaxRules: 50, AlertMaxChannels: 5,
					ChatPerMinute: 20, AuthFailuresPerMinute: 3, WidgetOrigins: []string{"https://app.example.com", "http://localhost:3000"}}
			}},
		{name: "AnyWidgetOrigin", env: map[string]string{"LLMCOST_WIDGET_ORIGINS": "*"},
			want: func(c *Config) { c.Limits.WidgetOrigins = []string{"*"} }},
		{name: "WidgetOriginWithPath", env: map[string]string{"LLMCOST_WIDGET_ORIGINS": "https://app.example.com/chat"}, wantField: "LLMCOST_WIDGET_ORIGINS"},
		{name: "WidgetOriginNoScheme", env: map[string]string{"LLMCOST_WIDGET_ORIGINS": "app.example.com"}, wantField: "LLMCOST_WIDGET_ORIGINS"},
		{name: "ZeroMaxRules", env: map[string]string{"LLMCOST_ALERT_MAX_RULES": "0"}, wantField: "LLMCOST_ALERT_MAX_RULES"},
		{name: "BadChatRate", env: map[string]string{"LLMCOST_CHAT_PER_MINUTE": "lots"}, wantField: "LLMCOST_CHAT_PER_MINUTE"},
		{name: "NegativeAuthFailures", env: map[string]string{"LLMCOST_AUTH_FAILURES_PER_MINUTE": "-1"}, wantField: "LLMCOST_AUTH_FAILURES_PER_MINUTE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := DefaultConfig()
			err := c.ReadEnv(func(k string) string { return tt.env[k] })
			if err == nil {
				err = c.Validate()
			}
			if tt.wantField != "" {
				if got := cost.ErrorField(err); got != tt.wantField {
					t.Fatalf("error field=%q, want %q (err %v)", got, tt.wantField, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := DefaultConfig()
			tt.want(&want)
			if !reflect.DeepEqual(c, want) {
				t.Errorf("config=%+v\nwant   %+v", c, want)
			}
		})
	}
}

func TestConfig_Clock(t *testing.T) {
	c := DefaultConfig()
	fixed := time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)
	c.Now = fixed
	if got := c.Clock()(); !got.Equal(fixed) {
		t.Errorf("fixed clock=%v, want %v", got, fixed)
	}
	c.Now = time.Time{}
	if got := c.Clock()(); time.Since(got) > time.Minute || got.IsZero() {
		t.Errorf("real clock=%v, want about now", got)
	}
}

func TestParseFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		check   func(t *testing.T, m *Main)
		wantErr bool
	}{
		{name: "ServeFlagsOverrideEnv", args: []string{"serve", "--data", "/d", "--addr", ":1"},
			env: map[string]string{"LLMCOST_DATA": "/env", "LLMCOST_ADDR": ":2"},
			check: func(t *testing.T, m *Main) {
				if m.Config.DataDir != "/d" || m.Config.Addr != ":1" {
					t.Errorf("data=%q addr=%q, want /d and :1", m.Config.DataDir, m.Config.Addr)
				}
			}},
		{name: "IngestFiles", args: []string{"ingest", "--format", "focus", "a.csv", "b.csv.gz"},
			check: func(t *testing.T, m *Main) {
				if m.Format != "focus" || !reflect.DeepEqual(m.Args, []string{"a.csv", "b.csv.gz"}) {
					t.Errorf("format=%q args=%v", m.Format, m.Args)
				}
			}},
		{name: "AskJoinsWords", args: []string{"ask", "--customer", "cust_acme", "how", "much?"},
			check: func(t *testing.T, m *Main) {
				if m.Customer != "cust_acme" || len(m.Args) != 2 {
					t.Errorf("customer=%q args=%v", m.Customer, m.Args)
				}
			}},
		{name: "DemoWithoutData", args: []string{"demo"}, check: func(t *testing.T, m *Main) {
			if m.dataSet {
				t.Error("dataSet=true without --data")
			}
		}},
		{name: "NoCommand", args: nil, wantErr: true},
		{name: "UnknownCommand", args: []string{"frobnicate"}, wantErr: true},
		{name: "IngestNoFormat", args: []string{"ingest", "a.csv"}, wantErr: true},
		{name: "IngestNoFiles", args: []string{"ingest", "--format", "unified"}, wantErr: true},
		{name: "ExportOtherFormat", args: []string{"export", "--format", "focus"}, wantErr: true},
		{name: "AskNoQuestion", args: []string{"ask"}, wantErr: true},
		{name: "ServeStray", args: []string{"serve", "extra"}, wantErr: true},
		{name: "ClickHouseFlag", args: []string{"serve", "--store", "clickhouse://h:9000/db", "--clickhouse-cluster", "costs"},
			check: func(t *testing.T, m *Main) {
				if m.Config.Store != "clickhouse://h:9000/db" || m.Config.ClickHouseCluster != "costs" {
					t.Errorf("store=%q cluster=%q", m.Config.Store, m.Config.ClickHouseCluster)
				}
			}},
		{name: "UnknownFlag", args: []string{"serve", "--port", "1"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newTestMain(tt.env)
			err := m.ParseFlags(t.Context(), tt.args)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err=%v, wantErr %v", err, tt.wantErr)
			}
			if tt.check != nil {
				tt.check(t, m)
			}
		})
	}
}

func TestRedactDSN(t *testing.T) {
	tests := []struct{ in, want string }{
		{"duckdb", "duckdb"},
		{"", ""},
		{"clickhouse://ch:9000/costs", "clickhouse://ch:9000/costs"},
		{"clickhouse://u:s3cret@ch:9000/costs", "clickhouse://u:xxxxx@ch:9000/costs"},
		{"clickhouse://ch:9000/costs?username=u&password=s3cret", "clickhouse://ch:9000/costs?password=xxxxx&username=u"},
		{"postgres://llmcost:s3cret@db:5432/llmcost?sslmode=disable", "postgres://llmcost:xxxxx@db:5432/llmcost?sslmode=disable"},
		{"postgres://u:s3cret@db:bad port/x", "postgres://(unparseable)"},
	}
	for _, tt := range tests {
		if got := redactDSN(tt.in); got != tt.want {
			t.Errorf("redactDSN(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if strings.Contains(redactDSN(tt.in), "s3cret") {
			t.Errorf("redactDSN(%q) keeps the password", tt.in)
		}
	}
	c := Config{Store: "clickhouse://u:s3cret@ch:9000/costs", Meta: "postgres://u:s3cret@db/x"}
	if strings.Contains(c.String(), "s3cret") {
		t.Errorf("Config.String() = %q, shows a password", c.String())
	}
}
