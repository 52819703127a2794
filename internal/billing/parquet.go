package billing

import (
	"encoding/json"
	"errors"
	"io"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"

	"github.com/llmcost/llmcost/internal/cost"
)

// ReadFOCUSParquet streams a FOCUS Parquet file. Columns are matched by their
// top-level names; values are read as the FOCUS CSV mapping reads text, so both
// encodings map the same way. The record number in errors counts from line 2, as
// in a CSV with its header.
func ReadFOCUSParquet(file string, r io.ReaderAt, size int64, fn LineFunc, warn WarnFunc) error {
	return readParquet(file, r, size, func(rec *record) (lineMapper, error) {
		m, err := newFocusMap(rec)
		if err != nil {
			return nil, err
		}
		return m.line, nil
	}, fn, warn)
}

// ReadAzureCostParquet streams Azure cost details exported as Parquet: the same
// columns as the CSV, mapped the same way.
func ReadAzureCostParquet(file string, r io.ReaderAt, size int64, o *NativeOptions, fn LineFunc, warn WarnFunc) error {
	return readParquet(file, r, size, func(rec *record) (lineMapper, error) {
		m, err := newAzureMap(rec, o)
		if err != nil {
			return nil, err
		}
		return m.line, nil
	}, fn, warn)
}

// lineMapper maps one record to a line.
type lineMapper func(r *record, warn WarnFunc) (*cost.LineItem, error)

// readParquet streams a Parquet file through the mapper newMap builds over its
// columns: top-level leaf columns as text, and MAP columns as the JSON object a
// CSV export would hold. Rows are read a batch at a time.
func readParquet(file string, r io.ReaderAt, size int64, newMap func(*record) (lineMapper, error), fn LineFunc, warn WarnFunc) error {
	pf, err := parquet.OpenFile(r, size)
	if err != nil {
		return lineError(file, 0, "", "not a readable Parquet file: %v", err)
	}
	rec, convs, err := parquetRecord(file, pf.Schema())
	if err != nil {
		return err
	}
	maps := newParquetMaps(pf.Schema(), rec)
	line, err := newMap(rec)
	if err != nil {
		return err
	}
	rows := make([]parquet.Row, 256)
	pr := parquet.NewReader(pf)
	defer pr.Close()
	for {
		n, rerr := pr.ReadRows(rows)
		for _, row := range rows[:n] {
			clear(rec.vals)
			for _, v := range row {
				if maps.add(v) {
					continue
				}
				if c := v.Column(); c < len(convs) && convs[c].col >= 0 && !v.IsNull() {
					rec.vals[convs[c].col] = convs[c].text(v)
				}
			}
			maps.flush(rec)
			rec.line++
			l, err := line(rec, warn)
			if err != nil {
				return err
			}
			if err := fn(l); err != nil {
				return err
			}
		}
		if errors.Is(rerr, io.EOF) {
			return nil
		} else if rerr != nil {
			return lineError(file, rec.line+1, "", "cannot read Parquet row: %v", rerr)
		}
	}
}

// leafText converts one leaf column's values to text.
type leafText struct {
	col  int // Index in the record, or -1 for nested columns.
	text func(parquet.Value) string
}

// parquetRecord builds a record over the top-level leaf columns of a schema.
func parquetRecord(file string, s *parquet.Schema) (*record, []leafText, error) {
	rec := &record{file: file, line: 1, cols: map[string]int{}}
	var convs []leafText
	for _, path := range s.Columns() {
		leaf, _ := s.Lookup(path...)
		lt := leafText{col: -1, text: valueText(leaf.Node)}
		if len(path) == 1 && leaf.MaxRepetitionLevel == 0 {
			lt.col = len(rec.name)
			rec.name = append(rec.name, path[0])
			if _, dup := rec.cols[strings.ToLower(path[0])]; !dup {
				rec.cols[strings.ToLower(path[0])] = lt.col
			}
		}
		for len(convs) <= leaf.ColumnIndex {
			convs = append(convs, leafText{col: -1})
		}
		convs[leaf.ColumnIndex] = lt
	}
	rec.vals = make([]string, len(rec.name))
	return rec, convs, nil
}

// valueText returns the text conversion for a leaf node's logical type.
func valueText(n parquet.Node) func(parquet.Value) string {
	var lt format.LogicalTypeValue
	if l := n.Type().LogicalType(); l != nil {
		lt = l.Value
	}
	switch t := lt.(type) {
	case *format.TimestampType:
		unit := time.Millisecond
		if t.Unit.Value != nil {
			unit = t.Unit.Value.Duration()
		}
		return func(v parquet.Value) string {
			return time.Unix(0, v.Int64()*int64(unit)).UTC().Format(time.RFC3339Nano)
		}
	case *format.DateType:
		return func(v parquet.Value) string {
			return time.Unix(int64(v.Int32())*86400, 0).UTC().Format("2006-01-02")
		}
	case *format.DecimalType:
		scale := int(t.Scale)
		return func(v parquet.Value) string { return decimalText(v, scale) }
	}
	return plainText
}

