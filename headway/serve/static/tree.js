// Draws GET /api/v1/tree: layered SVG graph, link table, evidence panel. State lives in the URL.
// Every number shown comes from the JSON as is; this file computes layout only.
(function () {
  "use strict";
  const SVG = "http://www.w3.org/2000/svg";
  const BOX_W = 180, BOX_H = 44, COL_GAP = 110, ROW_GAP = 16, PAD = 12;
  const WORDS = { supports: "supports", no_evidence: "no evidence", contradicts: "contradicts" };
  const offline = document.body.dataset.offline === "true";  // a static export: the report is inlined
  let report = null;

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }
  function svg(tag, attrs) {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    return node;
  }
  function cls(ev) { return ev.grade === "association" ? ev.verdict : ev.grade; }
  function gradeWords(ev) {
    return ev.grade === "association" ? "association · " + WORDS[ev.verdict] : ev.grade;
  }
  function fmt(x, digits) { return x === null || x === undefined ? "–" : (x >= 0 ? "+" : "") + x.toFixed(digits); }

  function params() { return new URLSearchParams(window.location.search); }
  function apiUrl(p) {
    const q = new URLSearchParams();
    if (p.get("dimension") && p.get("value")) { q.set("dimension", p.get("dimension")); q.set("value", p.get("value")); }
    const s = q.toString();
    return "/api/v1/tree" + (s ? "?" + s : "");
  }

  async function load() {
    const p = params();
    const inline = document.getElementById("tree-data");
    if (inline) {
      report = JSON.parse(inline.textContent);
      render();
      return;
    }
    const url = apiUrl(p);
    document.getElementById("json-link").href = url;
    const exportLink = document.getElementById("export-link");
    if (exportLink) exportLink.href = "/export/tree.html" + url.slice("/api/v1/tree".length);
    document.getElementById("status").textContent = "Grading links…";
    const error = document.getElementById("error");
    const resp = await fetch(url);
    const body = await resp.json();
    if (!resp.ok) {
      error.textContent = body.error + (body.hint ? " " + body.hint : "");
      error.hidden = false;
      document.getElementById("status").textContent = "";
      return;
    }
    error.hidden = true;
    report = body;
    render();
    const edge = p.get("edge");
    if (edge) showEvidence(edge, false);
  }

  function render() {
    const f = report.filter;
    document.getElementById("status").textContent =
      report.edges.length + " links, graded on " + report.grain + "ly changes" +
      (f ? " for " + f.dimension + " = " + f.value : " over all the data") + ".";
    if (offline) { drawGraph(); drawTable(); drawLists(); return; }
    const select = document.getElementById("dimension");
    select.replaceChildren(el("option", { value: "" }, "(everything)"));
    for (const d of report.dimensions) select.append(el("option", { value: d }, d));
    select.value = f ? f.dimension : "";
    document.getElementById("value").value = f ? f.value : "";
    drawGraph();
    drawTable();
    drawLists();
  }

  function layout() {
    const columns = new Map();
    for (const n of report.nodes) {
      if (n.layer === null || n.layer === undefined) continue;
      if (!columns.has(n.layer)) columns.set(n.layer, []);
      columns.get(n.layer).push(n);
    }
    const pos = new Map();
    let height = 0;
    const rank = new Map();
    const layers = [...columns.keys()].sort((a, b) => a - b);
    for (const layer of layers) {
      // order each column by where the metrics it drives sit, so links cross less
      const nodes = columns.get(layer);
      const key = (n) => {
        const ys = report.edges.filter((e) => e.from === n.id && rank.has(e.to)).map((e) => rank.get(e.to));
        return ys.length ? ys.reduce((a, b) => a + b, 0) / ys.length : Infinity;
      };
      if (layer > 0) nodes.sort((a, b) => key(a) - key(b));
      nodes.forEach((n, i) => rank.set(n.id, i));
      nodes.forEach((n, i) => pos.set(n.id, { x: PAD + layer * (BOX_W + COL_GAP), y: PAD + i * (BOX_H + ROW_GAP), node: n }));
      height = Math.max(height, PAD * 2 + nodes.length * (BOX_H + ROW_GAP));
    }
    const width = PAD * 2 + columns.size * (BOX_W + COL_GAP) - COL_GAP;
    return { pos, width, height };
  }

  function drawGraph() {
    const g = document.getElementById("graph");
    g.replaceChildren();
    const { pos, width, height } = layout();
    g.setAttribute("width", width);
    g.setAttribute("height", height);
    g.setAttribute("viewBox", "0 0 " + width + " " + height);
    for (const e of report.edges) {
      const a = pos.get(e.from), b = pos.get(e.to);
      if (!a || !b) continue;
      const x1 = a.x, y1 = a.y + BOX_H / 2, x2 = b.x + BOX_W, y2 = b.y + BOX_H / 2;
      const mid = (x1 + x2) / 2;
      const link = svg("a", { href: "?" + withParam("edge", e.id), class: "edge " + cls(e.evidence), "data-edge": e.id });
      const d = `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`;
      const title = svg("title");
      title.textContent = e.from + " → " + e.to + ": " + gradeWords(e.evidence);
      link.append(title, svg("path", { d, class: "hit" }), svg("path", { d }));
      link.addEventListener("click", (ev) => { ev.preventDefault(); showEvidence(e.id, true); });
      g.append(link);
    }
    for (const { x, y, node } of pos.values()) {
      const a = svg("a", { href: offline ? "#" : "/api/v1/metrics/" + encodeURIComponent(node.id), class: "node " + node.kind + (node.north_star ? " star" : ""), "data-metric": node.id });
      const rect = svg("rect", { x, y, width: BOX_W, height: BOX_H, rx: 6 });
      const label = svg("text", { x: x + 8, y: y + 18 });
      label.textContent = node.name.length > 24 ? node.name.slice(0, 23) + "…" : node.name;
      const kind = svg("text", { x: x + 8, y: y + 35, class: "kind" });
      kind.textContent = (node.north_star ? "★ north star" : node.kind) + (node.sliceable ? "" : " · not sliceable");
      a.append(rect, label, kind);
      g.append(a);
    }
  }

  function drawTable() {
    const body = document.getElementById("links");
    body.replaceChildren();
    for (const e of report.edges) {
      const ev = e.evidence;
      const row = el("tr", { "data-edge": e.id, class: cls(ev) });
      const name = el("td");
      const a = el("a", { href: "?" + withParam("edge", e.id) }, e.from + " → " + e.to);
      a.addEventListener("click", (x) => { x.preventDefault(); showEvidence(e.id, true); });
      name.append(a);
      row.append(name, el("td", {}, e.sign + (e.lag ? ", lag " + e.lag : "")),
        el("td", { class: "grade" }, gradeWords(ev)), el("td", { class: "num r" }, fmt(ev.r, 2)),
        el("td", { class: "num lag" }, ev.lag_periods === null ? "–" : ev.lag_periods + " " + report.grain + "(s)"),
        el("td", { class: "num n" }, String(ev.n)));
      body.append(row);
    }
  }

  function drawLists() {
    const mis = document.getElementById("misalignments");
    mis.replaceChildren(...report.misalignments.map((m) => el("li", { class: m.kind }, m.message)));
    if (!report.misalignments.length) mis.append(el("li", {}, "none"));
    const counters = document.getElementById("counters");
    counters.replaceChildren(...report.counters.map((c) => el("li", {}, c.metric + " is guarded by " + c.counter)));
  }

  function withParam(key, value) {
    const p = params();
    if (value === null) p.delete(key); else p.set(key, value);
    return p.toString();
  }

  function showEvidence(id, push) {
    const e = report.edges.find((x) => x.id === id);
    const panel = document.getElementById("evidence");
    if (!e) { panel.hidden = true; return; }
    if (push && !offline) history.pushState(null, "", "?" + withParam("edge", id));
    for (const n of document.querySelectorAll("[data-edge].selected")) n.classList.remove("selected");
    for (const n of document.querySelectorAll(`[data-edge="${CSS.escape(id)}"]`)) n.classList.add("selected");
    const ev = e.evidence;
    panel.replaceChildren();
    panel.className = "evidence " + cls(ev);
    panel.append(el("h2", {}, e.from + " → " + e.to));
    panel.append(el("p", { class: "verdict" }, gradeWords(ev)));
    panel.append(el("p", { class: "summary" }, ev.summary));
    const facts = el("dl");
    const add = (k, v) => facts.append(el("dt", {}, k), el("dd", {}, v));
    add("declared", e.sign + (e.lag ? ", lag " + e.lag : "") + (e.note ? " — " + e.note : ""));
    add("best lag", ev.lag_periods === null ? "–" : ev.lag_periods + " " + report.grain + "(s) (searched " + e.lags_searched[0] + "–" + e.lags_searched[1] + ")");
    add("correlation r", fmt(ev.r, 3));
    add("interval", ev.ci ? fmt(ev.ci[0], 3) + " to " + fmt(ev.ci[1], 3) + " (" + (100 * ev.confidence).toFixed(1) +
      "%, widened because " + ev.lags.length + " lags were tried)" : "–");
    add("n (pairs of changes)", String(ev.n));
    add("effective n", ev.n_effective === null ? "–" : ev.n_effective.toFixed(1));
    add("method", ev.method);
    panel.append(facts);
    if (ev.lags.length) {
      panel.append(el("h3", {}, "Correlation at each lag"));
      const bars = el("div", { class: "bars" });
      for (const c of ev.lags) {
        const row = el("div", { class: "bar-row" + (c.lag === ev.lag_periods ? " best" : "") });
        row.append(el("span", { class: "bar-lag" }, "lag " + c.lag));
        const track = el("span", { class: "bar-track" });
        if (c.r !== null) {
          const bar = el("span", { class: "bar " + (c.r >= 0 ? "pos" : "neg") });
          bar.style.width = (Math.abs(c.r) * 50) + "%";
          bar.style.left = c.r >= 0 ? "50%" : (50 - Math.abs(c.r) * 50) + "%";
          track.append(bar);
        }
        row.append(track, el("span", { class: "bar-r" }, c.r === null ? "too few" : fmt(c.r, 2)));
        bars.append(row);
      }
      panel.append(bars);
    }
    const close = el("button", { type: "button", class: "close" }, "Close");
    close.addEventListener("click", () => { panel.hidden = true; if (!offline) history.pushState(null, "", "?" + withParam("edge", null)); });
    panel.append(close);
    panel.hidden = false;
  }

  if (offline) { load(); return; }
  document.getElementById("filter").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const p = params();
    const d = document.getElementById("dimension").value, v = document.getElementById("value").value.trim();
    p.delete("edge");
    if (d && v) { p.set("dimension", d); p.set("value", v); } else { p.delete("dimension"); p.delete("value"); }
    history.pushState(null, "", "?" + p.toString());
    load();
  });
  document.getElementById("clear").addEventListener("click", () => { history.pushState(null, "", "/tree"); load(); });
  window.addEventListener("popstate", load);
  load();
})();
