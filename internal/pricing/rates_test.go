package pricing_test

import (
	"strings"
	"testing"

	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/pricing"
)

func TestRatesUSD(t *testing.T) {
	rs, err := pricing.ReadRates("fx.csv", strings.NewReader("\ufeffCurrency,USD_per_unit,Month\nCAD,0.74,2023-09\ncad,0.72,\nEUR,1.08\n"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		currency, day string
		want          float64
		ok            bool
	}{
		{"CAD", "2023-09-14", 0.74, true}, // The month's own rate.
		{"CAD", "2023-10-01", 0.72, true}, // The every-month rate.
		{"eur", "2026-01-31", 1.08, true},
		{"GBP", "2023-09-14", 0, false},
	}
	for _, tt := range tests {
		got, ok := rs.USD(tt.currency, day(tt.day))
		if got != tt.want || ok != tt.ok {
			t.Errorf("USD(%s, %s) = %v, %v; want %v, %v", tt.currency, tt.day, got, ok, tt.want, tt.ok)
		}
	}
	var none *pricing.Rates
	if _, ok := none.USD("CAD", day("2023-09-14")); ok {
		t.Error("nil rates gave a rate")
	}
}

func TestReadRatesErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"NoRateColumn", "currency,rate\nCAD,0.7\n", `fx.csv: line 1: the header has no "usd_per_unit" column.`},
		{"BadCurrency", "currency,usd_per_unit\nCanadian,0.7\n", `fx.csv: line 2, column "currency": "Canadian" is not a three-letter currency code`},
		{"BadRate", "currency,usd_per_unit\nCAD,0.7\nEUR,-1\n", `fx.csv: line 3, column "usd_per_unit": "-1" is not a positive number`},
		{"BadMonth", "currency,usd_per_unit,month\nCAD,0.7,Sept\n", `fx.csv: line 2, column "month": "Sept" is not a month (YYYY-MM)`},
		{"Duplicate", "currency,usd_per_unit,month\nCAD,0.7,2023-09\nCAD,0.71,2023-09\n", `fx.csv: line 3, column "currency": a second rate for CAD 2023-09`},
		{"Empty", "", `fx.csv: no header line`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := pricing.ReadRates("fx.csv", strings.NewReader(tt.in))
			if cost.ErrorCode(err) != cost.CodeInvalid || !strings.HasPrefix(cost.ErrorMessage(err), tt.want) {
				t.Errorf("err = %v, want CodeInvalid %q", err, tt.want)
			}
		})
	}
}
