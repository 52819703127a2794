// Package alert evaluates alert rules against the query layer, keeps a state
// machine per rule and label set (pending → firing → resolved) persisted in a
// cost.AlertStore, and notifies webhooks, Slack and email. Evaluation functions
// are pure; the Engine gathers their inputs through cost.QueryService in each
// rule's scope.
package alert

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

// Validate checks a rule, filling defaults (window, threshold), and names each
// bad field.
func Validate(r *cost.AlertRule) error {
	var errs []error
	r.Name = strings.TrimSpace(r.Name)
	if r.Name == "" {
		errs = append(errs, cost.FieldErrorf("name", "A rule needs a name."))
	} else if len(r.Name) > 200 {
		errs = append(errs, cost.FieldErrorf("name", "The name is longer than 200 characters."))
	}
	if !slices.Contains(cost.AlertKinds, r.Kind) {
		errs = append(errs, cost.FieldErrorf("kind", "Unknown kind %q; use %s.", r.Kind, strings.Join(cost.AlertKinds, ", ")))
	}
	errs = append(errs, validateKind(r)...)
	if r.CustomerID != "" {
		errs = append(errs, cost.ValidCustomerID(r.CustomerID))
	}
	for i, f := range r.Filters {
		if err := f.Validate(); err != nil {
			errs = append(errs, cost.FieldErrorf(fmt.Sprintf("filters[%d]", i), "%s", cost.ErrorMessage(err)))
		} else if f.Dimension.IsTime() {
			errs = append(errs, cost.FieldErrorf(fmt.Sprintf("filters[%d]", i), "Alert rules cannot filter by %s.", f.Dimension))
		}
	}
	for _, d := range []struct{ field, v string }{{"for", r.For}, {"repeat", r.Repeat}} {
		if _, err := Duration(d.v); err != nil {
			errs = append(errs, cost.FieldErrorf(d.field, "%q is not a duration like 30m, 1h or 1d.", d.v))
		}
	}
	return errors.Join(errs...)
}

// validateKind checks the window, threshold and grouping of each kind.
func validateKind(r *cost.AlertRule) []error {
	var errs []error
	window := func(def string, allowed ...string) {
		if r.Window == "" {
			r.Window = def
		} else if !slices.Contains(allowed, r.Window) {
			errs = append(errs, cost.FieldErrorf("window", "Window %q is not valid for %s rules; use %s.", r.Window, r.Kind, strings.Join(allowed, ", ")))
		}
	}
	positive := func(what string) {
		if r.Threshold <= 0 {
			errs = append(errs, cost.FieldErrorf("threshold", "A %s rule needs a threshold above zero (%s).", r.Kind, what))
		}
	}
	switch r.Kind {
	case cost.AlertThreshold:
		window(cost.AlertWindowDay, cost.AlertWindowDay, cost.AlertWindowWeek, cost.AlertWindowMonthToDate)
		positive("USD")
	case cost.AlertBudget:
		window(cost.AlertWindowMonthToDate, cost.AlertWindowMonthToDate, cost.AlertWindowForecast)
		if r.Threshold == 0 {
			r.Threshold = 100
		}
		positive("percent of the monthly budget")
	case cost.AlertUnpriced:
		window(cost.AlertWindowDay, cost.AlertWindowDay, cost.AlertWindowWeek, cost.AlertWindowMonthToDate)
		if r.Threshold < 0 {
			errs = append(errs, cost.FieldErrorf("threshold", "The unpriced-token threshold must not be negative."))
		}
	case cost.AlertFreshness:
		positive("hours without new data")
		if r.CustomerID != "" {
			errs = append(errs, cost.FieldErrorf("customer_id", "Data freshness rules are organisation-wide."))
		}
	case cost.AlertAnomaly:
		if r.GroupBy != "" && r.GroupBy != string(cost.DimCustomer) && r.GroupBy != string(cost.DimModel) {
			errs = append(errs, cost.FieldErrorf("group_by", "Anomaly rules group by nothing (total), customer_id or model, not %q.", r.GroupBy))
		}
	}
	return errs
}

// Duration parses a rule duration: Go syntax ("90m", "1h30m") or whole days
// ("2d"). "" is zero.
func Duration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	if n, ok := strings.CutSuffix(s, "d"); ok {
		var days int
		if _, err := fmt.Sscanf(n, "%d", &days); err != nil || days < 0 || fmt.Sprint(days) != n {
			return 0, fmt.Errorf("bad duration %q", s)
		}
		return time.Duration(days) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("bad duration %q", s)
	}
	return d, nil
}

// WindowRange returns the days a window covers at now: day is the last complete
// UTC day, week the 7 complete days before today, month_to_date the current month
// through today.
func WindowRange(window string, now time.Time) cost.DateRange {
	today := cost.Day(now)
	yesterday := today.AddDate(0, 0, -1)
	switch window {
	case cost.AlertWindowWeek:
		return cost.DateRange{From: today.AddDate(0, 0, -7), To: yesterday}
	case cost.AlertWindowMonthToDate, cost.AlertWindowForecast:
		return cost.DateRange{From: cost.MonthStart(today), To: today}
	}
	return cost.DateRange{From: yesterday, To: yesterday}
}
