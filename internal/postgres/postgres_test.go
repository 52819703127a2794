package postgres_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/costtest"
	"github.com/llmcost/llmcost/internal/postgres"
)

// serverDSN returns the test server's DSN from LLMCOST_TEST_POSTGRES. Without
// it the test is skipped, except under CI, where the suite must not skip.
func serverDSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv("LLMCOST_TEST_POSTGRES")
	if dsn == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("LLMCOST_TEST_POSTGRES is not set; CI must run the PostgreSQL suite")
		}
		t.Skip("LLMCOST_TEST_POSTGRES is not set")
	}
	return dsn
}

// schemaDSN returns dsn with a new schema test_<random> as its search path;
// the schema is dropped when the test ends.
func schemaDSN(t testing.TB) string {
	t.Helper()
	dsn := serverDSN(t)
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	schema := "test_" + hex.EncodeToString(b[:])
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	t.Cleanup(func() {
		conn, err := pgx.Connect(context.Background(), dsn)
		if err != nil {
			t.Error(err)
			return
		}
		defer conn.Close(context.Background())
		if _, err := conn.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Error(err)
		}
	})
	return u.String()
}

func open(t testing.TB, dsn string) *postgres.Meta {
	t.Helper()
	m, err := postgres.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestMetaSuite(t *testing.T) {
	costtest.MetaSuite(t, func(t *testing.T) cost.MetaStore { return open(t, schemaDSN(t)) })
}

// TestTwoProcessesShare checks that two stores on one database (two replicas)
// see each other's writes, agree on the data version, and migrate once.
func TestTwoProcessesShare(t *testing.T) {
	ctx := context.Background()
	dsn := schemaDSN(t)
	a, b := open(t, dsn), open(t, dsn)
	defer a.Close()
	defer b.Close()
	if err := a.SetBudget(ctx, cost.Budget{CustomerID: "cust_a", MonthlyUSD: 42}); err != nil {
		t.Fatal(err)
	}
	got, err := b.Budget(ctx, "cust_a")
	if err != nil || got.MonthlyUSD != 42 {
		t.Fatalf("budget read through b = %+v, %v; want 42", got, err)
	}
	va, _ := a.DataVersion(ctx)
	vb, _ := b.DataVersion(ctx)
	if va != vb {
		t.Errorf("versions differ: %q and %q", va, vb)
	}
	if err := b.NoteDataChange(ctx); err != nil {
		t.Fatal(err)
	}
	if again, _ := a.DataVersion(ctx); again == va {
		t.Errorf("a's version stayed %q after b noted a change", va)
	}
}

// TestLease checks that one of two contenders holds the lease, and that the
// other takes it once the holder gives it up.
func TestLease(t *testing.T) {
	ctx := context.Background()
	dsn := schemaDSN(t)
	m := open(t, dsn)
	defer m.Close()
	a, b := m.Lease("alerts"), m.Lease("alerts")
	defer a.Close()
	defer b.Close()
	held := func(l *postgres.Lease) bool {
		t.Helper()
		ok, err := l.Held(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if !held(a) || !held(a) {
		t.Fatal("the first contender does not hold the lease")
	}
	if held(b) {
		t.Fatal("both contenders hold the lease")
	}
	if other := m.Lease("other"); !held(other) {
		t.Error("a lease of another name is not free")
	} else {
		other.Close()
	}
	a.Close()
	if !held(b) {
		t.Fatal("the lease was not taken over after its holder gave it up")
	}
	if held(a) {
		t.Fatal("the old holder took the lease back from the new one")
	}
}
