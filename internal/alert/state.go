package alert

import (
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

// Notification kinds returned by Step.
const (
	NotifyNone     = ""
	NotifyFiring   = "firing"   // The alert started firing.
	NotifyRepeat   = "repeat"   // Still firing; the repeat interval has passed.
	NotifyResolved = "resolved" // The alert stopped firing.
)

// Timing is a rule's pending and repeat durations.
type Timing struct {
	For    time.Duration // How long the condition must hold before firing (0 = at once).
	Repeat time.Duration // Re-notify while firing this often (0 = never).
}

// Step advances the state of one rule × label set at now. s is the active sample
// for the label set, or nil when the condition does not hold. It returns the next
// state and which notification, if any, to send. Step is pure: the same inputs
// always give the same outputs, so re-evaluating never notifies twice.
func Step(prev cost.AlertState, s *Sample, now time.Time, t Timing) (cost.AlertState, string) {
	next := prev
	if s == nil {
		switch prev.State {
		case cost.AlertFiring:
			next.State, next.ResolvedAt, next.ActiveSince = cost.AlertResolved, now, time.Time{}
			return next, NotifyResolved
		case cost.AlertPending:
			next.State, next.ActiveSince = cost.AlertResolved, time.Time{}
		}
		return next, NotifyNone
	}
	next.Labels, next.Value, next.Message = s.Labels, s.Value, s.Message
	switch prev.State {
	case cost.AlertFiring:
		if t.Repeat > 0 && !now.Before(prev.LastNotified.Add(t.Repeat)) {
			next.LastNotified = now
			return next, NotifyRepeat
		}
		return next, NotifyNone
	case cost.AlertPending:
	default: // New, or resolved before: start pending.
		next.State, next.ActiveSince = cost.AlertPending, now
		next.FiredAt, next.ResolvedAt = time.Time{}, time.Time{}
	}
	if now.Sub(next.ActiveSince) >= t.For {
		next.State, next.FiredAt, next.LastNotified = cost.AlertFiring, now, now
		return next, NotifyFiring
	}
	return next, NotifyNone
}
