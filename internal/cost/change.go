package cost

import (
	"context"
	"time"
)

// ChangeOrder is how a ChangeQuery ranks the groups of one grouping by their
// change, current − Scale × baseline cost.
type ChangeOrder string

// Change orders. Ties are broken by the group's values, ascending.
const (
	ChangeLargest ChangeOrder = "largest" // |change| descending
	ChangeRise    ChangeOrder = "rise"    // change descending
	ChangeFall    ChangeOrder = "fall"    // change ascending
)

// ChangeGrouping is one grouping a ChangeQuery ranks: up to two dimensions (none
// gives the one total row), its order and how many groups it keeps (0 = all).
type ChangeGrouping struct {
	Dimensions []Dimension
	Order      ChangeOrder
	Limit      int
}

// ChangeQuery compares cost over Current with cost over Baseline, which ends the
// day before Current starts, for several groupings of the same lines, and keeps
// each grouping's leading groups. The caller (the query layer) has applied the
// principal's scope to Filters.
type ChangeQuery struct {
	Current   DateRange
	Baseline  DateRange
	Filters   []Filter
	Scale     float64 // The baseline's weight in a group's change.
	Groupings []ChangeGrouping
}

// ChangeRanker ranks changes in a store's engine (part of DataStore). Its frame has the
// columns grouping (the index in Groupings, a number), value0 and value1 (the
// group's dimension values, "" where the grouping has fewer), current and
// baseline (cost over each range, unscaled), in no particular row order.
type ChangeRanker interface {
	RankChanges(ctx context.Context, q *ChangeQuery) (*Frame, error)
}

// OutlierQuery finds the values of a dimension whose cost on Day rose above their
// usual daily cost: each value's daily cost over the days of Baseline (which
// holds Day) on which it has lines gives its mean and sample standard deviation,
// and a value is kept when it has lines on Day, at least two such days, a mean
// other than 0 and cost on Day above mean + Sigmas × deviation. The caller (the
// query layer) has applied the principal's scope to Filters.
type OutlierQuery struct {
	Baseline DateRange
	Day      time.Time
	By       Dimension
	Filters  []Filter
	Sigmas   float64
	Limit    int // 0 = all.
}

// OutlierRanker finds outliers in a store's engine (part of DataStore). Its frame has the
// columns value, day_cost, mean and stddev, ordered by the rise on Day relative
// to the mean, largest first, then by value.
type OutlierRanker interface {
	RankOutliers(ctx context.Context, q *OutlierQuery) (*Frame, error)
}
