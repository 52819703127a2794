package alert_test

import (
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/alert"
	"github.com/llmcost/llmcost/internal/cost"
)

func TestStep(t *testing.T) {
	t0 := time.Date(2026, 11, 28, 8, 0, 0, 0, time.UTC)
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	on := &alert.Sample{Value: 1200, Message: "over"}
	type step struct {
		min        int
		active     bool
		wantState  string
		wantNotify string
	}
	tests := []struct {
		name   string
		timing alert.Timing
		steps  []step
	}{
		{"fires at once without for", alert.Timing{}, []step{
			{0, true, cost.AlertFiring, alert.NotifyFiring},
			{5, true, cost.AlertFiring, alert.NotifyNone}, // Deduplicated.
			{10, false, cost.AlertResolved, alert.NotifyResolved},
			{15, false, cost.AlertResolved, alert.NotifyNone},
			{20, true, cost.AlertFiring, alert.NotifyFiring}, // Fires again after resolving.
		}},
		{"pending until for has passed", alert.Timing{For: 30 * time.Minute}, []step{
			{0, true, cost.AlertPending, alert.NotifyNone},
			{29, true, cost.AlertPending, alert.NotifyNone},
			{30, true, cost.AlertFiring, alert.NotifyFiring}, // Exactly for: fires.
			{31, true, cost.AlertFiring, alert.NotifyNone},
		}},
		{"pending that clears never notifies", alert.Timing{For: time.Hour}, []step{
			{0, true, cost.AlertPending, alert.NotifyNone},
			{30, false, cost.AlertResolved, alert.NotifyNone},
			{40, true, cost.AlertPending, alert.NotifyNone}, // The for clock restarts.
			{99, true, cost.AlertPending, alert.NotifyNone},
			{100, true, cost.AlertFiring, alert.NotifyFiring},
		}},
		{"repeat interval", alert.Timing{Repeat: time.Hour}, []step{
			{0, true, cost.AlertFiring, alert.NotifyFiring},
			{59, true, cost.AlertFiring, alert.NotifyNone},
			{60, true, cost.AlertFiring, alert.NotifyRepeat},
			{100, true, cost.AlertFiring, alert.NotifyNone},
			{120, true, cost.AlertFiring, alert.NotifyRepeat},
			{121, false, cost.AlertResolved, alert.NotifyResolved},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var st cost.AlertState
			for i, s := range tt.steps {
				var sample *alert.Sample
				if s.active {
					sample = on
				}
				var got string
				st, got = alert.Step(st, sample, at(s.min), tt.timing)
				if st.State != s.wantState || got != s.wantNotify {
					t.Fatalf("step %d (minute %d): got state %q notify %q, want %q %q", i, s.min, st.State, got, s.wantState, s.wantNotify)
				}
			}
		})
	}
}

func TestDuration(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		bad  bool
	}{
		{"", 0, false}, {"90m", 90 * time.Minute, false}, {"2d", 48 * time.Hour, false},
		{"1h30m", 90 * time.Minute, false}, {"-1h", 0, true}, {"xd", 0, true}, {"soon", 0, true},
	}
	for _, tt := range tests {
		got, err := alert.Duration(tt.in)
		if (err != nil) != tt.bad || got != tt.want {
			t.Errorf("Duration(%q) = %v, %v; want %v, bad %v", tt.in, got, err, tt.want, tt.bad)
		}
	}
}
