// The dashboards app: sign-in, the navigation between the dashboards a principal
// sees, the variables bar and filter chips (state in the URL), freshness and
// refresh, the panels with drill-down, the anomaly workflow, the chat panel and
// the alert rules page.

import * as api from './api.js';
import { chatPanel } from './chat.js';
import { chips } from './chips.js';
import { extras } from './extras.js';
import { day, format, label, period } from './format.js';
import { freshness } from './fresh.js';
import { dashboardsFor } from './layout.js';
import { card, clear, fail, h, loading, render } from './panels.js';
import { anomalyRule, rulesPage } from './rules.js';
import * as st from './state.js';
import { variables } from './vars.js';

const $ = (id) => document.getElementById(id);

const app = {
  me: null,
  dashboards: [],
  names: new Map(), // customer id → display name
  state: st.read(location.search),
  cards: [],
  generation: 0,
  vars: null,
  fresh: null,
  chat: null,
  explainBox: h('div', { class: 'explain', id: 'explain', 'data-state': 'idle' }),
};

function dashboardID() {
  const m = location.pathname.match(/^\/d\/([^/]+)/);
  return m ? decodeURIComponent(m[1]) : 'overview';
}

// Theme: light or dark, remembered per browser, defaulting to the system's.
function theme() {
  const saved = localStorage.getItem('llmcost.theme');
  if (saved) return saved;
  return window.matchMedia && window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

function applyTheme() {
  const t = theme();
  document.documentElement.dataset.theme = t;
  $('theme').textContent = t === 'dark' ? '☀ Light' : '☾ Dark';
}

function colors() {
  const css = getComputedStyle(document.documentElement);
  const v = (n) => css.getPropertyValue(n).trim();
  return { text: v('--text'), muted: v('--muted'), grid: v('--grid'), bg: v('--panel') };
}

// Sign-in.
function showLogin(message) {
  document.body.classList.add('signed-out');
  $('login').hidden = false;
  $('vars').hidden = true;
  $('logout').hidden = true;
  $('chat-toggle').hidden = true;
  if (app.chat) app.chat.toggle(false);
  $('dash').replaceChildren();
  $('nav').replaceChildren();
  $('who').textContent = '';
  const err = $('login-error');
  err.hidden = !message;
  err.textContent = message || '';
  $('token').focus();
}

async function signIn(e) {
  e.preventDefault();
  api.setToken($('token').value.trim());
  $('token').value = '';
  await start();
}

function signOut() {
  api.setToken('');
  app.me = null;
  showLogin('');
}

// linkToken takes up a short-lived token a dashboard link carries in its fragment
// ("#link_token=…", from the chat widget), so the link opens without a sign-in.
function linkToken() {
  const m = /(?:^#|&)link_token=([^&]+)/.exec(location.hash);
  if (!m) return;
  api.setToken(decodeURIComponent(m[1]));
  history.replaceState(null, '', location.pathname + location.search);
}

async function start() {
  linkToken();
  if (!api.token()) return showLogin('');
  try {
    app.me = await api.get('me');
  } catch (err) {
    api.setToken('');
    return showLogin(err.status === 401 ? `That token was not accepted: ${err.message}` : `Could not reach the server: ${err.message}`);
  }
  document.body.classList.remove('signed-out');
  document.body.dataset.principal = app.me.admin ? 'admin' : 'customer';
  $('login').hidden = true;
  $('logout').hidden = false;
  $('chat-toggle').hidden = false;
  try {
    const [dashboards, customers] = await Promise.all([api.get('dashboards'), api.get('customers')]);
    app.dashboards = dashboardsFor(app.me, dashboards);
    app.names = new Map(customers.map((c) => [c.id, c.name || c.id]));
  } catch (err) {
    $('dash').replaceChildren(h('p', { class: 'empty error' }, `Could not load the dashboards: ${err.message}`));
    return;
  }
  const customer = !app.me.admin;
  if (customer) {
    // A customer sees only itself: drop any customer named in the link.
    app.state.customer = app.me.customer_id;
    history.replaceState(null, '', location.pathname + st.search(urlState(app.state)));
  }
  $('who').textContent = customer ? `Customer: ${labelOf('customer_id', app.me.customer_id)}` : 'Admin';
  app.vars = variables({ customer, names: app.names, state: app.state, onChange: (next) => navigate(next) });
  app.fresh = freshness({ onRefresh: () => loadPanels() });
  $('vars').replaceChildren(
    h('button', { type: 'button', class: 'btn small vars-toggle', id: 'vars-toggle', 'aria-expanded': 'false', onclick: toggleVars }, 'Filters'),
    app.vars.el, h('div', { class: 'chips', id: 'chips', hidden: true }));
  $('vars').hidden = false;
  await app.vars.load();
  buildDashboard();
}

// toggleVars opens or closes the variables on a phone, where they fold away.
function toggleVars() {
  const open = !$('vars').classList.contains('open');
  $('vars').classList.toggle('open', open);
  $('vars-toggle').setAttribute('aria-expanded', String(open));
}

function labelOf(dim, v) {
  if (dim === 'customer_id' && app.names.has(v)) {
    const name = app.names.get(v);
    return name && name !== v ? `${name}` : v;
  }
  return v == null || v === '' ? '(unattributed)' : String(v);
}

// Navigation and URL state. A customer's own id stays out of the URL: the server
// scopes every answer to it anyway.
function urlState(s) {
  return app.me && !app.me.admin ? { ...s, customer: '' } : s;
}

/** navigate moves to a state, and to another dashboard when path is given. */
function navigate(next, replace = false, path = location.pathname) {
  if (app.me && !app.me.admin) next.customer = app.me.customer_id;
  const moved = path !== location.pathname;
  app.state = next;
  const url = path + st.search(urlState(next));
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  app.vars.set(next);
  if (moved) {
    buildDashboard();
    return;
  }
  updateNav();
  loadPanels();
}

function updateNav() {
  const s = urlState({ ...app.state, date: '' });
  const current = dashboardID();
  const links = app.dashboards.map((d) => h('a', {
    href: `/d/${d.id}${d.page ? '' : st.search(s)}`,
    class: d.id === current ? 'active' : '',
    'aria-current': d.id === current ? 'page' : null,
  }, d.title));
  $('nav').replaceChildren(...links);
  $('brand').href = `/d/overview${st.search(s)}`;
  showActiveTab();
  $('chips').replaceWith(chips({ state: app.state, admin: app.me.admin, label: labelOf, onChange: (next) => navigate(next) }));
  const active2 = [app.state.providers.length, app.me.admin && app.state.customer ? 1 : 0, app.state.models.length].reduce((a, b) => a + b, 0);
  $('vars-toggle').textContent = active2 ? `Filters · ${active2} active` : 'Filters';
}

// showActiveTab scrolls the navigation, not the page, so the active tab is in
// view on a narrow screen. It runs again once a page has loaded, since a
// scrollbar coming or going changes the width.
function showActiveTab() {
  const active = $('nav').querySelector('a.active');
  if (!active) return;
  const nav = $('nav').getBoundingClientRect();
  const a = active.getBoundingClientRect();
  $('nav').scrollLeft += a.left - nav.left - (nav.width - a.width) / 2;
}

function buildDashboard() {
  let id = dashboardID();
  if (!app.dashboards.some((d) => d.id === id) && !app.me.admin && id === 'customers') {
    // The customer layout has no cross-customer dashboard: its own spend instead.
    history.replaceState(null, '', `/d/overview${st.search(urlState(app.state))}`);
    id = 'overview';
  }
  const dash = app.dashboards.find((d) => d.id === id);
  updateNav();
  app.cards.forEach(clear);
  app.cards = [];
  if (!dash) {
    $('dash').replaceChildren(h('p', { class: 'empty error' }, `There is no dashboard called “${id}”.`));
    return;
  }
  document.title = `${dash.title} · llmcost`;
  if (dash.page) {
    $('vars').classList.add('on-page');
    $('dash').dataset.state = 'loading';
    rulesPage($('dash'), { me: app.me, names: app.names, label: labelOf }).then(() => {
      showActiveTab();
      $('dash').dataset.rendered = location.search;
      $('dash').dataset.state = 'ready';
    });
    return;
  }
  $('vars').classList.remove('on-page');
  app.cards = dash.panels.map((p) => card(dash.id, withTools(p)));
  // UI-only panels (budget pace, billed vs estimated, recent alerts) follow the catalog's.
  for (const def of extras(dash.id, app.me, h)) {
    const c = card(dash.id, def);
    c.el.dataset.extra = 'true';
    app.cards.push(c);
  }
  $('dash').replaceChildren(
    h('div', { class: 'dash-head' }, h('h1', {}, dash.title), h('span', { class: 'dash-range', id: 'dash-range' }), app.fresh.el),
    h('p', { class: 'notice', id: 'notice', role: 'status', hidden: true }),
    h('div', { class: 'grid' }, app.cards.map((c) => c.el)),
  );
  loadPanels();
}

// withTools adds a chart mode selector to the model trend (separate lines, a
// stacked area, or a log scale where one model dwarfs the others) and the
// unusual table's empty state.
function withTools(def) {
  if (def.id === 'unusual-customers') {
    // Data with nothing unusual is not "no data".
    return { ...def, empty: (result) => (result.meta && result.meta.day
      ? `Nothing unusual on ${day(result.meta.day)}: no customer spent more than their 30-day daily average + 1σ.`
      : 'Nothing unusual on this day.') };
  }
  if (def.id !== 'model-cost-trend') return def;
  const sel = h('select', { class: 'mode', 'aria-label': 'Chart mode', 'data-mode': def.id },
    h('option', { value: 'lines' }, 'Lines'), h('option', { value: 'stacked' }, 'Stacked'), h('option', { value: 'log' }, 'Log scale'));
  sel.addEventListener('change', () => {
    const c = app.cards.find((x) => x.def.id === def.id);
    if (!c) return;
    c.mode = sel.value;
    if (c.result) render(c, c.result, ui());
  });
  return { ...def, tools: sel };
}

function ui() {
  return {
    state: app.state,
    theme: document.documentElement.dataset.theme,
    colors: colors(),
    label: labelOf,
    colname: label,
    filtered: app.state.providers.length > 0 || app.state.models.length > 0 || (app.me.admin && !!app.state.customer),
    explainBox: app.explainBox,
    onFilter: (dim, value) => setTimeout(() => drill(dim, value), 0),
    onDay: explain,
  };
}

// loadCard fetches and draws one card; a card keeps its last figures, dimmed,
// while it reloads.
async function loadCard(c, gen) {
  loading(c);
  try {
    let result;
    if (c.def.load) {
      result = await c.def.load(app.state, app.me);
    } else {
      const params = st.params(app.state);
      if (!app.me.admin) delete params['var-customer_id'];
      if (c.def.id === 'unusual-customers') params.date = app.state.date || app.fresh.dataThrough();
      result = await api.get(`panels/${c.dashboard}/${c.def.id}`, params);
      if (!app.me.admin) result = withoutColumns(result, customerHidden);
    }
    if (gen !== app.generation) return;
    if (c.def.id === 'unusual-customers' && result.meta && result.meta.day) {
      result.title = `Unusual Customers on ${day(result.meta.day)}`;
    }
    render(c, result, ui());
    if (c.def.id === 'unusual-customers' && result.meta && result.meta.day && result.meta.baseline_range) {
      // Its period is the baseline; say which day is compared with it.
      c.dates.textContent = `${day(result.meta.day)} against the daily average over ${period(result.meta.baseline_range)}`;
    }
    if (['timeseries', 'threshold'].includes(c.def.kind) && result.period) {
      $('dash-range').textContent = `${st.rangeLabel(app.state)}: ${period(result.period)}`;
    }
  } catch (err) {
    if (gen === app.generation) fail(c, err);
  }
}

async function loadPanels() {
  const gen = ++app.generation;
  const search = location.search;
  $('dash').dataset.state = 'loading';
  await app.fresh.load(app.state, app.me);
  if (gen !== app.generation) return;
  await Promise.all(app.cards.map((c) => loadCard(c, gen)));
  if (gen !== app.generation) return;
  if (app.cards.some((c) => c.def.kind === 'threshold')) await explain(app.state.date, true);
  await unpriced(gen);
  if (gen !== app.generation) return;
  showActiveTab();
  $('dash').dataset.rendered = search; // Which URL the panels show, for tests and tools.
  $('dash').dataset.state = 'ready';
}

// unpriced warns when this month has token usage with no known price: it counts as
// $0 in every panel until a price is added to the catalog. It asks for just that
// (unpriced tokens by model, month to date, in the customer's scope), not for
// the quick stats, which cost a scan of the last months.
async function unpriced(gen) {
  const notice = $('notice');
  try {
    const filters = [];
    if (app.me.admin && app.state.customer) filters.push({ dimension: 'customer_id', op: 'eq', values: [app.state.customer] });
    const res = await api.send('POST', 'query', {
      metrics: ['unpriced_tokens'], group_by: ['model'], filters,
      having: [{ metric: 'unpriced_tokens', op: 'gt', value: 0 }], period: { name: 'month_to_date' },
    });
    if (gen !== app.generation) return;
    const rows = res.rows || [];
    const tokens = rows.reduce((sum, r) => sum + (r[1] || 0), 0);
    notice.hidden = !(tokens > 0);
    if (notice.hidden) return;
    const models = rows.map((r) => r[0]).filter(Boolean).sort().join(', ');
    notice.textContent = `${format(tokens, 'tokens')} used in ${period(res.period)} have no known price` +
      `${models ? ` (${models})` : ''} and count as $0 here. Add their prices to the catalog to include them.`;
  } catch (err) {
    notice.hidden = true;
  }
}

function rerender() {
  const u = ui();
  app.cards.forEach((c) => { if (c.result) render(c, c.result, u); });
}

// Drill-down: a click opens the entity's view with the entity as a filter: a
// customer's spend on the overview, a model on the model dashboard, a provider
// on the overview.
function drill(dim, value) {
  const next = { ...app.state, providers: [...app.state.providers], models: [...app.state.models], date: '' };
  let path = '/d/overview';
  if (dim === 'customer_id') {
    if (!app.me.admin) return;
    next.customer = value;
  } else if (dim === 'cloud_provider') {
    next.providers = [value];
  } else if (dim === 'model') {
    next.models = [value];
    path = '/d/models';
  } else {
    return;
  }
  navigate(next, false, path);
}

// customerHidden are columns that count customers: always 1 for a customer's
// own view, so its tables leave them out.
const customerHidden = ['active_customers'];

// withoutColumns returns a result without the named columns.
function withoutColumns(result, names) {
  const keep = (result.columns || []).map((c, i) => (names.includes(c) ? -1 : i)).filter((i) => i >= 0);
  if (keep.length === (result.columns || []).length) return result;
  return { ...result, columns: keep.map((i) => result.columns[i]), types: result.types && keep.map((i) => result.types[i]),
    rows: (result.rows || []).map((row) => keep.map((i) => row[i])) };
}

// Explanation of one day on the anomaly dashboard: selecting a day explains it,
// marks it on the chart, and reloads the unusual customers for that day.
async function explain(date, quiet = false) {
  const box = app.explainBox;
  if (!date) {
    box.dataset.state = 'idle';
    box.replaceChildren(h('p', { class: 'hint' }, app.me && app.me.admin
      ? 'Click a day on the chart to see what drove its cost and which customers were unusual that day.'
      : 'Click a day on the chart to see what drove its cost.'));
    return;
  }
  if (!quiet && date !== app.state.date) {
    app.state = { ...app.state, date };
    history.replaceState(null, '', location.pathname + st.search(urlState(app.state)));
    $('dash').dataset.rendered = location.search;
    updateNav();
    rerender();
    const unusual = app.cards.find((c) => c.def.id === 'unusual-customers');
    if (unusual) {
      $('dash').dataset.state = 'loading';
      loadCard(unusual, app.generation).then(() => {
        $('dash').dataset.state = 'ready';
      });
    }
  }
  box.dataset.state = 'loading';
  box.replaceChildren(h('p', { class: 'hint' }, `Explaining ${date}…`));
  try {
    const params = { date };
    if (app.state.customer) params.customer_id = app.state.customer;
    const e = await api.get('explain', params);
    if (app.state.date !== date) return;
    box.replaceChildren(...explanation(e, date));
    box.dataset.state = 'ready';
  } catch (err) {
    box.dataset.state = 'error';
    box.replaceChildren(h('p', { class: 'error' }, `Could not explain ${date}: ${err.message}`));
  }
}

// named writes the display names of the customers an explanation mentions in
// place of their ids in its summary sentence.
function named(summary, e) {
  const ids = [...(e.contributions || []), ...(e.top || [])]
    .filter((c) => c.dimension === 'customer_id' && c.value)
    .map((c) => c.value);
  return [...new Set(ids)].sort((a, b) => b.length - a.length)
    .reduce((text, id) => text.split(id).join(labelOf('customer_id', id)), summary);
}

function explanation(e, date) {
  const rows = (e.contributions || []).slice(0, 8);
  const sign = (v) => (v > 0 ? '+' : '') + format(v, 'usd');
  const top = (e.top || []).map((c) => labelOf(c.dimension, c.value)).join(' × ');
  const alertMsg = h('span', { class: 'hint', role: 'status' });
  const alertBtn = h('button', { type: 'button', class: 'btn small', id: 'alert-me', onclick: () => alertMe(alertMsg) }, 'Alert me on this');
  return [
    h('div', { class: 'explain-head' },
      h('h3', {}, `Selected day: ${period(e.range || { from: date, to: date })}`),
      h('button', { type: 'button', class: 'btn small ghost', onclick: () => navigate({ ...app.state, date: '' }, true) }, 'Clear day'),
      alertBtn, alertMsg),
    h('p', { class: 'summary' }, e.summary ? named(e.summary, e) : `${format(e.total, 'usd')} against a baseline of ${format(e.baseline, 'usd')}.`),
    h('p', { class: 'muted' }, `Total ${format(e.total, 'usd')} · baseline ${format(e.baseline, 'usd')}${e.baseline_range ? ` (average of ${period(e.baseline_range)})` : ''} · change ${sign(e.delta)}`),
    top ? h('p', { class: 'muted' }, 'Leading combination: ', h('b', {}, top), ` (${sign(e.top[0].delta)})`) : null,
    rows.length ? h('div', { class: 'table-wrap' }, h('table', {},
      h('thead', {}, h('tr', {}, ['Dimension', 'Value', 'This day', 'Baseline', 'Change', 'Share'].map((t, i) => h('th', { class: i > 1 ? 'num' : '' }, t)))),
      h('tbody', {}, rows.map((c) => h('tr', {},
        h('td', {}, label(c.dimension || '')),
        h('td', {}, labelOf(c.dimension, c.value)),
        h('td', { class: 'num' }, format(c.current, 'usd')),
        h('td', { class: 'num' }, format(c.baseline, 'usd')),
        h('td', { class: 'num' }, sign(c.delta)),
        h('td', { class: 'num' }, `${Math.round((c.share || 0) * 100)}%`)))))) : null,
  ].filter(Boolean);
}

// alertMe creates an anomaly rule for the current scope (the selected customer,
// or the organisation) through the alert rules API.
async function alertMe(msg) {
  const who = app.me.admin ? app.state.customer : app.me.customer_id;
  try {
    const r = await api.send('POST', 'alerts/rules', anomalyRule(who, who ? labelOf('customer_id', who) : ''));
    msg.replaceChildren(`Rule “${r.name}” created. `, h('a', { href: '/d/alerts', id: 'alert-created' }, 'See alert rules'));
  } catch (err) {
    msg.textContent = `Could not create the rule: ${err.message}`;
  }
}

// A dashboard link from the chat moves the dashboards.
function follow(pathAndQuery) {
  const u = new URL(pathAndQuery, location.href);
  const next = st.read(u.search);
  navigate(next, false, u.pathname);
}

window.addEventListener('popstate', () => {
  if (!app.me) return;
  app.state = st.read(location.search);
  if (!app.me.admin) app.state.customer = app.me.customer_id;
  app.vars.set(app.state);
  buildDashboard();
});

// An expired or revoked token mid-session sends the user back to sign in.
window.addEventListener('llmcost:unauthorized', (e) => {
  if (!app.me) return;
  api.setToken('');
  app.me = null;
  app.generation++;
  showLogin(`Please sign in again: ${e.detail || 'your token is no longer accepted'}`);
});

window.addEventListener('resize', () => { if (app.me) showActiveTab(); });
app.chat = chatPanel({ onLink: follow });
document.body.append(app.chat.el);
$('chat-toggle').addEventListener('click', () => app.chat.toggle());
$('login-form').addEventListener('submit', signIn);
$('logout').addEventListener('click', signOut);
$('theme').addEventListener('click', () => {
  localStorage.setItem('llmcost.theme', theme() === 'dark' ? 'light' : 'dark');
  applyTheme();
  rerender();
});
applyTheme();
start();
