package alert

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

// Config holds an Engine's dependencies.
type Config struct {
	Query  cost.QueryService // Every figure comes from here, in the rule's scope.
	Store  cost.Store        // Rules and data freshness.
	Alerts cost.AlertStore   // State, history and API channels.
	// Channels are read-only channels from the configuration file.
	Channels []cost.AlertChannel
	// BaseURL prefixes dashboard links, e.g. "https://llmcost.example.com".
	BaseURL string
	Logger  *slog.Logger
	Retry   Retry // Zero = DefaultRetry.
	// SMTPTLS configures STARTTLS (e.g. extra root CAs); ServerName is set per channel.
	SMTPTLS *tls.Config
	// AllowHosts names hosts (or IP addresses) that organisation channels may
	// reach although they are internal; customer channels never may. Every
	// other delivery connects only to public addresses.
	AllowHosts []string
	// Lookup resolves host names for deliveries; nil = the system resolver.
	Lookup Lookup
	// MaxCustomerRules and MaxCustomerChannels bound what one customer may
	// create (0 = DefaultMaxCustomerRules, DefaultMaxCustomerChannels).
	MaxCustomerRules    int
	MaxCustomerChannels int
	// Lease, when set, elects the one engine, among replicas sharing the
	// metadata store, that evaluates rules and sends their notifications:
	// Evaluate does nothing while another replica holds it.
	Lease Lease
	// Replica names this server in the alert history (AlertEvent.Replica).
	Replica string
}

// Lease elects one holder among the processes sharing a metadata store.
type Lease interface {
	// Held reports whether this process holds the lease, taking it if free.
	Held(ctx context.Context) (bool, error)
}

// Default quotas of one customer.
const (
	DefaultMaxCustomerRules    = 100
	DefaultMaxCustomerChannels = 20
)

// Engine evaluates rules, advances their state and sends notifications. Its
// clock is the query service's (LLMCOST_NOW when set).
type Engine struct {
	cfg     Config
	log     *slog.Logger
	mu      sync.Mutex // One evaluation at a time.
	leading bool       // Held the lease at the last evaluation; guarded by mu.
	baseMu  sync.Mutex
	base    string // Link prefix; see SetBaseURL.
	wg      sync.WaitGroup
	trigger chan struct{}
	// org delivers organisation channels (allowed hosts included); customer
	// delivers customer channels, to public addresses only.
	org, customer transport
	ctx           context.Context // Cancelled by Close; bounds deliveries.
	cancel        context.CancelFunc
}

// New returns an engine; call Run to evaluate periodically.
func New(c Config) *Engine {
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Retry.Attempts <= 0 {
		c.Retry = DefaultRetry
	}
	if c.MaxCustomerRules <= 0 {
		c.MaxCustomerRules = DefaultMaxCustomerRules
	}
	if c.MaxCustomerChannels <= 0 {
		c.MaxCustomerChannels = DefaultMaxCustomerChannels
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Engine{cfg: c, log: c.Logger, base: c.BaseURL, trigger: make(chan struct{}, 1), ctx: ctx, cancel: cancel,
		org: newTransport(newGuard(c.AllowHosts, c.Lookup), c.SMTPTLS), customer: newTransport(newGuard(nil, c.Lookup), c.SMTPTLS)}
}

// SetBaseURL sets the prefix of dashboard links, e.g. once the server listens.
func (e *Engine) SetBaseURL(u string) {
	e.baseMu.Lock()
	defer e.baseMu.Unlock()
	e.base = strings.TrimSuffix(u, "/")
}

func (e *Engine) baseURL() string {
	e.baseMu.Lock()
	defer e.baseMu.Unlock()
	return e.base
}

// Run evaluates at once, then every interval and after each Trigger, until ctx ends.
func (e *Engine) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if err := e.Evaluate(ctx); err != nil && ctx.Err() == nil {
			e.log.Warn("alert evaluation", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-e.trigger:
		}
	}
}

