// The variables bar: cloud provider (multi), customer, model (multi) and time range,
// as Grafana offers them. Every change produces a new state for the URL. The
// model options cascade: with providers or a customer selected, only the models
// they used in the last 90 days are offered.

import * as api from './api.js';
import { registerKeys } from './charts.js';
import { h } from './panels.js';
import { ranges, preset } from './state.js';

/**
 * variables builds the bar. opts: {customer (true for a customer token: no
 * customer selector), names (id → name), state, onChange(next)}.
 * Returns {el, load(), set(state)}.
 */
export function variables(opts) {
  let state = opts.state;
  const emit = (patch) => opts.onChange({ ...state, ...patch, date: patch.date ?? '' });

  const providers = multi('cloud_provider', 'Cloud provider', (values) => emit({ providers: values }));
  const models = multi('model', 'Model', (values) => emit({ models: values }));

  const customer = h('select', { id: 'var-customer_id', 'aria-label': 'Customer', onchange: (e) => emit({ customer: e.target.value }) },
    h('option', { value: '' }, 'All customers'),
    [...opts.names.entries()].sort((a, b) => a[1].localeCompare(b[1])).map(([id, name]) => h('option', { value: id }, name === id ? id : `${name} (${id})`)));
  const customerField = opts.customer ? null : h('label', { class: 'var' }, h('span', {}, 'Customer'), customer);

  const from = h('input', { type: 'date', id: 'var-from', 'aria-label': 'From' });
  const to = h('input', { type: 'date', id: 'var-to', 'aria-label': 'To' });
  const custom = h('span', { class: 'custom-range', hidden: true }, from, '–', to,
    h('button', { type: 'button', class: 'btn small', id: 'var-apply', onclick: () => { if (from.value && to.value) emit({ from: from.value, to: to.value }); } }, 'Apply'));
  const range = h('select', {
    id: 'var-range', 'aria-label': 'Time range',
    onchange: (e) => {
      const r = ranges.find((x) => x.id === e.target.value);
      if (r) emit({ from: r.from, to: r.to });
      else custom.hidden = false;
    },
  }, ranges.map((r) => h('option', { value: r.id }, r.label)), h('option', { value: 'custom' }, 'Custom range…'));

  const el = h('div', { class: 'vars-inner' },
    providers.el, customerField, models.el,
    h('label', { class: 'var' }, h('span', {}, 'Time range'), range), custom);

  let allModels = [];
  let cascadeKey = '';
  // cascade narrows the model options to the selected providers and customer.
  async function cascade(s) {
    const key = JSON.stringify([s.providers, s.customer]);
    if (key === cascadeKey) return;
    cascadeKey = key;
    if (s.providers.length === 0 && (!s.customer || opts.customer)) {
      models.options(allModels);
      return;
    }
    const filters = [];
    if (s.providers.length) filters.push({ dimension: 'cloud_provider', op: 'in', values: s.providers });
    if (s.customer && !opts.customer) filters.push({ dimension: 'customer_id', op: 'eq', values: [s.customer] });
    try {
      const res = await api.send('POST', 'query', { metrics: ['cost_usd'], group_by: ['model'], filters, period: { name: 'last_90_days' } });
      if (key !== cascadeKey) return;
      models.options((res.rows || []).map((r) => r[0]).filter(Boolean).sort());
    } catch {
      models.options(allModels);
    }
  }

  function set(s) {
    state = s;
    cascade(s);
    providers.set(s.providers);
    models.set(s.models);
    customer.value = s.customer || '';
    const p = preset(s);
    range.value = p;
    custom.hidden = p !== 'custom';
    if (p === 'custom') {
      from.value = /^\d{4}-\d{2}-\d{2}$/.test(s.from) ? s.from : '';
      to.value = /^\d{4}-\d{2}-\d{2}$/.test(s.to) ? s.to : '';
    }
  }

  async function load() {
    const [p, m] = await Promise.all([
      api.get('values/cloud_provider').catch(() => ({ values: [] })),
      api.get('values/model').catch(() => ({ values: [] })),
    ]);
    providers.options(p.values || []);
    allModels = m.values || [];
    models.options(allModels);
    registerKeys(allModels);
    cascadeKey = '';
    set(state);
  }

  set(state);
  return { el, load, set };
}

// multi is a dropdown of checkboxes with an "All" summary.
function multi(name, title, onChange) {
  const summary = h('summary', { class: 'var-summary' });
  const list = h('div', { class: 'menu', role: 'group', 'aria-label': title });
  const details = h('details', { class: 'multi', id: `var-${name}` }, summary, list);
  const el = h('div', { class: 'var' }, h('span', {}, title), details);
  let selected = [];
  let values = [];

  const changed = () => {
    selected = [...list.querySelectorAll('input[type=checkbox]:checked')].map((x) => x.value);
    onChange(selected);
  };
  const draw = () => {
    summary.textContent = selected.length === 0 ? 'All' : selected.length <= 2 ? selected.join(', ') : `${selected.length} selected`;
    const all = [...new Set([...values, ...selected])];
    list.replaceChildren(
      h('button', { type: 'button', class: 'btn small ghost', onclick: () => { selected = []; onChange([]); } }, 'All'),
      ...all.map((v) => h('label', { class: 'opt' },
        h('input', { type: 'checkbox', value: v, checked: selected.includes(v), onchange: changed }), ` ${v}`)));
  };
  document.addEventListener('click', (e) => { if (!details.contains(e.target)) details.open = false; });
  return {
    el,
    options(v) { values = v; draw(); },
    set(v) { selected = [...v]; draw(); },
  };
}
