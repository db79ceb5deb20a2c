// "Is this change real?" on the overview cards: each change carries the test from GET /api/v1/cards
// (test, p_value, significant, verdict). Significant changes are bold; changes within noise are muted
// and underlined dotted, with the p-value in words; totals say their change is exact.
(function () {
  "use strict";
  const { el } = window.headway;

  function cue(span, t) {
    if (!t || !t.test) return;
    const kind = t.significant ? "sig" : t.test_status === "ok" ? "noise" : "untested";
    span.classList.add(kind);
    span.title = t.verdict || "";
    span.dataset.significant = String(t.significant);
  }

  window.headwayCardTests = function (changes, c) {
    cue(changes.querySelector(".previous"), c.previous);
    cue(changes.querySelector(".year-ago"), c.year_ago);
    const t = c.previous || {};
    if (!t.test) return;
    const words = t.test_status === "ok" ? "vs previous: " + t.verdict : "vs previous: " + (t.verdict || t.test_status);
    changes.after(el("p", { class: "test " + (t.significant ? "sig" : ""), "data-test": t.test }, words));
  };
})();
