// Freshness: how recent the figures are ("data through", the last ingest, the
// days still provisional), a refresh button and an auto-refresh choice.

import * as api from './api.js';
import { shortDay } from './format.js';
import { when } from './extras.js';
import { h } from './panels.js';

const autoKey = 'llmcost.autorefresh';

/** autoChoices are the auto-refresh intervals offered, in seconds (0 = off). */
export const autoChoices = [[0, 'Off'], [60, 'Every minute'], [300, 'Every 5 minutes'], [900, 'Every 15 minutes']];

/**
 * freshness builds the bar. opts: {onRefresh()}. Returns {el, load(state, me),
 * dataThrough()}; the auto-refresh interval is remembered per browser.
 */
export function freshness(opts) {
  const text = h('span', { class: 'fresh-text', id: 'fresh' }, '\u00a0');
  const refresh = h('button', { type: 'button', class: 'btn small', id: 'refresh', title: 'Reload every panel now', onclick: () => opts.onRefresh() }, '↻ Refresh');
  const auto = h('select', { id: 'auto-refresh', 'aria-label': 'Auto-refresh', onchange: () => { localStorage.setItem(autoKey, auto.value); schedule(); } },
    autoChoices.map(([v, t]) => h('option', { value: String(v) }, `Auto-refresh: ${t}`)));
  auto.value = localStorage.getItem(autoKey) || '0';
  if (!auto.value) auto.value = '0';
  const el = h('div', { class: 'fresh' }, text, refresh, auto);
  let timer = null;
  let through = '';
  function schedule() {
    clearInterval(timer);
    const secs = Number(auto.value);
    if (secs > 0) timer = setInterval(() => { if (!document.hidden) opts.onRefresh(); }, secs * 1000);
  }
  schedule();

  async function load(state, me) {
    try {
      const [f, status] = await Promise.all([api.get('freshness'), provisional(state, me)]);
      through = f.data_through || '';
      const parts = [through ? `Data through ${shortDay(through)}` : 'No data yet'];
      if (f.last_ingest) parts.push(`last ingest ${when(f.last_ingest)}`);
      if (status.provisional.length) parts.push(`${days(status.provisional)} provisional (the month's bills are still open)`);
      if (status.estimated.length) parts.push(`${days(status.estimated)} estimated from gateway events (bills not in yet)`);
      parts.push(`updated ${new Date().toISOString().slice(11, 16)} UTC`);
      text.textContent = parts.join(' · ');
      text.dataset.through = through;
      text.title = (f.providers || []).map((p) => `${p.cloud_provider}: data through ${p.latest_date}${p.ingested_at ? `, ingested ${when(p.ingested_at)}` : ''}`).join('\n');
    } catch (err) {
      text.textContent = `Freshness unknown: ${err.message}`;
    }
  }
  return { el, load, dataThrough: () => through };
}

// days names a sorted list of days: "Dec 2" or "Dec 1–Dec 2".
function days(ds) {
  return ds.length === 1 ? shortDay(ds[0]) : `${shortDay(ds[0])}–${shortDay(ds[ds.length - 1])}`;
}

// provisional returns, in the principal's scope, the days of the last 7 with
// provisional lines (month still open) and with estimated lines that no bill
// has superseded yet (net estimated cost left), each sorted.
async function provisional(state, me) {
  const filters = [{ dimension: 'data_status', op: 'in', values: ['estimated', 'provisional'] }];
  if (me.admin && state.customer) filters.push({ dimension: 'customer_id', op: 'eq', values: [state.customer] });
  const out = { provisional: [], estimated: [] };
  try {
    const res = await api.send('POST', 'query', { metrics: ['cost_usd'], group_by: ['date', 'data_status'], filters, period: { name: 'last_7_days' } });
    for (const [date, status, usd] of res.rows || []) {
      const day = String(date).slice(0, 10);
      if (status === 'provisional') out.provisional.push(day);
      else if (Math.abs(usd) >= 0.005) out.estimated.push(day);
    }
  } catch {
    return out;
  }
  out.provisional = [...new Set(out.provisional)].sort();
  out.estimated = [...new Set(out.estimated)].sort();
  return out;
}
