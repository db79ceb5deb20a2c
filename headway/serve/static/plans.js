// Draws GET /api/v1/initiatives: the ranked roadmap and each launch's measured impact. Numbers are the JSON's.
(function () {
  "use strict";
  const { el } = window.headway;
  const WORDS = { goal_met: "goal met", short_of_goal: "short of goal", no_detectable_change: "no detectable change",
    wrong_way: "wrong way", too_early: "too early", no_data: "no data", mixed: "mixed" };
  const pct = (x) => (x === null || x === undefined ? "n/a" : (x >= 0 ? "+" : "") + (x * 100).toFixed(1) + "%");
  const num = (x) => (x === null || x === undefined ? "n/a" : (x >= 0 ? "+" : "") + x.toPrecision(3));

  function expected(row) {
    return row.expects.map((e) => e.metric + " " + (e.change === "relative" ? pct(e.low) + ".." + pct(e.high) : num(e.low) + ".." + num(e.high))).join("; ") || "–";
  }

  function measured(row) {
    const cell = el("td");
    if (!row.measured) { cell.textContent = row.launch ? "" : "not launched"; return cell; }
    const m = row.measured;
    cell.append(el("span", { class: "verdict " + m.verdict }, WORDS[m.verdict] || m.verdict), " ", el("span", { class: "meta" }, "since " + m.launched + " (" + m.method + ")"));
    for (const k of m.kpis) {
      for (const w of k.windows) {
        if (w.change === undefined) continue;
        const rel = k.expected.change === "relative";
        const text = k.metric + ", first " + w.window + ": " + (rel ? pct(w.change_pct) + " (" + pct(w.ci_low_pct) + ".." + pct(w.ci_high_pct) + ")" : num(w.change) + " (" + num(w.ci_low) + ".." + num(w.ci_high) + ")");
        cell.append(el("div", { class: "meta window", "data-metric": k.metric, "data-window": w.window }, text + " · " + (WORDS[w.verdict] || w.verdict)));
      }
    }
    if (m.verdict === "too_early") cell.append(el("div", { class: "meta" }, m.reading));
    return cell;
  }

  function draw(body) {
    document.getElementById("score-rule").textContent = "score = " + body.score;
    const tbody = document.querySelector("#ranked tbody");
    tbody.replaceChildren();
    for (const row of body.initiatives) {
      const tr = el("tr", { "data-initiative": row.id });
      tr.append(el("td", { class: "num" }, row.rank === null ? "–" : String(row.rank)));
      const name = el("td");
      name.append(el("strong", {}, row.name), el("div", { class: "meta" }, row.owner + (row.team ? " · " + row.team : "") + " · " + row.source));
      for (const f of row.flags) name.append(el("p", { class: "flag" }, "⚑ " + f));
      tr.append(name, el("td", {}, row.status.replace("_", " ")), el("td", {}, expected(row)),
        el("td", { class: "num" }, row.confidence.toFixed(2)), el("td", { class: "num" }, row.effort + " pw"),
        el("td", { class: "num score" }, row.score === null ? "–" : row.score.toFixed(3)), measured(row));
      tbody.append(tr);
    }
    document.getElementById("status").textContent = body.initiatives.length + " initiative(s)";
  }

  function fail(e) {
    const box = document.getElementById("error");
    box.hidden = false;
    box.textContent = String(e.message || e);
    document.getElementById("status").textContent = "";
  }

  async function call(url, init) {
    const r = await fetch(url, init);
    const body = await r.json();
    if (!r.ok) throw new Error(body.error + (body.hint ? " " + body.hint : ""));
    return body;
  }

  function load() { return call("/api/v1/initiatives").then(draw).catch(fail); }

  document.getElementById("new-initiative").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const f = new FormData(ev.target);
    const body = { id: f.get("id"), name: f.get("name"), owner: f.get("owner"), status: f.get("status"),
      confidence: Number(f.get("confidence")), effort: Number(f.get("effort")), via: "ui", expects: [] };
    if (f.get("metric")) body.expects.push({ metric: f.get("metric"), low: Number(f.get("low")), high: Number(f.get("high")), change: f.get("change") });
    if (f.get("launched")) body.launched = f.get("launched");
    call("/api/v1/initiatives", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) })
      .then(() => { document.getElementById("error").hidden = true; ev.target.reset(); return load(); })
      .catch(fail);
  });
  load();
})();
