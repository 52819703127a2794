package main

import (
	"os"
	"path/filepath"
	"regexp"
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
