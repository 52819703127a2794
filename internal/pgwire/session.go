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

// session is one client connection and the DuckDB connection it owns until it
// closes. A customer login's queries run in its own sandbox instance, which
// holds only that customer's rows. An admin login's queries run on the store,
// on a connection taken out of the pool for the session and discarded at its
// end, so nothing a session leaves on it (temporary views, settings) is ever
// seen by another request.
type session struct {
	mu       sync.Mutex
	p        cost.Principal
	conn     *sql.Conn
	sandbox  *sandbox // Customer logins only.
	reserved map[string]bool
	limits   resultLimits
}

// resultLimits bound what one query may send back.
type resultLimits struct {
	rows      int   // Rows per result.
	bytes     int64 // Bytes per result, counted as encoded values.
	valueSize int64 // Bytes per text or binary value.
}

// openSession gives p a connection: a loaded sandbox for a customer, a
// dedicated store connection with the relations as temporary views for the
// admin.
func openSession(ctx context.Context, store *sql.DB, p cost.Principal, memoryLimit string, l resultLimits) (*session, error) {
	s := &session{p: p, limits: l}
	switch {
	case p.Admin:
		conn, err := store.Conn(ctx)
		if err != nil {
			return nil, err
		}
		s.conn = conn
		if err := s.scope(ctx); err != nil {
			s.close()
			return nil, err
		}
	case p.CustomerID != "":
		sb, err := openSandbox(ctx, store, p.CustomerID, memoryLimit)
		if err != nil {
			return nil, err
		}
		s.sandbox, s.conn = sb, sb.conn
		if err := sb.refresh(ctx); err != nil {
			s.close()
			return nil, err
		}
	default:
		return nil, cost.Errorf(cost.CodeForbidden, "A login needs an admin or a customer principal.")
	}
	var err error
	if s.reserved, err = relationNames(ctx, s.conn); err != nil {
		s.close()
		return nil, err
	}
	return s, nil
}

// scope creates the admin session's temporary views over the store.
func (s *session) scope(ctx context.Context) error {
	var catalog string
	if err := s.conn.QueryRowContext(ctx, "SELECT current_database()").Scan(&catalog); err != nil {
		return err
	}
	base := func(name string) string { return quoteIdent(catalog) + ".main." + name }
	views := []string{
		"unified_costs AS SELECT * FROM " + base("unified_costs"),
		"cost_lines AS SELECT " + costLineColumns + " FROM " + base("cost_lines"),
		"budgets AS SELECT customer_id, monthly_usd FROM " + base("budgets"),
		"customers AS SELECT id, name FROM " + base("customers"),
	}
	for _, v := range views {
		if _, err := s.conn.ExecContext(ctx, "CREATE OR REPLACE TEMP VIEW "+v); err != nil {
			return fmt.Errorf("pgwire: scope view: %w", err)
		}
	}
	return nil
}

// relationNames lists every relation conn can see, in lower case.
func relationNames(ctx context.Context, conn *sql.Conn) (map[string]bool, error) {
	rows, err := conn.QueryContext(ctx, `SELECT lower(table_name) FROM duckdb_tables()
		UNION SELECT lower(view_name) FROM duckdb_views()`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	names := map[string]bool{}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		names[n] = true
	}
	return names, rows.Err()
}

// close ends the session. The admin's store connection is discarded rather
// than returned to the pool (a driver.ErrBadConn from Raw makes database/sql
// close it).
func (s *session) close() error {
	if s.sandbox != nil {
		return s.sandbox.close()
	}
	s.conn.Raw(func(any) error { return driver.ErrBadConn }) // Closes s.conn too.
	return nil
}

// statement is a checked query, ready to run.
type statement struct {
	text   string // What runs: the checked query, re-printed and bounded.
	cols   wire.Columns
	params []uint32
}

