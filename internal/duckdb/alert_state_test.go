package duckdb_test

import (
	"context"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/duckdb"
)

func TestAlertStore(t *testing.T) {
	ctx := context.Background()
	path := t.TempDir() + "/a.duckdb"
	db, err := duckdb.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	s := &cost.AlertState{RuleID: "r1", Key: "customer_id=a", State: cost.AlertFiring, Value: 12.5, FiredAt: now}
	if err := db.SaveAlertState(ctx, s); err != nil {
		t.Fatal(err)
	}
	s.Value = 13
	if err := db.SaveAlertState(ctx, s); err != nil {
		t.Fatal(err)
	}
	e1 := &cost.AlertEvent{RuleID: "r1", CustomerID: "a", Status: cost.AlertFiring, At: now.Add(-time.Hour)}
	e2 := &cost.AlertEvent{RuleID: "r2", Status: cost.AlertResolved, At: now}
	for _, e := range []*cost.AlertEvent{e1, e2} {
		if err := db.SaveAlertEvent(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	e1.Delivery = cost.DeliveryFailed
	if err := db.SaveAlertEvent(ctx, e1); err != nil {
		t.Fatal(err)
	}
	ch := &cost.AlertChannel{Name: "hook", Type: cost.ChannelWebhook, URL: "http://x", Secret: "k"}
	if err := db.SaveAlertChannel(ctx, ch); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db, err = duckdb.Open(path) // State survives a restart.
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	states, err := db.AlertStates(ctx, "r1")
	if err != nil {
		t.Fatal(err)
	}
	if len(states) != 1 || states[0].Value != 13 || states[0].State != cost.AlertFiring || !states[0].FiredAt.Equal(now) {
		t.Fatalf("states = %+v", states)
	}
	all, err := db.AlertEvents(ctx, cost.AlertEventFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[0].ID != e2.ID || all[1].Delivery != cost.DeliveryFailed {
		t.Fatalf("events = %+v", all)
	}
	a := "a"
	mine, err := db.AlertEvents(ctx, cost.AlertEventFilter{CustomerID: &a})
	if err != nil || len(mine) != 1 || mine[0].ID != e1.ID {
		t.Fatalf("customer events = %+v, %v", mine, err)
	}
	chs, err := db.AlertChannels(ctx)
	if err != nil || len(chs) != 1 || chs[0].Secret != "k" {
		t.Fatalf("channels = %+v, %v", chs, err)
	}
	if err := db.DeleteAlertChannel(ctx, ch.ID); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteAlertChannel(ctx, ch.ID); cost.ErrorCode(err) != cost.CodeNotFound {
		t.Fatalf("second delete: %v", err)
	}
	if err := db.DeleteAlertStates(ctx, "r1"); err != nil {
		t.Fatal(err)
	}
	if states, _ := db.AlertStates(ctx, ""); len(states) != 0 {
		t.Fatalf("states after delete = %+v", states)
	}
}
