package pgwire

import (
	"encoding/json"
	"fmt"
	"math/big"
	"time"

	"github.com/duckdb/duckdb-go/v2"
	"github.com/jackc/pgx/v5/pgtype"
)

// PostgreSQL type OIDs the endpoint answers with.
const (
	oidBool        = pgtype.BoolOID
	oidInt2        = pgtype.Int2OID
	oidInt4        = pgtype.Int4OID
	oidInt8        = pgtype.Int8OID
	oidFloat4      = pgtype.Float4OID
	oidFloat8      = pgtype.Float8OID
	oidNumeric     = pgtype.NumericOID
	oidText        = pgtype.TextOID
	oidDate        = pgtype.DateOID
	oidTimestamp   = pgtype.TimestampOID
	oidTimestamptz = pgtype.TimestamptzOID
	oidBytea       = pgtype.ByteaOID
)

// oidOf maps a DuckDB type to the PostgreSQL type it is sent as. Types with no
// close PostgreSQL match (lists, structs, intervals, …) are sent as text.
func oidOf(t duckdb.Type) uint32 {
	switch t {
	case duckdb.TYPE_BOOLEAN:
		return oidBool
	case duckdb.TYPE_TINYINT, duckdb.TYPE_SMALLINT, duckdb.TYPE_UTINYINT:
		return oidInt2
	case duckdb.TYPE_INTEGER, duckdb.TYPE_USMALLINT:
		return oidInt4
	case duckdb.TYPE_BIGINT, duckdb.TYPE_UINTEGER:
		return oidInt8
	case duckdb.TYPE_UBIGINT, duckdb.TYPE_HUGEINT, duckdb.TYPE_UHUGEINT, duckdb.TYPE_DECIMAL, duckdb.TYPE_BIGNUM:
		return oidNumeric
	case duckdb.TYPE_FLOAT:
		return oidFloat4
	case duckdb.TYPE_DOUBLE:
		return oidFloat8
	case duckdb.TYPE_DATE:
		return oidDate
	case duckdb.TYPE_TIMESTAMP, duckdb.TYPE_TIMESTAMP_S, duckdb.TYPE_TIMESTAMP_MS, duckdb.TYPE_TIMESTAMP_NS:
		return oidTimestamp
	case duckdb.TYPE_TIMESTAMP_TZ:
		return oidTimestamptz
	case duckdb.TYPE_BLOB:
		return oidBytea
	default:
		return oidText
	}
}

// encode converts a value scanned from DuckDB into one pgtype encodes for oid.
func encode(oid uint32, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch oid {
	case oidInt2:
		return toInt(v, func(i int64) any { return int16(i) })
	case oidInt4:
		return toInt(v, func(i int64) any { return int32(i) })
	case oidInt8:
		return toInt(v, func(i int64) any { return i })
	case oidNumeric:
		return numeric(v)
	case oidText:
		return text(v), nil
	case oidFloat4:
		if f, ok := v.(float32); ok {
			return f, nil
		}
	}
	return v, nil
}

func toInt(v any, conv func(int64) any) (any, error) {
	switch x := v.(type) {
	case int8:
		return conv(int64(x)), nil
	case int16:
		return conv(int64(x)), nil
	case int32:
		return conv(int64(x)), nil
	case int64:
		return conv(x), nil
	case uint8:
		return conv(int64(x)), nil
	case uint16:
		return conv(int64(x)), nil
	case uint32:
		return conv(int64(x)), nil
	}
	return nil, fmt.Errorf("unexpected integer value %T", v)
}

func numeric(v any) (any, error) {
	switch x := v.(type) {
	case *big.Int:
		return pgtype.Numeric{Int: x, Valid: true}, nil
	case duckdb.Decimal:
		return pgtype.Numeric{Int: x.Value, Exp: -int32(x.Scale), Valid: true}, nil
	case uint64:
		return pgtype.Numeric{Int: new(big.Int).SetUint64(x), Valid: true}, nil
	case int64:
		return pgtype.Numeric{Int: big.NewInt(x), Valid: true}, nil
	case float64:
		return x, nil
	}
	return nil, fmt.Errorf("unexpected numeric value %T", v)
}

// text renders a value without a PostgreSQL counterpart.
func text(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []byte:
		return string(x)
	case time.Time:
		return x.Format(time.RFC3339Nano)
	case fmt.Stringer:
		return x.String()
	case map[string]any, []any:
		b, err := json.Marshal(x)
		if err == nil {
			return string(b)
		}
	}
	return fmt.Sprint(v)
}
