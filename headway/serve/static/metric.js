// Draws GET /api/v1/metrics/{id}/view: chart (Plotly), rows, definition, links. State lives in the URL.
// Numbers are the JSON's, formatted only; nothing is computed here.
(function () {
  "use strict";
  const id = document.body.dataset.metric;
  let data = null;

  const { el, fmtValue, fmtChange, esc } = window.headway;

  function params() { return new URLSearchParams(window.location.search); }
  function go(p) {
    history.pushState(null, "", "?" + p.toString());
    load();
  }

  async function load() {
    const url = "/api/v1/metrics/" + encodeURIComponent(id) + "/view" + window.location.search;
    document.getElementById("json-link").href = url;
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
    data = body;
    render();
  }

  function render() {
    const d = data.definition, v = data.view;
    const banner = document.getElementById("banner");
    banner.hidden = !(d.status === "deprecated" || d.status === "retired");
    banner.replaceChildren();
    if (!banner.hidden) {
      banner.append("This metric is " + d.status + ".");
      if (data.replaced_by) {
        banner.append(" Use ");
        banner.append(el("a", { href: "/metrics/" + encodeURIComponent(data.replaced_by) }, data.replaced_by));
        banner.append(" instead.");
      }
    }
    document.getElementById("lede").textContent = d.description || d.computed_as;
    controls(v);
    chips(v);
    const complete = v.rows.filter((r) => r.complete !== false).length;
    document.getElementById("status").textContent = v.rows.length + " rows at " + v.grain + " grain" +
      (v.data_through ? ", data through " + v.data_through : "") + (complete < v.rows.length ? " (periods not over are in italics)" : "") + ".";
    document.getElementById("hint").textContent = v.by ? "Click a line to keep only that " + v.by + "." : "";
    chart(v, d);
    notes(v);
    table(v, d);
    definition(d);
    links();
    document.getElementById("sql").textContent = v.sql;
  }

  function controls(v) {
    document.getElementById("grain").value = v.grain;
    const by = document.getElementById("by");
    const filtered = new Set(v.filters.map((f) => f.dimension));
    by.replaceChildren(el("option", { value: "" }, "(nothing)"));
    for (const dim of v.dimensions) if (!filtered.has(dim)) by.append(el("option", { value: dim }, dim));
    by.value = v.by || "";
    document.getElementById("from").value = v.from || "";
    document.getElementById("to").value = v.to || "";
    document.getElementById("compare").value = v.compare;
  }

  function chips(v) {
    const box = document.getElementById("filters");
    box.replaceChildren();
    for (const f of v.filters) {
      const chip = el("span", { class: "chip", "data-filter": f.dimension }, f.dimension + " = " + f.value);
      const remove = el("button", { type: "button", "aria-label": "remove filter " + f.dimension }, "×");
      remove.addEventListener("click", () => {
        const p = params();
        const keep = p.getAll("filter").filter((x) => x !== f.dimension + "=" + f.value);
        p.delete("filter");
        for (const x of keep) p.append("filter", x);
        go(p);
      });
      chip.append(remove);
      box.append(chip);
    }
  }

  function chart(v, d) {
    const node = document.getElementById("chart");
    if (typeof Plotly === "undefined") { node.textContent = "(chart script missing)"; return; }
    const traces = [];
    const marker = (rows) => ({ symbol: rows.map((r) => (r.complete === false ? "circle-open" : "circle")), size: 7 });
    if (v.by) {
      const groups = new Map();
      for (const r of v.rows) {
        const key = r[v.by] === null ? "(none)" : String(r[v.by]);
        if (!groups.has(key)) groups.set(key, []);
        groups.get(key).push(r);
      }
      for (const [name, rows] of groups) {
        traces.push({ x: rows.map((r) => r.period), y: rows.map((r) => r.value), name: esc(name), meta: name, mode: "lines+markers", marker: marker(rows) });
      }
    } else {
      traces.push({ x: v.rows.map((r) => r.period), y: v.rows.map((r) => r.value), name: esc(d.name || id), mode: "lines+markers", marker: marker(v.rows) });
      traces.push({ x: v.rows.map((r) => r.period), y: v.rows.map((r) => r.compare_value), name: v.compare === "year_ago" ? "a year before" : "previous period",
        mode: "lines", line: { dash: "dot", color: "#8c959f" } });
    }
    const shapes = [], annotations = [];
    if (d.target && !v.by) {
      shapes.push({ type: "line", xref: "paper", x0: 0, x1: 1, y0: d.target.value, y1: d.target.value, line: { color: "#cf222e", dash: "dash", width: 1.5 } });
      annotations.push({ xref: "paper", x: 1, y: d.target.value, text: "target " + fmtValue(d.target.value, d.unit, false), showarrow: false, xanchor: "right", yanchor: "bottom", font: { color: "#cf222e", size: 11 } });
    }
    for (const n of visibleNotes(v)) {
      const color = n.kind === "incident" ? "#cf222e" : "#6639ba";
      if (n.until) {
        shapes.push({ type: "rect", xref: "x", yref: "paper", x0: n.at, x1: n.until, y0: 0, y1: 1, fillcolor: color, opacity: 0.08, line: { width: 0 }, name: "note-" + n.id });
      } else {
        shapes.push({ type: "line", xref: "x", yref: "paper", x0: n.at, x1: n.at, y0: 0, y1: 1, line: { color, width: 1, dash: "dot" }, name: "note-" + n.id });
      }
      const label = n.title.length > 40 ? n.title.slice(0, 39) + "…" : n.title;
      annotations.push({ xref: "x", yref: "paper", x: n.at, y: 1, text: "✎ " + esc(label), hovertext: esc(n.kind + ": " + n.title + (n.author ? " — " + n.author : "")),
        showarrow: false, xanchor: "left", yanchor: "top", textangle: 0, font: { color, size: 10 }, name: "note-" + n.id });
    }
    if (window.headwayAlertMarkers) window.headwayAlertMarkers.add(v, shapes, annotations);  // alert-markers.js
    const layout = { margin: { t: 10, r: 10, b: 40, l: 60 }, legend: { orientation: "h", y: -0.15 }, shapes, annotations,
      xaxis: { type: "date", ...xRange(v) }, yaxis: { title: { text: d.unit || "" }, tickformat: d.unit === "share" || d.unit === "ratio" ? ".0%" : "" }, hovermode: "closest" };
    Plotly.react(node, traces, layout, { displaylogo: false, responsive: true });
    node.removeAllListeners && node.removeAllListeners("plotly_click");
    node.on("plotly_click", (ev) => {
      if (!v.by || !ev.points.length) return;
      drill(v.by, ev.points[0].data.meta);
    });
  }

  // the rows' own span: otherwise a note's label stretches the axis (Plotly autoranges on annotations)
  function xRange(v) {
    const periods = v.rows.map((r) => r.period).filter(Boolean).sort();
    if (periods.length < 2) return {};
    return { range: [periods[0], periods[periods.length - 1]], autorange: false };
  }

  function visibleNotes(v) {
    const periods = v.rows.map((r) => r.period).filter(Boolean).sort();
    if (!periods.length) return [];
    const first = periods[0], last = periods[periods.length - 1];
    return data.annotations.filter((n) => (n.until || n.at) >= first && n.at <= last);
  }

  function notes(v) {
    const list = document.getElementById("notes");
    list.replaceChildren();
    for (const n of data.annotations) {
      const li = el("li", { "data-note": String(n.id) });
      li.append(el("span", { class: "kind" }, n.kind.replace("_", " ")), n.at + (n.until ? " to " + n.until : "") + ": ");
      if (n.link) li.append(el("a", { href: n.link, rel: "noopener noreferrer" }, n.title)); else li.append(n.title);
      if (n.author) li.append(el("span", { class: "meta" }, " — " + n.author));
      list.append(li);
    }
    if (!data.annotations.length) list.append(el("li", { class: "meta" }, "No notes yet."));
    const at = document.querySelector("#note-form [name=at]");
    if (!at.value && v.rows.length && v.rows[v.rows.length - 1].period) at.value = v.rows[v.rows.length - 1].period;
  }

  document.getElementById("note-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const form = ev.target;
    const body = { metrics: [id], via: "ui" };
    for (const [k, val] of new FormData(form)) if (String(val).trim()) body[k] = String(val).trim();
    const resp = await fetch("/api/v1/annotations", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const error = document.getElementById("note-error");
    if (!resp.ok) {
      const problem = await resp.json();
      error.textContent = problem.error + (problem.hint ? " " + problem.hint : "");
      error.hidden = false;
      return;
    }
    error.hidden = true;
    form.reset();
    await load();
  });

  function drill(dimension, value) {
    const p = params();
    p.delete("by");
    p.append("filter", dimension + "=" + value);
    go(p);
  }

  function table(v, d) {
    const integer = v.integer_values;  // JSON drops the difference between 3 and 3.0; the API keeps it here
    const head = document.getElementById("head");
    const cols = ["period", ...(v.by ? [v.by] : []), "value", v.compare === "year_ago" ? "a year before" : "previous", "change", "n"];
    head.replaceChildren(el("tr", {}));
    for (const c of cols) head.firstChild.append(el("th", { class: ["value", "previous", "a year before", "change", "n"].includes(c) ? "num" : "" }, c));
    const body = document.getElementById("rows");
    body.replaceChildren();
    for (const r of v.rows) {
      const tr = el("tr", { "data-period": r.period || "", class: r.complete === false ? "partial" : "" });
      if (v.by) tr.dataset.dim = r[v.by] === null ? "" : String(r[v.by]);
      tr.append(el("td", { class: "period" }, (r.period || "all time") + (r.complete === false ? " *" : "")));
      if (v.by) {
        const cell = el("td", { class: "dim" });
        const a = el("a", { href: "#" }, r[v.by] === null ? "(none)" : String(r[v.by]));
        a.addEventListener("click", (ev) => { ev.preventDefault(); drill(v.by, String(r[v.by])); });
        cell.append(a);
        tr.append(cell);
      }
      tr.append(el("td", { class: "num value" }, fmtValue(r.value, d.unit, integer)),
        el("td", { class: "num compare" }, fmtValue(r.compare_value, d.unit, integer)),
        el("td", { class: "num change" }, fmtChange(r.change_pct)),
        el("td", { class: "num n" }, r.n === null || r.n === undefined ? "–" : String(r.n)));
      body.append(tr);
    }
  }

  function definition(d) {
    const dl = document.getElementById("definition");
    dl.replaceChildren();
    const add = (k, val) => { if (val !== undefined && val !== null && val !== "" && !(Array.isArray(val) && !val.length)) dl.append(el("dt", {}, k), el("dd", { "data-field": k }, val)); };
    add("id", d.id);
    add("kind", d.kind + (data.north_star ? " (north star)" : ""));
    add("computed as", d.computed_as);
    add("defined at", d.defined_at);
    add("unit", d.unit);
    add("direction", d.direction);
    add("owner", d.owner);
    add("steward", d.steward);
    add("teams", (d.teams || []).join(", "));
    add("status", d.status);
    if (d.target) add("target", fmtValue(d.target.value, d.unit, false) + (d.target.by ? " by " + d.target.by : "") + (d.target.tolerance !== undefined ? " (tolerance " + d.target.tolerance + ")" : ""));
    if (d.lineage) add("lineage", [(d.lineage.systems || []).join(" → "), d.lineage.fallback ? "fallback: " + d.lineage.fallback : "", d.lineage.notes || ""].filter(Boolean).join("; "));
    add("dimensions", (d.available_dimensions || []).join(", "));
    add("tags", (d.tags || []).join(", "));
  }

  function links() {
    const list = document.getElementById("links");
    list.replaceChildren();
    const words = { supports: "supports", no_evidence: "no evidence", contradicts: "contradicts" };
    const item = (e, other, arrow) => {
      const ev = e.evidence;
      const li = el("li", { "data-edge": e.id });
      li.append(arrow, el("a", { href: "/metrics/" + encodeURIComponent(other) }, other), " ");
      const grade = ev.grade === "association" ? "association · " + words[ev.verdict] : ev.grade;
      li.append(el("a", { href: "/tree?edge=" + encodeURIComponent(e.id), class: "g " + (ev.grade === "association" ? ev.verdict : ev.grade) }, grade));
      li.append(el("div", { class: "meta" }, ev.summary));
      return li;
    };
    for (const e of data.drivers) list.append(item(e, e.from, "driven by "));
    for (const e of data.driven) list.append(item(e, e.to, "drives "));
    if (!data.drivers.length && !data.driven.length) list.append(el("li", {}, "no declared links"));
    const counters = document.getElementById("counters");
    counters.replaceChildren();
    for (const c of data.counter_metrics) {
      const li = el("li", {}, "guarded by ");
      li.append(el("a", { href: "/metrics/" + encodeURIComponent(c.id) }, c.name));
      counters.append(li);
    }
    for (const c of data.guards) {
      const li = el("li", {}, "guards ");
      li.append(el("a", { href: "/metrics/" + encodeURIComponent(c.id) }, c.name));
      counters.append(li);
    }
    if (!counters.children.length) counters.append(el("li", {}, "none"));
  }

  document.getElementById("controls").addEventListener("change", (ev) => {
    const p = params();
    const name = ev.target.name, value = ev.target.value;
    if (value) p.set(name, value); else p.delete(name);
    go(p);
  });
  window.addEventListener("popstate", load);
  load();
})();
