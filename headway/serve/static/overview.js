// Draws GET /api/v1/cards above the overview table: north star and KPIs first, then delivery and health.
// Every number is the JSON's, formatted only; sparklines are the card's own values, scaled to fit.
(function () {
  "use strict";
  const { el, fmtValue, fmtChange } = window.headway;
  const offline = document.body.dataset.offline === "true";  // a static export: the cards are inlined, no pages to link
  const metricHref = (id) => (offline ? "#" + encodeURIComponent(id) : "/metrics/" + encodeURIComponent(id));
  const SVG = "http://www.w3.org/2000/svg";
  const TITLES = { kpi: "North star and KPIs", delivery: "Delivery", health: "Health: numbers we protect" };
  const STATUS = { on_track: "on track", at_risk: "at risk", off_track: "off track", not_started: "target not started" };

  function sparkline(points) {
    const values = points.map((p) => p.value).filter((v) => v !== null);
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("class", "spark");
    svg.setAttribute("viewBox", "0 0 100 24");
    svg.setAttribute("preserveAspectRatio", "none");
    if (values.length < 2) return svg;
    const lo = Math.min(...values), hi = Math.max(...values), span = hi - lo || 1;
    const step = 100 / (points.length - 1);
    const coords = points.map((p, i) => (p.value === null ? null : `${(i * step).toFixed(2)},${(22 - ((p.value - lo) / span) * 20).toFixed(2)}`));
    const line = document.createElementNS(SVG, "polyline");
    line.setAttribute("points", coords.filter(Boolean).join(" "));
    svg.append(line);
    return svg;
  }

  function card(c) {
    const box = el("article", { class: "card" + (c.north_star ? " star" : "") + (c.north_star && !c.reason ? " wide" : ""), "data-metric": c.id });
    const head = el("h3");
    head.append(el("a", { href: metricHref(c.id) }, c.name));
    if (c.north_star) head.append(el("span", { class: "badge" }, "north star"));
    box.append(head);
    if (c.reason) {
      box.append(el("p", { class: "value muted" }, c.reason === "forbidden" ? "restricted" : c.reason.replaceAll("_", " ")));
      box.append(el("p", { class: "meta" }, c.owner || ""));
      return box;
    }
    box.append(el("p", { class: "value" }, fmtValue(c.value, c.unit, c.integer)));
    box.append(el("p", { class: "meta period" }, c.grain + " of " + c.period + (c.partial ? " · " + c.partial.period + " so far: " + fmtValue(c.partial.value, c.unit, Number.isInteger(c.partial.value)) : "")));
    const changes = el("p", { class: "changes" });
    changes.append(el("span", { class: "previous" }, fmtChange(c.previous.change_pct)), " vs previous · ",
      el("span", { class: "year-ago" }, fmtChange(c.year_ago.change_pct)), " vs a year ago");
    box.append(changes);
    if (window.headwayCardTests) window.headwayCardTests(changes, c);  // card-tests.js: is this change real?
    box.append(sparkline(c.sparkline));
    if (c.target) {
      const t = el("p", { class: "target" });
      t.append("target " + fmtValue(c.target.value, c.unit, false) + (c.target.by ? " by " + c.target.by : ""));
      if (c.pace) t.append(" ", el("span", { class: "status " + c.pace.status }, STATUS[c.pace.status] || c.pace.status));
      box.append(t);
    }
    for (const k of c.counters || []) {
      const line = el("p", { class: "counter" + (k.flag ? " flag" : ""), "data-counter": k.id });
      line.append((k.flag ? "⚠ " : "") + "guarded by ", el("a", { href: metricHref(k.id) }, k.name),
        " " + fmtValue(k.value, k.unit, Number.isInteger(k.value)) + " (" + fmtChange(k.change_pct) + ")");
      if (k.flag) line.title = "This KPI improved while its counter-metric got worse";
      box.append(line);
    }
    box.append(el("p", { class: "meta fresh" }, (c.owner ? c.owner + " · " : "") + "data through " + c.data_through + " (" + c.age_days + " days ago)"));
    return box;
  }

  async function load() {
    const status = document.getElementById("cards-status");
    const inline = document.getElementById("cards-data");
    let body;
    if (inline) body = JSON.parse(inline.textContent);
    else {
      const resp = await fetch("/api/v1/cards");
      body = await resp.json();
      if (!resp.ok) { status.textContent = body.error; return; }
    }
    const root = document.getElementById("cards");
    root.replaceChildren();
    for (const [kind, cards] of Object.entries(body.rows)) {
      if (!cards.length) continue;
      const section = el("section", { class: "card-row", id: "cards-" + kind });
      section.append(el("h2", {}, TITLES[kind] || kind));
      const grid = el("div", { class: "cards" });
      for (const c of cards) grid.append(card(c));
      section.append(grid);
      root.append(section);
    }
    status.textContent = "";
  }
  load();
})();
