package main

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// helpOf runs "llmcost ARGS --help" with env and returns what it printed.
func helpOf(t *testing.T, env map[string]string, args ...string) string {
	t.Helper()
	m := newTestMain(env)
	err := m.ParseFlags(t.Context(), append(args, "--help"))
	if !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("%v --help: got %v, want flag.ErrHelp", args, err)
	}
	return m.Stdout.(*bytes.Buffer).String()
}

// helpFlag is one flag as --help prints it.
type helpFlag struct{ name, line string }

var flagLine = regexp.MustCompile(`(?m)^  --([a-z-]+)(?: \S+)?\n    \t(.*)$`)

// helpFlags returns the flags in the Flags section of a command's help.
func helpFlags(help string) []helpFlag {
	_, section, _ := strings.Cut(help, "\nFlags:\n")
	var out []helpFlag
	for _, m := range flagLine.FindAllStringSubmatch(section, -1) {
		out = append(out, helpFlag{m[1], m[2]})
	}
	return out
}

// shownDefault returns the default a flag's help line shows, "" for none.
func shownDefault(line string) string {
	m := regexp.MustCompile(`\(default "?([^")]*)"?\)$`).FindStringSubmatch(line)
	if m == nil {
		return ""
	}
	return m[1]
}

// TestHelp_OwnFlagsAndDefaults checks that each command's --help lists exactly
// its own flags, each with the default the command really uses, in one style.
func TestHelp_OwnFlagsAndDefaults(t *testing.T) {
	store := map[string]string{"data": "./data", "store": "duckdb", "clickhouse-cluster": "", "meta": "duckdb"}
	with := func(base map[string]string, more map[string]string) map[string]string {
		out := map[string]string{}
		for k, v := range base {
			out[k] = v
		}
		for k, v := range more {
			out[k] = v
		}
		return out
	}
	server := map[string]string{"addr": ":8080", "pg-addr": ""}
	remote := map[string]string{"server": "", "token": ""}
	tests := map[string]map[string]string{
		"serve":    with(with(store, server), map[string]string{"pricing": "", "allocation": "off"}),
		"demo":     with(server, map[string]string{"data": "", "seed": "1"}),
		"ingest":   with(with(store, remote), map[string]string{"format": "", "pricing": "", "allocation": "off"}),
		"sync":     with(store, map[string]string{"sources": "", "pricing": "", "allocation": "off"}),
		"allocate": with(store, map[string]string{"init": "", "from": "", "to": "", "off": ""}),
		"export":   with(store, map[string]string{"init": "", "format": "unified", "output": "", "from": "", "to": "", "customer": ""}),
		"ask":      with(with(store, remote), map[string]string{"init": "", "customer": ""}),
		"alerts":   with(with(store, remote), map[string]string{"init": ""}),
		"grafana": with(store, map[string]string{"url": "http://localhost:8080", "pg-host": "llmcost:5432",
			"dashboards-path": "/var/lib/grafana/dashboards/llmcost", "daily-threshold": "1000",
			"datasource": "postgres", "ch-host": "clickhouse:9000", "ch-database": "llmcost"}),
		// The flags that follow "export" have their own set: its help is the command's too.
		"grafana export": {"data": "./data", "url": "http://localhost:8080", "pg-host": "llmcost:5432",
			"dashboards-path": "/var/lib/grafana/dashboards/llmcost", "daily-threshold": "1000",
			"datasource": "postgres", "ch-host": "clickhouse:9000", "ch-database": "llmcost"},
		"version": {},
	}
	for cmd, want := range tests {
		t.Run(cmd, func(t *testing.T) {
			help := helpOf(t, nil, strings.Fields(cmd)...)
			got := map[string]string{}
			for _, f := range helpFlags(help) {
				got[f.name] = shownDefault(f.line)
			}
			for name, def := range want {
				if g, ok := got[name]; !ok {
					t.Errorf("--help lacks --%s", name)
				} else if g != def {
					t.Errorf("--%s shows default %q, want %q", name, g, def)
				}
			}
			for name := range got {
				if _, ok := want[name]; !ok {
					t.Errorf("--help lists --%s, which %s does not take", name, cmd)
				}
			}
			if n := strings.Count(help, "\n  --"); n != len(got) {
				t.Errorf("%d flag lines, %d parsed: a flag line is malformed:\n%s", n, len(got), help)
			}
			usage, _, _ := strings.Cut(help, "\n\n")
			_, flags, _ := strings.Cut(help, "\nFlags:\n")
			if single := regexp.MustCompile(`(^|[\s\[|])-[a-z]`); single.MatchString(usage) || single.MatchString(flags) {
				t.Errorf("usage or flags use a single-dash flag:\n%s", help)
			}
			_, examples, ok := strings.Cut(help, "\nExamples:\n")
			if !ok || !regexp.MustCompile(`(?m)^  (\S+=\S+ )*llmcost `+cmd+`\b`).MatchString(examples) {
				t.Errorf("--help has no example of llmcost %s:\n%s", cmd, help)
			}
		})
	}
}

