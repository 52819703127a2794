package query

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

// customerDays is the customers dashboard's shared base aggregate: cost by
// date and customer (unattributed lines under ""), with the dashboard's
// filters, over the range and the month to its end. A (date, customer) row
// exists exactly when the customer has lines that day. Its panels read it
// when the service shares aggregates, so a dashboard load reads its lines once.
func (pc *panelCtx) customerDays(ctx context.Context) (*cost.Frame, error) {
	from := pc.r.From
	if m := cost.MonthStart(pc.today); m.Before(from) {
		from = m
	}
	return pc.s.customerDaysOver(ctx, cost.DateRange{From: from, To: pc.today}, pc.filters)
}

// dayRows calls fn for each row of a frame whose first column is a date
// within r, parsing each date once.
func dayRows(f *cost.Frame, r cost.DateRange, fn func(day time.Time, row []any)) {
	parsed := map[string]time.Time{}
	for _, row := range f.Rows {
		date := str(row[0])
		day, ok := parsed[date]
		if !ok {
			var err error
			if day, err = cost.ParseDate(date); err != nil {
				continue
			}
			parsed[date] = day
		}
		if r.Contains(day) {
			fn(day, row)
		}
	}
}

// heatmapOf rolls customer days up to the heatmap: attributed customer, week
// (its Monday), cost within r; ordered by week, then customer.
func heatmapOf(days *cost.Frame, r cost.DateRange) cost.Frame {
	type key struct{ customer, week string }
	sums := map[key]float64{}
	var keys []key
	dayRows(days, r, func(day time.Time, row []any) {
		customer, usd := str(row[1]), num(row[2])
		if customer == "" {
			return
		}
		monday := day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7))
		k := key{customer, monday.Format(cost.DateLayout)}
		if _, ok := sums[k]; !ok {
			keys = append(keys, k)
		}
		sums[k] += usd
	})
	slices.SortFunc(keys, func(a, b key) int {
		return cmp.Or(strings.Compare(a.week, b.week), strings.Compare(a.customer, b.customer))
	})
	f := cost.Frame{Columns: []string{"customer_id", "week", "weekly_cost"},
		Types: []string{cost.TypeString, cost.TypeDate, cost.TypeNumber}, Rows: make([][]any, 0, len(keys))}
	for _, k := range keys {
		f.Rows = append(f.Rows, []any{k.customer, k.week, sums[k]})
	}
	return f
}

// growthOf rolls customer days up to customer growth: per day within r, the
// attributed customers with lines and the cost of every line; ordered by date.
func growthOf(days *cost.Frame, r cost.DateRange) cost.Frame {
	type day struct {
		date      string
		customers float64
		usd       float64
	}
	var out []*day
	byDate := map[string]*day{}
	dayRows(days, r, func(_ time.Time, row []any) {
		date, customer, usd := str(row[0]), str(row[1]), num(row[2])
		d := byDate[date]
		if d == nil {
			d = &day{date: date}
			byDate[date] = d
			out = append(out, d)
		}
		if customer != "" {
			d.customers++
		}
		d.usd += usd
	})
	slices.SortFunc(out, func(a, b *day) int { return strings.Compare(a.date, b.date) })
	f := cost.Frame{Columns: []string{"date", "active_customers", "total_cost"},
		Types: []string{cost.TypeDate, cost.TypeNumber, cost.TypeNumber}, Rows: make([][]any, 0, len(out))}
	for _, d := range out {
		f.Rows = append(f.Rows, []any{d.date, d.customers, d.usd})
	}
	return f
}

// topOf rolls customer days up to the top limit attributed customers by cost
// within r: customer, cost, active days; ordered by cost (largest first), then
// customer.
func topOf(days *cost.Frame, r cost.DateRange, limit int) *cost.Frame {
	type spender struct {
		id   string
		usd  float64
		days float64
	}
	var out []*spender
	byID := map[string]*spender{}
	dayRows(days, r, func(_ time.Time, row []any) {
		customer, usd := str(row[1]), num(row[2])
		if customer == "" {
			return
		}
		s := byID[customer]
		if s == nil {
			s = &spender{id: customer}
			byID[customer] = s
			out = append(out, s)
		}
		s.usd += usd
		s.days++
	})
	slices.SortFunc(out, func(a, b *spender) int { return cmp.Or(cmp.Compare(b.usd, a.usd), strings.Compare(a.id, b.id)) })
	f := &cost.Frame{Columns: []string{"customer_id", string(cost.MetricCost), string(cost.MetricActiveDays)},
		Types: []string{cost.TypeString, cost.TypeNumber, cost.TypeNumber}, Rows: [][]any{}}
	for _, s := range out[:min(limit, len(out))] {
		f.Rows = append(f.Rows, []any{s.id, s.usd, s.days})
	}
	return f
}
