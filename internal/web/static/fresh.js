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
      if (status.length) parts.push(`${status.length === 1 ? shortDay(status[0]) : `${shortDay(status[0])}–${shortDay(status[status.length - 1])}`} still provisional (estimates until billing arrives)`);
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

// provisional returns the days of the last 7 with estimated or provisional
// lines, in the principal's scope.
async function provisional(state, me) {
  const filters = [{ dimension: 'data_status', op: 'in', values: ['estimated', 'provisional'] }];
  if (me.admin && state.customer) filters.push({ dimension: 'customer_id', op: 'eq', values: [state.customer] });
  try {
    const res = await api.send('POST', 'query', { metrics: ['cost_usd'], group_by: ['date'], filters, period: { name: 'last_7_days' } });
    return (res.rows || []).map((r) => String(r[0]).slice(0, 10)).sort();
  } catch {
    return [];
  }
}
