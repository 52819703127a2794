// ECharts renderers for each panel kind. Each takes a context
// {el, frame, unit, colors, theme, label, onFilter, onDay, date} and returns the
// chart it created (or null for HTML-only panels).

import { axis, columnUnit, format, shortDay } from './format.js';
import { col, drillable, roles, uniq } from './frame.js';

// Known providers keep their colour on every chart.
const fixed = { AWS: '#f59e0b', GCP: '#3b6ef5', Azure: '#06b6d4', OpenAI: '#16a34a', Anthropic: '#d9734e' };

/**
 * palette colours every other series (models, customers, token types): ten
 * hues at least 15° from each other and from every provider's colour, so any
 * series shown together differ, readable on light and dark themes.
 */
export const palette = ['#7c3aed', '#db2777', '#059669', '#65a30d', '#b91c1c', '#a21caf', '#a3a316', '#4f46e5', '#3f8f1f', '#c0269a'];

/** otherColor is the colour of the "Other" series that gathers the smallest. */
const otherColor = '#9ca3af';

/** TopN is how many series a chart draws before gathering the rest as "Other". */
export const TopN = 8;

const registered = new Map();

/**
 * registerKeys gives each key (e.g. every model, in a fixed order) its own palette
 * colour, so series keep their colour across charts without collisions.
 */
export function registerKeys(keys) {
  keys.forEach((k) => { if (!registered.has(k)) registered.set(k, registered.size); });
}

/** colorFor returns a stable colour for a series or slice key. */
export function colorFor(key) {
  if (fixed[key]) return fixed[key];
  if (registered.has(key)) return palette[registered.get(key) % palette.length];
  let h = 0;
  for (const ch of String(key)) h = (h * 31 + ch.codePointAt(0)) >>> 0;
  return palette[h % palette.length];
}