// Trigger asks Run to evaluate soon (e.g. after an ingest); it never blocks.
func (e *Engine) Trigger() {
	select {
	case e.trigger <- struct{}{}:
	default:
	}
}

// Wait waits for notifications being delivered.
func (e *Engine) Wait() { e.wg.Wait() }

// Close cancels deliveries in flight and waits for them to record their outcome.
func (e *Engine) Close() error {
	e.cancel()
	e.wg.Wait()
	return nil
}

// Evaluate evaluates every enabled rule once. A failing rule does not stop the
// others; their errors are joined.
func (e *Engine) Evaluate(ctx context.Context) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if lead, err := e.lead(ctx); !lead {
		return err
	}
	rules, err := e.cfg.Store.AlertRules(ctx, "")
	if err != nil {
		return err
	}
	var errs []error
	for _, r := range rules {
		if !r.Enabled {
			continue
		}
		if err := e.evaluateRule(ctx, r); err != nil {
			errs = append(errs, fmt.Errorf("rule %s (%s): %w", r.ID, r.Name, err))
		}
	}
	return errors.Join(errs...)
}

// evaluateRule gathers a rule's samples, steps each label set's state, and
// notifies on transitions.
func (e *Engine) evaluateRule(ctx context.Context, r cost.AlertRule) error {
	now := e.cfg.Query.Now()
	samples, err := e.gather(ctx, r, now)
	if err != nil {
		return err
	}
	timing, err := ruleTiming(r)
	if err != nil {
		return err
	}
	states, err := e.cfg.Alerts.AlertStates(ctx, r.ID)
	if err != nil {
		return err
	}
	prev := map[string]cost.AlertState{}
	var keys []string
	for _, s := range states {
		prev[s.Key] = s
		keys = append(keys, s.Key)
	}
	active := map[string]*Sample{}
	for i := range samples {
		active[samples[i].Key] = &samples[i]
		if _, ok := prev[samples[i].Key]; !ok {
			keys = append(keys, samples[i].Key)
		}
	}
	for _, k := range keys {
		if err := e.step(ctx, r, prev[k], k, active[k], now, timing); err != nil {
			return err
		}
	}
	return nil
}

// step advances one label set and notifies when Step says so.
func (e *Engine) step(ctx context.Context, r cost.AlertRule, prev cost.AlertState, key string, s *Sample, now time.Time, t Timing) error {
	prev.RuleID, prev.Key = r.ID, key
	next, notify := Step(prev, s, now, t)
	if s != nil && (notify == NotifyFiring || notify == NotifyRepeat) {
		next.Message = e.withDriver(ctx, r, s)
		next.Link = e.link(r, s)
	}
	if s == nil && notify == NotifyNone && next.State == prev.State {
		return nil
	}
	if notify == NotifyNone {
		return e.cfg.Alerts.SaveAlertState(ctx, &next)
	}
	ev := &cost.AlertEvent{RuleID: r.ID, RuleName: r.Name, Kind: r.Kind, CustomerID: r.CustomerID, Key: key,
		Labels: next.Labels, Status: cost.AlertFiring, Repeat: notify == NotifyRepeat, Value: next.Value,
		Message: next.Message + ".", Link: next.Link, At: now}
	if notify == NotifyResolved {
		ev.Status = cost.AlertResolved
		ev.Message = "Resolved: " + r.Name + " no longer holds (it fired with: " + prev.Message + ")."
	}
	return e.dispatch(ctx, r, ev, &next, false)
}

// ruleTiming parses a rule's for and repeat durations.
func ruleTiming(r cost.AlertRule) (Timing, error) {
	f, err := Duration(r.For)
	if err != nil {
		return Timing{}, err
	}
	rep, err := Duration(r.Repeat)
	return Timing{For: f, Repeat: rep}, err
}

