// Alert markers on a metric's chart, from GET /api/v1/metrics/{id}/alerts: a red line where a rule
// fired, amber where it was acknowledged, green where it resolved. metric.js calls add() on every draw.
(function () {
  "use strict";
  const { esc } = window.headway;
  const id = document.body.dataset.metric;
  const COLORS = { fired: "#cf222e", acknowledged: "#bf8700", resolved: "#1a7f37" };
  const SIGNS = { fired: "⚠ fired", acknowledged: "✋ acknowledged", resolved: "✓ resolved" };
  let markers = null;

  // from the first period drawn to the last day of data (a marker inside the last month is on the chart)
  function inRange(v, m) {
    const periods = v.rows.map((r) => r.period).filter(Boolean).sort();
    if (!periods.length) return false;
    const last = v.data_through && v.data_through > periods[periods.length - 1] ? v.data_through : periods[periods.length - 1];
    return m.period >= periods[0] && m.period <= last;
  }

  let seen = null;  // the view last drawn, for markers that arrive after the chart

  function add(v, shapes, annotations) {
    seen = v;
    for (const m of markers || []) {
      if (!inRange(v, m)) continue;
      const color = COLORS[m.kind];
      shapes.push({ type: "line", xref: "x", yref: "paper", x0: m.period, x1: m.period, y0: 0, y1: 1, line: { color, width: 1.5 }, name: "alert-" + m.kind + "-" + m.incident });
      annotations.push({ xref: "x", yref: "paper", x: m.period, y: 0, text: SIGNS[m.kind], hovertext: esc(m.rule + ": " + m.kind + " " + m.period + (m.by ? " by " + m.by : "")),
        showarrow: false, xanchor: "left", yanchor: "bottom", font: { color, size: 10 }, name: "alert-" + m.kind + "-" + m.incident });
    }
  }

  async function load() {
    const resp = await fetch("/api/v1/metrics/" + encodeURIComponent(id) + "/alerts");
    if (!resp.ok) return;
    markers = (await resp.json()).markers;
    const node = document.getElementById("chart");
    if (!markers.length || !seen || !node || !node.layout || typeof Plotly === "undefined") return;  // not drawn yet: add() runs on the draw
    const shapes = [...(node.layout.shapes || [])], annotations = [...(node.layout.annotations || [])];
    add(seen, shapes, annotations);
    Plotly.relayout(node, { shapes, annotations });
  }

  window.headwayAlertMarkers = { add };
  load();
})();
