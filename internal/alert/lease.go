package alert

import (
	"context"
	"fmt"

	"github.com/llmcost/llmcost/internal/cost"
)

// lead reports whether this engine is the one to evaluate: always without a
// Lease. On taking the lease it first resumes what a previous holder left
// undelivered.
func (e *Engine) lead(ctx context.Context) (bool, error) {
	if e.cfg.Lease == nil {
		return true, nil
	}
	held, err := e.cfg.Lease.Held(ctx)
	if !held {
		if e.leading {
			e.log.Warn("alert evaluation lease lost", "replica", e.cfg.Replica, "error", err)
		}
		e.leading = false
		return false, err
	}
	if !e.leading {
		e.log.Info("alert evaluation lease taken: this replica evaluates rules", "replica", e.cfg.Replica)
		if err := e.resume(ctx); err != nil {
			return false, fmt.Errorf("resuming deliveries: %w", err)
		}
		e.leading = true
	}
	return true, nil
}

// resumeScan is how much recent history resume looks through.
const resumeScan = 1000

// resume delivers the events a previous lease holder recorded but did not
// finish delivering (it stopped mid-delivery). Each keeps its id, which the
// webhook payload carries as event_id, so a receiver that got the first try
// can tell the second for the same notification.
func (e *Engine) resume(ctx context.Context) error {
	evs, err := e.cfg.Alerts.AlertEvents(ctx, cost.AlertEventFilter{Limit: resumeScan})
	if err != nil {
		return err
	}
	rules, err := e.cfg.Store.AlertRules(ctx, "")
	if err != nil {
		return err
	}
	byID := map[string]cost.AlertRule{}
	for _, r := range rules {
		byID[r.ID] = r
	}
	for i := range evs {
		ev := &evs[i]
		r, ok := byID[ev.RuleID]
		if ev.Delivery != cost.DeliveryPending || ev.Status == cost.AlertTest || !ok {
			continue
		}
		e.log.Info("alert notification resumed", "rule", r.ID, "event", ev.ID, "from_replica", ev.Replica)
		chs, missing := e.channelsFor(ctx, r)
		ev.Deliveries, ev.Replica = missing, e.cfg.Replica
		if len(chs) == 0 {
			ev.Delivery = outcome(missing)
			if err := e.cfg.Alerts.SaveAlertEvent(ctx, ev); err != nil {
				return err
			}
			continue
		}
		if err := e.deliver(ctx, r, ev, chs, false); err != nil {
			return err
		}
	}
	return nil
}
