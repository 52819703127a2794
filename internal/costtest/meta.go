package costtest

import (
	"context"
	"fmt"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

// MetaSuite runs the conformance tests of cost.MetaStore against fresh stores
// made by open (each subtest opens its own empty store; the suite closes it).
// StoreSuite runs the same record tests through a whole cost.Store.
func MetaSuite(t *testing.T, open func(t *testing.T) cost.MetaStore) {
	fresh := func(t *testing.T) cost.MetaStore {
		t.Helper()
		s := open(t)
		t.Cleanup(func() { s.Close() })
		return s
	}
	t.Run("Budgets", func(t *testing.T) { testBudgets(t, fresh(t)) })
	t.Run("Settings", func(t *testing.T) { testSettings(t, fresh(t)) })
	t.Run("InitSetting", func(t *testing.T) { testInitSetting(t, fresh(t)) })
	t.Run("AlertRules", func(t *testing.T) { testAlertRules(t, fresh(t)) })
	t.Run("AlertStore", func(t *testing.T) { testAlertStore(t, fresh(t)) })
	t.Run("AlertTransition", func(t *testing.T) { testAlertTransition(t, fresh(t)) })
	t.Run("Customers", func(t *testing.T) { testCustomers(t, fresh(t)) })
	t.Run("DataVersion", func(t *testing.T) { testMetaVersion(t, fresh(t)) })
}

// testInitSetting checks that concurrent InitSettings of one key all return the
// one value that was stored, and that a set key keeps its value.
func testInitSetting(t *testing.T, s cost.MetaStore) {
	ctx := context.Background()
	const n = 8
	got := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { got[i], errs[i] = s.InitSetting(ctx, "key", fmt.Sprint("value-", i)) })
	}
	wg.Wait()
	stored, err := s.Setting(ctx, "key")
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if errs[i] != nil || got[i] != stored {
			t.Errorf("caller %d got %q, %v; the store holds %q", i, got[i], errs[i], stored)
		}
	}
	if v, err := s.InitSetting(ctx, "key", "later"); err != nil || v != stored {
		t.Errorf("InitSetting of a set key = %q, %v; want %q", v, err, stored)
	}
}

