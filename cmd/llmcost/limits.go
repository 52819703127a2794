package main

import (
	"errors"
	"net/url"
	"strconv"
	"strings"

	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/httpapi"
)

// Limits are the settings that keep customers contained: where alerts may be
// delivered, how much one customer may create, how fast anyone may ask, and
// which pages may use the widget.
type Limits struct {
	// AlertAllowHosts (LLMCOST_ALERT_ALLOW_HOSTS, comma-separated) names the
	// internal hosts organisation alert channels may reach.
	AlertAllowHosts []string
	// AlertMaxRules and AlertMaxChannels (LLMCOST_ALERT_MAX_RULES,
	// LLMCOST_ALERT_MAX_CHANNELS) bound one customer's alert rules and channels.
	AlertMaxRules    int
	AlertMaxChannels int
	// ChatPerMinute (LLMCOST_CHAT_PER_MINUTE) bounds each principal's chat questions.
	ChatPerMinute int
	// AuthFailuresPerMinute (LLMCOST_AUTH_FAILURES_PER_MINUTE) bounds the wrong
	// tokens one client address may send before it must wait.
	AuthFailuresPerMinute int
	// WidgetOrigins (LLMCOST_WIDGET_ORIGINS, comma-separated, or "*") are the
	// origins whose pages may call the API from a browser and frame the widget page.
	WidgetOrigins []string
}

// readLimitsEnv reads the Limits settings; numbers must be positive.
func (c *Config) readLimitsEnv(getenv func(string) string) error {
	if v := strings.TrimSpace(getenv("LLMCOST_ALERT_ALLOW_HOSTS")); v != "" {
		c.Limits.AlertAllowHosts = splitList(v)
	}
	if v := strings.TrimSpace(getenv("LLMCOST_WIDGET_ORIGINS")); v != "" {
		c.Limits.WidgetOrigins = nil
		for _, o := range splitList(v) {
			c.Limits.WidgetOrigins = append(c.Limits.WidgetOrigins, strings.TrimSuffix(o, "/"))
		}
	}
	var errs []error
	for _, s := range []struct {
		name string
		dst  *int
	}{
		{"LLMCOST_ALERT_MAX_RULES", &c.Limits.AlertMaxRules}, {"LLMCOST_ALERT_MAX_CHANNELS", &c.Limits.AlertMaxChannels},
		{"LLMCOST_CHAT_PER_MINUTE", &c.Limits.ChatPerMinute}, {"LLMCOST_AUTH_FAILURES_PER_MINUTE", &c.Limits.AuthFailuresPerMinute},
	} {
		name, dst := s.name, s.dst
		v := strings.TrimSpace(getenv(name))
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			errs = append(errs, cost.FieldErrorf(name, "%s=%q is not a positive whole number.", name, v))
			continue
		}
		*dst = n
	}
	return errors.Join(errs...)
}

// validateOrigins checks that each widget origin is "*" or scheme://host[:port].
func validateOrigins(origins []string) error {
	for _, o := range origins {
		if o == "*" {
			continue
		}
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" || u.RawQuery != "" || u.User != nil {
			return cost.FieldErrorf("LLMCOST_WIDGET_ORIGINS",
				"LLMCOST_WIDGET_ORIGINS entry %q is not an origin such as https://app.example.com (or *).", o)
		}
	}
	return nil
}

// httpLimits returns the HTTP server's rate limits.
func (l Limits) httpLimits() httpapi.Limits {
	return httpapi.Limits{ChatPerMinute: l.ChatPerMinute, AuthFailuresPerMinute: l.AuthFailuresPerMinute}
}
