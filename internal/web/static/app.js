// The dashboards app: sign-in, the navigation between the four dashboards, the
// variables bar (state in the URL) and the panels, drill-down and explanations.

import * as api from './api.js';
import { format, label, period } from './format.js';
import { extras } from './extras.js';
import { card, clear, fail, h, loading, render } from './panels.js';
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
  $('login').hidden = true;
  $('logout').hidden = false;
  try {
    const [dashboards, customers] = await Promise.all([api.get('dashboards'), api.get('customers')]);
    app.dashboards = dashboards;
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
  app.vars = variables({ customer, names: app.names, state: app.state, onChange: navigate });
  $('vars').replaceChildren(app.vars.el);
  $('vars').hidden = false;
  await app.vars.load();
  buildDashboard();
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

function navigate(next, replace = false) {
  if (app.me && !app.me.admin) next.customer = app.me.customer_id;
  app.state = next;
  const url = location.pathname + st.search(urlState(next));
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  app.vars.set(next);
  updateNav();
  loadPanels();
}

function updateNav() {
  const s = urlState({ ...app.state, date: '' });
  const current = dashboardID();
  $('nav').replaceChildren(...app.dashboards.map((d) => h('a', {
    href: `/d/${d.id}${st.search(s)}`,
    class: d.id === current ? 'active' : '',
    'aria-current': d.id === current ? 'page' : null,
  }, d.title)));
  $('brand').href = `/d/overview${st.search(s)}`;
}

function buildDashboard() {
  const id = dashboardID();
  const dash = app.dashboards.find((d) => d.id === id);
  updateNav();
  if (!dash) {
    $('dash').replaceChildren(h('p', { class: 'empty error' }, `There is no dashboard called “${id}”.`));
    return;
  }
  document.title = `${dash.title} · llmcost`;
  app.cards.forEach(clear);
  app.cards = dash.panels.map((p) => card(dash.id, p));
  // UI-only panels (recent alerts, billed vs estimated) follow the catalog's.
  for (const def of extras(dash.id, app.me)) {
    const c = card(dash.id, def);
    c.el.dataset.extra = 'true';
    app.cards.push(c);
  }
  $('dash').replaceChildren(
    h('div', { class: 'dash-head' }, h('h1', {}, dash.title), h('span', { class: 'dash-range', id: 'dash-range' })),
    h('p', { class: 'notice', id: 'notice', role: 'status', hidden: true }),
    h('div', { class: 'grid' }, app.cards.map((c) => c.el)),
  );
  loadPanels();
}

function ui() {
  return {
    state: app.state,
    theme: document.documentElement.dataset.theme,
    colors: colors(),
    label: labelOf,
    colname: label,
    explainBox: app.explainBox,
    onFilter: (dim, value) => setTimeout(() => drill(dim, value), 0),
    onDay: explain,
  };
}

async function loadPanels() {
  const gen = ++app.generation;
  const search = location.search;
  const params = st.params(app.state);
  if (!app.me.admin) delete params['var-customer_id'];
  $('dash').dataset.state = 'loading';
  await Promise.all(app.cards.map(async (c) => {
    loading(c);
    try {
      const result = c.def.load ? await c.def.load(app.state) : await api.get(`panels/${c.dashboard}/${c.def.id}`, params);
      if (gen !== app.generation) return;
      render(c, result, ui());
      if (['timeseries', 'threshold'].includes(c.def.kind) && result.period) {
        $('dash-range').textContent = period(result.period);
      }
    } catch (err) {
      if (gen === app.generation) fail(c, err);
    }
  }));
  if (gen !== app.generation) return;
  if (app.cards.some((c) => c.def.kind === 'threshold')) await explain(app.state.date, true);
  await unpriced(gen);
  if (gen !== app.generation) return;
  $('dash').dataset.rendered = search; // Which URL the panels show, for tests and tools.
  $('dash').dataset.state = 'ready';
}

// unpriced warns when this month has token usage with no known price: it counts as
// $0 in every panel until a price is added to the catalog.
async function unpriced(gen) {
  const notice = $('notice');
  try {
    const qs = await api.get('quick-stats', app.me.admin ? { customer_id: app.state.customer } : {});
    if (gen !== app.generation) return;
    notice.hidden = !(qs.unpriced_tokens > 0);
    if (notice.hidden) return;
    const models = (qs.unpriced_models || []).join(', ');
    notice.textContent = `${format(qs.unpriced_tokens, 'tokens')} used in ${period(qs.month_to_date_range)} have no known price` +
      `${models ? ` (${models})` : ''} and count as $0 here. Add their prices to the catalog to include them.`;
  } catch (err) {
    notice.hidden = true;
  }
}

function rerender() {
  const u = ui();
  app.cards.forEach((c) => { if (c.result) render(c, c.result, u); });
}

// Drill-down: a customer, model or provider filters the dashboard.
function drill(dim, value) {
  const next = { ...app.state, providers: [...app.state.providers], models: [...app.state.models] };
  if (dim === 'customer_id') {
    if (!app.me.admin) return;
    next.customer = value;
  } else if (dim === 'cloud_provider') {
    next.providers = [value];
  } else if (dim === 'model') {
    next.models = [value];
  }
  navigate(next);
}

// Explanation of one day on the anomaly dashboard.
async function explain(date, quiet = false) {
  const box = app.explainBox;
  if (!date) {
    box.dataset.state = 'idle';
    box.replaceChildren(h('p', { class: 'hint' }, 'Click a day on the chart to see what drove its cost.'));
    return;
  }
  if (!quiet && date !== app.state.date) {
    app.state = { ...app.state, date };
    history.replaceState(null, '', location.pathname + st.search(urlState(app.state)));
    $('dash').dataset.rendered = location.search;
    rerender();
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

function explanation(e, date) {
  const rows = (e.contributions || []).slice(0, 8);
  const sign = (v) => (v > 0 ? '+' : '') + format(v, 'usd');
  const top = (e.top || []).map((c) => labelOf(c.dimension, c.value)).join(' × ');
  return [
    h('h3', {}, `What drove ${period(e.range || { from: date, to: date })}`),
    h('p', { class: 'summary' }, e.summary || `${format(e.total, 'usd')} against a baseline of ${format(e.baseline, 'usd')}.`),
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

window.addEventListener('popstate', () => {
  if (!app.me) return;
  app.state = st.read(location.search);
  if (!app.me.admin) app.state.customer = app.me.customer_id;
  app.vars.set(app.state);
  updateNav();
  loadPanels();
});

// An expired or revoked token mid-session sends the user back to sign in.
window.addEventListener('llmcost:unauthorized', (e) => {
  if (!app.me) return;
  api.setToken('');
  app.me = null;
  app.generation++;
  showLogin(`Please sign in again: ${e.detail || 'your token is no longer accepted'}`);
});

$('login-form').addEventListener('submit', signIn);
$('logout').addEventListener('click', signOut);
$('theme').addEventListener('click', () => {
  localStorage.setItem('llmcost.theme', theme() === 'dark' ? 'light' : 'dark');
  applyTheme();
  rerender();
});
applyTheme();
start();
