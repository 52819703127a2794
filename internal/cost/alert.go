package cost

import (
	"context"
	"net/url"
	"time"
)

// Alert rule kinds (AlertRule.Kind).
const (
	AlertThreshold = "threshold" // Spend over a window above Threshold USD.
	AlertAnomaly   = "anomaly"   // The query layer's detectors flag the latest day.
	AlertBudget    = "budget"    // Threshold percent of the monthly budget used (or projected).
	AlertUnpriced  = "unpriced"  // Unpriced tokens appear in the window.
	AlertFreshness = "freshness" // No new billing data for a provider for Threshold hours.
)

// AlertKinds lists every rule kind.
var AlertKinds = []string{AlertThreshold, AlertAnomaly, AlertBudget, AlertUnpriced, AlertFreshness}

// Alert windows (AlertRule.Window). Budget rules also accept AlertWindowForecast:
// the month-end projection, rather than month-to-date spend, is compared.
const (
	AlertWindowDay         = "day"           // The last complete UTC day.
	AlertWindowWeek        = "week"          // The last 7 complete days.
	AlertWindowMonthToDate = "month_to_date" // The current month so far.
	AlertWindowForecast    = "forecast"      // Budget: projected month-end spend.
)

// Alert states of one rule × label set (AlertState.State), and event statuses.
const (
	AlertPending  = "pending"  // The condition holds, waiting for the rule's For duration.
	AlertFiring   = "firing"   // The condition held for For; notified.
	AlertResolved = "resolved" // The condition no longer holds.
	AlertTest     = "test"     // A test notification (events only).
)

// Delivery outcomes of an AlertEvent.
const (
	DeliveryPending = "pending" // Being delivered.
	DeliverySent    = "sent"    // Every channel accepted it.
	DeliveryFailed  = "failed"  // At least one channel failed after its retries.
	DeliveryNone    = "none"    // The rule has no channels.
)

// AlertState is the persisted evaluation state of one rule and label set, so a
// restart neither loses nor repeats notifications.
type AlertState struct {
	RuleID string            `json:"rule_id"`
	Key    string            `json:"key"` // Canonical label set, "" for a single-series rule.
	Labels map[string]string `json:"labels,omitempty"`
	State  string            `json:"state"`
	Value  float64           `json:"value"`
	// ActiveSince is when the condition started holding (pending began).
	ActiveSince  time.Time `json:"active_since,omitzero"`
	FiredAt      time.Time `json:"fired_at,omitzero"`
	LastNotified time.Time `json:"last_notified,omitzero"`
	ResolvedAt   time.Time `json:"resolved_at,omitzero"`
	Message      string    `json:"message,omitempty"`
	Link         string    `json:"link,omitempty"`
	UpdatedAt    time.Time `json:"updated_at,omitzero"`
}

// Delivery is the outcome of sending one notification to one channel.
type Delivery struct {
	ChannelID string `json:"channel_id"`
	Type      string `json:"type"`
	Status    string `json:"status"` // DeliverySent or DeliveryFailed.
	Attempts  int    `json:"attempts"`
	Error     string `json:"error,omitempty"`
}

// AlertEvent is one entry of the alert history: a notification and its delivery.
type AlertEvent struct {
	ID         string            `json:"id"`
	RuleID     string            `json:"rule_id"`
	RuleName   string            `json:"rule_name"`
	Kind       string            `json:"kind"`
	CustomerID string            `json:"customer_id,omitempty"`
	Key        string            `json:"key,omitempty"`
	Labels     map[string]string `json:"labels,omitempty"`
	Status     string            `json:"status"` // AlertFiring, AlertResolved or AlertTest.
	Repeat     bool              `json:"repeat,omitempty"`
	Value      float64           `json:"value"`
	Message    string            `json:"message"`
	Link       string            `json:"link,omitempty"`
	At         time.Time         `json:"at"`
	Delivery   string            `json:"delivery"` // DeliveryPending, DeliverySent, DeliveryFailed, DeliveryNone.
	Deliveries []Delivery        `json:"deliveries,omitempty"`
	// Replica names the server that sent the notification, when replicas share
	// the metadata store.
	Replica string `json:"replica,omitempty"`
}

// AlertEventFilter selects alert history.
type AlertEventFilter struct {
	CustomerID *string // Exactly this customer ("" = organisation rules) when set.
	RuleID     string  // "" = every rule.
	Limit      int     // 0 = 100.
}

// Notification channel types (AlertChannel.Type).
const (
	ChannelWebhook = "webhook"
	ChannelSlack   = "slack"
	ChannelEmail   = "email"
)

