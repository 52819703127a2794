package alert_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/alert"
	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/costtest"
	"github.com/llmcost/llmcost/internal/duckdb"
	"github.com/llmcost/llmcost/internal/query"
)

// lease is a test lease: held by the engine named holder.
type lease struct {
	mu     sync.Mutex
	holder string
}

func (l *lease) set(holder string) { l.mu.Lock(); l.holder = holder; l.mu.Unlock() }

// of returns the lease as the replica name sees it.
func (l *lease) of(name string) alert.Lease { return leaseOf{l, name} }

type leaseOf struct {
	l    *lease
	name string
}

func (o leaseOf) Held(context.Context) (bool, error) {
	o.l.mu.Lock()
	defer o.l.mu.Unlock()
	return o.l.holder == o.name, nil
}

// TestLease_OneEvaluator checks that of two engines sharing a store only the
// lease holder evaluates and notifies, and that a new holder delivers what the
// old one recorded but never sent, under the same event id.
func TestLease_OneEvaluator(t *testing.T) {
	ctx, admin := context.Background(), cost.AdminPrincipal()
	now := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	db, err := duckdb.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.Now = clock
	yesterday := now.AddDate(0, 0, -1).Truncate(24 * time.Hour)
	costtest.MustApply(t, db, costtest.BatchOf([]cost.LineItem{{Date: yesterday, CloudProvider: cost.ProviderAWS,
		Model: "claude", CostUSD: 25, Source: "test", SourcePartition: "p"}}))
	hook := newWebhook(t, "s3cret")
	l := &lease{holder: "a"}
	engine := func(name string) *alert.Engine {
		e := alert.New(alert.Config{AllowHosts: testAllowHosts, Query: query.NewService(db, clock), Store: db, Alerts: db,
			Channels: []cost.AlertChannel{{ID: "hook", Type: cost.ChannelWebhook, URL: hook.srv.URL, Secret: "s3cret"}},
			Lease:    l.of(name), Replica: name, Retry: alert.Retry{Attempts: 1, Timeout: 10 * time.Second}})
		t.Cleanup(func() { e.Close() })
		return e
	}
	a, b := engine("a"), engine("b")
	r := &cost.AlertRule{Name: "Daily spend", Kind: cost.AlertThreshold, Window: cost.AlertWindowDay, Threshold: 10,
		Channels: []string{"hook"}, Enabled: true}
	if err := b.SaveRule(ctx, admin, r); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		for _, e := range []*alert.Engine{b, a} {
			if err := e.Evaluate(ctx); err != nil {
				t.Fatal(err)
			}
			e.Wait()
		}
	}
	got := hook.received()
	if len(got) != 1 || got[0].RuleID != r.ID || got[0].Status != cost.AlertFiring {
		t.Fatalf("deliveries = %+v, want one firing of %s", got, r.ID)
	}
	evs, err := db.AlertEvents(ctx, cost.AlertEventFilter{})
	if err != nil || len(evs) != 1 || evs[0].Replica != "a" || evs[0].Delivery != cost.DeliverySent {
		t.Fatalf("history = %+v, %v; want one event sent by a", evs, err)
	}

	// a recorded a notification and died before sending it; b takes over.
	left := &cost.AlertEvent{RuleID: r.ID, RuleName: r.Name, Kind: r.Kind, Status: cost.AlertResolved,
		Message: "Resolved.", At: now, Delivery: cost.DeliveryPending, Replica: "a"}
	if err := db.SaveAlertEvent(ctx, left); err != nil {
		t.Fatal(err)
	}
	l.set("b")
	for range 2 {
		for _, e := range []*alert.Engine{a, b} {
			if err := e.Evaluate(ctx); err != nil {
				t.Fatal(err)
			}
			e.Wait()
		}
	}
	got = hook.received()
	if len(got) != 2 || got[1].EventID != left.ID {
		t.Fatalf("deliveries = %+v, want the first and then the left one (%s)", got, left.ID)
	}
	evs, _ = db.AlertEvents(ctx, cost.AlertEventFilter{RuleID: r.ID})
	for _, ev := range evs {
		if ev.ID == left.ID && (ev.Replica != "b" || ev.Delivery != cost.DeliverySent) {
			t.Errorf("resumed event = %+v, want sent by b", ev)
		}
	}
}

// TestLease_CloseLeavesDeliveryToNextHolder closes the lease holder while its
// notification is being delivered: the event stays pending, and the next
// holder delivers it under the same id.
func TestLease_CloseLeavesDeliveryToNextHolder(t *testing.T) {
	ctx, admin := context.Background(), cost.AdminPrincipal()
	now := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	db, err := duckdb.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.Now = clock
	yesterday := now.AddDate(0, 0, -1).Truncate(24 * time.Hour)
	costtest.MustApply(t, db, costtest.BatchOf([]cost.LineItem{{Date: yesterday, CloudProvider: cost.ProviderAWS,
		Model: "claude", CostUSD: 25, Source: "test", SourcePartition: "p"}}))
	hook := newWebhook(t, "s3cret")
	hook.hold = make(chan struct{})
	var release sync.Once
	releaseHook := func() { release.Do(func() { close(hook.hold) }) }
	t.Cleanup(releaseHook) // Before the receiver closes, which waits for held requests.
	l := &lease{holder: "a"}
	engine := func(name string) *alert.Engine {
		return alert.New(alert.Config{AllowHosts: testAllowHosts, Query: query.NewService(db, clock), Store: db, Alerts: db,
			Channels: []cost.AlertChannel{{ID: "hook", Type: cost.ChannelWebhook, URL: hook.srv.URL, Secret: "s3cret"}},
			Lease:    l.of(name), Replica: name, Retry: alert.Retry{Attempts: 1, Timeout: 10 * time.Second}})
	}
	a, b := engine("a"), engine("b")
	defer b.Close()
	r := &cost.AlertRule{Name: "Daily spend", Kind: cost.AlertThreshold, Window: cost.AlertWindowDay, Threshold: 10,
		Channels: []string{"hook"}, Enabled: true}
	if err := a.SaveRule(ctx, admin, r); err != nil {
		t.Fatal(err)
	}
	if err := a.Evaluate(ctx); err != nil {
		t.Fatal(err)
	}
	for tries := 0; tries == 0; time.Sleep(time.Millisecond) {
		hook.mu.Lock()
		tries = hook.tries
		hook.mu.Unlock()
	}
	a.Close() // While the receiver holds a's request.
	evs, _ := db.AlertEvents(ctx, cost.AlertEventFilter{RuleID: r.ID})
	if len(evs) != 1 || evs[0].Delivery != cost.DeliveryPending {
		t.Fatalf("history after a closed = %+v, want one pending event", evs)
	}
	releaseHook()
	l.set("b")
	if err := b.Evaluate(ctx); err != nil {
		t.Fatal(err)
	}
	b.Wait()
	evs, _ = db.AlertEvents(ctx, cost.AlertEventFilter{RuleID: r.ID})
	if len(evs) != 1 || evs[0].Delivery != cost.DeliverySent || evs[0].Replica != "b" {
		t.Fatalf("history after b took over = %+v, want the one event, sent by b", evs)
	}
	got := hook.received()
	if len(got) == 0 || got[len(got)-1].EventID != evs[0].ID {
		t.Errorf("the receiver got %+v, want b's delivery of %s last", got, evs[0].ID)
	}
}
