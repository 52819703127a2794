// The active filters as chips under the variables bar: each one names a filter
// and removes it; "Clear all" removes every filter and the selected day.

import { shortDay } from './format.js';
import { h } from './panels.js';

/**
 * chips renders the filter chips of a state. opts: {state, admin, label(dim, v),
 * onChange(next)}. Returns an element (empty when nothing is filtered).
 */
export function chips(opts) {
  const s = opts.state;
  const list = [];
  const chip = (dim, text, patch) => list.push(h('span', { class: 'chip', 'data-chip': dim },
    text, h('button', { type: 'button', class: 'chip-x', 'aria-label': `Remove ${text}`, title: 'Remove this filter', onclick: () => opts.onChange({ ...s, ...patch }) }, '×')));
  s.providers.forEach((p) => chip('cloud_provider', `Provider: ${p}`, { providers: s.providers.filter((x) => x !== p) }));
  if (opts.admin && s.customer) chip('customer_id', `Customer: ${opts.label('customer_id', s.customer)}`, { customer: '' });
  s.models.forEach((m) => chip('model', `Model: ${m}`, { models: s.models.filter((x) => x !== m) }));
  if (s.date) chip('date', `Day: ${shortDay(s.date)}`, { date: '' });
  if (list.length === 0) return h('div', { class: 'chips', id: 'chips', hidden: true });
  const all = { ...s, providers: [], models: [], date: '', customer: opts.admin ? '' : s.customer };
  return h('div', { class: 'chips', id: 'chips', role: 'group', 'aria-label': 'Active filters' }, list,
    list.length > 1 ? h('button', { type: 'button', class: 'btn small ghost', id: 'clear-filters', onclick: () => opts.onChange(all) }, 'Clear all') : null);
}
