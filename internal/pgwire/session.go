package pgwire

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"strings"
	"sync"

	"github.com/duckdb/duckdb-go/v2"
	wire "github.com/jeroenrinzema/psql-wire"

	"github.com/llmcost/llmcost/internal/cost"
)

// costLineColumns are the cost-line columns a login can read.
const costLineColumns = `date, charge_period_start, charge_period_end, cloud_provider, service, model,
	model_family, token_type, pricing_tier, usage_amount, usage_unit, cost_usd, cost, currency,
	list_cost_usd, customer_id, account_id, project, region, tags, source, cost_source,
	data_status, charge_category, requests, unpriced`

// session is one client connection: a dedicated DuckDB connection on which the
// relations a query may name are temporary views, filtered to the customer of a
// customer login. Temporary objects shadow the database's own, and Check rejects
// qualified names, so a query can reach nothing else.
type session struct {
	mu       sync.Mutex
	p        cost.Principal
	conn     *sql.Conn
	reserved map[string]bool
}

// openSession takes a connection from db and scopes it to p.
func openSession(ctx context.Context, db *sql.DB, p cost.Principal) (*session, error) {
	if !p.Admin && p.CustomerID == "" {
		return nil, cost.Errorf(cost.CodeForbidden, "A login needs an admin or a customer principal.")
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	s := &session{p: p, conn: conn}
	if err := s.scope(ctx); err != nil {
		conn.Close()
		return nil, err
	}
	return s, nil
}

// scope creates the session's temporary views.
func (s *session) scope(ctx context.Context) error {
	var catalog string
	if err := s.conn.QueryRowContext(ctx, "SELECT current_database()").Scan(&catalog); err != nil {
		return err
	}
	base := func(name string) string { return quoteIdent(catalog) + ".main." + name }
	where := func(col string) string {
		if s.p.Admin {
			return ""
		}
		return " WHERE " + col + " = " + quoteLiteral(s.p.CustomerID)
	}
	views := []string{
		"unified_costs AS SELECT * FROM " + base("unified_costs") + where("customer_id"),
		"cost_lines AS SELECT " + costLineColumns + " FROM " + base("cost_lines") + where("customer_id"),
		"budgets AS SELECT customer_id, monthly_usd FROM " + base("budgets") + where("customer_id"),
		"customers AS SELECT id, name FROM " + base("customers") + where("id"),
	}
	for _, v := range views {
		if _, err := s.conn.ExecContext(ctx, "CREATE OR REPLACE TEMP VIEW "+v); err != nil {
			return fmt.Errorf("pgwire: scope view: %w", err)
		}
	}
	rows, err := s.conn.QueryContext(ctx, `SELECT lower(table_name) FROM duckdb_tables()
		UNION SELECT lower(view_name) FROM duckdb_views()`)
	if err != nil {
		return err
	}
	defer rows.Close()
	s.reserved = map[string]bool{}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return err
		}
		s.reserved[n] = true
	}
	return rows.Err()
}

func (s *session) close() error { return s.conn.Close() }

// prepare checks text and describes its result columns and parameters.
func (s *session) prepare(ctx context.Context, text string) (wire.Columns, []uint32, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := Check(ctx, s.conn, text, s.reserved); err != nil {
		return nil, nil, err
	}
	var cols wire.Columns
	var params []uint32
	err := s.conn.Raw(func(dc any) error {
		pc, ok := dc.(driver.ConnPrepareContext)
		if !ok {
			return fmt.Errorf("pgwire: driver cannot prepare")
		}
		st, err := pc.PrepareContext(ctx, text)
		if err != nil {
			return cost.Errorf(cost.CodeInvalid, "%v", err)
		}
		defer st.Close()
		ds, ok := st.(*duckdb.Stmt)
		if !ok {
			return fmt.Errorf("pgwire: unexpected statement %T", st)
		}
		n, err := ds.ColumnCount()
		if err != nil {
			return err
		}
		for i := 0; i < n; i++ {
			name, _ := ds.ColumnName(i)
			t, _ := ds.ColumnType(i)
			cols = append(cols, wire.Column{Name: name, Oid: oidOf(t), Width: -1})
		}
		for i := 1; i <= ds.NumInput(); i++ {
			t, _ := ds.ParamType(i)
			params = append(params, paramOID(t))
		}
		return nil
	})
	return cols, params, err
}

// paramOID is the type a parameter is asked for; unknown types come as text.
func paramOID(t duckdb.Type) uint32 {
	if t == duckdb.TYPE_INVALID || t == duckdb.TYPE_ANY || t == duckdb.TYPE_SQLNULL {
		return oidText
	}
	return oidOf(t)
}

// run executes a prepared text and writes its rows.
func (s *session) run(ctx context.Context, text string, cols wire.Columns, oids []uint32, w wire.DataWriter, ps []wire.Parameter) error {
	args := make([]any, len(ps))
	for i, p := range ps {
		oid := uint32(oidText)
		if i < len(oids) {
			oid = oids[i]
		}
		v, err := p.Scan(oid)
		if err != nil {
			return cost.Errorf(cost.CodeInvalid, "Parameter $%d: %v", i+1, err)
		}
		args[i] = v
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rows, err := s.conn.QueryContext(ctx, text, args...)
	if err != nil {
		return cost.Errorf(cost.CodeInvalid, "%v", err)
	}
	defer rows.Close()
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	n := 0
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		out := make([]any, len(cols))
		for i, v := range vals {
			if out[i], err = encode(cols[i].Oid, v); err != nil {
				return err
			}
		}
		if err := w.Row(out); err != nil {
			return err
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return cost.Errorf(cost.CodeInvalid, "%v", err)
	}
	return w.Complete(fmt.Sprintf("SELECT %d", n))
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
