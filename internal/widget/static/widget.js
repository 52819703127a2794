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
  `;

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

  // chart draws a small line chart (trends) or bar chart (breakdowns) of the
  // answer's first label column and first numeric column.
  function chart(kind, frame) {
    if (!frame || !frame.rows || frame.rows.length < 2 || !frame.types) return null;
    const vi = frame.types.findIndex((t) => t === "number");
    const li = frame.types.findIndex((t) => t !== "number");
    if (vi < 0) return null;
    const rows = frame.rows.filter((r) => typeof r[vi] === "number" && isFinite(r[vi]));
    if (rows.length < 2) return null;
    const W = 300;
    if (kind === "line") {
      const H = 80, vals = rows.map((r) => r[vi]);
      const lo = Math.min(0, ...vals), hi = Math.max(...vals) || 1;
      const pts = vals.map((v, i) => `${(i / (vals.length - 1)) * (W - 4) + 2},${H - 2 - ((v - lo) / (hi - lo)) * (H - 4)}`);
      const s = svg("svg", { width: W, height: H, viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": "trend chart", class: "chart line" });
      s.appendChild(svg("polyline", { points: pts.join(" "), fill: "none", stroke: "#2563eb", "stroke-width": 2 }));
      return s;
    }
    const top = rows.slice().sort((a, b) => b[vi] - a[vi]).slice(0, 8);
    const max = Math.max(...top.map((r) => r[vi])) || 1;
    const bar = 14, gap = 4, H = top.length * (bar + gap);
    const s = svg("svg", { width: W, height: H, viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": "breakdown chart", class: "chart bar" });
    top.forEach((r, i) => {
      const y = i * (bar + gap);
      const label = li >= 0 ? String(r[li]) : "";
      s.appendChild(svg("text", { x: 0, y: y + bar - 3 }, label.length > 18 ? label.slice(0, 17) + "…" : label));
      s.appendChild(svg("rect", { x: 110, y, height: bar, width: Math.max(1, (r[vi] / max) * (W - 115)), rx: 2, fill: "#60a5fa" }));
    });
    return s;
  }

  class LlmcostChat extends HTMLElement {
    static get observedAttributes() { return ["token", "server", "heading"]; }

    constructor() {
      super();
      this._token = "";
      this._conversation = "";
      this._busy = false;
      const root = this.attachShadow({ mode: "open" });
      root.appendChild(el("style", {}, STYLE));
      const box = el("div", { class: "box", part: "box" });
      this._header = el("header", {}, "Ask about your LLM costs");
      this._log = el("div", { class: "log", role: "log", "aria-live": "polite" });
      this._chips = el("div", { class: "chips" });
      this._form = el("form");
      this._input = el("input", { type: "text", placeholder: "Ask a question…", "aria-label": "Question", maxlength: "2000" });
      this._send = el("button", { type: "submit" }, "Send");
      this._form.append(this._input, this._send);
      box.append(this._header, this._log, this._chips, this._form);
      root.appendChild(box);
      this._form.addEventListener("submit", (e) => { e.preventDefault(); this.ask(this._input.value); });
      this._input.addEventListener("keydown", (e) => {
        if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); this.ask(this._input.value); }
      });
      this._suggest(SUGGESTED);
    }

    attributeChangedCallback(name, _old, value) {
      if (name === "token") this._token = value || "";
      if (name === "heading") this._header.textContent = value || "Ask about your LLM costs";
    }

    /** setToken replaces the customer token (e.g. after the host refreshed it). */
    setToken(token) {
      this._token = token || "";
      if (this.hasAttribute("token")) this.setAttribute("token", this._token);
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
      const m = this._add("bot answer", a.answer || "");
      const c = chart(a.chart, a.data);
      if (c) m.appendChild(c);
      for (const l of a.links || []) {
        const href = this._link(l.url);
        if (!href) continue;
        m.appendChild(el("br"));
        m.appendChild(el("a", { href, target: "_blank", rel: "noopener noreferrer", class: "dashboard-link" }, l.title || "View dashboard →"));
      }
      this._suggest(a.suggestions && a.suggestions.length ? a.suggestions : SUGGESTED);
      this._log.scrollTop = this._log.scrollHeight;
      this.dispatchEvent(new CustomEvent("llmcost-answer", { detail: a, bubbles: true, composed: true }));
    }
  }

  customElements.define("llmcost-chat", LlmcostChat);
})();
