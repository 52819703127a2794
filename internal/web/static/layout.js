// Which dashboards and panels a principal sees. An admin sees the catalog's four
// dashboards; a customer sees its own layout: its spend, models, budget pace and
// anomalies, with no panel that compares customers. Both get the alert rules page.

/** crossCustomer are the catalog panels that rank or compare customers. */
export const crossCustomer = new Set(['top-customers', 'customer-heatmap', 'top-spenders', 'customer-growth', 'unusual-customers']);

/** rulesPage is the alert rules page, listed after the dashboards. */
export const rulesPage = { id: 'alerts', title: 'Alert rules', page: true, panels: [] };

const customerTitles = { overview: 'My Spend', models: 'My Models', anomalies: 'My Anomalies' };

/** dashboardsFor returns the dashboards a principal sees, in navigation order. */
export function dashboardsFor(me, catalog) {
  if (me.admin) return [...catalog, rulesPage];
  const own = catalog
    .map((d) => ({ ...d, title: customerTitles[d.id] || d.title, panels: d.panels.filter((p) => !crossCustomer.has(p.id)) }))
    .filter((d) => d.panels.length > 0);
  return [...own, rulesPage];
}