// esc escapes text for ECharts tooltips, which render HTML: names come from
// billing data and must never become markup.
function esc(v) {
  return String(v).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function init(ctx) {
  const chart = window.echarts.init(ctx.el, ctx.theme === 'dark' ? 'dark' : null);
  return chart;
}

function base(ctx) {
  return {
    backgroundColor: 'transparent',
    color: palette,
    animation: false,
    textStyle: { color: ctx.colors.text, fontFamily: 'inherit' },
  };
}

function valueAxis(ctx, unit) {
  return {
    type: 'value',
    minInterval: unit === 'count' ? 1 : undefined,
    axisLabel: { color: ctx.colors.muted, formatter: (v) => axis(v, unit) },
    splitLine: { lineStyle: { color: ctx.colors.grid } },
  };
}

function dateAxis(ctx, dates) {
  return {
    type: 'category',
    data: dates,
    boundaryGap: false,
    axisLabel: { color: ctx.colors.muted, formatter: shortDay },
    axisLine: { lineStyle: { color: ctx.colors.grid } },
  };
}

function tooltip(unitOf) {
  return {
    trigger: 'axis',
    valueFormatter: undefined,
    formatter: (items) => {
      const list = Array.isArray(items) ? items : [items];
      const head = list.length ? esc(list[0].axisValueLabel || list[0].name) : '';
      const lines = list
        .filter((p) => p.value != null && !p.seriesName.startsWith('_'))
        .map((p) => `${p.marker} ${esc(p.seriesName)}: <b>${format(Array.isArray(p.value) ? p.value[p.value.length - 1] : p.value, unitOf(p.seriesName))}</b>`);
      return [head, ...lines].join('<br>');
    },
  };
}

function drillOn(chart, ctx, dim) {
  if (!drillable.includes(dim)) return;
  chart.on('click', (p) => {
    const v = p.data && p.data.key != null ? p.data.key : p.seriesType === 'pie' || p.componentType === 'yAxis' ? p.name : p.name;
    if (v) ctx.onFilter(dim, v);
  });
}

/** pie draws the first text column's share of the first number column. */
export function pie(ctx) {
  const f = ctx.frame;
  const r = roles(f);
  const s = r.strings[0];
  const n = r.numbers[0];
  const dim = f.columns[s];
  const chart = init(ctx);
  chart.setOption({
    ...base(ctx),
    tooltip: { trigger: 'item', formatter: (p) => `${p.marker} ${esc(p.name)}: <b>${format(p.value, ctx.unit)}</b> (${p.percent}%)` },
    legend: { bottom: 0, type: 'scroll', textStyle: { color: ctx.colors.text } },
    series: [{
      type: 'pie',
      percentPrecision: 1,
      radius: ['42%', '70%'],
      center: ['50%', '45%'],
      itemStyle: { borderColor: ctx.colors.bg, borderWidth: 2 },
      // On a narrow panel the legend names the slices and the labels keep to
      // percentages, so none is cut at the edge.
      label: { color: ctx.colors.text, formatter: ctx.el.clientWidth < 480 ? '{d}%' : '{b}: {d}%' },
      data: f.rows.map((row) => ({ name: ctx.label(dim, row[s]), key: row[s], value: row[n], itemStyle: { color: colorFor(row[s]) } })),
    }],
  });
  drillOn(chart, ctx, dim);
  return chart;
}

/**
 * timeseries draws one line per value of the first text column (e.g. provider),
 * or one line per number column when there is none (two axes for two units).
 */
export function timeseries(ctx) {
  const f = ctx.frame;
  const r = roles(f);
  const d = r.dates[0];
  const dates = uniq(f, d).sort();
  const at = new Map(dates.map((x, i) => [x, i]));
  let series;
  let yAxis;
  const units = {};
  const s = r.strings[0];
  if (s !== undefined) {
    const n = r.numbers[0];
    const unit = columnUnit(f.columns[n], ctx.unit);
    const byKey = new Map();
    f.rows.forEach((row) => {
      const key = row[s] == null ? '' : String(row[s]);
      if (!byKey.has(key)) byKey.set(key, new Array(dates.length).fill(0));
      byKey.get(key)[at.get(String(row[d]).slice(0, 10))] += row[n] || 0;
    });
    const mode = ctx.mode || 'lines';
    series = topN([...byKey.entries()]).map(([key, data]) => {
      const name = key == null ? 'Other' : ctx.label(f.columns[s], key) || '(none)';
      units[name] = unit;
      const ser = { name, key, type: 'line', showSymbol: dates.length < 40, smooth: false,
        data: mode === 'log' ? data.map((v) => (v > 0 ? v : null)) : data,
        itemStyle: { color: key == null ? otherColor : colorFor(key) } };
      if (mode === 'stacked') Object.assign(ser, { stack: 'total', areaStyle: { opacity: 0.5 }, showSymbol: false });
      return ser;
    });
    yAxis = valueAxis(ctx, unit);
    if (mode === 'log') Object.assign(yAxis, { type: 'log', logBase: 10, minInterval: undefined });
  } else {
    const axisUnits = [...new Set(r.numbers.map((i) => columnUnit(f.columns[i], ctx.unit)))];
    series = r.numbers.map((i) => {
      const unit = columnUnit(f.columns[i], ctx.unit);
      const name = ctx.colname(f.columns[i]);
      units[name] = unit;
      const data = new Array(dates.length).fill(null);
      f.rows.forEach((row) => { data[at.get(String(row[d]).slice(0, 10))] = row[i]; });
      return { name, type: 'line', showSymbol: dates.length < 40, yAxisIndex: axisUnits.indexOf(unit), data };
    });
    yAxis = axisUnits.map((u) => valueAxis(ctx, u));
    if (yAxis.length > 1) yAxis[1].splitLine = { show: false };
  }
  const chart = init(ctx);
  chart.setOption({
    ...base(ctx),
    tooltip: tooltip((name) => units[name] || ctx.unit),
    legend: { top: 0, type: 'scroll', textStyle: { color: ctx.colors.text } },
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    xAxis: dateAxis(ctx, dates),
    yAxis,
    series,
  });
  if (s !== undefined && drillable.includes(f.columns[s])) {
    chart.on('click', (p) => {
      const ser = series[p.seriesIndex];
      if (ser && ser.key) ctx.onFilter(f.columns[s], ser.key);
    });
  }
  return chart;
}

// topN keeps the TopN − 1 largest [key, data] series by total and gathers the
// rest into one series with key null ("Other"), so one spike or a long tail does
// not bury the lines that matter.
function topN(entries) {
  if (entries.length <= TopN) return entries;
  const total = (d) => d.reduce((a, v) => a + (v || 0), 0);
  const sorted = [...entries].sort((a, b) => total(b[1]) - total(a[1]));
  const keep = sorted.slice(0, TopN - 1);
  const other = new Array(sorted[0][1].length).fill(0);
  sorted.slice(TopN - 1).forEach(([, d]) => d.forEach((v, i) => { other[i] += v || 0; }));
  return [...keep, [null, other]];
}

/** bargauge draws horizontal bars, one per row, shaded by value. */
export function bargauge(ctx) {
  const f = ctx.frame;
  const r = roles(f);
  const s = r.strings[0];
  const n = r.numbers[0];
  const dim = f.columns[s];
  const unit = columnUnit(f.columns[n], ctx.unit);
  const max = Math.max(...f.rows.map((row) => row[n] || 0), 0);
  const lowerIsBetter = unit === 'usd_per_1k' || unit === 'usd_per_1m';
  const chart = init(ctx);
  chart.setOption({
    ...base(ctx),
    tooltip: { trigger: 'item', formatter: (p) => `${esc(p.name)}: <b>${format(p.value, unit)}</b>` },
    grid: { left: 8, right: lowerIsBetter ? 150 : 90, top: 8, bottom: 8, containLabel: true },
    xAxis: { ...valueAxis(ctx, unit), max: max || 1, axisLabel: { show: false }, splitLine: { show: false } },
    yAxis: {
      type: 'category', inverse: true, data: f.rows.map((row) => ctx.label(dim, row[s])),
      // Long names are cut on a narrow panel, so the bars keep room (the tooltip has the whole name).
      axisLabel: { color: ctx.colors.text, width: ctx.el.clientWidth < 480 ? 96 : 200, overflow: 'truncate' },
      axisLine: { show: false }, axisTick: { show: false }, triggerEvent: true,
    },
    series: [{
      type: 'bar',
      barMaxWidth: 22,
      showBackground: true,
      backgroundStyle: { color: ctx.colors.grid },
      label: { show: true, position: 'right', color: ctx.colors.text, formatter: (p) => format(p.value, unit) },
      data: f.rows.map((row) => {
        const ratio = max ? (row[n] || 0) / max : 0;
        const good = lowerIsBetter ? 1 - ratio : ratio;
        return { value: row[n], key: row[s], itemStyle: { color: barColor(good, lowerIsBetter) } };
      }),
    }],
  });
  if (drillable.includes(dim)) {
    chart.on('click', (p) => {
      const row = p.componentType === 'yAxis' ? f.rows.find((x) => ctx.label(dim, x[s]) === p.value) : f.rows[p.dataIndex];
      if (row) ctx.onFilter(dim, row[s]);
    });
  }
  return chart;
}

function barColor(ratio, lowerIsBetter) {
  if (lowerIsBetter) return ratio > 0.66 ? '#16a34a' : ratio > 0.33 ? '#f59e0b' : '#ef4444';
  return ratio > 0.75 ? '#3b6ef5' : ratio > 0.4 ? '#5b8af7' : '#8eaefa';
}

/** barchart stacks every number column per row of the first text column. */
export function barchart(ctx) {
  const f = ctx.frame;
  const r = roles(f);
  const s = r.strings[0];
  const dim = f.columns[s];
  const units = {};
  let series_i = 0;
  const series = r.numbers.map((i) => {
    const name = ctx.colname(f.columns[i]);
    units[name] = columnUnit(f.columns[i], ctx.unit);
    return { name, type: 'bar', stack: 'total', barMaxWidth: 28, data: f.rows.map((row) => row[i]),
      itemStyle: { color: f.columns[i] === 'other_cost' ? otherColor : palette[series_i++ % palette.length] } };
  });
  const chart = init(ctx);
  chart.setOption({
    ...base(ctx),
    tooltip: { ...tooltip((name) => units[name] || ctx.unit), axisPointer: { type: 'shadow' } },
    legend: { top: 0, type: 'scroll', textStyle: { color: ctx.colors.text } },
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    yAxis: {
      type: 'category', inverse: true, data: f.rows.map((row) => ctx.label(dim, row[s])),
      axisLabel: { color: ctx.colors.text }, triggerEvent: true,
    },
    xAxis: valueAxis(ctx, ctx.unit),
    series,
  });
  if (drillable.includes(dim)) {
    chart.on('click', (p) => {
      const row = p.componentType === 'yAxis' ? f.rows.find((x) => ctx.label(dim, x[s]) === p.value) : f.rows[p.dataIndex];
      if (row) ctx.onFilter(dim, row[s]);
    });
  }
  return chart;
}

/** heatmapRows is the most rows a heatmap shows at once; it scrolls through more. */
export const heatmapRows = 30;

/** heatmap draws a text column (rows) by a date column (columns) by a number. */
export function heatmap(ctx) {
  const f = ctx.frame;
  const r = roles(f);
  const s = r.strings[0];
  const d = r.dates[0];
  const n = r.numbers[0];
  const dim = f.columns[s];
  const totals = new Map();
  f.rows.forEach((row) => totals.set(row[s], (totals.get(row[s]) || 0) + (row[n] || 0)));
  const keys = [...totals.keys()].sort((a, b) => totals.get(a) - totals.get(b));
  const weeks = uniq(f, d).sort();
  const keyAt = new Map(keys.map((k, i) => [k, i]));
  const weekAt = new Map(weeks.map((w, i) => [w, i]));
  const data = f.rows.map((row) => [weekAt.get(String(row[d]).slice(0, 10)), keyAt.get(row[s]), row[n]]);
  // Past heatmapRows rows the chart shows the largest spenders first and
  // scrolls (wheel, or the slider on its right) through the rest, rather
  // than drawing every row at once.
  const windowed = keys.length > heatmapRows;
  const zoom = windowed ? [
    { type: 'slider', yAxisIndex: 0, right: 4, width: 12, startValue: keys.length - heatmapRows, endValue: keys.length - 1,
      zoomLock: true, brushSelect: false, showDetail: false, filterMode: 'filter' },
    { type: 'inside', yAxisIndex: 0, zoomOnMouseWheel: false, moveOnMouseWheel: true, moveOnMouseMove: false, filterMode: 'filter' },
  ] : undefined;
  // The colour scale tops out at the 95th percentile, so one large cell does not
  // wash out every other; larger cells take the top colour.
  const cells = data.map((x) => x[2] || 0).sort((a, b) => a - b);
  const max = Math.max(cells[Math.floor(0.95 * (cells.length - 1))] || 0, 1);
  const label = (w) => weekLabel(w, ctx.frame.period);
  const chart = init(ctx);
  chart.setOption({
    ...base(ctx),
    tooltip: { formatter: (p) => `${esc(ctx.label(dim, keys[p.value[1]]))}, week of ${label(weeks[p.value[0]])}: <b>${format(p.value[2], ctx.unit)}</b>` },
    grid: { left: 8, right: windowed ? 28 : 16, top: 8, bottom: 56, containLabel: true },
    dataZoom: zoom,
    xAxis: { type: 'category', data: weeks, axisLabel: { color: ctx.colors.muted, formatter: label }, splitArea: { show: false } },
    yAxis: { type: 'category', data: keys.map((k) => ctx.label(dim, k)), axisLabel: { color: ctx.colors.text }, triggerEvent: true },
    visualMap: {
      min: 0, max, calculable: true, orient: 'horizontal', left: 'center', bottom: 0, itemHeight: 160,
      textStyle: { color: ctx.colors.muted }, formatter: (v) => axis(v, ctx.unit),
      inRange: { color: ctx.theme === 'dark' ? ['#172033', '#1e3a8a', '#2563eb', '#60a5fa', '#dbeafe'] : ['#eff6ff', '#bfdbfe', '#60a5fa', '#2563eb', '#1e3a8a'] },
    },
    series: [{ type: 'heatmap', data, itemStyle: { borderColor: ctx.colors.bg, borderWidth: 1 } }],
  });
  if (drillable.includes(dim)) {
    chart.on('click', (p) => {
      const key = p.componentType === 'yAxis' ? keys.find((k) => ctx.label(dim, k) === p.value) : keys[p.value[1]];
      if (key) ctx.onFilter(dim, key);
    });
  }
  return chart;
}

/**
 * weekLabel names a week by its first day, and says how many of its days the
 * period covers when it is cut ("Nov 30 (3 days)"), so a short week's lower
 * figures do not read as a drop.
 */
export function weekLabel(week, period) {
  if (!period || !period.from) return shortDay(week);
  const start = Date.parse(week);
  const from = Math.max(start, Date.parse(period.from));
  const to = Math.min(start + 6 * 86400000, Date.parse(period.to));
  const days = Math.round((to - from) / 86400000) + 1;
  return days > 0 && days < 7 ? `${shortDay(week)} (${days} day${days === 1 ? '' : 's'})` : shortDay(week);
}

/** gauge draws percent of budget used, coloured green, amber and red. */
export function gauge(ctx) {
  const f = ctx.frame;
  const row = f.rows[0] || [];
  const pctCol = col(f, /percent/);
  const pct = row[pctCol] || 0;
  // A round scale that shows overruns: 100, 120, 150, then whole hundreds.
  const max = pct <= 100 ? 100 : pct <= 120 ? 120 : pct <= 150 ? 150 : Math.ceil(pct / 100) * 100;
  const splits = max === 150 || max % 300 === 0 ? 3 : max <= 200 ? 4 : max / 100;
  const chart = init(ctx);
  chart.setOption({
    ...base(ctx),
    series: [{
      type: 'gauge',
      min: 0,
      max,
      radius: '92%',
      center: ['50%', '58%'],
      startAngle: 200,
      endAngle: -20,
      progress: { show: true, width: 14, itemStyle: { color: pct >= 100 ? '#ef4444' : pct >= 80 ? '#f59e0b' : '#16a34a' } },
      axisLine: { lineStyle: { width: 14, color: [[80 / max, ctx.colors.grid], [100 / max, '#f59e0b55'], [1, '#ef444455']] } },
      splitNumber: splits,
      axisTick: { show: false },
      splitLine: { length: 6, lineStyle: { color: ctx.colors.muted } },
      axisLabel: { distance: 18, color: ctx.colors.muted, formatter: (v) => `${v}%` },
      pointer: { show: false },
      anchor: { show: false },
      detail: { show: false }, // The page draws the figure in HTML, over the dial.
      data: [{ value: Math.round(pct * 10) / 10 }],
    }],
  });
  return chart;
}

/**
 * threshold draws daily cost with its rolling mean and 2σ band, marks the days
 * outside the band, and reports a clicked day to ctx.onDay.
 */
export function threshold(ctx) {
  const f = ctx.frame;
  const r = roles(f);
  const d = r.dates[0];
  const valueCol = col(f, /^daily_cost$|^value$|cost/);
  const upperCol = col(f, /upper/);
  const lowerCol = col(f, /lower/);
  const avgCol = col(f, /avg|expected|mean/);
  const statusCol = col(f, /status/);
  const rows = [...f.rows].sort((a, b) => String(a[d]).localeCompare(String(b[d])));
  const dates = rows.map((row) => String(row[d]).slice(0, 10));
  const val = (row, i) => (i < 0 || row[i] == null ? null : row[i]);
  const anomalous = (row) => statusCol >= 0 && row[statusCol] && !/normal/i.test(row[statusCol]);
  const bandBase = rows.map((row) => val(row, lowerCol));
  const bandWidth = rows.map((row) => (val(row, upperCol) == null || val(row, lowerCol) == null ? null : row[upperCol] - row[lowerCol]));
  const marks = rows.map((row, i) => (anomalous(row) ? { value: [dates[i], row[valueCol]], status: row[statusCol] } : null)).filter(Boolean);
  const units = {};
  ['Daily cost', '7-day average', 'Upper (+2σ)', 'Lower (−2σ)', 'Anomaly'].forEach((n) => { units[n] = ctx.unit; });
  const series = [
    { name: '_lower', type: 'line', data: bandBase, stack: 'band', stackStrategy: 'all', symbol: 'none', lineStyle: { opacity: 0 }, silent: true, tooltip: { show: false } },
    { name: '_band', type: 'line', data: bandWidth, stack: 'band', stackStrategy: 'all', symbol: 'none', lineStyle: { opacity: 0 }, areaStyle: { color: '#3b6ef5', opacity: 0.14 }, silent: true },
    { name: 'Daily cost', type: 'line', data: rows.map((row) => val(row, valueCol)), symbolSize: 5, lineStyle: { width: 2 }, itemStyle: { color: '#3b6ef5' } },
    { name: '7-day average', type: 'line', data: rows.map((row) => val(row, avgCol)), symbol: 'none', lineStyle: { type: 'dashed', width: 1.5 }, itemStyle: { color: ctx.colors.muted } },
    { name: 'Upper (+2σ)', type: 'line', data: rows.map((row) => val(row, upperCol)), symbol: 'none', lineStyle: { width: 1, color: '#ef4444', opacity: 0.6 }, itemStyle: { color: '#ef4444' } },
    { name: 'Lower (−2σ)', type: 'line', data: rows.map((row) => val(row, lowerCol)), symbol: 'none', lineStyle: { width: 1, color: '#f59e0b', opacity: 0.6 }, itemStyle: { color: '#f59e0b' } },
    { name: 'Anomaly', type: 'scatter', data: marks, symbolSize: 14, itemStyle: { color: '#ef4444', borderColor: '#fff', borderWidth: 2 }, z: 5 },
  ];
  if (ctx.date && dates.includes(ctx.date)) {
    series[2].markLine = { symbol: 'none', silent: true, label: { formatter: shortDay(ctx.date), color: ctx.colors.text }, lineStyle: { color: ctx.colors.text, type: 'solid' }, data: [{ xAxis: ctx.date }] };
  }
  const chart = init(ctx);
  chart.setOption({
    ...base(ctx),
    tooltip: tooltip((name) => units[name] || ctx.unit),
    legend: { top: 0, type: 'scroll', data: ['Daily cost', '7-day average', 'Upper (+2σ)', 'Lower (−2σ)', 'Anomaly'], textStyle: { color: ctx.colors.text } },
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    xAxis: { ...dateAxis(ctx, dates), boundaryGap: true },
    yAxis: valueAxis(ctx, ctx.unit),
    series,
  });
  chart.getZr().on('click', (e) => {
    const p = [e.offsetX, e.offsetY];
    if (!chart.containPixel('grid', p)) return;
    const x = chart.convertFromPixel({ xAxisIndex: 0 }, p[0]);
    const i = Array.isArray(x) ? x[0] : x;
    // Report after ECharts has finished dispatching: the day's handler redraws the chart.
    if (dates[i]) setTimeout(() => ctx.onDay(dates[i]), 0);
  });
  chart.getZr().setCursorStyle('pointer');
  return chart;
}
