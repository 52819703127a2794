// The alert rules page: the rules the principal may see, a form to create one,
// a test button per rule (a test event through the rule's channels) and the
// history of alert events. Everything goes through the alert rules API, which
// scopes rules and events to the principal.

import * as api from './api.js';
import { format } from './format.js';
import { when } from './extras.js';
import { h } from './panels.js';

const kinds = [
  ['threshold', 'Spend over an amount', 'USD'],
  ['anomaly', 'Unusual daily spend', ''],
  ['budget', 'Budget used', '% of the monthly budget'],
  ['unpriced', 'Tokens without a price', 'tokens'],
];
const windows = { threshold: ['day', 'week', 'month_to_date'], budget: ['month_to_date', 'forecast'], unpriced: ['day', 'week', 'month_to_date'], anomaly: [] };

/** anomalyRule is the rule "alert me on this" creates for a customer (or all). */
export function anomalyRule(customer, label) {
  return {
    name: customer ? `Unusual daily spend of ${label}` : 'Unusual daily spend',
    kind: 'anomaly', customer_id: customer || undefined, enabled: true,
  };
}

/**
 * rulesPage fills el with the page. ctx: {me, names (id → name), label(dim, v)}.
 * Returns a promise that settles when the lists have loaded.
 */
export async function rulesPage(el, ctx) {
  const list = h('div', { class: 'panel span-12', 'data-panel': 'alert-rules', 'data-state': 'loading' },
    h('header', { class: 'panel-head' }, h('h2', {}, 'Alert rules')), h('div', { class: 'panel-body' }));
  const form = ruleForm(ctx, () => reload());
  const history = h('div', { class: 'panel span-12', 'data-panel': 'alert-history', 'data-state': 'loading' },
    h('header', { class: 'panel-head' }, h('h2', {}, 'Alert history (latest 50 events)')), h('div', { class: 'panel-body' }));
  el.replaceChildren(h('div', { class: 'dash-head' }, h('h1', {}, 'Alert rules')),
    h('div', { class: 'grid' }, list, form, history));

  async function reload() {
    await Promise.all([fill(list, ctx, reload), events(history)]);
  }
  await reload();
}

async function fill(panel, ctx, reload) {
  const body = panel.querySelector('.panel-body');
  let rules;
  try {
    rules = (await api.get('alerts/rules')) || [];
  } catch (err) {
    panel.dataset.state = 'error';
    body.replaceChildren(h('p', { class: 'empty error' }, `Could not load the rules: ${err.message}`));
    return;
  }
  panel.dataset.state = rules.length ? 'ready' : 'empty';
  if (!rules.length) {
    body.replaceChildren(h('p', { class: 'empty' }, 'No rules yet. Create one below, or with “Alert me on this” under an explained day on the anomaly dashboard.'));
    return;
  }
  const status = h('p', { class: 'hint', role: 'status' });
  body.replaceChildren(status, h('div', { class: 'table-wrap' }, h('table', {},
    h('thead', {}, h('tr', {}, ['Name', 'Kind', 'Scope', 'Window', 'Threshold', 'Enabled', ''].map((t) => h('th', {}, t)))),
    h('tbody', {}, rules.map((r) => h('tr', { 'data-rule': r.id },
      h('td', {}, r.name),
      h('td', {}, r.kind),
      h('td', {}, r.customer_id ? ctx.label('customer_id', r.customer_id) : 'Organisation'),
      h('td', {}, r.window || '—'),
      h('td', { class: 'num' }, threshold(r)),
      h('td', {}, r.enabled ? 'yes' : 'no'),
      h('td', {},
        h('button', { type: 'button', class: 'btn small', 'data-test': r.id, onclick: () => test(r, status, reload) }, 'Test'), ' ',
        h('button', { type: 'button', class: 'btn small ghost', onclick: () => remove(r, status, reload) }, 'Delete'))))))));
}

function threshold(r) {
  if (!r.threshold) return '—';
  if (r.kind === 'threshold') return format(r.threshold, 'usd');
  if (r.kind === 'budget') return format(r.threshold, 'percent');
  return format(r.threshold, 'count');
}