// testAlertStore checks alert state, history and channels.
func testAlertStore(t *testing.T, s cost.MetaStore) {
	ctx := context.Background()
	now := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	st := &cost.AlertState{RuleID: "r1", Key: "customer_id=a", State: cost.AlertFiring, Value: 12.5, FiredAt: now}
	if err := s.SaveAlertState(ctx, st); err != nil {
		t.Fatal(err)
	}
	st.Value = 13
	if err := s.SaveAlertState(ctx, st); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveAlertState(ctx, &cost.AlertState{RuleID: "r2", State: cost.AlertPending}); err != nil {
		t.Fatal(err)
	}
	states, err := s.AlertStates(ctx, "r1")
	if err != nil {
		t.Fatal(err)
	}
	if len(states) != 1 || states[0].Value != 13 || states[0].State != cost.AlertFiring || !states[0].FiredAt.Equal(now) {
		t.Fatalf("states = %+v", states)
	}
	e1 := &cost.AlertEvent{RuleID: "r1", CustomerID: "a", Status: cost.AlertFiring, At: now.Add(-time.Hour)}
	e2 := &cost.AlertEvent{RuleID: "r2", Status: cost.AlertResolved, At: now}
	for _, e := range []*cost.AlertEvent{e1, e2} {
		if err := s.SaveAlertEvent(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	if e1.ID == "" || e1.ID == e2.ID {
		t.Fatalf("event ids %q and %q", e1.ID, e2.ID)
	}
	e1.Delivery = cost.DeliveryFailed
	if err := s.SaveAlertEvent(ctx, e1); err != nil {
		t.Fatal(err)
	}
	all, err := s.AlertEvents(ctx, cost.AlertEventFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[0].ID != e2.ID || all[1].Delivery != cost.DeliveryFailed {
		t.Fatalf("events = %+v", all)
	}
	a := "a"
	for _, f := range []cost.AlertEventFilter{{CustomerID: &a}, {RuleID: "r1"}, {RuleID: "r1", CustomerID: &a, Limit: 1}} {
		mine, err := s.AlertEvents(ctx, f)
		if err != nil || len(mine) != 1 || mine[0].ID != e1.ID {
			t.Fatalf("events of %+v = %+v, %v", f, mine, err)
		}
	}
	if one, _ := s.AlertEvents(ctx, cost.AlertEventFilter{Limit: 1}); len(one) != 1 || one[0].ID != e2.ID {
		t.Fatalf("newest event = %+v", one)
	}
	ch := &cost.AlertChannel{Name: "hook", Type: cost.ChannelWebhook, URL: "http://x", Secret: "k"}
	if err := s.SaveAlertChannel(ctx, ch); err != nil {
		t.Fatal(err)
	}
	chs, err := s.AlertChannels(ctx)
	if err != nil || len(chs) != 1 || chs[0].Secret != "k" || chs[0].ID != ch.ID {
		t.Fatalf("channels = %+v, %v", chs, err)
	}
	if err := s.DeleteAlertChannel(ctx, ch.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteAlertChannel(ctx, ch.ID); cost.ErrorCode(err) != cost.CodeNotFound {
		t.Fatalf("second delete: %v", err)
	}
	if err := s.DeleteAlertStates(ctx, "r1"); err != nil {
		t.Fatal(err)
	}
	if states, _ := s.AlertStates(ctx, ""); len(states) != 1 || states[0].RuleID != "r2" {
		t.Fatalf("states after deleting r1's = %+v", states)
	}
}

// testAlertTransition checks that a state and its event are saved together,
// or, when the event cannot be saved (a NaN value has no JSON), neither is.
func testAlertTransition(t *testing.T, s cost.MetaStore) {
	ctx := context.Background()
	st := &cost.AlertState{RuleID: "r1", State: cost.AlertFiring, Value: 12}
	ev := &cost.AlertEvent{RuleID: "r1", Status: cost.AlertFiring, Value: 12, Delivery: cost.DeliveryPending}
	if err := s.SaveAlertTransition(ctx, st, ev); err != nil {
		t.Fatal(err)
	}
	states, _ := s.AlertStates(ctx, "r1")
	evs, _ := s.AlertEvents(ctx, cost.AlertEventFilter{RuleID: "r1"})
	if len(states) != 1 || states[0].State != cost.AlertFiring || len(evs) != 1 || evs[0].ID != ev.ID || ev.ID == "" {
		t.Fatalf("after a transition: states %+v, events %+v", states, evs)
	}
	bad := &cost.AlertEvent{RuleID: "r1", Status: cost.AlertResolved, Value: math.NaN()}
	if err := s.SaveAlertTransition(ctx, &cost.AlertState{RuleID: "r1", State: cost.AlertResolved}, bad); err == nil {
		t.Fatal("a transition with an unsavable event succeeded")
	}
	states, _ = s.AlertStates(ctx, "r1")
	evs, _ = s.AlertEvents(ctx, cost.AlertEventFilter{RuleID: "r1"})
	if len(states) != 1 || states[0].State != cost.AlertFiring || len(evs) != 1 {
		t.Errorf("after a failed transition: states %+v, events %+v; want the first transition's only", states, evs)
	}
}

// testMetaVersion checks that the metadata version stays put while nothing is
// written, and changes with every budget or customer change and NoteDataChange.
func testMetaVersion(t *testing.T, s cost.MetaStore) {
	ctx := context.Background()
	version := func() string {
		t.Helper()
		v, err := s.DataVersion(ctx)
		if err != nil {
			t.Fatalf("DataVersion: %v", err)
		}
		return v
	}
	seen := map[string]string{version(): "open"}
	writes := []struct {
		name  string
		write func() error
	}{
		{"budget set", func() error { return s.SetBudget(ctx, cost.Budget{CustomerID: "cust_a", MonthlyUSD: 10}) }},
		{"budget deleted", func() error { return s.DeleteBudget(ctx, "cust_a") }},
		{"customer named", func() error { return s.SetCustomer(ctx, cost.Customer{ID: "cust_a", Name: "Acme"}) }},
		{"data change noted", func() error { return s.NoteDataChange(ctx) }},
	}
	for _, w := range writes {
		if err := w.write(); err != nil {
			t.Fatalf("%s: %v", w.name, err)
		}
		v := version()
		if prev, ok := seen[v]; ok {
			t.Errorf("after %s the version is %q, as after %s", w.name, v, prev)
		}
		seen[v] = w.name
		if again := version(); again != v {
			t.Errorf("after %s, without writes, the version moved from %q to %q", w.name, v, again)
		}
	}
}