// TestHelp_RealDefaultsFromEnvironment checks that a default --help shows comes
// from the environment when it is set there.
func TestHelp_RealDefaultsFromEnvironment(t *testing.T) {
	env := map[string]string{"LLMCOST_DATA": "/srv/llmcost", "LLMCOST_ADDR": ":9999", "LLMCOST_ALLOCATION": "event-tokens"}
	want := map[string]string{"data": "/srv/llmcost", "addr": ":9999", "allocation": "event-tokens"}
	for _, f := range helpFlags(helpOf(t, env, "serve")) {
		if w, ok := want[f.name]; ok && shownDefault(f.line) != w {
			t.Errorf("--%s shows %q, want %q from the environment", f.name, shownDefault(f.line), w)
		}
	}
	for _, f := range helpFlags(helpOf(t, env, "demo")) {
		if f.name == "data" && shownDefault(f.line) != "/srv/llmcost" {
			t.Errorf("demo --data shows %q, want LLMCOST_DATA's /srv/llmcost", shownDefault(f.line))
		}
	}
}

// readmeTable returns the rows of the README table that follows heading, each
// as its cells.
func readmeTable(t *testing.T, heading string) [][]string {
	t.Helper()
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(data), "\n"+heading+"\n")
	if !ok {
		t.Fatalf("README.md has no %q section", heading)
	}
	var rows [][]string
	for _, line := range strings.Split(rest, "\n") {
		if strings.HasPrefix(line, "## ") {
			break
		}
		if !strings.HasPrefix(line, "|") || strings.HasPrefix(line, "|---") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		rows = append(rows, cells)
	}
	if len(rows) < 2 {
		t.Fatalf("README.md %s has no table", heading)
	}
	return rows[1:] // Without the header row.
}

var (
	envVar   = regexp.MustCompile("LLMCOST_[A-Z0-9_]+")
	flagName = regexp.MustCompile("--([a-z][a-z-]*)")
	literal  = regexp.MustCompile("`([^`]*)`")
)

// TestHelp_MatchesREADMEConfiguration compares --help with the README's
// configuration table: "llmcost --help" names every variable of the table;
// each flag of the table is listed by some command with the variable of its
// row; and a default that --help shows is one the table gives.
func TestHelp_MatchesREADMEConfiguration(t *testing.T) {
	main := helpOf(t, nil)
	helps := map[string][]helpFlag{}
	for cmd := range commandUsage {
		helps[cmd] = helpFlags(helpOf(t, nil, cmd))
	}
	for _, row := range readmeTable(t, "## Configuration") {
		if len(row) != 4 {
			t.Errorf("README configuration row %q has %d cells, want 4", row, len(row))
			continue
		}
		vars := envVar.FindAllString(row[2], -1)
		for _, v := range vars {
			if !regexp.MustCompile(`\b` + v + `\b`).MatchString(main) {
				t.Errorf("llmcost --help does not name %s (README: %s)", v, row[0])
			}
		}
		var defaults []string
		for _, m := range literal.FindAllStringSubmatch(row[3], -1) {
			defaults = append(defaults, m[1])
		}
		for _, m := range flagName.FindAllStringSubmatch(row[1], -1) {
			name, found := m[1], false
			for cmd, flags := range helps {
				for _, f := range flags {
					if f.name != name {
						continue
					}
					found = true
					if len(vars) > 0 && !strings.Contains(f.line, vars[0]) {
						t.Errorf("%s --%s does not name %s: %s", cmd, name, vars[0], f.line)
					}
					if d := shownDefault(f.line); d != "" && !slices.Contains(defaults, d) {
						t.Errorf("%s --%s shows default %q; README gives %s", cmd, name, d, row[3])
					}
				}
			}
			if !found {
				t.Errorf("README lists --%s (%s), but no command's --help does", name, row[0])
			}
		}
	}
}

// TestHelp_IngestListsEveryFormat checks ingest --help against the README's
// formats table.
func TestHelp_IngestListsEveryFormat(t *testing.T) {
	help := helpOf(t, nil, "ingest")
	rows := readmeTable(t, "## Formats")
	for _, row := range rows {
		m := literal.FindStringSubmatch(row[0])
		if m == nil {
			t.Fatalf("README format row %q names no format", row)
		}
		if !regexp.MustCompile(`(?m)^  ` + regexp.QuoteMeta(m[1]) + ` `).MatchString(help) {
			t.Errorf("ingest --help does not describe format %s", m[1])
		}
	}
	if len(rows) != 6 {
		t.Errorf("README lists %d formats, want 6", len(rows))
	}
}
