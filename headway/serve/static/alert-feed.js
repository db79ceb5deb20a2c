// The overview's alert feed: GET /api/v1/alerts?state=open, newest first, with a button that
// POSTs /api/v1/alerts/{id}/ack. Every field is the JSON's, formatted only.
(function () {
  "use strict";
  const { el, fmtValue } = window.headway;
  const KEY = "headway.ack_by";

  function band(a) {
    const low = a.low === null ? "–∞" : fmtValue(a.low, null, false);
    const high = a.high === null ? "∞" : fmtValue(a.high, null, false);
    return fmtValue(a.value, null, false) + " against " + low + " … " + high + (a.expected === null ? "" : " (expected " + fmtValue(a.expected, null, false) + ")");
  }

  function item(a) {
    const li = el("li", { class: "alert " + a.state, "data-alert": String(a.id) });
    li.append(el("span", { class: "state" }, a.state));
    const what = el("span", { class: "what" });
    what.append(el("a", { href: "/metrics/" + encodeURIComponent(a.metric) }, a.metric), " " + (a.direction === "down" ? "fell below" : a.direction === "up" ? "rose above" : "left") + " its band");
    li.append(what);
    const series = Object.entries(a.series || {}).map(([k, v]) => k + " = " + v).join(", ");
    li.append(el("span", { class: "band" }, "rule " + a.rule + (series ? " [" + series + "]" : "") + " · " + a.period + ": " + band(a)));
    li.append(el("span", { class: "when" }, "since " + a.opened_at.slice(0, 16).replace("T", " ") + " UTC" +
      (a.acknowledged_by ? " · acknowledged by " + a.acknowledged_by : "")));
    if (a.state === "firing") {
      const button = el("button", { type: "button", class: "ack" }, "Acknowledge");
      button.addEventListener("click", () => acknowledge(a.id, button));
      li.append(button);
    }
    return li;
  }

  async function acknowledge(id, button) {
    const who = document.getElementById("ack-by");
    const error = document.getElementById("alert-error");
    const by = who.value.trim();
    if (!by) { error.textContent = "Say who acknowledges: type your name or email first."; error.hidden = false; who.focus(); return; }
    localStorage.setItem(KEY, by);
    button.disabled = true;
    const resp = await fetch("/api/v1/alerts/" + id + "/ack", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ by }) });
    const body = await resp.json();
    if (!resp.ok) { error.textContent = body.error + (body.hint ? " " + body.hint : ""); error.hidden = false; button.disabled = false; return; }
    error.hidden = true;
    load();
  }

  async function load() {
    const list = document.getElementById("alerts");
    if (!list) return;
    const resp = await fetch("/api/v1/alerts?state=open");
    const body = await resp.json();
    list.replaceChildren();
    if (!resp.ok) { list.append(el("li", { class: "meta" }, body.code === "alerts_unavailable" ? "Alerts are not running yet." : body.error)); return; }
    if (!body.alerts.length) { list.append(el("li", { class: "meta" }, "No open alerts.")); return; }
    for (const a of body.alerts) list.append(item(a));
  }

  const who = document.getElementById("ack-by");
  if (who) who.value = localStorage.getItem(KEY) || "";
  load();
})();
