// Draws GET /api/v1/objectives (or /api/v1/objectives/{id}) and posts check-ins. Every number shown
// comes from the JSON as is; this file formats and lays out only. The quarter lives in the URL.
(function () {
  "use strict";
  const { el, fmtValue } = window.headway;
  const WORDS = { on_track: "on track", at_risk: "at risk", off_track: "off track" };
  const objectiveId = document.body.dataset.objective;

  function params() { return new URLSearchParams(window.location.search); }
  function apiUrl() {
    if (objectiveId) return "/api/v1/objectives/" + encodeURIComponent(objectiveId);
    const period = params().get("period");
    return "/api/v1/objectives" + (period ? "?period=" + encodeURIComponent(period) : "");
  }
  function pct(x) { return x === null || x === undefined ? "–" : x.toFixed(2); }
  function status(s, reason) {
    return el("span", { class: "status " + (s || "none") }, s ? WORDS[s] : "no status (" + (reason || "no data") + ")");
  }
  function bar(score, expected) {
    const node = el("span", { class: "bar", title: "score " + pct(score) + ", expected by now " + pct(expected) });
    node.append(el("span", { style: "width:" + Math.round((score || 0) * 100) + "%" }));
    if (expected !== null && expected !== undefined) node.append(el("i", { style: "left:" + Math.round(expected * 100) + "%" }));
    return node;
  }

  function keyResultRow(kr) {
    const tr = el("tr", { "data-kr": kr.id });
    tr.append(el("td", {}, kr.name + (kr.commitment === "aspirational" ? " (aspirational)" : "")));
    const baseline = kr.baseline ? fmtValue(kr.baseline.value, kr.unit, false) + (kr.baseline.source === "frozen" ? " ❄" : "") : "–";
    const captured = kr.baseline && kr.baseline.captured_at ? "frozen on " + kr.baseline.captured_at.slice(0, 10) : "";
    tr.append(el("td", { class: "num baseline", title: captured }, kr.kind === "milestone" ? "–" : baseline));
    tr.append(el("td", { class: "num" }, kr.kind === "milestone" ? (kr.done ? "done" : "not done") : (kr.current ? fmtValue(kr.current.value, kr.unit, false) : "–")));
    tr.append(el("td", { class: "num" }, kr.kind === "milestone" ? (kr.due || "–") : fmtValue(kr.target, kr.unit, false)));
    const scoreCell = el("td", { class: "num score" }, pct(kr.score) + " ");
    scoreCell.append(bar(kr.score, kr.expected_now));
    tr.append(scoreCell);
    const st = el("td", {});
    st.append(status(kr.status, kr.reason));
    if (kr.checkins.stale) st.append(el("span", { class: "stale" }, " no check-in for " + kr.checkins.stale_after_days + "+ days"));
    tr.append(st);
    tr.append(el("td", { class: "num confidence" }, kr.checkins.latest_confidence === null ? "–" : String(kr.checkins.latest_confidence)));
    return tr;
  }

  function objectiveCard(o, detail) {
    const card = el("article", { class: "objective", id: "objective-" + o.id });
    const h = el("h2", {});
    h.append(detail ? el("span", {}, o.objective) : el("a", { href: "/objectives/" + encodeURIComponent(o.id) }, o.objective));
    h.append(" ");
    h.append(status(o.status, o.reason));
    card.append(h);
    const meta = [o.period, o.team && "team " + o.team, o.owner, o.parent && "aligns to " + o.parent, "score " + pct(o.score), o.where].filter(Boolean);
    card.append(el("p", { class: "meta" }, meta.join(" · ")));
    for (const f of o.flags) card.append(el("p", { class: "flag", role: "alert" }, "⚠ push and protect: " + f.message));
    const table = el("table", { class: "metrics krs" });
    const head = el("tr", {});
    for (const t of ["Key result", "Baseline", "Current", "Target", "Score", "Status", "Confidence"]) head.append(el("th", {}, t));
    const thead = el("thead", {});
    thead.append(head);
    table.append(thead);
    const body = el("tbody", {});
    for (const kr of o.key_results) body.append(keyResultRow(kr));
    table.append(body);
    card.append(table);
    if (o.guardrails.length) {
      const g = el("p", { class: "meta" }, "Guardrails: " + o.guardrails.map((x) =>
        x.metric + " " + (x.degraded === null ? "(" + (x.reason || "no data") + ")" : x.degraded ? "degraded" : "holding")).join(", "));
      card.append(g);
    }
    if (detail) {
      for (const kr of o.key_results) {
        if (!kr.checkins.history.length) continue;
        card.append(el("h3", {}, "Check-ins on " + kr.name));
        const list = el("ul", { class: "history" });
        for (const c of kr.checkins.history.slice().reverse()) {
          const words = [c.at.slice(0, 10), c.author, "confidence " + c.confidence, c.value !== null && "value " + c.value, c.comment, c.blockers && "blockers: " + c.blockers].filter(Boolean);
          list.append(el("li", { "data-checkin": String(c.id) }, words.join(" · ")));
        }
        card.append(list);
      }
    }
    return card;
  }

  async function load() {
    const url = apiUrl();
    document.getElementById("json-link").href = url;
    const error = document.getElementById("error");
    const resp = await fetch(url);
    const data = await resp.json();
    const box = document.getElementById("objectives");
    box.replaceChildren();
    if (!resp.ok) { error.hidden = false; error.textContent = data.error + " " + (data.hint || ""); return; }
    error.hidden = true;
    const list = objectiveId ? [data] : data.objectives;
    if (!objectiveId) fillPeriods(data.periods);
    for (const o of list) box.append(objectiveCard(o, Boolean(objectiveId)));
    document.getElementById("status").textContent = list.length ? "" : "No objectives for this quarter.";
    if (objectiveId) fillKeyResults(data);
  }

  function fillPeriods(periods) {
    const select = document.getElementById("period");
    if (select.options.length > 1) return;
    for (const p of periods) select.append(el("option", { value: p }, p));
    select.value = params().get("period") || "";
  }
  function fillKeyResults(o) {
    const select = document.getElementById("kr");
    const chosen = select.value;
    select.replaceChildren();
    for (const kr of o.key_results) select.append(el("option", { value: kr.id }, kr.name));
    if (chosen) select.value = chosen;
  }

  async function submit(event) {
    event.preventDefault();
    const body = {
      kr: document.getElementById("kr").value,
      confidence: Number(document.getElementById("confidence").value),
      author: document.getElementById("author").value,
      comment: document.getElementById("comment").value || null,
      blockers: document.getElementById("blockers").value || null,
    };
    const value = document.getElementById("value").value;
    if (value !== "") body.value = Number(value);
    const resp = await fetch("/api/v1/objectives/" + encodeURIComponent(objectiveId) + "/checkins",
      { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const data = await resp.json();
    const saved = document.getElementById("saved");
    if (!resp.ok) { saved.textContent = "Not saved: " + data.error; return; }
    saved.textContent = "Saved check-in " + data.id + ".";
    document.getElementById("comment").value = "";
    document.getElementById("blockers").value = "";
    document.getElementById("value").value = "";
    await load();
  }

  document.getElementById("period").addEventListener("change", (e) => {
    const p = params();
    if (e.target.value) p.set("period", e.target.value); else p.delete("period");
    history.replaceState(null, "", "?" + p.toString());
    load();
  });
  if (objectiveId) document.getElementById("checkin").addEventListener("submit", submit);
  load();
})();
