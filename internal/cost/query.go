package cost

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// Metric is an aggregate over cost lines.
type Metric string

// Metrics. Token metrics count only token lines (token_type <> ”).
const (
	MetricCost            Metric = "cost_usd"           // SUM(cost_usd)
	MetricTokens          Metric = "usage_amount"       // SUM(usage_amount) over token lines
	MetricCostPer1K       Metric = "cost_per_1k_tokens" // token-line cost / tokens × 1000
	MetricActiveCustomers Metric = "active_customers"   // COUNT(DISTINCT customer_id), attributed only
	MetricActiveDays      Metric = "active_days"        // COUNT(DISTINCT date)
	MetricRequests        Metric = "request_count"      // SUM(requests)
	MetricUnpricedTokens  Metric = "unpriced_tokens"    // SUM(usage_amount) over unpriced lines
	MetricListCost        Metric = "list_cost_usd"      // SUM(list_cost_usd)
	// Daily metrics: over the group's days with lines, the mean and the sample
	// standard deviation of the day's SUM(cost_usd). The deviation is NULL with
	// fewer than two days.
	MetricDailyCostAvg    Metric = "daily_cost_avg"
	MetricDailyCostStdDev Metric = "daily_cost_stddev"
)

// AllMetrics lists every metric.
var AllMetrics = []Metric{MetricCost, MetricTokens, MetricCostPer1K, MetricActiveCustomers,
	MetricActiveDays, MetricRequests, MetricUnpricedTokens, MetricListCost,
	MetricDailyCostAvg, MetricDailyCostStdDev}

// IsDaily reports whether m aggregates per-day totals rather than lines.
func (m Metric) IsDaily() bool { return m == MetricDailyCostAvg || m == MetricDailyCostStdDev }

// Dimension is something to group or filter by.
type Dimension string

// Dimensions. DimDate, DimWeek and DimMonth are time grains (weeks start on Monday).
const (
	DimDate          Dimension = "date"
	DimWeek          Dimension = "week"
	DimMonth         Dimension = "month"
	DimCloudProvider Dimension = "cloud_provider"
	DimService       Dimension = "service"
	DimModel         Dimension = "model"
	DimModelFamily   Dimension = "model_family"
	DimTokenType     Dimension = "token_type"
	DimCustomer      Dimension = "customer_id"
	DimAccount       Dimension = "account_id"
	DimProject       Dimension = "project"
	DimRegion        Dimension = "region"
	DimCostSource    Dimension = "cost_source"
	DimPricingTier   Dimension = "pricing_tier"
	DimDataStatus    Dimension = "data_status"
)

// AllDimensions lists every dimension.
var AllDimensions = []Dimension{DimDate, DimWeek, DimMonth, DimCloudProvider, DimService, DimModel,
	DimModelFamily, DimTokenType, DimCustomer, DimAccount, DimProject, DimRegion, DimCostSource,
	DimPricingTier, DimDataStatus}

// IsTime reports whether d is a time grain.
func (d Dimension) IsTime() bool { return d == DimDate || d == DimWeek || d == DimMonth }

// Filter operators.
const (
	OpEq     = "eq"
	OpIn     = "in"
	OpNotIn  = "not_in"
	OpPrefix = "prefix"
)

// Filter restricts a dimension. Values are always bound as SQL parameters.
type Filter struct {
	Dimension Dimension `json:"dimension"`
	Op        string    `json:"op"`
	Values    []string  `json:"values"`
}

// Having restricts groups by a metric: op is one of gt, gte, lt, lte.
type Having struct {
	Metric Metric  `json:"metric"`
	Op     string  `json:"op"`
	Value  float64 `json:"value"`
}

// Order sorts results by a metric or a group-by dimension.
type Order struct {
	By   string `json:"by"`
	Desc bool   `json:"desc,omitempty"`
}

// MaxLimit is the largest row limit a query may ask for.
const MaxLimit = 10000

// Query is the one typed cost query every surface uses.
type Query struct {
	Metrics []Metric    `json:"metrics"`
	GroupBy []Dimension `json:"group_by,omitempty"`
	Filters []Filter    `json:"filters,omitempty"`
	Having  []Having    `json:"having,omitempty"`
	Period  Period      `json:"period"`
	OrderBy []Order     `json:"order_by,omitempty"`
	Limit   int         `json:"limit,omitempty"`
	// Compare adds, for every metric m, a column "m_previous" for the previous
	// equivalent period (same length, immediately before).
	Compare bool `json:"compare,omitempty"`
}

