// Dashboard state in the URL, with Grafana's parameter names: from, to,
// var-cloud_provider (repeated), var-customer_id, var-model (repeated), date.

/**
 * Ranges are the time-range presets, as Grafana writes them. "Last N days" is N
 * whole days ending yesterday (billing data arrives a day late); "This month"
 * runs to today. aliases are the open-ended forms older links use.
 */
export const ranges = [
  { id: '7d', label: 'Last 7 days', from: 'now-7d', to: 'now-1d', aliases: [['now-7d', 'now']] },
  { id: '30d', label: 'Last 30 days', from: 'now-30d', to: 'now-1d', aliases: [['now-30d', 'now']] },
  { id: '90d', label: 'Last 90 days', from: 'now-90d', to: 'now-1d', aliases: [['now-90d', 'now']] },
  { id: 'month', label: 'This month', from: 'now/M', to: 'now' },
  { id: 'last-month', label: 'Last month', from: 'now-1M/M', to: 'now-1M/M' },
];

/** defaultRange is the range of a URL without one. */
export const defaultRange = ranges[1];

const isAll = (v) => !v || v === 'All' || v === '$__all';

/** read parses the dashboard state from a location search string. */
export function read(search) {
  const q = new URLSearchParams(search);
  return {
    from: q.get('from') || defaultRange.from,
    to: q.get('to') || defaultRange.to,
    providers: q.getAll('var-cloud_provider').filter((v) => !isAll(v)),
    customer: isAll(q.get('var-customer_id')) ? '' : q.get('var-customer_id'),
    models: q.getAll('var-model').filter((v) => !isAll(v)),
    date: q.get('date') || '',
  };
}

/** search renders a state as a URL query string (with its leading "?"). */
export function search(s) {
  const q = new URLSearchParams();
  q.set('from', s.from);
  q.set('to', s.to);
  s.providers.forEach((p) => q.append('var-cloud_provider', p));
  if (s.customer) q.set('var-customer_id', s.customer);
  s.models.forEach((m) => q.append('var-model', m));
  if (s.date) q.set('date', s.date);
  return `?${q}`;
}

/** params returns the panel endpoint's query parameters for a state. */
export function params(s) {
  return {
    from: s.from,
    to: s.to,
    'var-cloud_provider': s.providers,
    'var-customer_id': s.customer,
    'var-model': s.models,
    date: s.date,
  };
}

/** preset returns the id of the preset a state's range matches, or "custom". */
export function preset(s) {
  const r = ranges.find((x) => (x.from === s.from && x.to === s.to) ||
    (x.aliases || []).some(([f, t]) => f === s.from && t === s.to));
  return r ? r.id : 'custom';
}

/** rangeLabel names a state's range: a preset's label, or "Custom range". */
export function rangeLabel(s) {
  const r = ranges.find((x) => x.id === preset(s));
  return r ? r.label : 'Custom range';
}
