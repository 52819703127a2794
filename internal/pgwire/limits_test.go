package pgwire_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/llmcost/llmcost/internal/pgwire"
)

func sqlState(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

// TestQueryBounds checks each bound answers with its SQLSTATE and leaves the
// session usable.
func TestQueryBounds(t *testing.T) {
	f := serveWith(t, func(c *pgwire.Config) {
		c.MaxRows, c.MaxValueBytes, c.MaxBytes = 5, 100, 1<<20
		c.QueryTimeout = 500 * time.Millisecond
		c.QueryMemory = "32MB"
	})
	c := f.pgx(t, f.own, f.ownToken)
	tests := []struct{ name, sql, state string }{
		{"rows", "SELECT * FROM cost_lines", "54000"},
		{"value size", "SELECT string_agg(customer_id, ',') FROM cost_lines", "54000"},
		{"timeout", "SELECT count(*) FROM cost_lines a, cost_lines b, cost_lines c, cost_lines d", "57014"},
		{"memory", "SELECT length(string_agg(a.customer_id || b.model, ',')) FROM cost_lines a, cost_lines b, cost_lines c", "53200"},
		{"checker", "SELECT * FROM events", "42501"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, err := c.Query(context.Background(), tt.sql)
			if err == nil {
				for rows.Next() {
				}
				err = rows.Err()
				rows.Close()
			}
			if got := sqlState(err); got != tt.state {
				t.Errorf("SQLSTATE %q (%v), want %s", got, err, tt.state)
			}
			var n int64
			if err := c.QueryRow(context.Background(), "SELECT count(*) FROM customers").Scan(&n); err != nil || n != 1 {
				t.Errorf("after the bound: count = %d, %v; want 1", n, err)
			}
		})
	}
}

// TestSessionSlots checks the per-login cap and the admin's reserved slot.
func TestSessionSlots(t *testing.T) {
	f := serveWith(t, func(c *pgwire.Config) {
		c.MaxSessions, c.AdminSessions, c.MaxSessionsPerLogin = 3, 1, 5
	})
	ctx := context.Background()
	var held []*pgx.Conn
	defer func() {
		for _, c := range held {
			c.Close(ctx)
		}
	}()
	for i := 0; i < 2; i++ {
		c, err := pgx.Connect(ctx, f.url(f.own, f.ownToken))
		if err != nil {
			t.Fatalf("customer session %d: %v", i, err)
		}
		held = append(held, c)
	}
	if _, err := pgx.Connect(ctx, f.url(f.own, f.ownToken)); sqlState(err) != "53300" {
		t.Errorf("third customer session: %v, want SQLSTATE 53300", err)
	}
	admin, err := pgx.Connect(ctx, f.url(pgwire.AdminUser, f.keys.AdminToken()))
	if err != nil {
		t.Fatalf("the admin cannot use the reserved slot: %v", err)
	}
	admin.Close(ctx)

	g := serveWith(t, func(c *pgwire.Config) { c.MaxSessionsPerLogin = 2 })
	for i := 0; i < 2; i++ {
		c, err := pgx.Connect(ctx, g.url(g.own, g.ownToken))
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, c)
	}
	if _, err := pgx.Connect(ctx, g.url(g.own, g.ownToken)); sqlState(err) != "53300" {
		t.Errorf("session beyond the per-login cap: %v, want SQLSTATE 53300", err)
	}
}

// TestLoginLockout checks failed passwords lock the user out from that
// address, even for the right password, until the lockout ends.
func TestLoginLockout(t *testing.T) {
	clock := now // Read by the server only during logins, which this test makes one at a time.
	f := serveWith(t, func(c *pgwire.Config) {
		c.FreeFailures, c.LockoutBase = 3, time.Minute
		c.Now = func() time.Time { return clock }
	})
	ctx := context.Background()
	for i := 0; i < 4; i++ {
		if _, err := pgx.Connect(ctx, f.url(f.own, "wrong")); sqlState(err) != "28P01" {
			t.Fatalf("bad password %d: %v, want SQLSTATE 28P01", i, err)
		}
	}
	_, err := pgx.Connect(ctx, f.url(f.own, f.ownToken))
	if sqlState(err) != "28000" {
		t.Fatalf("right password during the lockout: %v, want SQLSTATE 28000", err)
	}
	if c, err := pgx.Connect(ctx, f.url(pgwire.AdminUser, f.keys.AdminToken())); err != nil {
		t.Errorf("another user is locked out too: %v", err)
	} else {
		c.Close(ctx)
	}
	clock = clock.Add(2 * time.Minute)
	c, err := pgx.Connect(ctx, f.url(f.own, f.ownToken))
	if err != nil {
		t.Fatalf("after the lockout: %v", err)
	}
	c.Close(ctx)
}

// TestSandboxFollowsStore checks a customer session sees lines written after
// it logged in.
func TestSandboxFollowsStore(t *testing.T) {
	f := serve(t)
	c := f.pgx(t, f.own, f.ownToken)
	var before, after float64
	if err := c.QueryRow(context.Background(), "SELECT sum(cost_usd) FROM cost_lines").Scan(&before); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.SQL().Exec(`INSERT INTO cost_rows (date, customer_id, cost_usd, ingested_at) VALUES (?, ?, 10, ?)`,
		now.AddDate(0, 0, -1), f.own, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := c.QueryRow(context.Background(), "SELECT sum(cost_usd) FROM cost_lines").Scan(&after); err != nil {
		t.Fatal(err)
	}
	if !near(after, before+10) {
		t.Errorf("after a new line: %v, want %v", after, before+10)
	}
}

// TestSliceTooLarge checks a customer whose rows do not fit in the query
// memory is refused with 53200 and the server still serves the admin.
func TestSliceTooLarge(t *testing.T) {
	f := serveWith(t, func(c *pgwire.Config) { c.QueryMemory = "1MB" })
	if _, err := f.db.SQL().Exec(`INSERT INTO cost_rows (date, customer_id, project, cost_usd, ingested_at)
		SELECT DATE '2026-11-01', ?, repeat('p', 200) || range, 1, now() FROM range(200000)`, f.own); err != nil {
		t.Fatal(err)
	}
	_, err := pgx.Connect(context.Background(), f.url(f.own, f.ownToken))
	if got := sqlState(err); got != "53200" {
		t.Errorf("login: %v, want SQLSTATE 53200", err)
	}
	c := f.pgx(t, pgwire.AdminUser, f.keys.AdminToken())
	var n int64
	if err := c.QueryRow(context.Background(), "SELECT count(*) FROM customers").Scan(&n); err != nil || n == 0 {
		t.Errorf("admin after the refusal: %d, %v", n, err)
	}
}
