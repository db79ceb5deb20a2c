// Draws a dashboard from GET /api/v1/dashboards/{id}, or from the JSON inlined in a static export.
// Numbers are the JSON's, formatted only; nothing is computed here. Each panel downloads as CSV
// (the server's CSV, or the same rows written here when offline) and as PNG (Plotly's toImage).
(function () {
  "use strict";
  const id = document.body.dataset.dashboard;
  const offline = document.body.dataset.offline === "true";
  const { el, fmtValue, fmtChange, esc } = window.headway;
  const GRADE_WORDS = { supports: "supports", no_evidence: "no evidence", contradicts: "contradicts" };

  async function load() {
    const inline = document.getElementById("dashboard-data");
    let data;
    if (inline) {
      data = JSON.parse(inline.textContent);
    } else {
      const url = "/api/v1/dashboards/" + encodeURIComponent(id) + window.location.search;
      document.getElementById("json-link").href = url;
      document.getElementById("export-link").href = "/dashboards/" + encodeURIComponent(id) + "/export.html" + window.location.search;
      const resp = await fetch(url);
      data = await resp.json();
      if (!resp.ok) {
        const error = document.getElementById("error");
        error.textContent = data.error + (data.hint ? " " + data.hint : "");
        error.hidden = false;
        document.getElementById("status").textContent = "";
        return;
      }
    }
    render(data);
  }

  let dashboardFilters = {};

  // the filters live in the URL (?filter=DIM=VALUE, repeatable; a lone empty filter= means none)
  function setFilters(pairs) {
    const p = new URLSearchParams();
    if (!pairs.length) p.append("filter", "");
    for (const [dim, value] of pairs) p.append("filter", dim + "=" + value);
    history.pushState(null, "", "?" + p.toString());
    load();
  }

  function filterBar(data) {
    const bar = document.getElementById("filters");
    bar.replaceChildren();
    const pairs = Object.entries(data.filters || {});
    for (const [dim, value] of pairs) {
      const chip = el("span", { class: "chip", "data-filter": dim }, dim + " = " + value);
      if (!offline) {
        const drop = el("button", { type: "button", "aria-label": "remove " + dim }, "×");
        drop.addEventListener("click", () => setFilters(pairs.filter(([d]) => d !== dim)));
        chip.append(drop);
      }
      bar.append(chip);
    }
    if (offline || !(data.dimensions || []).length) return;
    const form = el("form", { class: "add-filter" });
    const pick = el("select", { name: "dimension", "aria-label": "dimension" });
    for (const d of data.dimensions) pick.append(el("option", { value: d }, d));
    const value = el("input", { name: "value", placeholder: "value", maxlength: "200", required: "", "aria-label": "value" });
    form.append(pick, " = ", value, " ", el("button", { type: "submit" }, "filter"));
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      setFilters(pairs.filter(([d]) => d !== pick.value).concat([[pick.value, value.value.trim()]]));
    });
    bar.append(form);
  }

  function render(data) {
    dashboardFilters = data.filters || {};
    filterBar(data);
    const root = document.getElementById("panels");
    root.replaceChildren();
    data.panels.forEach((panel) => root.append(drawPanel(data, panel)));
    document.getElementById("status").textContent = "";
  }

  function drawPanel(data, panel) {
    const box = el("section", { class: "panel panel-" + panel.type, id: "panel-" + panel.index, "data-panel": String(panel.index) });
    const head = el("div", { class: "panel-head" });
    head.append(el("h2", {}, panel.title));
    const tools = el("span", { class: "tools" });
    const csv = el("a", { class: "csv", href: (panel.csv || "#") + (panel.csv ? window.location.search : ""), download: data.id + "-panel-" + panel.index + ".csv" }, "CSV");
    if (offline || !panel.csv) csv.addEventListener("click", (ev) => { ev.preventDefault(); saveCsv(data, panel); });
    const png = el("button", { type: "button", class: "png" }, "PNG");
    png.addEventListener("click", () => savePng(data, panel, box));
    tools.append(csv, " ", png);
    head.append(tools);
    box.append(head);
    notices(panel).forEach((n) => box.append(n));
    const body = el("div", { class: "panel-body" });
    box.append(body);
    if (panel.type === "kpi") body.append(kpis(panel));
    else if (panel.type === "line") requestAnimationFrame(() => line(body, panel));
    else if (panel.type === "tree") body.append(tree(panel));
    else if (panel.type === "dora") body.append(dora(panel));
    else body.append(table(panel));
    return box;
  }

  function notices(panel) {
    const out = [];
    if (panel.restricted && panel.restricted.length) {
      out.push(el("p", { class: "restricted", role: "status" }, "Restricted: you may not see " + panel.restricted.join(", ") + "."));
    }
    for (const e of panel.errors || []) out.push(el("p", { class: "error" }, e.metric + ": " + e.message));
    if (panel.no_data && panel.no_data.length) out.push(el("p", { class: "meta" }, "No data yet for " + panel.no_data.join(", ") + "."));
    if (panel.not_filtered && panel.not_filtered.length) out.push(el("p", { class: "meta" }, "Not filtered (no such dimension): " + panel.not_filtered.join(", ") + "."));
    return out;
  }

  function metricOf(panel, metricId) { return panel.metrics.find((m) => m.id === metricId) || { id: metricId, name: metricId }; }

  function kpis(panel) {
    const row = el("div", { class: "cards" });
    for (const c of panel.cards || []) {
      const m = metricOf(panel, c.metric);
      const card = el("div", { class: "card", "data-metric": c.metric });
      card.append(el("a", { class: "name", href: offline ? "#" : "/metrics/" + encodeURIComponent(c.metric) }, m.name));
      card.append(el("div", { class: "value", "data-value": c.value === null ? "" : String(c.value) }, fmtValue(c.value, m.unit, Number.isInteger(c.value))));
      card.append(el("div", { class: "meta" }, (c.period ? m.grain + " of " + c.period : c.reason || "") + " · n = " + (c.n === null ? "–" : c.n)));
      card.append(el("div", { class: "change" }, "vs previous: " + fmtChange(c.change_pct)));
      if (c.partial) card.append(el("div", { class: "meta partial" }, "so far in " + c.partial.period + " (partial): " + fmtValue(c.partial.value, m.unit, Number.isInteger(c.partial.value))));
      row.append(card);
    }
    return row;
  }

  function seriesKey(panel, r) { return panel.metrics.length > 1 || !panel.by ? metricOf(panel, r.metric).name + (panel.by ? " · " + r[panel.by] : "") : String(r[panel.by]); }

  function line(node, panel) {
    const groups = new Map();
    for (const r of panel.rows) {
      const key = seriesKey(panel, r);
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(r);
    }
    const traces = [];
    for (const [name, rows] of groups) {
      traces.push({ x: rows.map((r) => r.period), y: rows.map((r) => r.value), name: esc(name), mode: "lines+markers",
        meta: { metric: rows[0].metric, value: panel.by ? rows[0][panel.by] : null },
        marker: { symbol: rows.map((r) => (r.complete ? "circle" : "circle-open")) } });
      if (panel.compare) traces.push({ x: rows.map((r) => r.period), y: rows.map((r) => r.compare_value), name: esc(name) + (panel.compare === "year_ago" ? " a year before" : " previous period"), mode: "lines", line: { dash: "dot", color: "#8c959f" } });
    }
    const shapes = [], annotations = [];
    for (const n of panel.annotations || []) {
      const color = n.kind === "incident" ? "#cf222e" : n.kind === "release" ? "#1a7f37" : "#6639ba";
      shapes.push(n.until ? { type: "rect", xref: "x", yref: "paper", x0: n.at, x1: n.until, y0: 0, y1: 1, fillcolor: color, opacity: 0.08, line: { width: 0 } }
        : { type: "line", xref: "x", yref: "paper", x0: n.at, x1: n.at, y0: 0, y1: 1, line: { color, width: 1, dash: "dot" } });
      const label = n.title.length > 40 ? n.title.slice(0, 39) + "…" : n.title;
      annotations.push({ xref: "x", yref: "paper", x: n.at, y: 1, text: "✎ " + esc(label), hovertext: esc(n.kind + ": " + n.title), showarrow: false, xanchor: "left", yanchor: "top", font: { color, size: 10 } });
    }
    const unit = panel.metrics.length === 1 ? panel.metrics[0].unit : "";
    const periods = panel.rows.map((r) => r.period).sort();
    const xaxis = { type: "date" };
    if (periods.length > 1) xaxis.range = [periods[0], periods[periods.length - 1]];
    const layout = { margin: { t: 10, r: 10, b: 40, l: 60 }, legend: { orientation: "h", y: -0.2 }, shapes, annotations, xaxis, hovermode: "closest",
      yaxis: { title: { text: unit || "" }, tickformat: unit === "share" || unit === "ratio" ? ".0%" : "" }, height: 320 };
    const chart = el("div", { class: "chart" });
    node.append(chart);
    if (!panel.rows.length) { chart.append(el("p", { class: "meta" }, "Nothing to draw.")); return; }
    Plotly.newPlot(chart, traces, layout, { displaylogo: false, responsive: true });
    if (!offline) chart.on("plotly_click", (ev) => { if (ev.points.length) location.href = drillUrl(panel, ev.points[0].data.meta, periods); });
  }

  // a series clicked: its metric's page at the panel's grain and range, sliced to the series' value and the filters
  function drillUrl(panel, meta, periods) {
    const p = new URLSearchParams();
    const m = metricOf(panel, meta.metric);
    if (m.grain) p.set("grain", m.grain);
    if (periods.length) { p.set("from", periods[0]); p.set("to", periods[periods.length - 1]); }
    if (panel.by && meta.value !== null && meta.value !== undefined) p.append("filter", panel.by + "=" + meta.value);
    for (const [dim, value] of Object.entries(dashboardFilters)) if (!(panel.not_filtered || []).includes(meta.metric)) p.append("filter", dim + "=" + value);
    return "/metrics/" + encodeURIComponent(meta.metric) + "?" + p.toString();
  }

  function cell(col, v, unit) {
    if (col === "value" || col === "compare_value" || col === "change") return fmtValue(v, unit, Number.isInteger(v));
    if (col === "change_pct") return fmtChange(v);
    if (col === "r") return v === null ? "–" : v.toFixed(2);
    if (col === "verdict" || col === "grade") return v === null ? "–" : GRADE_WORDS[v] || v;
    return v === null || v === undefined ? "–" : String(v);
  }

  function table(panel, columns) {
    const cols = columns || panel.columns.filter((c) => !["reason", "compare_complete"].includes(c));
    const wrap = el("div", { class: "table-wrap" });
    const t = el("table", { class: "metrics rows" });
    const head = el("tr");
    cols.forEach((c) => head.append(el("th", {}, c === "metric" ? "metric" : c.replace(/_/g, " "))));
    const thead = el("thead");
    thead.append(head);
    t.append(thead);
    const body = el("tbody");
    for (const r of panel.rows) {
      const tr = el("tr", r.complete === false ? { class: "partial" } : {});
      const unit = r.metric ? metricOf(panel, r.metric).unit : null;
      cols.forEach((c) => tr.append(el("td", { "data-col": c }, c === "metric" ? metricOf(panel, r.metric).name : cell(c, r[c], unit))));
      body.append(tr);
    }
    t.append(body);
    wrap.append(t);
    if (!panel.rows.length) wrap.append(el("p", { class: "meta" }, "No rows."));
    return wrap;
  }

  function tree(panel) {
    const box = el("div");
    box.append(table(panel, ["from", "to", "sign", "grade", "verdict", "lag_periods", "r", "n"]));
    for (const m of panel.misalignments || []) box.append(el("p", { class: "meta" }, "⚠ " + m.message));
    if (!offline) {
      const more = el("p", { class: "meta" });
      more.append(el("a", { href: "/tree" }, "open the interactive tree"));
      box.append(more);
    }
    return box;
  }

  // DORA's four keys: the band is the JSON's (analysis/dora_panel.py), shown in words and colour
  const TREND = { better: "▲ better", worse: "▼ worse", unchanged: "unchanged", up: "up", down: "down" };
  function dora(panel) {
    const box = el("div");
    const row = el("div", { class: "cards" });
    for (const k of panel.keys) {
      const band = k.band.startsWith("ambiguous") || k.band === "between tiers" ? "other" : k.band.replace(" ", "_");
      const card = el("div", { class: "card dora", "data-key": k.key, "data-metric": k.metric || "" });
      card.append(el("div", { class: "name" }, k.label));
      card.append(el("div", { class: "value", "data-value": k.value === null ? "" : String(k.value) }, k.value === null ? "no data" : fmtValue(k.value, k.unit, false)));
      card.append(el("div", { class: "band band-" + band, "data-band": k.band }, k.band));
      const meta = k.metric === null ? "no metric: name one under keys:" : k.metric + (k.period ? " · " + panel.grain + " of " + k.period : "") + " · n = " + (k.n === null ? "–" : k.n);
      card.append(el("div", { class: "meta" }, meta));
      if (k.previous) card.append(el("div", { class: "change trend-" + (k.trend || "none") }, (TREND[k.trend] || "–") + " vs " + k.previous.period + " (" + fmtValue(k.previous.value, k.unit, false) + ", " + k.previous.band + ")"));
      if (k.series && k.series.length > 1) {
        const trend = el("div", { class: "meta trend", title: k.series.map((s) => s.period + ": " + s.band).join("\n") });
        trend.append("bands since " + k.series[0].period + ": ", el("span", { class: "letters" }, k.series.map((s) => s.band === "no data" ? "·" : s.band[0].toUpperCase()).join(" ")));
        card.append(trend);
      }
      row.append(card);
    }
    box.append(row);
    box.append(el("p", { class: "meta" }, "Bands: " + panel.edition_title + " (" + panel.source + "). A period with no value is \"no data\", never a band."));
    return box;
  }

  // CSV of the panel's own rows (offline copy: the server is not there to write it)
  function saveCsv(data, panel) {
    const quote = (v) => { const s = v === null || v === undefined ? "" : String(v); return /[",\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s; };
    const lines = [panel.columns.join(",")].concat(panel.rows.map((r) => panel.columns.map((c) => quote(r[c])).join(",")));
    save(new Blob([lines.join("\n") + "\n"], { type: "text/csv" }), data.id + "-panel-" + panel.index + ".csv");
  }

  function save(blob, name) {
    const a = el("a", { href: URL.createObjectURL(blob), download: name });
    document.body.append(a);
    a.click();
    a.remove();
  }

  // a chart as it is drawn; KPI cards and tables are redrawn as a Plotly table first
  function savePng(data, panel, box) {
    const name = data.id + "-panel-" + panel.index;
    const chart = box.querySelector(".chart.js-plotly-plot");
    if (chart) { Plotly.downloadImage(chart, { format: "png", filename: name, width: 1000, height: 400 }); return; }
    const cols = panel.columns;
    const off = el("div", { style: "position:absolute;left:-9999px;width:1000px;height:400px" });
    document.body.append(off);
    const values = cols.map((c) => panel.rows.map((r) => (c === "metric" ? metricOf(panel, r.metric).name : cell(c, r[c], r.metric ? metricOf(panel, r.metric).unit : null))));
    Plotly.newPlot(off, [{ type: "table", header: { values: cols }, cells: { values } }], { title: { text: esc(panel.title) }, margin: { t: 40, l: 10, r: 10, b: 10 } })
      .then(() => Plotly.downloadImage(off, { format: "png", filename: name, width: 1000, height: 400 }))
      .finally(() => { Plotly.purge(off); off.remove(); });
  }

  window.addEventListener("popstate", load);
  load();
})();
