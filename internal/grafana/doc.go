// Package grafana exports llmcost's four dashboards and its alert rules as a
// Grafana provisioning tree: a PostgreSQL data source pointed at llmcost's
// PostgreSQL endpoint (package pgwire), one dashboard JSON per dashboard of
// cost.Dashboards built with the Grafana foundation SDK, and file-provisioned
// alert rules, contact point and policy. The panels' SQL is PostgreSQL dialect
// with Grafana's macros and returns the query layer's figures; Expand
// reproduces Grafana's expansion of variables and macros. With
// Options.Datasource DatasourceClickHouse the same dashboards and rules query a
// ClickHouse store through Grafana's ClickHouse plugin instead
// (ClickHousePanelSQL, ExpandClickHouse).
package grafana
