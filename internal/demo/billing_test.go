package demo_test

import (
	"bytes"
	"testing"

	"github.com/llmcost/llmcost/internal/billing"
	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/demo"
)

// key identifies the totals the product's readers must agree with the dataset on.
type key struct{ Provider, Model, TokenType, Customer string }

type total struct {
	USD, Usage float64
	Lines      int
}

func addTo(m map[key]total, l *cost.LineItem) {
	k := key{l.CloudProvider, l.Model, l.TokenType, l.CustomerID}
	v := m[k]
	v.USD += l.CostUSD
	v.Usage += l.UsageAmount
	v.Lines++
	m[k] = v
}

// TestFilesReadByBilling reads the written unified and FOCUS files with the
// product's own readers and compares totals by provider, model, token type and
// customer with the dataset's.
func TestFilesReadByBilling(t *testing.T) {
	t.Parallel()
	d := generate(t)
	wants := map[string]map[key]total{"unified": {}, "focus": {}}
	for _, l := range d.Lines {
		addTo(wants["unified"], &l)
		if !l.IsTokenLine() {
			l.Model = "" // The FOCUS reader names models only on token lines.
		}
		addTo(wants["focus"], &l)
	}
	readers := map[string]func(b []byte, fn billing.LineFunc) error{
		"unified": func(b []byte, fn billing.LineFunc) error {
			return billing.ReadUnified("demo.csv", bytes.NewReader(b), fn)
		},
		"focus": func(b []byte, fn billing.LineFunc) error {
			// Attribution from the customer_id tag is the ingester's job; do it here.
			attribute := func(l *cost.LineItem) error {
				l.CustomerID = l.Tags["customer_id"]
				return fn(l)
			}
			return billing.ReadFOCUS("demo-focus.csv", bytes.NewReader(b), attribute, func(string) {})
		},
	}
	for format, read := range readers {
		t.Run(format, func(t *testing.T) {
			got, want := map[key]total{}, wants[format]
			err := read(writeFile(t, format, d), func(l *cost.LineItem) error { addTo(got, l); return nil })
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Errorf("%d (provider, model, token type, customer) groups, want %d", len(got), len(want))
			}
			for k, w := range want {
				g := got[k]
				if !closeTo(g.USD, w.USD) || g.Usage != w.Usage || g.Lines != w.Lines {
					t.Errorf("%v: got %+v, want %+v", k, g, w)
				}
			}
		})
	}
}

func TestEventsReadByBilling(t *testing.T) {
	t.Parallel()
	d := generate(t)
	var n int
	var usd float64
	err := billing.ReadEvents("demo.ndjson", bytes.NewReader(writeFile(t, "events", d)), func(e *cost.Event) error {
		n++
		usd += *e.CostUSD
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var want float64
	for _, e := range demo.Events(d) {
		want += *e.CostUSD
	}
	if n != len(demo.Events(d)) || !closeTo(usd, want) {
		t.Errorf("read %d events costing %v, want %d costing %v", n, usd, len(demo.Events(d)), want)
	}
}
