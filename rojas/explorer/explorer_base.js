/* rojas explorer: shows the labels Python computed; it never runs a sweep.
   The DOM is built with createElementNS/textContent/setAttribute only: ids are user text.
   Part 1 of 7 (page.py runs the parts in order, inside one function): the data, the page's elements, the
   shared state, the number formatter and the element builders.  It creates `app`, the one namespace the
   parts share: each later part reads what it needs from it and adds what it offers; a call into a later
   part goes through `app` (app.select), so it finds the function once every part has run. */
var app = (function () {
  "use strict";
  var D = JSON.parse(document.getElementById("rojas-data").textContent);
  var svg = document.getElementById("graph"), NS = svg.namespaceURI;
  var vp = document.getElementById("viewport"), gEdges = document.getElementById("edges");
  var gNodes = document.getElementById("nodes"), gOver = document.getElementById("overlay");
  var gBadges = document.getElementById("badges");
  var panel = document.querySelector("[data-panel=details]");
  var readout = document.querySelector("[data-step]"), caption = document.getElementById("caption");
  var phaseEl = document.getElementById("phase"), playBtn = document.querySelector("[data-action=play]");
  var R = 40, BW = 96, BH = 60, K = D.steps.length - 1, OBJ = D.obj, LAB = D.labeled;
  // The paths' colours and the digits are the static figures' (rojas.drawing.style, rojas.utils.formatting).
  var PAL = D.palette;
  var nodeEls = [], edgeEls = [], labels = [], state = {k: K, timer: null, sel: null, x: 0, y: 0, s: 1};
  var SUP = {"-": "\u207b", "0": "\u2070", "1": "\u00b9", "2": "\u00b2", "3": "\u00b3", "4": "\u2074",
             "5": "\u2075", "6": "\u2076", "7": "\u2077", "8": "\u2078", "9": "\u2079"};

  // rojas.utils.formatting.fmt's rule: p significant digits (Python's g rule: plain from 1e-4 to 10^p, else
  // ×10ⁿ), a rounded number keeps its trailing zeros, an exact one (or one off by float noise) stays short,
  // a true minus sign.
  function fmt(v, p) {
    p = p || D.digits.details;
    if (v === null || v === undefined) return "";
    if (isNaN(v)) return "nan";
    if (!isFinite(v)) return v > 0 ? "inf" : "\u2212inf";
    if (v === 0) return "0";
    var e = Number(v.toExponential(p - 1).split("e")[1]);
    var s = (e < -4 || e >= p) ? v.toExponential(p - 1) : v.toFixed(Math.min(100, p - 1 - e));
    var m = s.split("e"), mant = m[0];
    // exact, or off only beyond the 13th digit (float noise: 0.1 + 0.2), as fmt's _NOISE_DIGITS
    var exact = Number(s) === v || (p < 13 && Number(s).toPrecision(13) === v.toPrecision(13));
    if (exact && mant.indexOf(".") >= 0) mant = mant.replace(/0+$/, "");
    mant = mant.replace(/\.$/, "");
    if (m.length > 1) mant += "\u00d710" + String(Number(m[1])).split("").map(function (c) { return SUP[c]; }).join("");
    return mant.replace(/-/g, "\u2212");
  }
  function ink(col) {  // black on a light path colour, white on a dark one
    var c = [1, 3, 5].map(function (k) { var x = parseInt(col.substr(k, 2), 16) / 255;
      return x <= 0.04045 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2] > 0.25 ? "#000" : "#fff";
  }
  function short(v) { return fmt(v, D.digits.figure); }
  window.rojasFormat = fmt;  // for the tests: the page's numbers read as Python writes them
  function mk(tag, attrs, text, parent) {
    var e = document.createElementNS(NS, tag);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (text !== undefined && text !== null) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }
  function h(tag, attrs, kids) {  // an HTML element; kids: strings or elements
    var e = document.createElement(tag);
    for (var k in attrs || {}) e.setAttribute(k, attrs[k]);
    (kids || []).forEach(function (c) { e.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return e;
  }
  function nid(i) { return D.nodes[i].id; }
  function clip(text, n) { return text.length > n ? text.slice(0, n - 1) + "\u2026" : text; }
  function elabel(e) { return D.edges[e].label; }

  return {D: D, svg: svg, NS: NS, vp: vp, gEdges: gEdges, gNodes: gNodes, gOver: gOver, gBadges: gBadges,
          panel: panel, readout: readout, caption: caption, phaseEl: phaseEl, playBtn: playBtn,
          R: R, BW: BW, BH: BH, K: K, OBJ: OBJ, LAB: LAB, PAL: PAL,
          nodeEls: nodeEls, edgeEls: edgeEls, labels: labels, state: state,
          fmt: fmt, ink: ink, short: short, mk: mk, h: h, nid: nid, clip: clip, elabel: elabel};
})();
