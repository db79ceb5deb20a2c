// The overview's small panel: open action items (GET /api/v1/meeting/actions?status=open), overdue ones flagged,
// and this quarter's latest decisions (GET /api/v1/meeting), each with the metrics and objectives it concerns.
(function () {
  "use strict";
  const { el } = window.headway;
  const box = document.getElementById("actions-open");
  const decided = document.getElementById("decisions-recent");
  if (!box || !decided) return;
  const concerns = (item) => {
    const ids = [...(item.metrics || []), ...(item.objectives || [])];
    return ids.length ? " · " + ids.join(", ") : "";
  };
  fetch("/api/v1/meeting/actions?status=open").then((r) => r.json()).then((body) => {
    if (!body.actions) { box.replaceChildren(el("li", { class: "meta" }, body.error || "unavailable")); return; }
    const rows = body.actions.slice(0, 8).map((a) => el("li", { class: a.overdue ? "overdue" : "", "data-action": String(a.id) },
      a.title + " — " + a.owner + ", due " + a.due + (a.overdue ? " (overdue)" : "") + concerns(a)));
    box.replaceChildren(...rows);
    if (!rows.length) box.append(el("li", { class: "meta" }, "none open"));
    if (body.actions.length > 8) box.append(el("li", { class: "meta" }, (body.actions.length - 8) + " more on the meeting page"));
  }).catch(() => box.replaceChildren(el("li", { class: "meta" }, "unavailable")));
  fetch("/api/v1/meeting").then((r) => r.json()).then((body) => {
    if (!body.decisions) { decided.replaceChildren(el("li", { class: "meta" }, body.error || "unavailable")); return; }
    const latest = body.decisions.slice().sort((a, b) => (a.day < b.day ? 1 : a.day > b.day ? -1 : 0)).slice(0, 5);
    decided.replaceChildren(...latest.map((d) => el("li", { "data-decision": String(d.id) },
      d.day + " · " + d.title + " (" + d.decided_by + ")" + concerns(d))));
    if (!latest.length) decided.append(el("li", { class: "meta" }, "none in " + body.period));
  }).catch(() => decided.replaceChildren(el("li", { class: "meta" }, "unavailable")));
})();
