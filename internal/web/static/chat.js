// The chat beside the dashboards: a side panel holding the same <llmcost-chat>
// element the widget gives host products, with the signed-in token, so answers
// are scoped to the same principal. A dashboard link in an answer moves the
// dashboards (path and variables) instead of opening a new tab.

import * as api from './api.js';
import { h } from './panels.js';

let loaded = null;

// loadWidget adds /widget.js once; it defines <llmcost-chat>.
function loadWidget() {
  if (!loaded) {
    loaded = new Promise((resolve, reject) => {
      const s = document.createElement('script');
      s.src = '/widget.js';
      s.onload = resolve;
      s.onerror = () => reject(new Error('the chat widget is not served here'));
      document.head.append(s);
    });
  }
  return loaded;
}

/**
 * chatPanel builds the side panel. opts: {onLink(path)} is called with the
 * path and query of a dashboard link clicked in an answer. Returns {el, toggle,
 * open, setToken}.
 */
export function chatPanel(opts) {
  const body = h('div', { class: 'chat-body' });
  const close = h('button', { type: 'button', class: 'btn small ghost', 'aria-label': 'Close the chat', onclick: () => toggle(false) }, '×');
  const el = h('aside', { class: 'chat-panel', id: 'chat-panel', hidden: true, 'aria-label': 'Chat' },
    h('header', { class: 'chat-head' }, h('h2', {}, 'Ask about your costs'), close), body);
  let element = null;

  async function ensure() {
    if (element) return element;
    try {
      await loadWidget();
    } catch (err) {
      body.replaceChildren(h('p', { class: 'empty error' }, `The chat is not available: ${err.message}.`));
      return null;
    }
    element = document.createElement('llmcost-chat');
    element.setAttribute('heading', 'Answers use the same scope as these dashboards');
    element.setAttribute('token', api.token());
    element.addEventListener('click', (e) => {
      const a = e.composedPath().find((n) => n instanceof HTMLAnchorElement);
      if (!a) return;
      const u = new URL(a.href, location.href);
      if (u.origin !== location.origin || !u.pathname.startsWith('/d/')) return;
      e.preventDefault();
      opts.onLink(u.pathname + u.search);
    });
    body.replaceChildren(element);
    return element;
  }

  async function toggle(open) {
    const show = open ?? el.hidden;
    el.hidden = !show;
    document.body.classList.toggle('chat-open', show);
    if (show) await ensure();
    window.dispatchEvent(new Event('resize')); // Charts fit the narrower page.
  }

  return {
    el,
    toggle,
    setToken(t) { if (element) element.setToken(t); },
  };
}
