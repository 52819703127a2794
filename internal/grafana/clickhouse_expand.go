package grafana

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// ExpandClickHouse expands panel SQL as Grafana and the ClickHouse plugin (4.19
// and later) do: first the dashboard variables in the browser, as Expand does
// (explicit formats such as :sqlstring come from Grafana, not the plugin; a
// custom all value goes in raw), then the plugin's macros in its backend, for
// the time range from … to. interval is the panel's $__interval.
func ExpandClickHouse(sql string, vars map[string][]string, from, to time.Time, interval time.Duration) (string, error) {
	s, err := expandVariables(sql, vars, from, to)
	if err != nil {
		return "", err
	}
	return expandClickHouseMacros(s, from, to, interval)
}

// chMacroRe matches the plugin's macros: $__name(args) or bare $__name.
var chMacroRe = regexp.MustCompile(`\$(__[_a-zA-Z0-9]+)(?:\(([^)]*)\))?`)

func expandClickHouseMacros(sql string, from, to time.Time, interval time.Duration) (string, error) {
	fs, ts := from.Unix(), to.Unix()
	fms, tms := from.UnixMilli(), to.UnixMilli()
	day := func(t time.Time) string { return t.UTC().Format(time.DateOnly) }
	secs := max(int64(interval/time.Second), 1)
	var err error
	out := chMacroRe.ReplaceAllStringFunc(sql, func(m string) string {
		g := chMacroRe.FindStringSubmatch(m)
		hasArgs := strings.HasSuffix(m, ")")
		var args []string
		for _, a := range strings.Split(g[2], ",") {
			args = append(args, strings.TrimSpace(a))
		}
		need := func(n int) bool {
			if !hasArgs || len(args) < n || args[0] == "" {
				err = fmt.Errorf("grafana: macro %s needs %d argument(s)", g[1], n)
				return false
			}
			return true
		}
		bare := func(s string) string {
			if hasArgs { // A bare macro followed by a parenthesis keeps it.
				return s + "(" + g[2] + ")"
			}
			return s
		}
		switch g[1] {
		case "__fromTime":
			return bare(fmt.Sprintf("toDateTime(%d)", fs))
		case "__toTime":
			return bare(fmt.Sprintf("toDateTime(%d)", ts))
		case "__fromTime_ms":
			return bare(fmt.Sprintf("fromUnixTimestamp64Milli(%d)", fms))
		case "__toTime_ms":
			return bare(fmt.Sprintf("fromUnixTimestamp64Milli(%d)", tms))
		case "__interval_s":
			return bare(strconv.FormatInt(secs, 10))
		case "__timeFilter":
			if need(1) {
				return fmt.Sprintf("%[1]s >= toDateTime(%[2]d) AND %[1]s <= toDateTime(%[3]d)", args[0], fs, ts)
			}
		case "__timeFilter_ms":
			if need(1) {
				return fmt.Sprintf("%[1]s >= fromUnixTimestamp64Milli(%[2]d) AND %[1]s <= fromUnixTimestamp64Milli(%[3]d)", args[0], fms, tms)
			}
		case "__dateFilter":
			if need(1) {
				return fmt.Sprintf("%[1]s >= toDate('%[2]s') AND %[1]s <= toDate('%[3]s')", args[0], day(from), day(to))
			}
		case "__timeFrom":
			if need(1) {
				return fmt.Sprintf("%s >= toDateTime(%d)", args[0], fs)
			}
		case "__timeTo":
			if need(1) {
				return fmt.Sprintf("%s <= toDateTime(%d)", args[0], ts)
			}
		case "__timeInterval":
			if need(1) {
				return fmt.Sprintf("toStartOfInterval(toDateTime(%s), INTERVAL %d second)", args[0], secs)
			}
		case "__timeGroup":
			if need(2) {
				d, perr := time.ParseDuration(strings.Trim(args[1], "'"))
				if perr != nil || d < time.Second {
					err = fmt.Errorf("grafana: macro %s: invalid interval %q", g[1], args[1])
					return m
				}
				return fmt.Sprintf("toStartOfInterval(toDateTime(%s), INTERVAL %d second)", args[0], int64(d/time.Second))
			}
		default:
			err = fmt.Errorf("grafana: unknown macro %q", g[1])
		}
		return m
	})
	return out, err
}
