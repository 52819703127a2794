// Panel cards: header with title, exact dates and CSV export; body rendered by the
// panel's kind (stat, table and gauge text in HTML, the rest with ECharts).

import * as charts from './charts.js';
import { columnUnit, format, label, period } from './format.js';
import { csv, drillable, perMillion, roles } from './frame.js';

const chartKinds = {
  piechart: charts.pie,
  timeseries: charts.timeseries,
  bargauge: charts.bargauge,
  barchart: charts.barchart,
  heatmap: charts.heatmap,
  gauge: charts.gauge,
  threshold: charts.threshold,
};

/** h creates an element with attributes and children (strings become text). */
export function h(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k === 'class') e.className = v;
    else e.setAttribute(k, v === true ? '' : v);
  }
  children.flat().forEach((c) => { if (c != null) e.append(c); });
  return e;
}

/**
 * card builds an empty panel card for a catalog panel. def.tools, when set, are
 * extra controls for the header (e.g. a chart mode selector).
 */
export function card(dashboard, def) {
  const body = h('div', { class: `panel-body kind-${def.kind}` }, skeleton(def.kind));
  const dates = h('p', { class: 'panel-dates' }, '\u00a0');
  const title = h('h2', {}, def.title);
  const exportBtn = h('button', { type: 'button', class: 'btn small ghost', title: 'Download this panel as CSV', disabled: true }, 'CSV');
  const el = h('section', { class: `panel span-${span(def)}`, 'data-panel': def.id, 'data-kind': def.kind, 'data-state': 'loading' },
    h('header', { class: 'panel-head' }, title, def.tools || null, exportBtn),
    dates,
    body);
  const c = { el, body, dates, title, exportBtn, def, dashboard, chart: null, result: null };
  exportBtn.addEventListener('click', () => download(c));
  return c;
}

// skeleton is a panel's placeholder while its first figures load: grey blocks
// the size of the finished panel, so the layout does not jump.
function skeleton(kind) {
  const lines = kind === 'table' ? 6 : kind === 'stat' ? 1 : 0;
  if (lines === 0) return h('div', { class: `skeleton skeleton-chart kind-${kind}`, 'aria-hidden': 'true' });
  return h('div', { class: 'skeleton-lines', 'aria-hidden': 'true' },
    Array.from({ length: lines }, () => h('div', { class: `skeleton skeleton-line${kind === 'stat' ? ' skeleton-stat' : ''}` })));
}

const spans = {
  'total-cost-this-month': 4, 'cost-by-provider': 4, 'budget-vs-actual': 4,
  'input-vs-output': 6, 'model-efficiency': 6, 'top-spenders': 7, 'customer-growth': 5, 'top-customers': 7,
};

function span(def) {
  return def.span || spans[def.id] || 12;
}

/** loading resets a card to its loading state. */
export function loading(c) {
  c.el.dataset.state = 'loading';
  c.el.classList.add('is-loading');
}

/** clear disposes a card's chart and empties its body. */
export function clear(c) {
  if (c.chart) c.chart.dispose();
  c.chart = null;
  if (c.observer) c.observer.disconnect();
  c.observer = null;
  c.body.replaceChildren();
}

/** fail shows an error in a card. */
export function fail(c, err) {
  clear(c);
  c.result = null;
  c.exportBtn.disabled = true;
  c.el.classList.remove('is-loading');
  c.el.dataset.state = 'error';
  c.body.append(h('p', { class: 'empty error' }, `Could not load this panel: ${err.message}`));
}

/**
 * render draws a result in a card. ui carries theme, colours, labels, the active
 * filters (for empty states) and the drill-down callbacks.
 */
export function render(c, result, ui) {
  clear(c);
  result = perMillion(result);
  c.result = result;
  c.title.textContent = result.title || c.def.title;
  c.el.dataset.title = c.title.textContent;
  c.el.classList.remove('is-loading');
  c.dates.textContent = period(result.period);
  c.dates.title = result.period ? `${result.period.from} to ${result.period.to}` : '';
  c.exportBtn.disabled = !result.rows || result.rows.length === 0;
  const unit = result.unit || c.def.unit;
  const note = result.meta && result.meta.filters_ignored;
  if (note && ui.filtered) c.body.append(h('p', { class: 'panel-note', role: 'note' }, note));
  const caption = result.meta && result.meta.caption;
  if (caption) c.body.append(h('p', { class: 'panel-caption muted' }, caption));
  if (!result.rows || result.rows.length === 0) {
    c.el.dataset.state = 'empty';
    c.body.append(h('p', { class: 'empty' }, c.def.empty ? c.def.empty(result, period) : emptyText(result, ui)));
    return;
  }
  c.el.dataset.state = 'ready';
  if (c.def.render) return c.def.render(c, result, ui);
  if (c.def.kind === 'stat') return stat(c, result, unit);
  if (c.def.kind === 'table') return table(c, result, unit, ui);
  if (c.def.kind === 'gauge' && !hasBudget(result)) return noBudget(c, result, ui);
  const host = h('div', { class: 'chart' });
  if (c.def.kind === 'bargauge') host.style.height = `${Math.max(110, result.rows.length * 30 + 20)}px`;
  if (c.def.kind === 'heatmap') {
    const keys = new Set(result.rows.map((r) => r[roles(result).strings[0]]));
    host.style.height = `${Math.max(300, Math.min(keys.size, charts.heatmapRows) * 18 + 100)}px`;
  }
  c.body.append(host);
  if (c.def.kind === 'gauge') {
    const pct = result.rows[0][result.columns.indexOf('percent_used')];
    c.body.append(h('div', { class: 'gauge-value' }, format(pct, 'percent'), h('small', {}, 'of budget used')), budgetLine(result));
  }
  const draw = chartKinds[c.def.kind] || charts.timeseries;
  c.chart = draw({ el: host, frame: result, unit, ...ui, date: ui.state.date, mode: c.mode });
  c.observer = new ResizeObserver(() => c.chart && c.chart.resize());
  c.observer.observe(host);
  if (c.def.kind === 'threshold') c.body.append(ui.explainBox);
}


