// llmcost chat widget: <llmcost-chat server="https://llmcost.example" token="…">.
// Plain JavaScript, no framework; a shadow root keeps host styles out. The token
// is a customer token minted by the host's backend (POST /api/v1/tokens); call
// el.setToken(newToken) or change the attribute to refresh it without a reload.
(() => {
  "use strict";
  if (customElements.get("llmcost-chat")) return;

  const script = document.currentScript;
  const DEFAULT_SERVER = script && script.src ? new URL(script.src, location.href).origin : "";
  const SUGGESTED = [
    "How much did we spend yesterday?",
    "Which model is most expensive this week?",
    "Are we over budget this month?",
    "Why did costs spike on Tuesday?",
  ];

  const STYLE = `
    :host { display: block; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
      color: #1f2933; max-width: 480px; }
    .box { display: flex; flex-direction: column; height: var(--llmcost-height, 460px); border: 1px solid #d5dae1;
      border-radius: 10px; background: #fff; overflow: hidden; }
    header { padding: 10px 14px; font-weight: 600; border-bottom: 1px solid #e6e9ee; background: #f7f8fa; }
    .log { flex: 1; overflow-y: auto; padding: 12px; display: flex; flex-direction: column; gap: 8px; }
    .msg { max-width: 88%; padding: 8px 11px; border-radius: 10px; white-space: pre-wrap; overflow-wrap: anywhere; }
    .user { align-self: flex-end; background: #2563eb; color: #fff; }
    .bot { align-self: flex-start; background: #f1f3f6; }
    .bot.error { background: #fdecec; color: #8a1c1c; }
    .bot.loading { color: #6b7280; font-style: italic; }
    .bot a { display: inline-block; margin-top: 6px; color: #1d4ed8; }
    .chips { display: flex; flex-wrap: wrap; gap: 6px; padding: 0 12px 8px; }
    .chips button { border: 1px solid #c7d2fe; background: #eef2ff; color: #3730a3; border-radius: 14px;
      padding: 4px 10px; font: inherit; font-size: 12px; cursor: pointer; }
    .chips button:disabled { opacity: .5; cursor: default; }
    form { display: flex; gap: 6px; padding: 10px; border-top: 1px solid #e6e9ee; }
    input { flex: 1; padding: 8px 10px; border: 1px solid #cbd2d9; border-radius: 8px; font: inherit; }
    form button { padding: 8px 14px; border: 0; border-radius: 8px; background: #2563eb; color: #fff; font: inherit; cursor: pointer; }
    form button:disabled { background: #93a5cf; cursor: default; }
    svg { display: block; margin-top: 6px; }
    svg text { font-size: 10px; fill: #4b5563; }
    .reading { display: block; margin-top: 6px; font-size: 11px; color: #6b7280; }
    .greeting { align-self: flex-start; background: #eef2ff; }
    table.data { border-collapse: collapse; margin-top: 6px; font-size: 11px; white-space: normal; }
    table.data th, table.data td { padding: 2px 6px; border-bottom: 1px solid #e5e7eb; text-align: left; }
    table.data td.num { text-align: right; font-variant-numeric: tabular-nums; }
    :host([mode="launcher"]) { position: fixed; right: 20px; bottom: 20px; z-index: 2147483000; max-width: none; }
    :host([mode="launcher"]) .box { width: min(420px, calc(100vw - 40px)); margin-bottom: 10px; box-shadow: 0 8px 28px rgba(0,0,0,.18); }
    :host([mode="launcher"]) .box[hidden] { display: none; }
    .launcher { display: none; margin-left: auto; width: 56px; height: 56px; border-radius: 50%; border: 0; background: #2563eb;
      color: #fff; font-size: 24px; cursor: pointer; box-shadow: 0 4px 14px rgba(0,0,0,.25); }
    :host([mode="launcher"]) .launcher { display: block; }
  `;

  // UNITS maps a frame column to how its values read: dollars, tokens or a ratio.
  function unitOf(col) {
    if (/token|usage_amount|requests|request_count|count|days/.test(col)) return "count";
    if (/share|percent|ratio/.test(col)) return col === "percent_used" ? "pct" : "ratio";
    if (/^(who|metric|dimension|value|customer_id|model|cloud_provider|service|date|from|to)$/.test(col)) return "";
    return "usd";
  }

  function fmt(v, unit) {
    if (typeof v !== "number" || !isFinite(v)) return v == null ? "" : String(v);
    const a = Math.abs(v);
    switch (unit) {
      case "usd":
        if (a > 0 && a < 1) return (v < 0 ? "-$" : "$") + a.toPrecision(4);
        if (a >= 1e6) return (v < 0 ? "-$" : "$") + (a / 1e6).toFixed(2) + "M";
        return (v < 0 ? "-$" : "$") + a.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
      case "count":
        for (const [n, s] of [[1e12, "T"], [1e9, "B"], [1e6, "M"], [1e3, "K"]]) if (a >= n) return (v / n).toFixed(1).replace(/\.0$/, "") + s;
        return String(Math.round(v));
      case "ratio": return (v * 100).toFixed(1).replace(/\.0$/, "") + "%";
      case "pct": return v.toFixed(1).replace(/\.0$/, "") + "%";
    }
    return v.toLocaleString("en-US", { maximumFractionDigits: 2 });
  }

  const UNIT_NAMES = { usd: "USD", count: "count", ratio: "share", pct: "%" };

  // table renders up to 12 rows of an answer's data with units applied.
  function table(frame) {
    if (!frame || !frame.columns || !frame.rows || !frame.rows.length) return null;
    const t = el("table", { class: "data" });
    const head = el("tr");
    for (const c of frame.columns) head.appendChild(el("th", {}, c));
    t.appendChild(head);
    for (const r of frame.rows.slice(0, 12)) {
      const tr = el("tr");
      r.forEach((v, i) => {
        const num = typeof v === "number";
        tr.appendChild(el("td", num ? { class: "num" } : {}, v === "" && !num ? "(none)" : fmt(v, unitOf(frame.columns[i]))));
      });
      t.appendChild(tr);
    }
    if (frame.rows.length > 12) {
      const tr = el("tr");
      tr.appendChild(el("td", { colspan: frame.columns.length }, "… " + (frame.rows.length - 12) + " more rows"));
      t.appendChild(tr);
    }
    return t;
  }

  const SVG = "http://www.w3.org/2000/svg";

  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (text != null) e.textContent = text;
    return e;
  }

  function svg(tag, attrs, text) {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    if (text != null) e.textContent = text;
    return e;
  }

  // chart draws a small line chart (trends) or bar chart (breakdowns). Bars are
  // labelled with the values of the frame's label column (the text column just
  // before the plotted one: "cust_hooli", "Azure", not "customer_id") and the
  // unit of the plotted column is written once, on the value axis.
  function chart(kind, frame) {
    if (!frame || !frame.rows || frame.rows.length < 2 || !frame.types) return null;
    let vi = frame.columns.indexOf("delta");
    if (vi < 0) vi = frame.types.findIndex((t) => t === "number");
    if (vi < 0) return null;
    let li = -1;
    for (let i = 0; i < vi; i++) if (frame.types[i] !== "number") li = i;
    const unit = unitOf(frame.columns[vi]);
    const rows = frame.rows.filter((r) => typeof r[vi] === "number" && isFinite(r[vi]));
    if (rows.length < 2) return null;
    const W = 300;
    if (kind === "line") {
      const H = 92, vals = rows.map((r) => r[vi]);
      const lo = Math.min(0, ...vals), hi = Math.max(...vals) || 1;
      const pts = vals.map((v, i) => `${(i / (vals.length - 1)) * (W - 4) + 2},${H - 2 - ((v - lo) / (hi - lo)) * (H - 16)}`);
      const s = svg("svg", { width: W, height: H, viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": "trend chart", class: "chart line" });
      s.appendChild(svg("text", { x: 2, y: 10, class: "axis" }, (UNIT_NAMES[unit] || "") + " · max " + fmt(hi, unit)));
      s.appendChild(svg("polyline", { points: pts.join(" "), fill: "none", stroke: "#2563eb", "stroke-width": 2 }));
      return s;
    }
    const top = rows.slice().sort((a, b) => Math.abs(b[vi]) - Math.abs(a[vi])).slice(0, 8);
    const max = Math.max(...top.map((r) => Math.abs(r[vi]))) || 1;
    const bar = 14, gap = 4, H = 14 + top.length * (bar + gap);
    const s = svg("svg", { width: W, height: H, viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": "breakdown chart", class: "chart bar" });
    s.appendChild(svg("text", { x: 110, y: 10, class: "axis" }, UNIT_NAMES[unit] || frame.columns[vi]));
    top.forEach((r, i) => {
      const y = 14 + i * (bar + gap);
      let label = li >= 0 ? String(r[li]) : "";
      if (label === "") label = "(none)";
      s.appendChild(svg("text", { x: 0, y: y + bar - 3, class: "label" }, label.length > 18 ? label.slice(0, 17) + "…" : label));
      const w = Math.max(1, (Math.abs(r[vi]) / max) * (W - 175));
      s.appendChild(svg("rect", { x: 110, y, height: bar, width: w, rx: 2, fill: r[vi] < 0 ? "#f87171" : "#60a5fa" }));
      s.appendChild(svg("text", { x: 114 + w, y: y + bar - 3, class: "value" }, fmt(r[vi], unit)));
    });
    return s;
  }

  class LlmcostChat extends HTMLElement {
    static get observedAttributes() { return ["token", "server", "heading", "mode"]; }

    constructor() {
      super();
      this._token = "";
      this._conversation = "";
      this._busy = false;
      const root = this.attachShadow({ mode: "open" });
      // A constructed stylesheet: pages whose Content-Security-Policy forbids
      // inline <style> (the product's own UI) still style the widget.
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(STYLE);
      root.adoptedStyleSheets = [sheet];
      const box = el("div", { class: "box", part: "box" });
      this._header = el("header", {}, "Ask about your LLM costs");
      this._log = el("div", { class: "log", role: "log", "aria-live": "polite" });
      this._chips = el("div", { class: "chips" });
      this._form = el("form");
      this._input = el("input", { type: "text", placeholder: "Ask a question…", "aria-label": "Question", maxlength: "2000" });
      this._send = el("button", { type: "submit" }, "Send");
      this._form.append(this._input, this._send);
      box.append(this._header, this._log, this._chips, this._form);
      this._box = box;
      this._launcher = el("button", { type: "button", class: "launcher", "aria-label": "Ask about your LLM costs", "aria-expanded": "false" }, "💬");
      this._launcher.addEventListener("click", () => this.toggle());
      root.append(box, this._launcher);
      this._greeted = false;
      this._form.addEventListener("submit", (e) => { e.preventDefault(); this.ask(this._input.value); });
      this._input.addEventListener("keydown", (e) => {
        if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); this.ask(this._input.value); }
      });
      this._suggest(SUGGESTED);
    }

    connectedCallback() {
      if (this.getAttribute("mode") === "launcher") this._box.hidden = true;
      else this._greet();
    }

    attributeChangedCallback(name, _old, value) {
      if (name === "token") { this._token = value || ""; if (this.isConnected && !this._box.hidden) this._greet(); }
      if (name === "heading") this._header.textContent = value || "Ask about your LLM costs";
      if (name === "mode") this._box.hidden = value === "launcher";
    }

    /** toggle opens or closes the chat in launcher mode. */
    toggle() {
      this._box.hidden = !this._box.hidden;
      this._launcher.setAttribute("aria-expanded", String(!this._box.hidden));
      if (!this._box.hidden) { this._greet(); this._input.focus(); }
    }

    // _greet shows, once, the asker's month so far and its budget, with the
    // suggested questions below.
    async _greet() {
      if (this._greeted || !this._token) return;
      this._greeted = true;
      const g = this._add("bot greeting", "Hi! Ask me about your LLM costs.");
      try {
        const res = await fetch(this.server + "/api/v1/budgets/status", { headers: { Authorization: "Bearer " + this._token } });
        if (!res.ok) return;
        const b = await res.json();
        let text = "Hi! This month you have spent " + fmt(b.spent, "usd");
        if (b.has_budget) text += " of your " + fmt(b.budget, "usd") + " budget (" + fmt(b.percent_used, "pct") + " used)";
        text += ", and the month is on course for about " + fmt(b.projected, "usd") + ". Ask me anything about your LLM costs, for example:";
        g.textContent = text;
      } catch (_) { /* The greeting stays generic when the server is unreachable. */ }
    }

    /** setToken replaces the customer token (e.g. after the host refreshed it). */
    setToken(token) {
      this._token = token || "";
      if (this.hasAttribute("token")) this.setAttribute("token", this._token);
      else if (this.isConnected && !this._box.hidden) this._greet();
    }

    get server() { return (this.getAttribute("server") || DEFAULT_SERVER).replace(/\/+$/, ""); }

    _suggest(list) {
      this._chips.replaceChildren();
      for (const q of (list || []).slice(0, 4)) {
        const b = el("button", { type: "button", class: "suggestion" }, q);
        b.disabled = this._busy;
        b.addEventListener("click", () => this.ask(q));
        this._chips.appendChild(b);
      }
    }

    _add(cls, text) {
      const m = el("div", { class: "msg " + cls }, text);
      this._log.appendChild(m);
      this._log.scrollTop = this._log.scrollHeight;
      return m;
    }

    _setBusy(busy) {
      this._busy = busy;
      this._send.disabled = busy;
      this._input.disabled = busy;
      for (const b of this._chips.querySelectorAll("button")) b.disabled = busy;
    }

    _link(url) {
      try {
        const u = new URL(url, this.server + "/");
        return u.protocol === "http:" || u.protocol === "https:" ? u.href : "";
      } catch (_) { return ""; }
    }

    // _openLink opens a dashboard link signed in as the widget's customer: it asks
    // the server for a short-lived link token and passes it in the URL fragment,
    // which the dashboard takes up on open (fragments are never sent to servers).
    // A link to the page's own origin (the widget inside the product's UI) is
    // left to the page, which is signed in already.
    async _openLink(e, href) {
      if (!this._token || new URL(href).origin === location.origin) return;
      e.preventDefault();
      const win = window.open("about:blank", "_blank");
      let url = href;
      try {
        const res = await fetch(this.server + "/api/v1/link-tokens", { method: "POST", headers: { Authorization: "Bearer " + this._token } });
        if (res.ok) url = href.split("#")[0] + "#link_token=" + encodeURIComponent((await res.json()).token);
      } catch (_) { /* Open the plain link; the dashboard then asks for a token. */ }
      if (win) { win.opener = null; win.location.href = url; } else window.open(url, "_blank", "noopener");
    }

    /** ask sends one question and shows the answer. */
    async ask(question) {
      const q = String(question || "").trim();
      if (!q || this._busy) return;
      this._input.value = "";
      this._add("user", q);
      if (!this._token) {
        this._add("bot error", "No access token: the page must give the widget a customer token.");
        return;
      }
      this._setBusy(true);
      const pending = this._add("bot loading", "Thinking…");
      try {
        const res = await fetch(this.server + "/api/v1/chat", {
          method: "POST",
          headers: { "Content-Type": "application/json", Authorization: "Bearer " + this._token },
          body: JSON.stringify({ message: q, conversation_id: this._conversation || undefined }),
        });
        let body = null;
        try { body = await res.json(); } catch (_) { body = null; }
        if (!res.ok) {
          const msg = body && body.error && body.error.message ? body.error.message : "Request failed (" + res.status + ").";
          if (res.status === 401) {
            this.dispatchEvent(new CustomEvent("llmcost-token-expired", { bubbles: true, composed: true }));
          }
          throw new Error(msg);
        }
        pending.remove();
        this._conversation = body.conversation_id || this._conversation;
        this._answer(body);
      } catch (err) {
        pending.remove();
        this._add("bot error", err && err.message ? err.message : "Could not reach the server.");
      } finally {
        this._setBusy(false);
        this._input.focus();
      }
    }

    _answer(a) {
      const m = this._add("bot answer" + (a.understood ? "" : " not-understood"), a.answer || "");
      if (a.interpretation && a.interpretation.line) m.appendChild(el("span", { class: "reading" }, a.interpretation.line));
      const c = chart(a.chart, a.data);
      if (c) m.appendChild(c);
      const t = table(a.data);
      if (t) m.appendChild(t);
      for (const l of a.links || []) {
        const href = this._link(l.url);
        if (!href) continue;
        m.appendChild(el("br"));
        const link = el("a", { href, target: "_blank", rel: "noopener noreferrer", class: "dashboard-link" }, l.title || "View dashboard →");
        link.addEventListener("click", (e) => this._openLink(e, href));
        m.appendChild(link);
      }
      this._suggest(a.suggestions && a.suggestions.length ? a.suggestions : SUGGESTED);
      this._log.scrollTop = this._log.scrollHeight;
      this.dispatchEvent(new CustomEvent("llmcost-answer", { detail: a, bubbles: true, composed: true }));
    }
  }

  customElements.define("llmcost-chat", LlmcostChat);
})();