// Validate checks q and returns every problem, each naming its field.
func (q *Query) Validate() error {
	var errs []error
	if len(q.Metrics) == 0 {
		errs = append(errs, FieldErrorf("metrics", "At least one metric is required."))
	}
	for i, m := range q.Metrics {
		if !slices.Contains(AllMetrics, m) {
			errs = append(errs, FieldErrorf(fmt.Sprintf("metrics[%d]", i), "Unknown metric %q.", m))
		}
	}
	seen := map[Dimension]bool{}
	for i, d := range q.GroupBy {
		if !slices.Contains(AllDimensions, d) {
			errs = append(errs, FieldErrorf(fmt.Sprintf("group_by[%d]", i), "Unknown dimension %q.", d))
		} else if seen[d] {
			errs = append(errs, FieldErrorf(fmt.Sprintf("group_by[%d]", i), "Dimension %q is listed twice.", d))
		}
		seen[d] = true
	}
	for i, f := range q.Filters {
		if err := f.Validate(); err != nil {
			errs = append(errs, prefixField(fmt.Sprintf("filters[%d]", i), err))
		}
	}
	for i, h := range q.Having {
		field := fmt.Sprintf("having[%d]", i)
		if !slices.Contains(AllMetrics, h.Metric) {
			errs = append(errs, FieldErrorf(field+".metric", "Unknown metric %q.", h.Metric))
		}
		if !slices.Contains([]string{"gt", "gte", "lt", "lte"}, h.Op) {
			errs = append(errs, FieldErrorf(field+".op", "Unknown operator %q; use gt, gte, lt or lte.", h.Op))
		}
	}
	for i, o := range q.OrderBy {
		if !slices.Contains(q.Metrics, Metric(o.By)) && !slices.Contains(q.GroupBy, Dimension(o.By)) {
			errs = append(errs, FieldErrorf(fmt.Sprintf("order_by[%d].by", i),
				"Cannot order by %q: it is neither a requested metric nor a group-by dimension.", o.By))
		}
	}
	if q.Limit < 0 || q.Limit > MaxLimit {
		errs = append(errs, FieldErrorf("limit", "Limit must be between 0 and %d.", MaxLimit))
	}
	if err := q.Period.Validate(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// Validate checks one filter.
func (f Filter) Validate() error {
	if !slices.Contains(AllDimensions, f.Dimension) {
		return FieldErrorf("dimension", "Unknown dimension %q.", f.Dimension)
	}
	switch f.Op {
	case OpEq, OpPrefix:
		if len(f.Values) != 1 {
			return FieldErrorf("values", "Operator %q takes exactly one value.", f.Op)
		}
	case OpIn, OpNotIn:
		if len(f.Values) == 0 {
			return FieldErrorf("values", "Operator %q takes at least one value.", f.Op)
		}
	default:
		return FieldErrorf("op", "Unknown operator %q; use eq, in, not_in or prefix.", f.Op)
	}
	if f.Dimension.IsTime() {
		for _, v := range f.Values {
			if _, err := ParseDate(v); err != nil {
				return FieldErrorf("values", "%q is not a YYYY-MM-DD date.", v)
			}
		}
	}
	if len(f.Values) > 1000 {
		return FieldErrorf("values", "At most 1000 values are allowed.")
	}
	return nil
}

func prefixField(prefix string, err error) error {
	var e *Error
	if errors.As(err, &e) {
		c := *e
		if c.Field != "" {
			c.Field = prefix + "." + c.Field
		} else {
			c.Field = prefix
		}
		return &c
	}
	return err
}

// AggregateQuery is a Query after validation, period resolution and scoping: what
// a Store compiles to SQL. Scope filters are already in Filters.
type AggregateQuery struct {
	Metrics []Metric
	GroupBy []Dimension
	Filters []Filter
	Having  []Having
	From    time.Time // Inclusive UTC day.
	To      time.Time // Inclusive UTC day.
	OrderBy []Order
	Limit   int
}
