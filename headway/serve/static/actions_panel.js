// The overview's small panel: open action items (GET /api/v1/meeting/actions?status=open), overdue ones flagged.
(function () {
  "use strict";
  const { el } = window.headway;
  const box = document.querySelector("#actions-panel ul");
  if (!box) return;
  fetch("/api/v1/meeting/actions?status=open").then((r) => r.json()).then((body) => {
    if (!body.actions) { box.replaceChildren(el("li", { class: "meta" }, body.error || "unavailable")); return; }
    const rows = body.actions.slice(0, 8).map((a) => el("li", { class: a.overdue ? "overdue" : "", "data-action": String(a.id) },
      a.title + " — " + a.owner + ", due " + a.due + (a.overdue ? " (overdue)" : "")));
    box.replaceChildren(...rows);
    if (!rows.length) box.append(el("li", { class: "meta" }, "none open"));
    if (body.actions.length > 8) box.append(el("li", { class: "meta" }, (body.actions.length - 8) + " more on the meeting page"));
  }).catch(() => box.replaceChildren(el("li", { class: "meta" }, "unavailable")));
})();
