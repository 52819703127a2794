package grafana

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Expand expands panel SQL as Grafana does before the PostgreSQL data source
// runs it: first the dashboard variables (in the browser), then the data
// source's macros (in Grafana's backend), for the time range from … to. vars
// maps a variable to its selected values; no values or "$__all" selects All,
// which becomes AllValue. interval is the panel's $__interval.
func Expand(sql string, vars map[string][]string, from, to time.Time, interval time.Duration) (string, error) {
	s, err := expandVariables(sql, vars, from, to)
	if err != nil {
		return "", err
	}
	return expandMacros(s, from, to, interval)
}

// variableRe matches $name, ${name} and ${name:format}.
var variableRe = regexp.MustCompile(`\$(?:\{([_a-zA-Z0-9]+)(?::([_a-zA-Z0-9:]+))?\}|([_a-zA-Z0-9]+))`)

func expandVariables(sql string, vars map[string][]string, from, to time.Time) (string, error) {
	var err error
	out := variableRe.ReplaceAllStringFunc(sql, func(m string) string {
		g := variableRe.FindStringSubmatch(m)
		name, format := g[1]+g[3], g[2]
		switch name {
		case "__from":
			return strconv.FormatInt(from.UnixMilli(), 10)
		case "__to":
			return strconv.FormatInt(to.UnixMilli(), 10)
		}
		if _, ok := variableByName(name); !ok {
			return m // Not a variable: a macro or unknown, left for stage 2.
		}
		vals := vars[name]
		if len(vals) == 0 || slices.Contains(vals, "$__all") {
			return AllValue // A custom all value goes in raw, whatever the format.
		}
		switch format {
		case "sqlstring":
			return quoteAll(vals, func(s string) string {
				return strings.ReplaceAll(strings.ReplaceAll(s, "'", "''"), `"`, `\"`)
			})
		case "":
			// Every variable here has an All option, so Grafana quotes its values.
			return quoteAll(vals, func(s string) string { return strings.ReplaceAll(s, "'", "''") })
		case "raw":
			return strings.Join(vals, ",")
		}
		err = fmt.Errorf("grafana: variable %s: unsupported format %q", name, format)
		return m
	})
	return out, err
}

func variableByName(name string) (Variable, bool) {
	for _, v := range Variables {
		if v.Name == name {
			return v, true
		}
	}
	return Variable{}, false
}

func quoteAll(vals []string, esc func(string) string) string {
	q := make([]string, len(vals))
	for i, v := range vals {
		q[i] = "'" + esc(v) + "'"
	}
	return strings.Join(q, ",")
}

// macroRe is the PostgreSQL data source's macro syntax: an argument cannot
// contain ")".
var macroRe = regexp.MustCompile(`\$([_a-zA-Z0-9]+)\(([^)]*)\)`)

func expandMacros(sql string, from, to time.Time, interval time.Duration) (string, error) {
	sql = strings.ReplaceAll(sql, "$__interval_ms", strconv.FormatInt(interval.Milliseconds(), 10))
	sql = strings.ReplaceAll(sql, "$__interval", formatInterval(interval))
	sql = strings.ReplaceAll(sql, "$__unixEpochFrom()", strconv.FormatInt(from.Unix(), 10))
	sql = strings.ReplaceAll(sql, "$__unixEpochTo()", strconv.FormatInt(to.Unix(), 10))
	rfc := func(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }
	var err error
	out := macroRe.ReplaceAllStringFunc(sql, func(m string) string {
		g := macroRe.FindStringSubmatch(m)
		var args []string
		for _, a := range strings.Split(g[2], ",") {
			args = append(args, strings.TrimSpace(a))
		}
		need := func(n int) bool {
			if len(args) < n || args[0] == "" {
				err = fmt.Errorf("grafana: macro %s needs %d argument(s)", g[1], n)
				return false
			}
			return true
		}
		switch g[1] {
		case "__time":
			if need(1) {
				return args[0] + ` AS "time"`
			}
		case "__timeEpoch":
			if need(1) {
				return "extract(epoch from " + args[0] + `) as "time"`
			}
		case "__timeFilter":
			if need(1) {
				return fmt.Sprintf("%s BETWEEN '%s' AND '%s'", args[0], rfc(from), rfc(to))
			}
		case "__timeFrom":
			return "'" + rfc(from) + "'"
		case "__timeTo":
			return "'" + rfc(to) + "'"
		case "__timeGroup", "__timeGroupAlias":
			if !need(2) {
				return m
			}
			d, perr := parseInterval(strings.Trim(args[1], "'"))
			if perr != nil {
				err = perr
				return m
			}
			s := fmt.Sprintf("floor(extract(epoch from %s)/%d)*%d", args[0], int64(d.Seconds()), int64(d.Seconds()))
			if g[1] == "__timeGroupAlias" {
				s += ` AS "time"`
			}
			return s
		case "__unixEpochFilter":
			if need(1) {
				return fmt.Sprintf("%s >= %d AND %s <= %d", args[0], from.Unix(), args[0], to.Unix())
			}
		default:
			err = fmt.Errorf("grafana: unknown macro %q", g[1])
		}
		return m
	})
	return out, err
}

// parseInterval reads Grafana intervals such as 30s, 5m, 1h, 1d, 1w.
func parseInterval(s string) (time.Duration, error) {
	units := map[string]time.Duration{"ms": time.Millisecond, "s": time.Second, "m": time.Minute,
		"h": time.Hour, "d": 24 * time.Hour, "w": 7 * 24 * time.Hour}
	for _, u := range []string{"ms", "s", "m", "h", "d", "w"} {
		if n, ok := strings.CutSuffix(s, u); ok {
			if v, err := strconv.Atoi(n); err == nil && v > 0 {
				return time.Duration(v) * units[u], nil
			}
		}
	}
	return 0, fmt.Errorf("grafana: invalid interval %q", s)
}

// formatInterval renders $__interval as Grafana does: the largest whole unit.
func formatInterval(d time.Duration) string {
	switch {
	case d >= 24*time.Hour && d%(24*time.Hour) == 0:
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	case d >= time.Hour && d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	case d >= time.Minute && d%time.Minute == 0:
		return fmt.Sprintf("%dm", d/time.Minute)
	case d >= time.Second && d%time.Second == 0:
		return fmt.Sprintf("%ds", d/time.Second)
	}
	return fmt.Sprintf("%dms", d.Milliseconds())
}
