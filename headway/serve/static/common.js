// What every page script shares: element building (text only, never HTML) and number formatting.
// fmtValue follows headway/serve/pages.py format_value, so a number reads the same on every page.
window.headway = (function () {
  "use strict";
  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }
  // Python's format, digit for digit: the exact binary value is rounded (3.355 is 3.35499…, so "3.35"
  // where toLocaleString prints "3.36"), and an exact tie goes to the even digit (2.5 -> "2", toFixed: "3")
  function fixed(x, digits) {
    const abs = Math.abs(x);
    const sign = x < 0 || Object.is(x, -0) ? "-" : "";
    if (abs >= 1e21) return sign + String(abs);
    let text = abs.toFixed(digits);
    const [whole, frac] = abs.toFixed(100).split(".");  // exact: toFixed works on the binary value
    if (/^50*$/.test(frac.slice(digits)) && Number(frac.slice(0, digits).slice(-1) || whole.slice(-1)) % 2 === 0) {
      text = digits ? whole + "." + frac.slice(0, digits) : whole;
    }
    return sign + text;
  }
  function grouped(x, digits) {
    const text = fixed(x, digits);
    const sign = text.startsWith("-") ? "-" : "";
    const [whole, frac] = text.replace("-", "").split(".");
    return sign + whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",") + (frac ? "." + frac : "");
  }
  function fmtValue(v, unit, integer) {
    if (v === null || v === undefined) return "no data";
    if (typeof v === "boolean") return String(v);
    if (unit === "ratio" || unit === "share") return fixed(v * 100, 1) + "%";
    if (unit === "%") return grouped(v, 1) + "%";
    const number = integer || Math.abs(v) >= 1000 ? grouped(v, 0) : grouped(v, 2);
    if (unit === "USD") return "$" + number;
    return unit && !["count", "accounts", "users"].includes(unit) ? number + " " + unit : number;
  }
  function fmtChange(p) {
    if (p === null || p === undefined) return "–";
    const text = fixed(p * 100, 1);
    return (text.startsWith("-") ? "" : "+") + text + "%";
  }
  // Plotly reads its labels as a small HTML dialect: user text (titles, dimension values) goes in escaped
  function esc(text) { return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;"); }
  return { el, fmtValue, fmtChange, esc };
})();