async function test(r, status, reload) {
  status.textContent = `Testing “${r.name}”…`;
  try {
    const ev = await api.send('POST', `alerts/rules/${encodeURIComponent(r.id)}/test`);
    status.textContent = `Test event sent for “${r.name}”: ${ev.message || ev.status} (delivery ${ev.delivery || 'none'}).`;
    await reload();
  } catch (err) {
    status.textContent = `Test failed: ${err.message}`;
  }
}

async function remove(r, status, reload) {
  try {
    await api.send('DELETE', `alerts/rules/${encodeURIComponent(r.id)}`);
    await reload();
  } catch (err) {
    status.textContent = `Could not delete “${r.name}”: ${err.message}`;
  }
}

async function events(panel) {
  const body = panel.querySelector('.panel-body');
  let evs;
  try {
    evs = (await api.get('alerts/events', { limit: 50 })) || [];
  } catch (err) {
    panel.dataset.state = 'error';
    body.replaceChildren(h('p', { class: 'empty error' }, `Could not load the history: ${err.message}`));
    return;
  }
  panel.dataset.state = evs.length ? 'ready' : 'empty';
  if (!evs.length) {
    body.replaceChildren(h('p', { class: 'empty' }, 'No alert has fired or been tested yet.'));
    return;
  }
  body.replaceChildren(h('div', { class: 'table-wrap' }, h('table', {},
    h('thead', {}, h('tr', {}, ['Time', 'Rule', 'Status', 'Message', 'Delivery'].map((t) => h('th', {}, t)))),
    h('tbody', {}, [...evs].sort((a, b) => Date.parse(b.at) - Date.parse(a.at)).map((e) => h('tr', {},
      h('td', {}, when(e.at)), h('td', {}, e.rule_name || e.rule_id), h('td', {}, e.status),
      h('td', { class: 'text', title: e.message }, e.message), h('td', {}, e.delivery)))))));
}

// ruleForm is the create form; a customer's rules are always its own.
function ruleForm(ctx, onSaved) {
  const name = h('input', { id: 'rule-name', required: true, maxlength: 200, placeholder: 'e.g. Daily spend over $500' });
  const kind = h('select', { id: 'rule-kind' }, kinds.map(([v, t]) => h('option', { value: v }, t)));
  const win = h('select', { id: 'rule-window' });
  const thr = h('input', { id: 'rule-threshold', type: 'number', min: 0, step: 'any' });
  const unit = h('span', {});
  const customer = ctx.me.admin ? h('select', { id: 'rule-customer' }, h('option', { value: '' }, 'Organisation'),
    [...ctx.names.entries()].map(([id, n]) => h('option', { value: id }, n))) : null;
  const msg = h('p', { class: 'hint', role: 'status' });
  const sync = () => {
    const ws = windows[kind.value];
    win.replaceChildren(...ws.map((w) => h('option', { value: w }, w.replace(/_/g, ' '))));
    win.disabled = ws.length === 0;
    const k = kinds.find((x) => x[0] === kind.value);
    thr.disabled = !k[2];
    unit.textContent = k[2] ? `(${k[2]})` : '';
  };
  kind.addEventListener('change', sync);
  sync();
  const submit = async (e) => {
    e.preventDefault();
    const rule = { name: name.value, kind: kind.value, enabled: true };
    if (!win.disabled) rule.window = win.value;
    if (!thr.disabled && thr.value !== '') rule.threshold = Number(thr.value);
    if (customer && customer.value) rule.customer_id = customer.value;
    try {
      const saved = await api.send('POST', 'alerts/rules', rule);
      msg.textContent = `Created “${saved.name}”.`;
      name.value = '';
      await onSaved();
    } catch (err) {
      msg.textContent = `Could not create the rule: ${err.message}`;
    }
  };
  const field = (label, input, extra) => h('label', { class: 'var' }, h('span', {}, label), input, extra || null);
  return h('form', { class: 'panel span-12 rule-form', id: 'rule-form', onsubmit: submit },
    h('header', { class: 'panel-head' }, h('h2', {}, 'New rule')),
    h('div', { class: 'vars-inner' }, field('Name', name), field('Kind', kind), field('Window', win),
      field(['Threshold ', unit], thr), customer ? field('Customer', customer) : null,
      h('button', { type: 'submit', class: 'btn primary' }, 'Create rule')),
    msg);
}
