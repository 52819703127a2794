package grafana

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"go.yaml.in/yaml/v3"

	"github.com/llmcost/llmcost/internal/cost"
)

// Paths of the exported files, relative to the export directory.
const (
	DatasourcesPath = "datasources/llmcost.yaml"
	ProvidersPath   = "dashboards/llmcost.yaml"
	AlertingPath    = "alerting/llmcost.yaml"
	DashboardsDir   = "dashboards/llmcost"
)

// Export writes a Grafana provisioning tree into dir: the data source, the
// dashboard provider with one bare dashboard JSON per dashboard (under
// dashboards/llmcost/, copied to Options.DashboardsPath), and the alerting file
// with the seed's daily-spend rule plus the enabled threshold rules of rules.
// It returns the paths written, relative to dir.
func Export(dir string, o Options, rules []cost.AlertRule) ([]string, error) {
	o = o.normalised()
	ds, err := Dashboards(o)
	if err != nil {
		return nil, err
	}
	var dsf any = datasources(o)
	if o.Datasource == DatasourceClickHouse {
		if dsf, err = clickHouseDatasources(o); err != nil {
			return nil, err
		}
	}
	files := map[string]any{
		DatasourcesPath: dsf,
		ProvidersPath:   providers(o),
		AlertingPath:    alerting(o, rules),
	}
	var written []string
	for _, name := range []string{DatasourcesPath, ProvidersPath, AlertingPath} {
		b, err := yaml.Marshal(files[name])
		if err != nil {
			return nil, fmt.Errorf("grafana: %s: %w", name, err)
		}
		if err := writeFile(dir, name, b); err != nil {
			return nil, err
		}
		written = append(written, name)
	}
	for i, d := range ds {
		b, err := json.MarshalIndent(d, "", "  ")
		if err != nil {
			return nil, fmt.Errorf("grafana: dashboard %s: %w", cost.Dashboards[i].ID, err)
		}
		name := filepath.ToSlash(filepath.Join(DashboardsDir, cost.Dashboards[i].ID+".json"))
		if err := writeFile(dir, name, append(b, '\n')); err != nil {
			return nil, err
		}
		written = append(written, name)
	}
	return written, nil
}

func writeFile(dir, name string, b []byte) error {
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("grafana: %w", err)
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		return fmt.Errorf("grafana: %w", err)
	}
	return nil
}
