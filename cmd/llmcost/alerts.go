package main

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/llmcost/llmcost/internal/alert"
	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/duckdb"
	"github.com/llmcost/llmcost/internal/query"
)

// DefaultAlertInterval is how often serve evaluates alert rules without
// LLMCOST_ALERT_INTERVAL.
const DefaultAlertInterval = time.Minute

const alertsUsage = `Usage: llmcost alerts test [--data DIR | --server URL] RULE

Sends a test notification for alert rule RULE (its id) to each of its channels
and prints the delivery outcome. Rules and channels are managed through
/api/v1/alerts (see docs/alerts.md); serve evaluates rules every
LLMCOST_ALERT_INTERVAL (default 1m) and right after each ingest.

Examples:
  llmcost alerts test 3f2a9c1d0b7e4a55
  LLMCOST_TOKEN=$ADMIN llmcost alerts test --server http://localhost:8080 3f2a9c1d0b7e4a55
`

// readAlertEnv reads the alert settings.
func (c *Config) readAlertEnv(getenv func(string) string) error {
	c.AlertChannels = strings.TrimSpace(getenv("LLMCOST_ALERT_CHANNELS"))
	c.PublicURL = strings.TrimSpace(getenv("LLMCOST_PUBLIC_URL"))
	if v := strings.TrimSpace(getenv("LLMCOST_ALERT_INTERVAL")); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Second {
			return cost.FieldErrorf("LLMCOST_ALERT_INTERVAL", "LLMCOST_ALERT_INTERVAL=%q is not a duration of at least 1s, like 1m.", v)
		}
		c.AlertInterval = d
	}
	return nil
}

// checkAlertsArgs validates "alerts test RULE", reading the flags that follow
// the subcommand ("alerts test --server URL RULE").
func (m *Main) checkAlertsArgs() error {
	if len(m.Args) > 1 && m.Args[0] == "test" {
		fs := m.flagSet(alertsUsage)
		if err := fs.Parse(m.Args[1:]); err != nil {
			return err
		}
		m.noteDataFlag(fs)
		m.Args = append([]string{"test"}, fs.Args()...)
		if err := m.Config.Validate(); err != nil {
			return err
		}
	}
	if len(m.Args) != 2 || m.Args[0] != "test" || strings.TrimSpace(m.Args[1]) == "" {
		return fmt.Errorf("alerts: usage: llmcost alerts test RULE")
	}
	return nil
}

// newAlerts returns the alert engine over the query service and store, with the
// channels of LLMCOST_ALERT_CHANNELS.
func (m *Main) newAlerts(q cost.QueryService, db *duckdb.DB) (*alert.Engine, error) {
	var chs []cost.AlertChannel
	if m.Config.AlertChannels != "" {
		var err error
		if chs, err = alert.LoadChannels(m.Config.AlertChannels); err != nil {
			return nil, err
		}
	}
	l := m.Config.Limits
	return alert.New(alert.Config{Query: q, Store: m.costStore(db), Alerts: m.costStore(db), Channels: chs,
		BaseURL: m.Config.PublicURL, Logger: m.Logger, AllowHosts: l.AlertAllowHosts,
		MaxCustomerRules: l.AlertMaxRules, MaxCustomerChannels: l.AlertMaxChannels,
		Lease: m.alertLease(), Replica: replicaName()}), nil
}

// startAlerts runs the evaluation loop until Close; links point at serverURL
// unless LLMCOST_PUBLIC_URL is set.
func (m *Main) startAlerts(e *alert.Engine, serverURL string) {
	if m.Config.PublicURL == "" {
		e.SetBaseURL(serverURL)
	}
	every := m.Config.AlertInterval
	if every <= 0 {
		every = DefaultAlertInterval
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		e.Run(ctx, every)
	}()
	m.onClose(func() error {
		cancel()
		<-done
		return e.Close()
	})
}

// runAlerts runs "alerts test RULE" locally or against --server.
func (m *Main) runAlerts(ctx context.Context) error {
	id := m.Args[1]
	var ev *cost.AlertEvent
	if m.Config.Server != "" {
		ev = &cost.AlertEvent{}
		if err := m.call(ctx, "POST", "/api/v1/alerts/rules/"+url.PathEscape(id)+"/test", "application/json", nil, ev); err != nil {
			return err
		}
	} else {
		db, err := m.openExistingStore()
		if err != nil {
			return err
		}
		e, err := m.newAlerts(query.NewService(m.costStore(db), m.Config.Clock()), db)
		if err != nil {
			return err
		}
		if ev, err = e.TestRule(ctx, cost.AdminPrincipal(), id); err != nil {
			return err
		}
	}
	return printTestEvent(m.Stdout, ev)
}

// printTestEvent reports each channel's delivery; an error when any failed.
func printTestEvent(w io.Writer, ev *cost.AlertEvent) error {
	fmt.Fprintf(w, "Test notification for %q (event %s): %s\n", ev.RuleName, ev.ID, ev.Delivery)
	for _, d := range ev.Deliveries {
		line := fmt.Sprintf("  %s (%s): %s after %d attempt(s)", d.ChannelID, d.Type, d.Status, d.Attempts)
		if d.Error != "" {
			line += ": " + d.Error
		}
		fmt.Fprintln(w, line)
	}
	switch ev.Delivery {
	case cost.DeliveryNone:
		return cost.Errorf(cost.CodeInvalid, "Rule %s has no channels; add some with PUT /api/v1/alerts/rules/%s.", ev.RuleID, ev.RuleID)
	case cost.DeliveryFailed:
		return cost.Errorf(cost.CodeUnavailable, "The test notification could not be delivered to every channel.")
	}
	return nil
}
