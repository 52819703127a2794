package alert

import (
	"context"
	"slices"

	"github.com/llmcost/llmcost/internal/cost"
)

// Ensure Engine implements cost.AlertService.
var _ cost.AlertService = (*Engine)(nil)

// Rules lists the rules in p's scope: all for an admin, a customer's own for a customer.
func (e *Engine) Rules(ctx context.Context, p cost.Principal) ([]cost.AlertRule, error) {
	if p.Admin {
		return e.cfg.Store.AlertRules(ctx, "")
	}
	return e.cfg.Store.AlertRules(ctx, p.CustomerID)
}

// Rule returns one rule in p's scope. Returns CodeNotFound otherwise.
func (e *Engine) Rule(ctx context.Context, p cost.Principal, id string) (*cost.AlertRule, error) {
	rules, err := e.Rules(ctx, p)
	if err != nil {
		return nil, err
	}
	for i := range rules {
		if rules[i].ID == id {
			return &rules[i], nil
		}
	}
	return nil, cost.Errorf(cost.CodeNotFound, "Alert rule %q does not exist.", id)
}

// SaveRule validates r and stores it in p's scope. A customer's rules are always
// its own, filter only its own data and use only its own channels.
func (e *Engine) SaveRule(ctx context.Context, p cost.Principal, r *cost.AlertRule) error {
	if p.IsCustomer() {
		if r.CustomerID != "" && r.CustomerID != p.CustomerID {
			return cost.Errorf(cost.CodeForbidden, "A customer may only manage its own alert rules.")
		}
		r.CustomerID = p.CustomerID
		for _, f := range r.Filters {
			if f.Dimension == cost.DimCustomer && (f.Op != cost.OpEq && f.Op != cost.OpIn || slices.ContainsFunc(f.Values, func(v string) bool { return v != p.CustomerID })) {
				return cost.Errorf(cost.CodeForbidden, "A customer's rule may only filter its own data.")
			}
		}
	}
	if r.ID != "" {
		old, err := e.Rule(ctx, p, r.ID)
		if cost.ErrorCode(err) == cost.CodeNotFound && p.IsCustomer() {
			return err // Never create or overwrite another customer's id.
		} else if err == nil {
			r.CreatedBy = old.CreatedBy
		}
	}
	if r.ID == "" && p.IsCustomer() {
		if err := e.ruleQuota(ctx, p); err != nil {
			return err
		}
	}
	if r.CreatedBy == "" {
		r.CreatedBy = p.String()
	}
	if err := Validate(r); err != nil {
		return err
	}
	if err := e.checkChannels(ctx, r); err != nil {
		return err
	}
	if err := e.cfg.Store.SaveAlertRule(ctx, r); err != nil {
		return err
	}
	e.Trigger()
	return nil
}

// ruleQuota refuses a customer's new rule once it has MaxCustomerRules.
func (e *Engine) ruleQuota(ctx context.Context, p cost.Principal) error {
	rules, err := e.cfg.Store.AlertRules(ctx, p.CustomerID)
	if err != nil {
		return err
	}
	if len(rules) >= e.cfg.MaxCustomerRules {
		return cost.Errorf(cost.CodeTooManyRequests, "A customer may have at most %d alert rules; delete one before adding another.", e.cfg.MaxCustomerRules)
	}
	return nil
}

// channelQuota refuses a customer's new channel once it has MaxCustomerChannels.
func (e *Engine) channelQuota(ctx context.Context, p cost.Principal) error {
	chs, err := e.Channels(ctx, p)
	if err != nil {
		return err
	}
	if len(chs) >= e.cfg.MaxCustomerChannels {
		return cost.Errorf(cost.CodeTooManyRequests, "A customer may have at most %d alert channels; delete one before adding another.", e.cfg.MaxCustomerChannels)
	}
	return nil
}

// checkChannels makes sure a rule's channels exist and are in its scope.
func (e *Engine) checkChannels(ctx context.Context, r *cost.AlertRule) error {
	_, missing := e.channelsFor(ctx, *r)
	if len(missing) > 0 {
		return cost.FieldErrorf("channels", "Channel %q: %s.", missing[0].ChannelID, missing[0].Error)
	}
	return nil
}

// DeleteRule removes a rule in p's scope and its state.
func (e *Engine) DeleteRule(ctx context.Context, p cost.Principal, id string) error {
	if _, err := e.Rule(ctx, p, id); err != nil {
		return err
	}
	if err := e.cfg.Store.DeleteAlertRule(ctx, id); err != nil {
		return err
	}
	return e.cfg.Alerts.DeleteAlertStates(ctx, id)
}

// Channels lists the channels in p's scope, redacted.
func (e *Engine) Channels(ctx context.Context, p cost.Principal) ([]cost.AlertChannel, error) {
	all, err := e.allChannels(ctx)
	if err != nil {
		return nil, err
	}
	out := []cost.AlertChannel{}
	for _, c := range all {
		if p.Admin || c.CustomerID == p.CustomerID {
			out = append(out, c.Redacted())
		}
	}
	return out, nil
}

