package pricing

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

// Rates are exchange rates to US dollars, for billing files that give a cost
// only in the billing currency (an Azure EA export billed in CAD, a FOCUS file
// without x_BilledCostInUsd). A rate may hold for one month or for every month.
type Rates struct {
	rates map[rateKey]float64
}

type rateKey struct {
	currency string
	month    string // YYYY-MM, or "" for every month.
}

// LoadRates reads a rates CSV file with the header currency,usd_per_unit and an
// optional month column (YYYY-MM; empty = every month without a rate of its
// own), e.g. "CAD,0.74,2023-09". An empty path returns nil: no rates. Errors name
// the file, line and column.
func LoadRates(path string) (*Rates, error) {
	if path == "" {
		return nil, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, cost.Errorf(cost.CodeInvalid, "Exchange rates file: %v", err)
	}
	defer f.Close()
	return ReadRates(path, f)
}

// ReadRates reads a rates CSV (see LoadRates) named name from r.
func ReadRates(name string, r io.Reader) (*Rates, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, cost.Errorf(cost.CodeInvalid, "%s: no header line (currency,usd_per_unit[,month]): %v", name, err)
	}
	col := map[string]int{"currency": -1, "usd_per_unit": -1, "month": -1}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if _, ok := col[h]; ok {
			col[h] = i
		}
	}
	for _, c := range []string{"currency", "usd_per_unit"} {
		if col[c] < 0 {
			return nil, cost.FieldErrorf(c, "%s: line 1: the header has no %q column.", name, c)
		}
	}
	rs := &Rates{rates: map[rateKey]float64{}}
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return rs, nil
		} else if err != nil {
			return nil, cost.Errorf(cost.CodeInvalid, "%s: line %d: %v", name, line, err)
		}
		if err := rs.add(name, line, rec, col); err != nil {
			return nil, err
		}
	}
}

// add parses one record.
func (rs *Rates) add(name string, line int, rec []string, col map[string]int) error {
	field := func(c string) string {
		if i := col[c]; i >= 0 && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	bad := func(c, format string, args ...any) error {
		return cost.FieldErrorf(c, "%s: line %d, column %q: %s", name, line, c, fmt.Sprintf(format, args...))
	}
	cur := strings.ToUpper(field("currency"))
	if len(cur) != 3 || strings.IndexFunc(cur, func(r rune) bool { return r < 'A' || r > 'Z' }) >= 0 {
		return bad("currency", "%q is not a three-letter currency code", field("currency"))
	}
	v, err := strconv.ParseFloat(field("usd_per_unit"), 64)
	if err != nil || v <= 0 || math.IsInf(v, 0) || math.IsNaN(v) {
		return bad("usd_per_unit", "%q is not a positive number", field("usd_per_unit"))
	}
	month := field("month")
	if month != "" {
		if _, err := time.Parse("2006-01", month); err != nil {
			return bad("month", "%q is not a month (YYYY-MM)", month)
		}
	}
	k := rateKey{cur, month}
	if _, dup := rs.rates[k]; dup {
		return bad("currency", "a second rate for %s %s", cur, monthText(month))
	}
	rs.rates[k] = v
	return nil
}

func monthText(month string) string {
	if month == "" {
		return "(every month)"
	}
	return month
}

// USD returns how many US dollars one unit of currency was worth in day's
// month: that month's rate, else the rate for every month. ok is false when the
// rates hold neither (or rs is nil).
func (rs *Rates) USD(currency string, day time.Time) (rate float64, ok bool) {
	if rs == nil {
		return 0, false
	}
	currency = strings.ToUpper(currency)
	if v, ok := rs.rates[rateKey{currency, day.Format("2006-01")}]; ok {
		return v, true
	}
	v, ok := rs.rates[rateKey{currency, ""}]
	return v, ok
}
