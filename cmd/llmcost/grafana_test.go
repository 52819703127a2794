package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/grafana"
)

func TestGrafanaExport(t *testing.T) {
	dir := t.TempDir()
	mustRun(t, nil, "grafana", "export", "--url", "https://cost.example.com", dir)
	paths := []string{grafana.DatasourcesPath, grafana.ProvidersPath, grafana.AlertingPath}
	for _, d := range cost.Dashboards {
		paths = append(paths, grafana.DashboardsDir+"/"+d.ID+".json")
	}
	for _, p := range paths {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
}

func TestGrafanaExport_BadArgs(t *testing.T) {
	for _, args := range [][]string{{"grafana"}, {"grafana", "import", "x"}, {"grafana", "export"}} {
		m := newTestMain(nil)
		if err := m.ParseFlags(t.Context(), args); err == nil {
			t.Errorf("ParseFlags(%v) accepted", args)
		}
	}
}

// TestReadersWithoutStore_NoInit checks the commands that read a store but take
// no --init (grafana export --data, mcp on a data directory): a directory
// without a store (a typo, a path not yet ingested into) is refused with where
// the store was looked for, and nothing is created.
func TestReadersWithoutStore_NoInit(t *testing.T) {
	commands := []struct {
		name string
		args func(data, out string) []string
	}{
		{"grafana", func(data, out string) []string { return []string{"grafana", "export", "--data", data, out} }},
		{"mcp", func(data, _ string) []string { return []string{"mcp", "--data", data} }},
	}
	dirs := []struct {
		name  string
		mkdir bool
	}{
		{"missing directory", false},
		{"empty directory", true},
	}
	for _, c := range commands {
		for _, d := range dirs {
			t.Run(c.name+"/"+d.name, func(t *testing.T) {
				root := t.TempDir()
				data, out := filepath.Join(root, "data"), filepath.Join(root, "provisioning")
				if d.mkdir {
					if err := os.Mkdir(data, 0o700); err != nil {
						t.Fatal(err)
					}
				}
				m := newTestMain(nil)
				if err := m.ParseFlags(t.Context(), c.args(data, out)); err != nil {
					t.Fatal(err)
				}
				err := m.Run(t.Context())
				m.Close()
				if got, want := cost.ErrorCode(err), cost.CodeNotFound; got != want {
					t.Fatalf("got error %v (code %q), want code %q", err, got, want)
				}
				msg := userMessage(err)
				for _, s := range []string{filepath.Join(data, StoreFile), "from --data", "ingest --data"} {
					if !strings.Contains(msg, s) {
						t.Errorf("message lacks %q:\n%s", s, msg)
					}
				}
				if strings.Contains(msg, "--init") {
					t.Errorf("message offers --init, which %s does not take:\n%s", c.name, msg)
				}
				for _, p := range []string{filepath.Join(data, StoreFile), out} {
					if _, err := os.Stat(p); err == nil {
						t.Errorf("%s was created", p)
					}
				}
			})
		}
	}
}

var pgLine = regexp.MustCompile(`PostgreSQL endpoint on (\S+)`)

func TestServe_PGAddr(t *testing.T) {
	token := "0123456789abcdef0123456789"
	m := mustRun(t, map[string]string{"LLMCOST_ADMIN_TOKEN": token},
		"serve", "--data", t.TempDir(), "--addr", "127.0.0.1:0", "--pg-addr", "127.0.0.1:0")
	match := pgLine.FindStringSubmatch(m.Stdout.(interface{ String() string }).String())
	if match == nil {
		t.Fatalf("no endpoint address in %q", m.Stdout)
	}
	c, err := pgx.Connect(t.Context(), "postgres://admin:"+token+"@"+match[1]+"/llmcost?sslmode=disable")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(t.Context())
	var n int64
	if err := c.QueryRow(t.Context(), "SELECT count(*) FROM unified_costs").Scan(&n); err != nil || n != 0 {
		t.Errorf("count = %d, %v; want 0 lines", n, err)
	}
}