function emptyText(result, ui) {
  const who = [];
  if (ui.state.customer) who.push(ui.label('customer_id', ui.state.customer));
  if (ui.state.providers.length) who.push(ui.state.providers.join(', '));
  if (ui.state.models.length) who.push(ui.state.models.join(', '));
  const range = result.period ? period(result.period) : 'this range';
  const meta = result.meta && (result.meta.reason || result.meta.note);
  const base = who.length ? `No data for ${who.join(' · ')} in ${range}.` : `No cost lines in ${range}.`;
  return meta ? `${base} ${meta}` : base;
}

function stat(c, result, unit) {
  const r = roles(result);
  const i = r.numbers[0];
  const v = result.rows[0][i];
  const colUnit = columnUnit(result.columns[i], unit);
  const prevIdx = result.columns.indexOf(`${result.columns[i]}_previous`);
  const children = [h('div', { class: 'stat-value' }, format(v, colUnit))];
  if (prevIdx >= 0 && result.rows[0][prevIdx]) {
    const prev = result.rows[0][prevIdx];
    const pct = ((v - prev) / prev) * 100;
    children.push(h('div', { class: `stat-delta ${pct > 0 ? 'up' : 'down'}` }, `${pct > 0 ? '▲' : '▼'} ${Math.abs(pct).toFixed(1)}% vs previous period`));
  }
  children.push(h('div', { class: 'stat-sub' }, label(result.columns[i])));
  c.body.append(h('div', { class: 'stat' }, children));
}

function hasBudget(result) {
  const i = result.columns.indexOf('budget');
  return i < 0 || (result.rows[0][i] != null && result.rows[0][i] > 0);
}

function budgetLine(result) {
  const get = (name) => result.rows[0][result.columns.indexOf(name)];
  return h('p', { class: 'gauge-caption' }, h('b', {}, format(get('actual'), 'usd')), ` spent of a ${format(get('budget'), 'usd')} monthly budget`);
}

function noBudget(c, result, ui) {
  c.el.dataset.state = 'empty';
  const who = ui.state.customer ? ui.label('customer_id', ui.state.customer) : 'the organisation';
  const actual = result.rows[0][result.columns.indexOf('actual')];
  c.body.append(h('p', { class: 'empty' }, `No monthly budget is set for ${who}. Spent so far: ${format(actual, 'usd')}.`));
}

function table(c, result, unit, ui) {
  const units = result.columns.map((name) => columnUnit(name, unit));
  const r = roles(result);
  const numeric = new Set(r.numbers);
  let rows = result.rows;
  const thead = h('tr', {}, result.columns.map((name, i) => h('th', {
    class: numeric.has(i) ? 'num' : '',
    scope: 'col',
    title: 'Sort',
    onclick: () => sortBy(i),
  }, ui.colname(name))));
  const tbody = h('tbody');
  let sorted = { i: -1, desc: false };
  const fill = () => {
    tbody.replaceChildren(...rows.map((row) => h('tr', {}, row.map((v, i) => cell(result.columns[i], v, units[i], numeric.has(i), ui)))));
  };
  const sortBy = (i) => {
    sorted = { i, desc: sorted.i === i ? !sorted.desc : numeric.has(i) };
    rows = [...result.rows].sort((a, b) => {
      const x = a[i] ?? '';
      const y = b[i] ?? '';
      const o = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
      return sorted.desc ? -o : o;
    });
    fill();
  };
  fill();
  c.body.append(h('div', { class: 'table-wrap' }, h('table', {}, h('thead', {}, thead), tbody)));
}

function cell(name, v, unit, numeric, ui) {
  if (numeric) return h('td', { class: 'num' }, format(v, unit));
  if (drillable.includes(name) && v) {
    return h('td', {}, h('button', {
      type: 'button', class: 'link', 'data-drill': name, 'data-value': v,
      title: `Filter the dashboard by ${v}`,
      onclick: () => ui.onFilter(name, v),
    }, ui.label(name, v)));
  }
  if (/status|alert_level|delivery/.test(name) && typeof v === 'string') {
    const text = v.replace(/^[^A-Za-z]+/, '');
    const level = /high|critical|alert|firing|failed/i.test(text) ? 'high' : /warn|low|pending|test/i.test(text) ? 'warn' : 'ok';
    return h('td', {}, h('span', { class: `badge ${level}` }, text));
  }
  const text = v == null ? '—' : Array.isArray(v) ? v.join(', ') : String(v);
  return h('td', { class: 'text', title: text.length > 40 ? text : null }, text);
}

function download(c) {
  if (!c.result) return;
  const p = c.result.period || {};
  const blob = new Blob([csv(c.result)], { type: 'text/csv;charset=utf-8' });
  const a = h('a', { href: URL.createObjectURL(blob), download: `${c.dashboard}-${c.def.id}-${p.from || ''}-${p.to || ''}.csv` });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}