// dispatch records an event, with the state that caused it when there is one,
// and delivers it to the rule's channels: in the background, unless sync is
// set. The outcome is saved on the event.
func (e *Engine) dispatch(ctx context.Context, r cost.AlertRule, ev *cost.AlertEvent, state *cost.AlertState, sync bool) error {
	chs, missing := e.channelsFor(ctx, r)
	ev.Delivery, ev.Deliveries, ev.Replica = cost.DeliveryPending, missing, e.cfg.Replica
	if len(chs) == 0 {
		ev.Delivery = outcome(missing)
	}
	var err error
	if state != nil {
		err = e.cfg.Alerts.SaveAlertTransition(ctx, state, ev)
	} else {
		err = e.cfg.Alerts.SaveAlertEvent(ctx, ev)
	}
	if err != nil || len(chs) == 0 {
		return err
	}
	return e.deliver(ctx, r, ev, chs, sync)
}

// deliver sends a recorded event to chs and saves the outcome on it: in the
// background, unless sync is set.
func (e *Engine) deliver(ctx context.Context, r cost.AlertRule, ev *cost.AlertEvent, chs []cost.AlertChannel, sync bool) error {
	done := *ev
	deliver := func() error {
		for _, c := range chs {
			done.Deliveries = append(done.Deliveries, send(e.ctx, c, &done, e.cfg.Retry, e.transportFor(c)))
		}
		done.Delivery = outcome(done.Deliveries)
		if done.Delivery == cost.DeliveryFailed && e.cfg.Lease != nil && e.ctx.Err() != nil {
			// Cut short by Close: left pending for the next lease holder to deliver.
			e.log.Info("alert notification left to the next lease holder", "rule", r.ID, "event", done.ID)
			return nil
		}
		if done.Delivery == cost.DeliveryFailed {
			e.log.Warn("alert notification failed", "rule", r.ID, "event", done.ID, "deliveries", done.Deliveries)
		}
		return e.cfg.Alerts.SaveAlertEvent(context.WithoutCancel(ctx), &done)
	}
	if sync {
		err := deliver()
		*ev = done
		return err
	}
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		if err := deliver(); err != nil {
			e.log.Error("alert event", "rule", r.ID, "error", err)
		}
	}()
	return nil
}

// transportFor returns how notifications reach c: a customer's channel never
// through the admin's allowed internal hosts.
func (e *Engine) transportFor(c cost.AlertChannel) transport {
	if c.CustomerID != "" {
		return e.customer
	}
	return e.org
}

// outcome summarises deliveries: none, sent, or failed if any failed.
func outcome(ds []cost.Delivery) string {
	if len(ds) == 0 {
		return cost.DeliveryNone
	}
	for _, d := range ds {
		if d.Status != cost.DeliverySent {
			return cost.DeliveryFailed
		}
	}
	return cost.DeliverySent
}

// channelsFor returns the rule's channels, and failed deliveries for channels
// that do not exist or lie outside a customer rule's scope.
func (e *Engine) channelsFor(ctx context.Context, r cost.AlertRule) ([]cost.AlertChannel, []cost.Delivery) {
	all, err := e.allChannels(ctx)
	var chs []cost.AlertChannel
	var missing []cost.Delivery
	for _, id := range r.Channels {
		i := slices.IndexFunc(all, func(c cost.AlertChannel) bool { return c.ID == id })
		switch {
		case err != nil:
			missing = append(missing, cost.Delivery{ChannelID: id, Status: cost.DeliveryFailed, Error: "channels unavailable"})
		case i < 0:
			missing = append(missing, cost.Delivery{ChannelID: id, Status: cost.DeliveryFailed, Error: "no such channel"})
		case r.CustomerID != "" && all[i].CustomerID != r.CustomerID:
			missing = append(missing, cost.Delivery{ChannelID: id, Status: cost.DeliveryFailed, Error: "channel outside the rule's scope"})
		default:
			chs = append(chs, all[i])
		}
	}
	return chs, missing
}

// allChannels returns the configuration file's channels, then the stored ones.
func (e *Engine) allChannels(ctx context.Context) ([]cost.AlertChannel, error) {
	stored, err := e.cfg.Alerts.AlertChannels(ctx)
	if err != nil {
		return nil, err
	}
	return append(slices.Clone(e.cfg.Channels), stored...), nil
}
