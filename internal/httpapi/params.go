package httpapi

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

// OrgBudgetID names the organisation-wide budget in URLs and responses; the
// store keeps it under the empty customer id.
const OrgBudgetID = "_org"

// defaultRangeDays is the span of a panel or anomaly range without from/to.
const defaultRangeDays = 30

// query returns r's query parameters: those authed parsed (and checked) when
// it let r through, rather than parsing them again for every parameter read.
func query(r *http.Request) url.Values {
	if r.Form != nil {
		return r.Form
	}
	return r.URL.Query()
}

// customerParam returns the customer a request names in query parameter name.
// A customer principal may only name itself: naming another customer is
// CodeForbidden (and logged by writeError).
func customerParam(r *http.Request, name string) (string, error) {
	v := query(r).Get(name)
	if v == "All" || v == "$__all" {
		v = ""
	}
	return v, checkScope(principal(r), v)
}

// checkScope refuses a customer principal naming a customer other than itself.
func checkScope(p cost.Principal, customerID string) error {
	if p.Admin || customerID == "" || customerID == p.CustomerID {
		return nil
	}
	return cost.Errorf(cost.CodeForbidden, "This token may only see its own customer's data.")
}

// dateRange parses Grafana-style from/to parameters (YYYY-MM-DD, RFC 3339, epoch
// ms, now-30d…). Without them the range is the last 30 days up to today.
func dateRange(r *http.Request, now time.Time) (cost.DateRange, error) {
	q := query(r)
	rg := cost.DateRange{From: cost.Day(now).AddDate(0, 0, -defaultRangeDays), To: cost.Day(now)}
	var err error
	if v := q.Get("from"); v != "" {
		if rg.From, err = cost.ParseTimeParam(v, now, false); err != nil {
			return rg, cost.FieldErrorf("from", "Bad from: %s.", err)
		}
	}
	if v := q.Get("to"); v != "" {
		if rg.To, err = cost.ParseTimeParam(v, now, true); err != nil {
			return rg, cost.FieldErrorf("to", "Bad to: %s.", err)
		}
	}
	if rg.From.After(rg.To) {
		return rg, cost.FieldErrorf("from", "From (%s) is after to (%s).",
			rg.From.Format(cost.DateLayout), rg.To.Format(cost.DateLayout))
	}
	if rg.Days() > 20*366 {
		return rg, cost.FieldErrorf("from", "A range may span at most 20 years.")
	}
	return rg, nil
}

// dateParam parses an optional YYYY-MM-DD (or other ParseTimeParam form) parameter.
func dateParam(r *http.Request, name string, now time.Time) (time.Time, error) {
	v := query(r).Get(name)
	if v == "" {
		return time.Time{}, nil
	}
	t, err := cost.ParseTimeParam(v, now, false)
	if err != nil {
		return time.Time{}, cost.FieldErrorf(name, "Bad %s: %s.", name, err)
	}
	return t, nil
}

// varValues returns a repeatable Grafana variable (var-NAME), dropping empty and
// "All" values: no values means no filter.
func varValues(r *http.Request, name string) []string {
	var out []string
	for _, v := range query(r)["var-"+name] {
		if v != "" && v != "All" && v != "$__all" {
			out = append(out, v)
		}
	}
	return out
}

// intParam parses an optional integer parameter within [min, max].
func intParam(r *http.Request, name string, def, min, max int) (int, error) {
	v := query(r).Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < min || n > max {
		return 0, cost.FieldErrorf(name, "%s must be an integer between %d and %d.", name, min, max)
	}
	return n, nil
}
