// UI-only panels that are not in the shared dashboard catalog: the recent alert
// events on the anomaly dashboard, billed versus estimated token cost per
// provider and month on the overview (in the admin's layout only: a customer's
// own view compares no sources), and the budget's pace and month-end forecast.

import * as api from './api.js';
import { format } from './format.js';

const alertsEmpty = 'No alerts yet. Create a rule on the Alert rules page, with “Alert me on this” ' +
  'under an explained day, or ask the chat “alert me if daily spend goes over $500”.';

/** when renders an RFC 3339 instant as "2026-11-28 15:00 UTC". */
export function when(s) {
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

/**
 * reconcileByMonth folds query rows [date, cloud_provider, cost_source, cost]
 * into one row per provider and month over the provider-days that have both
 * billed and estimated cost, with the gap in dollars and as a share of the
 * billed cost.
 */
export function reconcileByMonth(rows) {
  const days = new Map();
  for (const [date, provider, source, usd] of rows) {
    const key = `${String(date).slice(0, 10)}\u0000${provider}`;
    const d = days.get(key) || { month: String(date).slice(0, 7), provider, billed: 0, estimated: 0 };
    if (source === 'billing_export') d.billed += usd || 0;
    else d.estimated += usd || 0;
    days.set(key, d);
  }
  const byKey = new Map();
  for (const d of days.values()) {
    if (!d.billed || !d.estimated) continue;
    const key = `${d.month}\u0000${d.provider}`;
    const m = byKey.get(key) || { month: d.month, provider: d.provider, billed: 0, estimated: 0, days: 0 };
    m.billed += d.billed;
    m.estimated += d.estimated;
    m.days += 1;
    byKey.set(key, m);
  }
  return [...byKey.values()]
    .sort((a, b) => b.month.localeCompare(a.month) || a.provider.localeCompare(b.provider))
    .map((m) => [m.month, m.provider, m.days, m.billed, m.estimated, m.billed - m.estimated,
      ((m.billed - m.estimated) / m.billed) * 100]);
}

// reconcileSources are the billed and the gateway-estimated cost sources.
const reconcileSources = ['billing_export', 'event_estimate', 'event_reported'];

const reconciliation = {
  id: 'billed-vs-estimated',
  title: 'Billed vs Estimated Token Cost, by Provider and Month',
  kind: 'table',
  adminOnly: true,
  empty: (result, period) => `No provider-day in ${period(result.period) || 'this range'} has both billed token cost and gateway-event estimates to compare.`,
  // load compares, like with like, the token charges the clouds billed with
  // what the gateway's events estimated for the same provider-days, under
  // every variable (provider, customer, model) and over the dashboard's range.
  // Non-token charges (provisioned throughput, hosting) are left out: the
  // gateway cannot estimate them.
  async load(state) {
    const filters = [
      { dimension: 'cost_source', op: 'in', values: reconcileSources },
      { dimension: 'token_type', op: 'not_in', values: [''] },
    ];
    if (state.providers.length) filters.push({ dimension: 'cloud_provider', op: 'in', values: state.providers });
    if (state.customer) filters.push({ dimension: 'customer_id', op: 'eq', values: [state.customer] });
    if (state.models.length) filters.push({ dimension: 'model', op: 'in', values: state.models });
    const res = await api.send('POST', 'query', {
      metrics: ['cost_usd'], group_by: ['date', 'cloud_provider', 'cost_source'], filters,
      period: { from: state.from, to: state.to },
    });
    return {
      columns: ['month', 'cloud_provider', 'days_compared', 'billed_usd', 'estimated_usd', 'gap_usd', 'gap_percent'],
      types: ['string', 'string', 'number', 'number', 'number', 'number', 'number'],
      rows: reconcileByMonth(res.rows || []),
      period: res.period,
      meta: { caption: 'Token charges only; provisioned throughput and hosting have no gateway estimate.' },
    };
  },
};

/** budgetPace renders a budget status: spend, pace and month-end forecast. */
function budgetPace(h, me) {
  return {
    id: 'budget-pace',
    title: 'Budget Pace and Month-End Forecast',
    kind: 'pace',
    span: me && me.admin ? 5 : 12, // Beside the top customers, or alone.
    async load(state, me) {
      const params = {};
      const who = me.admin ? state.customer : me.customer_id;
      if (who) params.customer_id = who;
      const st = await api.get('budgets/status', params);
      const s = Array.isArray(st) ? st[0] : st;
      return { columns: ['status'], types: ['string'], rows: s ? [[s]] : [], period: s && s.range, meta: { who } };
    },
    render(c, result, ui) {
      const s = result.rows[0][0];
      const who = result.meta.who ? ui.label('customer_id', result.meta.who) : 'the organisation';
      if (!s.has_budget) {
        c.body.append(h('p', { class: 'empty' }, `No monthly budget is set for ${who}. Spent so far this month: ${format(s.spent, 'usd')}.`));
        return;
      }
      const days = s.days_elapsed + s.days_remaining;
      const pace = days ? (s.days_elapsed / days) * 100 : 0;
      const level = s.over_budget ? 'high' : s.forecast_over ? 'warn' : 'ok';
      const bar = (pct, cls) => h('div', { class: `pace-fill ${cls}`, style: `width:${Math.min(100, pct)}%` });
      c.body.append(h('div', { class: 'pace' },
        h('p', { class: 'pace-head' }, h('b', {}, format(s.spent, 'usd')), ` of ${format(s.budget, 'usd')} for ${who} (${format(s.percent_used, 'percent')})`),
        h('div', { class: 'pace-bar', title: 'Spend against the budget; the mark is how much of the month has passed' },
          bar(s.percent_used, level), h('div', { class: 'pace-mark', style: `left:${Math.min(100, pace)}%` })),
        h('p', { class: 'muted' }, `${s.days_elapsed} of ${days} days complete: ${format(pace, 'percent')} of the month has passed.`),
        h('p', { class: `pace-forecast badge ${level}` }, s.forecast_over
          ? `On pace for ${format(s.projected, 'usd')} by month end: ${format(s.projected_overrun, 'usd')} over budget.`
          : `On pace for ${format(s.projected, 'usd')} by month end, within budget.`)));
    },
  };
}

/** extras returns the UI-only panel definitions of a dashboard for a principal. */
export function extras(dashboard, me, h) {
  const defs = { anomalies: [recentAlerts], overview: [budgetPace(h, me), reconciliation] }[dashboard] || [];
  return defs.filter((d) => !d.adminOnly || (me && me.admin));
}
