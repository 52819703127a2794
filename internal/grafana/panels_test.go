package grafana_test

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"net"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/llmcost/llmcost/internal/auth"
	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/demo"
	"github.com/llmcost/llmcost/internal/duckdb"
	"github.com/llmcost/llmcost/internal/grafana"
	"github.com/llmcost/llmcost/internal/pgwire"
	"github.com/llmcost/llmcost/internal/query"
)

var now = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

// world is a demo dataset served by the query layer and the PostgreSQL endpoint.
type world struct {
	data *demo.Dataset
	svc  *query.Service
	url  string // Admin login.
	keys *auth.Keyring
	addr string
}

// customerURL is a customer login's connection string.
func (w *world) customerURL(t *testing.T, id string) string {
	t.Helper()
	tok, _, err := w.keys.Mint(id, time.Hour, now)
	if err != nil {
		t.Fatal(err)
	}
	host, port, _ := net.SplitHostPort(w.addr)
	return fmt.Sprintf("postgres://%s:%s@%s:%s/llmcost?sslmode=disable", id, tok, host, port)
}

func newWorld(t *testing.T) *world {
	t.Helper()
	ctx := context.Background()
	db, err := duckdb.Open("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	d := demo.Generate(demo.Options{Seed: 3, End: now, Days: 45, Customers: 6})
	if err := demo.Load(ctx, db, d); err != nil {
		t.Fatal(err)
	}
	keys, err := auth.NewKeyring(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	srv, err := pgwire.New(pgwire.Config{DB: db.SQL(), Auth: keys, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	host, port, _ := net.SplitHostPort(l.Addr().String())
	return &world{data: d, svc: query.NewService(db, func() time.Time { return now }),
		url:  fmt.Sprintf("postgres://%s:%s@%s:%s/llmcost?sslmode=disable", pgwire.AdminUser, keys.AdminToken(), host, port),
		keys: keys, addr: l.Addr().String()}
}

// selection is one choice of dashboard variables.
type selection struct {
	name      string
	providers []string
	customer  string
	models    []string
}

func (s selection) vars() map[string][]string {
	v := map[string][]string{"cloud_provider": s.providers, "model": s.models}
	if s.customer != "" {
		v["customer_id"] = []string{s.customer}
	}
	return v
}

// TestPanelsMatchQueryLayer expands every panel's SQL as Grafana would, runs it
// through the PostgreSQL endpoint with pgx, and compares the rows with the
// query layer's panel for the same range and variables.
func TestPanelsMatchQueryLayer(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, w.url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	// "Last 30 days" as Grafana sends it: not on day boundaries.
	from, to := now.AddDate(0, 0, -30), now
	r := cost.DateRange{From: cost.Day(from), To: cost.Day(to)}
	big := w.data.Customers[0].ID
	sels := []selection{
		{name: "all"},
		{name: "one provider", providers: []string{"aws"}},
		{name: "customer", customer: big},
		{name: "two models and a customer", customer: big, models: modelsOf(w.data, big)[:2]},
	}
	for _, sel := range sels {
		for _, d := range cost.Dashboards {
			for _, p := range d.Panels {
				key := d.ID + "/" + p.ID
				t.Run(sel.name+"/"+key, func(t *testing.T) {
					want, err := w.svc.Panel(ctx, cost.AdminPrincipal(), cost.PanelRequest{Dashboard: d.ID, Panel: p.ID,
						Range: r, Providers: sel.providers, CustomerID: sel.customer, Models: sel.models})
					if err != nil {
						t.Fatal(err)
					}
					sql, err := grafana.Expand(grafana.PanelSQL[key].SQL, sel.vars(), from, to, 24*time.Hour)
					if err != nil {
						t.Fatal(err)
					}
					got := reorder(key, pgRows(t, conn, sql))
					compare(t, seedColumns(key, got), seedColumns(key, normalise(want.Rows, nil)))
				})
			}
		}
	}
}

// TestPanelsAsCustomer runs every panel as a customer login, with the customer
// selected as its dashboards would have it, against the query layer's panel for
// that customer principal.
func TestPanelsAsCustomer(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	id := w.data.Customers[1].ID
	conn, err := pgx.Connect(ctx, w.customerURL(t, id))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	from, to := now.AddDate(0, 0, -30), now
	r := cost.DateRange{From: cost.Day(from), To: cost.Day(to)}
	for _, d := range cost.Dashboards {
		for _, p := range d.Panels {
			key := d.ID + "/" + p.ID
			t.Run(key, func(t *testing.T) {
				want, err := w.svc.Panel(ctx, cost.CustomerPrincipal(id), cost.PanelRequest{Dashboard: d.ID, Panel: p.ID,
					Range: r, CustomerID: id})
				if err != nil {
					t.Fatal(err)
				}
				sql, err := grafana.Expand(grafana.PanelSQL[key].SQL, map[string][]string{"customer_id": {id}}, from, to, 24*time.Hour)
				if err != nil {
					t.Fatal(err)
				}
				compare(t, seedColumns(key, reorder(key, pgRows(t, conn, sql))), seedColumns(key, normalise(want.Rows, nil)))
			})
		}
	}
}

// columnOrder maps a panel's SQL columns to the query layer's where they differ
// (Grafana wants time first in a time series).
var columnOrder = map[string][]int{"customers/customer-heatmap": {1, 0, 2}}

// seedColumns keeps the columns a panel's SQL shares with the query layer. The
// built-in UI's anomaly band leaves flagged days out of later windows, which the
// Grafana panel's window SQL does not: only the dates and daily costs match.
func seedColumns(key string, rows [][]any) [][]any {
	if key != "anomalies/cost-anomalies" {
		return rows
	}
	out := make([][]any, len(rows))
	for i, r := range rows {
		out[i] = r[:2]
	}
	return out
}

func reorder(key string, rows [][]any) [][]any {
	order, ok := columnOrder[key]
	if !ok {
		return rows
	}
	out := make([][]any, len(rows))
	for i, r := range rows {
		for _, c := range order {
			out[i] = append(out[i], r[c])
		}
	}
	return out
}

func modelsOf(d *demo.Dataset, customer string) []string {
	seen := map[string]bool{}
	var out []string
	for _, l := range d.Lines {
		if l.CustomerID == customer && l.Model != "" && !seen[l.Model] {
			seen[l.Model] = true
			out = append(out, l.Model)
		}
	}
	sort.Strings(out)
	return out
}

// pgRows runs sql and normalises its rows; a column named "time" holding epoch
// seconds is read as a day.
func pgRows(t *testing.T, conn *pgx.Conn, sql string) [][]any {
	t.Helper()
	rows, err := conn.Query(context.Background(), sql)
	if err != nil {
		t.Fatalf("%v\n%s", err, sql)
	}
	defer rows.Close()
	var timeCol = -1
	for i, f := range rows.FieldDescriptions() {
		if f.Name == "time" {
			timeCol = i
		}
	}
	var out [][]any
	for rows.Next() {
		vals, err := rows.Values()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, vals)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%v\n%s", err, sql)
	}
	return normalise(out, func(i int, v any) (any, bool) {
		if i != timeCol {
			return nil, false
		}
		if f, ok := v.(float64); ok {
			return time.Unix(int64(f), 0).UTC().Format(cost.DateLayout), true
		}
		return nil, false
	})
}

// normalise makes cells comparable: days as YYYY-MM-DD, numbers as float64,
// null and "" alike.
func normalise(rows [][]any, special func(int, any) (any, bool)) [][]any {
	out := make([][]any, len(rows))
	for r, row := range rows {
		out[r] = make([]any, len(row))
		for i, v := range row {
			if special != nil {
				if s, ok := special(i, v); ok {
					out[r][i] = s
					continue
				}
			}
			out[r][i] = cell(v)
		}
	}
	return out
}

func cell(v any) any {
	switch x := v.(type) {
	case nil:
		return ""
	case time.Time:
		return x.UTC().Format(cost.DateLayout)
	case float64:
		return x
	case float32:
		return float64(x)
	case int, int8, int16, int32, int64, uint8, uint16, uint32, uint64:
		f, _ := strconv.ParseFloat(fmt.Sprint(x), 64)
		return f
	case pgtype.Numeric:
		f, _ := x.Float64Value()
		return f.Float64
	case *big.Int:
		f, _ := new(big.Float).SetInt(x).Float64()
		return f
	case *float64:
		if x == nil {
			return ""
		}
		return *x
	case string:
		return x
	}
	return fmt.Sprint(v)
}

// compare checks two row sets equal up to row order and float rounding.
func compare(t *testing.T, got, want [][]any) {
	t.Helper()
	sortRows(got)
	sortRows(want)
	if len(got) != len(want) {
		t.Fatalf("got %d rows, want %d\ngot  %v\nwant %v", len(got), len(want), head(got), head(want))
	}
	for r := range want {
		if len(got[r]) != len(want[r]) {
			t.Fatalf("row %d: got %d columns, want %d: %v vs %v", r, len(got[r]), len(want[r]), got[r], want[r])
		}
		for c := range want[r] {
			if !same(got[r][c], want[r][c]) {
				t.Fatalf("row %d column %d: got %v, want %v\ngot  %v\nwant %v", r, c, got[r][c], want[r][c], got[r], want[r])
			}
		}
	}
}

func head(rows [][]any) [][]any { return rows[:min(len(rows), 3)] }

func same(a, b any) bool {
	fa, oka := a.(float64)
	fb, okb := b.(float64)
	if oka && okb {
		return math.Abs(fa-fb) <= 1e-9*math.Max(1, math.Abs(fb))
	}
	return a == b
}

// sortRows orders rows by their text cells, then by their numbers rounded.
func sortRows(rows [][]any) {
	key := func(row []any) string {
		var b strings.Builder
		for _, v := range row {
			if s, ok := v.(string); ok {
				b.WriteString(s)
			}
			b.WriteByte('|')
		}
		for _, v := range row {
			if f, ok := v.(float64); ok {
				fmt.Fprintf(&b, "%.4g|", f)
			}
		}
		return b.String()
	}
	sort.SliceStable(rows, func(i, j int) bool { return key(rows[i]) < key(rows[j]) })
}

// TestPanelsThroughPsql runs expanded panel SQL through Debian's psql and checks
// the totals agree with the query layer.
func TestPanelsThroughPsql(t *testing.T) {
	psql, err := exec.LookPath("psql")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("psql is not installed")
		}
		t.Skip("psql is not installed")
	}
	w := newWorld(t)
	ctx := context.Background()
	from, to := now.AddDate(0, 0, -30), now
	r := cost.DateRange{From: cost.Day(from), To: cost.Day(to)}
	for _, key := range []string{"overview/total-cost-this-month", "overview/cost-by-provider", "models/input-vs-output"} {
		d, p, _ := strings.Cut(key, "/")
		want, err := w.svc.Panel(ctx, cost.AdminPrincipal(), cost.PanelRequest{Dashboard: d, Panel: p, Range: r})
		if err != nil {
			t.Fatal(err)
		}
		sql, err := grafana.Expand(grafana.PanelSQL[key].SQL, nil, from, to, 24*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(psql, "-X", "-A", "-t", "-F", "\t", "-c", sql, w.url).CombinedOutput()
		if err != nil {
			t.Fatalf("%s: psql: %v\n%s", key, err, out)
		}
		var gotSum, wantSum float64
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		for _, l := range lines {
			for _, f := range strings.Split(l, "\t") {
				if v, err := strconv.ParseFloat(f, 64); err == nil {
					gotSum += v
				}
			}
		}
		for _, row := range normalise(want.Rows, nil) {
			for _, v := range row {
				if f, ok := v.(float64); ok {
					wantSum += f
				}
			}
		}
		if len(lines) != len(want.Rows) || math.Abs(gotSum-wantSum) > 1e-6*math.Max(1, wantSum) {
			t.Errorf("%s: psql gave %d rows summing to %v, want %d summing to %v", key, len(lines), gotSum, len(want.Rows), wantSum)
		}
	}
}
