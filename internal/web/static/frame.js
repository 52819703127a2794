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