// prepare checks text and describes its result columns and parameters.
func (s *session) prepare(ctx context.Context, text string) (*statement, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sandbox != nil {
		if err := s.sandbox.refresh(ctx); err != nil {
			return nil, err
		}
	}
	canonical, err := Check(ctx, s.conn, text, s.reserved)
	if err != nil {
		return nil, err
	}
	st := &statement{}
	var types []duckdb.Type
	err = s.conn.Raw(func(dc any) error {
		pc, ok := dc.(driver.ConnPrepareContext)
		if !ok {
			return fmt.Errorf("pgwire: driver cannot prepare")
		}
		ps, err := pc.PrepareContext(ctx, canonical)
		if err != nil {
			return cost.Errorf(cost.CodeInvalid, "%v", err)
		}
		defer ps.Close()
		ds, ok := ps.(*duckdb.Stmt)
		if !ok {
			return fmt.Errorf("pgwire: unexpected statement %T", ps)
		}
		n, err := ds.ColumnCount()
		if err != nil {
			return err
		}
		for i := 0; i < n; i++ {
			name, _ := ds.ColumnName(i)
			t, _ := ds.ColumnType(i)
			types = append(types, t)
			st.cols = append(st.cols, wire.Column{Name: name, Oid: oidOf(t), Width: -1})
		}
		for i := 1; i <= ds.NumInput(); i++ {
			t, _ := ds.ParamType(i)
			st.params = append(st.params, paramOID(t))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	st.text = bounded(canonical, types, s.limits)
	return st, nil
}

// valueTooLarge marks the error a bounded query raises on an oversized value.
const valueTooLarge = "llmcost: value too large"

// bounded wraps a checked query so DuckDB itself stops it at one row more than
// the row limit and at any text or binary value above the value limit, before
// such a value reaches the server's memory.
func bounded(canonical string, types []duckdb.Type, l resultLimits) string {
	exprs := make([]string, len(types))
	for i, t := range types {
		ref := fmt.Sprintf("#%d", i+1)
		switch t {
		case duckdb.TYPE_VARCHAR:
			exprs[i] = fmt.Sprintf("CASE WHEN strlen(%s) > %d THEN error('%s') ELSE %s END", ref, l.valueSize, valueTooLarge, ref)
		case duckdb.TYPE_BLOB:
			exprs[i] = fmt.Sprintf("CASE WHEN octet_length(%s) > %d THEN error('%s') ELSE %s END", ref, l.valueSize, valueTooLarge, ref)
		default:
			exprs[i] = ref
		}
	}
	if len(exprs) == 0 {
		return canonical
	}
	return fmt.Sprintf("SELECT %s FROM (\n%s\n) AS llmcost_query LIMIT %d", strings.Join(exprs, ", "), canonical, l.rows+1)
}

// paramOID is the type a parameter is asked for; unknown types come as text.
func paramOID(t duckdb.Type) uint32 {
	if t == duckdb.TYPE_INVALID || t == duckdb.TYPE_ANY || t == duckdb.TYPE_SQLNULL {
		return oidText
	}
	return oidOf(t)
}

// run executes a prepared statement and writes its rows.
func (s *session) run(ctx context.Context, st *statement, w wire.DataWriter, ps []wire.Parameter) error {
	args := make([]any, len(ps))
	for i, p := range ps {
		oid := uint32(oidText)
		if i < len(st.params) {
			oid = st.params[i]
		}
		v, err := p.Scan(oid)
		if err != nil {
			return cost.Errorf(cost.CodeInvalid, "Parameter $%d: %v", i+1, err)
		}
		args[i] = v
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sandbox != nil { // Clients run a statement prepared long ago again.
		if err := s.sandbox.refresh(ctx); err != nil {
			return err
		}
	}
	rows, err := s.conn.QueryContext(ctx, st.text, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	vals := make([]any, len(st.cols))
	ptrs := make([]any, len(st.cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	n, size := 0, int64(0)
	for rows.Next() {
		if n++; n > s.limits.rows {
			return errRowLimit(s.limits.rows)
		}
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		out := make([]any, len(st.cols))
		for i, v := range vals {
			if out[i], err = encode(st.cols[i].Oid, v); err != nil {
				return err
			}
			size += sizeOf(out[i])
		}
		if size > s.limits.bytes {
			return errByteLimit(s.limits.bytes)
		}
		if err := w.Row(out); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return w.Complete(fmt.Sprintf("SELECT %d", n))
}

// sizeOf approximates a value's encoded size.
func sizeOf(v any) int64 {
	switch x := v.(type) {
	case string:
		return int64(len(x)) + 4
	case []byte:
		return int64(len(x)) + 4
	}
	return 12
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