// plainText converts a value by its physical kind.
func plainText(v parquet.Value) string {
	switch v.Kind() {
	case parquet.Boolean:
		return strconv.FormatBool(v.Boolean())
	case parquet.Int32:
		return strconv.FormatInt(int64(v.Int32()), 10)
	case parquet.Int64:
		return strconv.FormatInt(v.Int64(), 10)
	case parquet.Int96:
		return time.Unix(0, 0).UTC().Add(int96Duration(v)).Format(time.RFC3339Nano)
	case parquet.Float:
		return strconv.FormatFloat(float64(v.Float()), 'g', -1, 32)
	case parquet.Double:
		return strconv.FormatFloat(v.Double(), 'g', -1, 64)
	}
	return string(v.ByteArray())
}

// int96Duration decodes a legacy INT96 timestamp (nanoseconds of day, Julian day).
func int96Duration(v parquet.Value) time.Duration {
	i := v.Int96()
	nanos := int64(i[1])<<32 | int64(i[0])
	julian := int64(i[2])
	return time.Duration((julian-2440588)*86400)*time.Second + time.Duration(nanos)
}

// decimalText formats an unscaled decimal with its scale.
func decimalText(v parquet.Value, scale int) string {
	var unscaled *big.Int
	switch v.Kind() {
	case parquet.Int32:
		unscaled = big.NewInt(int64(v.Int32()))
	case parquet.Int64:
		unscaled = big.NewInt(v.Int64())
	default:
		b := v.ByteArray()
		unscaled = new(big.Int).SetBytes(b)
		if len(b) > 0 && b[0]&0x80 != 0 { // Two's complement negative.
			unscaled.Sub(unscaled, new(big.Int).Lsh(big.NewInt(1), uint(8*len(b))))
		}
	}
	f, _ := new(big.Float).Quo(new(big.Float).SetInt(unscaled), big.NewFloat(math.Pow10(scale))).Float64()
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// mapLeaf is a leaf column of a Parquet MAP (its keys or its values).
type mapLeaf struct {
	col   int  // Index in the record of the map's synthetic text column.
	isKey bool // Keys, else values.
}

// parquetMaps reads the MAP columns of a schema into the record as the JSON
// text a CSV file would hold, one synthetic column per map.
type parquetMaps struct {
	leaves     map[int]mapLeaf // Leaf column index → map leaf.
	keys, vals map[int][]string
}

// newParquetMaps finds the schema's MAP columns and adds their text columns to rec.
func newParquetMaps(s *parquet.Schema, rec *record) *parquetMaps {
	p := &parquetMaps{leaves: map[int]mapLeaf{}, keys: map[int][]string{}, vals: map[int][]string{}}
	for _, path := range s.Columns() {
		last := path[len(path)-1]
		if len(path) < 2 || (last != "key" && last != "value") {
			continue
		}
		leaf, _ := s.Lookup(path...)
		col := rec.index(path[0])
		if col < 0 {
			col = len(rec.name)
			rec.name = append(rec.name, path[0])
			rec.cols[strings.ToLower(path[0])] = col
			rec.vals = append(rec.vals, "")
		}
		p.leaves[leaf.ColumnIndex] = mapLeaf{col: col, isKey: last == "key"}
	}
	return p
}

// add keeps a value of a map column, reporting whether v was one.
func (p *parquetMaps) add(v parquet.Value) bool {
	ml, ok := p.leaves[v.Column()]
	switch {
	case !ok:
		return false
	case !ml.isKey:
		p.vals[ml.col] = append(p.vals[ml.col], string(v.ByteArray()))
	case !v.IsNull(): // A null key is an empty or null map.
		p.keys[ml.col] = append(p.keys[ml.col], string(v.ByteArray()))
	}
	return true
}

// flush writes the row's maps into rec as JSON objects and resets for the next row.
func (p *parquetMaps) flush(rec *record) {
	for col, ks := range p.keys {
		rec.vals[col] = mapJSON(ks, p.vals[col])
	}
	clear(p.keys)
	clear(p.vals)
}

// ReadAWSCURParquet streams a CUR 2.0 (Data Exports) Parquet file: top-level
// columns as in the CSV, and the product, resource_tags, cost_category and
// discount MAP columns as the CSV's JSON text.
func ReadAWSCURParquet(file string, r io.ReaderAt, size int64, o *NativeOptions, fn LineFunc, warn WarnFunc) error {
	return readParquet(file, r, size, func(rec *record) (lineMapper, error) {
		m, err := newCURMap(rec, o)
		if err != nil {
			return nil, err
		}
		return m.line, nil
	}, fn, warn)
}

// mapJSON encodes a map's keys and values as a JSON object.
func mapJSON(keys, vals []string) string {
	obj := make(map[string]string, len(keys))
	for i, k := range keys {
		if i < len(vals) {
			obj[k] = vals[i]
		}
	}
	b, _ := json.Marshal(obj)
	return string(b)
}
