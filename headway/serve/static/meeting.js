// Draws GET /api/v1/meeting?period=…: rankings and agreement, decisions, action items, change records.
// The forms post rankings, decisions, action items and change records (POST /api/v1/meeting/…); "done" sends PATCH.
// No number is computed here.
(function () {
  "use strict";
  const { el } = window.headway;
  const params = new URLSearchParams(location.search);
  const errorBox = document.getElementById("error");

  function showError(message) { errorBox.hidden = !message; errorBox.textContent = message || ""; }

  async function call(url, init) {
    const r = await fetch(url, init);
    const body = await r.json();
    if (!r.ok) throw new Error(body.error + (body.hint ? " " + body.hint : ""));
    return body;
  }

  function drawRanks(body) {
    const head = document.querySelector("#ranks thead");
    const tbody = document.querySelector("#ranks tbody");
    const who = body.stakeholders.map((s) => s.stakeholder);
    const hr = el("tr");
    hr.append(el("th", {}, "KPI"), ...who.map((w) => el("th", { class: "num" }, w)), el("th", { class: "num" }, "mean"), el("th", { class: "num" }, "spread"));
    head.replaceChildren(hr);
    tbody.replaceChildren();
    const widest = Math.max(0, ...body.kpis.map((k) => k.spread));
    for (const k of body.kpis) {
      const tr = el("tr", { "data-metric": k.metric, class: k.spread === widest && widest > 0 ? "spread-high" : "" });
      tr.append(el("td", {}, k.metric + (k.kind && k.kind !== "kpi" ? " (" + k.kind + ")" : "")));
      for (const w of who) tr.append(el("td", { class: "num" }, k.ranks[w] === null ? "–" : String(k.ranks[w])));
      tr.append(el("td", { class: "num" }, k.mean_rank.toFixed(2)), el("td", { class: "num" }, String(k.spread)));
      tbody.append(tr);
    }
    const a = body.agreement;
    document.getElementById("agreement").textContent = a.w === null ? "Agreement: " + a.reason
      : "Agreement (Kendall's W) " + a.w.toFixed(2) + " — " + a.reading + "; " + a.raters + " stakeholders, " + a.items + " KPIs, p = " + a.p_value.toPrecision(2);
    const disputed = (m) => {
      const d = body.kind_disputes[m];
      return d ? m + " (kind disputed " + d.day + " by " + d.who + ": " + d.reason + ")"
        : m + " (no kind_dispute on record: record who, when and why below)";
    };
    document.getElementById("not-kpis").textContent = body.not_kpis.length ? "Ranked but not declared KPIs: " + body.not_kpis.map(disputed).join("; ") : "";
  }

  function drawActions(body) {
    const tbody = document.querySelector("#actions tbody");
    tbody.replaceChildren();
    for (const a of body.actions) {
      const tr = el("tr", { "data-action": String(a.id) });
      const status = el("td", { class: "status" + (a.overdue ? " overdue" : "") }, a.status + (a.overdue ? " · overdue" : ""));
      tr.append(el("td", { class: "title" }, a.title), el("td", { class: "owner" }, a.owner), el("td", {}, a.due), status,
        el("td", { class: "meta" }, [...a.metrics, ...a.objectives].join(", ")));
      const cell = el("td");
      if (a.status === "open" && typeof a.id === "number") {
        const b = el("button", { type: "button", class: "done" }, "Done");
        b.addEventListener("click", () => call("/api/v1/meeting/actions/" + a.id, {
          method: "PATCH", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ status: "done" }),
        }).then(load).catch((e) => showError(e.message)));
        cell.append(b);
      }
      tr.append(cell);
      tbody.append(tr);
    }
  }

  function list(id, rows, text) {
    const ul = document.getElementById(id);
    ul.replaceChildren(...rows.map((r) => el("li", {}, text(r))));
    if (!rows.length) ul.append(el("li", { class: "meta" }, "none"));
  }

  function load() {
    const period = params.get("period");
    const url = "/api/v1/meeting" + (period ? "?period=" + encodeURIComponent(period) : "");
    document.getElementById("json-link").href = url;
    return call(url).then((body) => {
      showError("");
      document.getElementById("period").textContent = body.period;
      document.getElementById("quarter").value = body.period;
      drawRanks(body);
      list("decisions", body.decisions, (d) => d.day + " · " + d.title + " (" + d.decided_by + ")" + (d.rationale ? ": " + d.rationale : "")
        + (d.metrics.length + d.objectives.length ? " · concerns " + [...d.metrics, ...d.objectives].join(", ") : ""));
      drawActions(body);
      list("changes", body.changes, (c) => c.day + " · " + c.kind.replace("_", " ") + " by " + c.who + ": " + c.reason + (c.detail ? " (" + c.detail + ")" : ""));
    }).catch((e) => showError(e.message));
  }

  document.getElementById("pick").addEventListener("submit", (ev) => {
    ev.preventDefault();
    params.set("period", document.getElementById("quarter").value);
    history.replaceState(null, "", "?" + params.toString());
    load();
  });
  const ids = (text) => String(text || "").split(",").map((s) => s.trim()).filter(Boolean);
  function postForm(id, url, build) {
    document.getElementById(id).addEventListener("submit", (ev) => {
      ev.preventDefault();
      const body = build(new FormData(ev.target));
      body.period = document.getElementById("period").textContent;
      body.via = "ui";
      call(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) })
        .then(() => { ev.target.reset(); return load(); })
        .catch((e) => showError(e.message));
    });
  }
  postForm("new-ranking", "/api/v1/meeting/rankings", (f) => {
    const body = { stakeholder: f.get("stakeholder"), kpis: ids(f.get("kpis")) };
    if (f.get("person")) body.person = f.get("person");
    if (f.get("reason")) body.reason = f.get("reason");
    return body;
  });
  postForm("new-change", "/api/v1/meeting/changes", (f) => ({
    kind: f.get("kind"), who: f.get("who"), day: f.get("day"), reason: f.get("reason"), metrics: ids(f.get("metrics")),
  }));
  postForm("new-decision", "/api/v1/meeting/decisions", (f) => {
    const body = { title: f.get("title"), decided_by: f.get("decided_by"), day: f.get("day"),
      metrics: ids(f.get("metrics")), objectives: ids(f.get("objectives")) };
    if (f.get("rationale")) body.rationale = f.get("rationale");
    return body;
  });
  document.getElementById("new-action").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const f = new FormData(ev.target);
    const body = { title: f.get("title"), owner: f.get("owner"), due: f.get("due"), metrics: ids(f.get("metrics")),
      objectives: ids(f.get("objectives")), via: "ui" };
    const period = document.getElementById("period").textContent;
    if (period) body.period = period;
    call("/api/v1/meeting/actions", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) })
      .then(() => { ev.target.reset(); return load(); })
      .catch((e) => showError(e.message));
  });
  load();
})();
