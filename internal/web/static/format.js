// Number, money, token and date formatting for panels, axes and CSV-free display.

const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
const usdSmall = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumSignificantDigits: 3 });
const usdCompact = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', notation: 'compact', maximumFractionDigits: 1 });
const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });
const whole = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

/** money formats US dollars: $1,234.56 (or 3 significant digits below a cent). */
export function money(v) {
  if (v == null || Number.isNaN(v)) return '—';
  if (v !== 0 && Math.abs(v) < 0.01) return usdSmall.format(v);
  return usd.format(v);
}

/** tokens formats a token count: 1.2M tokens. */
export function tokens(v) {
  if (v == null) return '—';
  return `${compact.format(v)} tokens`;
}

/** format renders a value in a unit: usd, tokens, percent, count, usd_per_1k. */
export function format(v, unit) {
  if (v == null || v === '') return '—';
  if (typeof v !== 'number') return String(v);
  switch (unit) {
    case 'usd': return money(v);
    case 'tokens': return tokens(v);
    case 'percent': return `${oneDecimal.format(v)}%`;
    case 'usd_per_1k': return `${usdSmall.format(v)} / 1K tokens`;
    case 'usd_per_1m': return `${usd.format(v)} / 1M tokens`;
    case 'count': return whole.format(v);
    default: return oneDecimal.format(v);
  }
}

/** axis renders a value compactly for chart axes. */
export function axis(v, unit) {
  switch (unit) {
    case 'usd': return Math.abs(v) >= 1000 ? usdCompact.format(v) : usdSmall.format(v);
    case 'usd_per_1k': return usdSmall.format(v);
    case 'usd_per_1m': return usd.format(v);
    case 'percent': return `${whole.format(v)}%`;
    default: return compact.format(v);
  }
}

/**
 * columnUnit guesses a column's unit from its name, falling back to the panel's:
 * cost, spend and revenue are dollars, tokens are tokens, counts are counts.
 */
export function columnUnit(name, panelUnit) {
  if (/per_1k/.test(name)) return 'usd_per_1k';
  if (/per_1m/.test(name)) return 'usd_per_1m';
  if (/percent/.test(name)) return 'percent';
  if (/tokens/.test(name)) return 'tokens';
  if (/cost|spend|usd|budget|actual|threshold|avg_daily|avg_7day|last_7_days|amount|projected/.test(name)) return 'usd';
  if (/customers|days|count|requests|models/.test(name)) return 'count';
  return panelUnit;
}

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** day turns "2026-11-28" (or an RFC 3339 time) into "Nov 28, 2026". */
export function day(s) {
  const [y, m, d] = String(s).slice(0, 10).split('-');
  if (!d) return String(s);
  return `${months[+m - 1]} ${+d}, ${y}`;
}

/** shortDay turns "2026-11-28" into "Nov 28". */
export function shortDay(s) {
  const [, m, d] = String(s).slice(0, 10).split('-');
  if (!d) return String(s);
  return `${months[+m - 1]} ${+d}`;
}

/** period renders {from,to} as "Nov 1 – Nov 28, 2026 (28 days)". */
export function period(p) {
  if (!p || !p.from) return '';
  const days = Math.round((Date.parse(p.to) - Date.parse(p.from)) / 86400000) + 1;
  const span = p.from === p.to ? day(p.from) :
    p.from.slice(0, 4) === p.to.slice(0, 4) ? `${shortDay(p.from)} – ${day(p.to)}` : `${day(p.from)} – ${day(p.to)}`;
  return `${span} (${days} day${days === 1 ? '' : 's'})`;
}

// Column headers that say what the figures are, where the column name alone
// would not.
const columnLabels = {
  customer_id: 'Customer', cloud_provider: 'Provider', model: 'Model',
  total_cost: 'Cost', total_tokens: 'Tokens', total_spend: 'Spend', daily_cost: 'Daily cost',
  cost_per_1k_tokens: '$ per 1K tokens', cost_per_1m_tokens: '$ per 1M tokens',
  cost_per_1k: '$ per 1K tokens', cost_per_1m: '$ per 1M tokens',
  active_customers: 'Active customers', active_days: 'Active days', models_used: 'Models used',
  mtd_cost: 'Month-to-date cost', last_7_days: 'Last 7 days cost',
  cost_on_day: 'Cost on the day', avg_daily: '30-day daily average', percent_change: 'Change vs average',
  alert_level: 'Alert level',
  input_cost: 'Input tokens', output_cost: 'Output tokens', cache_cost: 'Cache tokens',
  reasoning_cost: 'Reasoning tokens', other_cost: 'Other charges',
  billed_usd: 'Billed', estimated_usd: 'Estimated (events)', gap_usd: 'Gap (billed − estimated)',
  gap_percent: 'Gap % of billed', month: 'Month',
  avg_7day: '7-day average', upper_threshold: 'Upper band', lower_threshold: 'Lower band',
};

/** label names a column: "mtd_cost" → "Month-to-date cost", else humanised. */
export function label(name) {
  if (columnLabels[name]) return columnLabels[name];
  const s = String(name).replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}