// AlertChannel is where notifications go. Secret fields (Secret, Password, and a
// Slack URL) are never shown back: Redacted blanks them.
type AlertChannel struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Type       string `json:"type"`
	CustomerID string `json:"customer_id,omitempty"` // Owner; "" = organisation.
	// URL is the webhook or Slack incoming-webhook URL.
	URL string `json:"url,omitempty"`
	// Secret signs webhook bodies (X-Llmcost-Signature: sha256=<hex HMAC>).
	Secret string `json:"secret,omitempty"`
	// Email over SMTP.
	SMTPHost string   `json:"smtp_host,omitempty"`
	SMTPPort int      `json:"smtp_port,omitempty"`
	Username string   `json:"username,omitempty"`
	Password string   `json:"password,omitempty"`
	From     string   `json:"from,omitempty"`
	To       []string `json:"to,omitempty"`
	StartTLS bool     `json:"starttls,omitempty"`
	// HasSecret reports, in redacted output, that a secret is stored.
	HasSecret bool `json:"has_secret,omitempty"`
	// Source is "api" or "config" (config-file channels are read-only).
	Source    string    `json:"source,omitempty"`
	CreatedAt time.Time `json:"created_at,omitzero"`
	UpdatedAt time.Time `json:"updated_at,omitzero"`
}

// Redacted returns c without its secrets, for showing.
func (c AlertChannel) Redacted() AlertChannel {
	c.HasSecret = c.HasSecret || c.Secret != "" || c.Password != "" || (c.Type == ChannelSlack && c.URL != "")
	c.Secret, c.Password = "", ""
	if u, err := url.Parse(c.URL); err == nil && c.URL != "" {
		if c.Type == ChannelSlack {
			u.Path, u.RawPath = "/…", ""
		}
		u.User, u.RawQuery = nil, ""
		c.URL = u.String()
	}
	return c
}

// AlertStore keeps alert state, history and channels; it is part of MetaStore
// (rules themselves are in MetaStore too).
type AlertStore interface {
	// AlertStates lists the states of one rule ("" = every rule).
	AlertStates(ctx context.Context, ruleID string) ([]AlertState, error)
	// SaveAlertState creates or replaces the state of (RuleID, Key).
	SaveAlertState(ctx context.Context, s *AlertState) error
	// DeleteAlertStates removes every state of a rule.
	DeleteAlertStates(ctx context.Context, ruleID string) error
	// SaveAlertEvent creates (ID == "": an id is assigned) or replaces an event.
	SaveAlertEvent(ctx context.Context, e *AlertEvent) error
	// SaveAlertTransition saves a state and the event its change caused (as
	// SaveAlertState and SaveAlertEvent do) in one transaction: a process that
	// stops between the two leaves neither, so the notification is neither lost
	// nor sent twice by the next evaluation.
	SaveAlertTransition(ctx context.Context, s *AlertState, e *AlertEvent) error
	// AlertEvents lists events, newest first.
	AlertEvents(ctx context.Context, f AlertEventFilter) ([]AlertEvent, error)
	// SaveAlertChannel creates (ID == "") or replaces a channel; sets ID and timestamps.
	SaveAlertChannel(ctx context.Context, c *AlertChannel) error
	// AlertChannels lists channels ordered by creation.
	AlertChannels(ctx context.Context) ([]AlertChannel, error)
	// DeleteAlertChannel removes a channel. Returns CodeNotFound if it does not exist.
	DeleteAlertChannel(ctx context.Context, id string) error
}

// AlertService manages alert rules, channels and history in a principal's scope:
// a customer principal sees and manages only its own.
type AlertService interface {
	// Rules lists the rules in p's scope.
	Rules(ctx context.Context, p Principal) ([]AlertRule, error)
	// Rule returns one rule in p's scope; CodeNotFound otherwise.
	Rule(ctx context.Context, p Principal, id string) (*AlertRule, error)
	// SaveRule validates and stores r (ID == "" creates).
	SaveRule(ctx context.Context, p Principal, r *AlertRule) error
	// DeleteRule removes a rule in p's scope and its state.
	DeleteRule(ctx context.Context, p Principal, id string) error
	// Channels returns channels redacted.
	Channels(ctx context.Context, p Principal) ([]AlertChannel, error)
	// SaveChannel validates and stores c; empty secrets keep the stored ones.
	SaveChannel(ctx context.Context, p Principal, c *AlertChannel) error
	// DeleteChannel removes a stored channel in p's scope.
	DeleteChannel(ctx context.Context, p Principal, id string) error
	// Events lists alert history in p's scope, newest first.
	Events(ctx context.Context, p Principal, f AlertEventFilter) ([]AlertEvent, error)
	// TestRule sends a test notification for a rule to its channels and returns its event.
	TestRule(ctx context.Context, p Principal, id string) (*AlertEvent, error)
}
