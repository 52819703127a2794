// UI-only panels that are not in the shared dashboard catalog: the recent alert
// events on the anomaly dashboard, and billed versus estimated cost per
// provider-day on the overview (admins only; the API refuses customer tokens).

import * as api from './api.js';

const alertsEmpty = 'No alerts yet — create rules at /api/v1/alerts/rules or ask the chat ' +
  "'alert me if daily spend goes over $500'";

/** time renders an RFC 3339 instant as "2026-11-28 15:00 UTC". */
function when(s) {
  if (!s) return '';
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) return String(s);
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

const recentAlerts = {
  id: 'recent-alerts',
  title: 'Recent Alerts',
  kind: 'table',
  empty: (result) => result.note || alertsEmpty,
  // load fetches the latest alert events (the API scopes them to the principal),
  // newest first, as a result frame.
  async load() {
    const columns = ['time', 'rule', 'status', 'message', 'delivery'];
    const types = columns.map(() => 'string');
    let events;
    try {
      events = (await api.get('alerts/events', { limit: 50 })) || [];
    } catch (err) {
      // A server without an alert engine says so rather than failing the panel.
      if (err.status === 501) return { columns, types, rows: [], note: err.message };
      throw err;
    }
    const rows = [...events]
      .sort((a, b) => Date.parse(b.at) - Date.parse(a.at))
      .map((e) => [when(e.at), e.rule_name || e.rule_id, e.status, e.message, e.delivery]);
    return { columns, types, rows };
  },
};

const billedVsEstimated = {
  id: 'billed-vs-estimated',
  title: 'Billed vs Estimated',
  kind: 'table',
  adminOnly: true,
  empty: (result, period) => `No provider-day in ${period(result.period) || 'this range'} has both gateway events and billing data to compare.`,
  // load fetches the reconciliation of billed with event-estimated cost per
  // provider-day over the dashboard's range.
  async load(state) {
    const rec = await api.get('reconciliation', { from: state.from, to: state.to });
    const rows = (rec.rows || []).map((r) => [
      String(r.date).slice(0, 10), r.cloud_provider, r.billed_usd, r.estimated_usd, r.gap_usd,
      r.billed_usd ? r.gap_share * 100 : null, r.allocated_usd, r.unattributed_usd,
    ]);
    return {
      columns: ['date', 'cloud_provider', 'billed_usd', 'estimated_usd', 'gap_usd', 'gap_percent',
        'allocated_usd', 'unattributed_usd'],
      types: ['date', 'string', 'number', 'number', 'number', 'number', 'number', 'number'],
      rows,
      period: rec.period,
    };
  },
};

/** extras returns the UI-only panel definitions of a dashboard for a principal. */
export function extras(dashboard, me) {
  const defs = { anomalies: [recentAlerts], overview: [billedVsEstimated] }[dashboard] || [];
  return defs.filter((d) => !d.adminOnly || (me && me.admin));
}