// channel returns one channel in p's scope, unredacted.
func (e *Engine) channel(ctx context.Context, p cost.Principal, id string) (*cost.AlertChannel, error) {
	all, err := e.allChannels(ctx)
	if err != nil {
		return nil, err
	}
	for _, c := range all {
		if c.ID == id && (p.Admin || c.CustomerID == p.CustomerID) {
			return &c, nil
		}
	}
	return nil, cost.Errorf(cost.CodeNotFound, "Alert channel %q does not exist.", id)
}

// SaveChannel validates and stores c in p's scope; secrets left empty keep the
// stored ones. Configuration-file channels cannot be changed. On return c is redacted.
func (e *Engine) SaveChannel(ctx context.Context, p cost.Principal, c *cost.AlertChannel) error {
	if p.IsCustomer() {
		if c.CustomerID != "" && c.CustomerID != p.CustomerID {
			return cost.Errorf(cost.CodeForbidden, "A customer may only manage its own channels.")
		}
		c.CustomerID = p.CustomerID
	}
	c.Source, c.HasSecret = "api", false
	if c.ID != "" {
		old, err := e.channel(ctx, p, c.ID)
		switch {
		case err == nil && old.Source == "config":
			return cost.Errorf(cost.CodeConflict, "Channel %q comes from the configuration file and cannot be changed here.", c.ID)
		case err == nil:
			keepSecrets(c, old)
		case p.IsCustomer():
			return err
		}
	}
	if err := ValidateChannel(c); err != nil {
		return err
	}
	if c.ID == "" && p.IsCustomer() {
		if err := e.channelQuota(ctx, p); err != nil {
			return err
		}
	}
	if err := e.cfg.Alerts.SaveAlertChannel(ctx, c); err != nil {
		return err
	}
	*c = c.Redacted()
	return nil
}

// keepSecrets copies stored secrets into an update that left them empty.
func keepSecrets(c, old *cost.AlertChannel) {
	c.CreatedAt = old.CreatedAt
	if c.Secret == "" {
		c.Secret = old.Secret
	}
	if c.Password == "" {
		c.Password = old.Password
	}
	if old.Type == cost.ChannelSlack && c.Type == cost.ChannelSlack && (c.URL == "" || c.URL == old.Redacted().URL) {
		c.URL = old.URL
	}
}

// DeleteChannel removes a stored channel in p's scope.
func (e *Engine) DeleteChannel(ctx context.Context, p cost.Principal, id string) error {
	c, err := e.channel(ctx, p, id)
	if err != nil {
		return err
	}
	if c.Source == "config" {
		return cost.Errorf(cost.CodeConflict, "Channel %q comes from the configuration file and cannot be deleted here.", id)
	}
	return e.cfg.Alerts.DeleteAlertChannel(ctx, id)
}

// Events lists alert history in p's scope, newest first.
func (e *Engine) Events(ctx context.Context, p cost.Principal, f cost.AlertEventFilter) ([]cost.AlertEvent, error) {
	if p.IsCustomer() {
		if f.CustomerID != nil && *f.CustomerID != p.CustomerID {
			return nil, cost.Errorf(cost.CodeForbidden, "A customer may only see its own alerts.")
		}
		id := p.CustomerID
		f.CustomerID = &id
	}
	if f.Limit < 0 || f.Limit > 1000 {
		return nil, cost.FieldErrorf("limit", "Limit must be between 0 and 1000.")
	}
	evs, err := e.cfg.Alerts.AlertEvents(ctx, f)
	if err != nil || p.Admin {
		return evs, err
	}
	for i := range evs {
		evs[i] = customerView(evs[i])
	}
	return evs, nil
}

// deliveryFailed is all a customer learns of a failed delivery: the detail
// (refused addresses, connection errors) would map the server's network. The
// admin sees it in the history and the log.
const deliveryFailed = "delivery failed"

// customerView returns ev with its delivery errors made generic.
func customerView(ev cost.AlertEvent) cost.AlertEvent {
	ds := slices.Clone(ev.Deliveries)
	for i := range ds {
		if ds[i].Error != "" {
			ds[i].Error = deliveryFailed
		}
	}
	ev.Deliveries = ds
	return ev
}

// TestRule sends a test notification for a rule, waits for its delivery, and
// returns the recorded event.
func (e *Engine) TestRule(ctx context.Context, p cost.Principal, id string) (*cost.AlertEvent, error) {
	r, err := e.Rule(ctx, p, id)
	if err != nil {
		return nil, err
	}
	now := e.cfg.Query.Now()
	rg := WindowRange(r.Window, now)
	ev := &cost.AlertEvent{RuleID: r.ID, RuleName: r.Name, Kind: r.Kind, CustomerID: r.CustomerID,
		Status: cost.AlertTest, At: now,
		Message: "Test notification for the " + r.Kind + " rule \"" + r.Name + "\"; real alerts will look like this.",
		Link:    e.link(*r, &Sample{Range: rg})}
	if err := e.dispatch(ctx, *r, ev, nil, true); err != nil {
		return nil, err
	}
	if p.IsCustomer() {
		*ev = customerView(*ev)
	}
	return ev, nil
}
