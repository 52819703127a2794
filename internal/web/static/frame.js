// Column roles of a result frame, so panels render by kind and role rather than
// by exact column names.

const dateRe = /^\d{4}-\d{2}-\d{2}/;

/** Drillable are the dimensions a click can filter the dashboard by. */
export const drillable = ['cloud_provider', 'customer_id', 'model'];

function columnType(frame, i) {
  const t = frame.types && frame.types[i];
  if (t) return t;
  const v = frame.rows.map((r) => r[i]).find((x) => x != null);
  if (typeof v === 'number') return 'number';
  if (typeof v === 'string' && dateRe.test(v)) return 'date';
  return 'string';
}

/** roles splits a frame's column indexes into dates, strings and numbers. */
export function roles(frame) {
  const r = { dates: [], strings: [], numbers: [] };
  frame.columns.forEach((name, i) => {
    let t = columnType(frame, i);
    if (t === 'string' && (name === 'date' || name === 'week' || name === 'month')) t = 'date';
    if (t === 'date') r.dates.push(i);
    else if (t === 'number') r.numbers.push(i);
    else r.strings.push(i);
  });
  return r;
}

/** col returns the first column whose name matches re (a RegExp), or -1. */
export function col(frame, re) {
  return frame.columns.findIndex((c) => re.test(c));
}

/** uniq returns the distinct values of a column in first-seen order. */
export function uniq(frame, i) {
  const seen = new Set();
  frame.rows.forEach((r) => seen.add(r[i] == null ? '' : String(r[i]).slice(0, 10)));
  return [...seen];
}

/** csv renders a frame as RFC 4180 CSV. */
export function csv(frame) {
  const cell = (v) => {
    if (v == null) return '';
    const s = Array.isArray(v) ? v.join(', ') : String(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [frame.columns.map(cell).join(',')];
  frame.rows.forEach((r) => lines.push(r.map(cell).join(',')));
  return lines.join('\r\n') + '\r\n';
}

/**
 * perMillion restates a frame's cost-per-1K-token columns per 1M tokens when
 * their figures are below 10 cents, where per 1K needs many decimals. It
 * returns the frame unchanged otherwise, or a copy with renamed columns.
 */
export function perMillion(frame) {
  const cols = frame.columns.map((c, i) => (/per_1k/.test(c) ? i : -1)).filter((i) => i >= 0);
  if (cols.length === 0 || !frame.rows || frame.rows.length === 0) return frame;
  const max = Math.max(...frame.rows.flatMap((r) => cols.map((i) => Math.abs(r[i] || 0))));
  if (max >= 0.1) return frame;
  return {
    ...frame,
    title: frame.title ? frame.title.replace('1K', '1M') : frame.title,
    unit: frame.unit === 'usd_per_1k' ? 'usd_per_1m' : frame.unit,
    columns: frame.columns.map((c, i) => (cols.includes(i) ? c.replace('per_1k', 'per_1m') : c)),
    rows: frame.rows.map((r) => r.map((v, i) => (cols.includes(i) && v != null ? v * 1000 : v))),
  };
}
