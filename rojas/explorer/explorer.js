/* rojas explorer: shows the labels Python computed; it never runs a sweep.
   The DOM is built with createElementNS/textContent/setAttribute only: ids are user text. */
(function () {
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

  // ---------------------------------------------------------------- drawing
  function halfPath(x, y, left) {
    return "M" + x + "," + (y - R) + " A" + R + "," + R + " 0 0 " + (left ? 0 : 1) + " " + x + "," + (y + R) + " Z";
  }
  function drawNode(n, i) {
    var x = n.x, y = n.y, g = mk("g", {"class": "node " + n.kind, tabindex: "0", role: "button"}, null, gNodes);
    if (n.kind === "input" || n.kind === "unit") g.setAttribute("data-node", n.id);
    else g.setAttribute("data-objective", n.kind === "sum" ? "E" : "error:" + nid(n.of));
    g.setAttribute("aria-label", (n.kind === "input" ? "input " : n.kind === "unit" ? "unit " : "") + n.id);
    mk("title", {}, n.id, g);  // the whole id as a tooltip (the drawing clips a long one)
    if (n.kind === "input") {
      mk("rect", {"class": "halo", x: x - BW / 2 - 7, y: y - BH / 2 - 7, width: BW + 14, height: BH + 14, rx: 12}, null, g);
      mk("rect", {"class": "box", x: x - BW / 2, y: y - BH / 2, width: BW, height: BH, rx: 8}, null, g);
      mk("text", {"class": "id", x: x, y: y - 10}, clip(n.id, 11), g);
      if (LAB) {
        mk("text", {"class": "val fv", x: x, y: y + 10}, short(n.o), g);
        mk("text", {"class": "dtag bv bonly", x: x, y: y + BH / 2 + 13}, "\u2202" + OBJ + "/\u2202" + clip(n.id, 11) + " = " + short(n.delta), g);
      }
    } else {
      mk("circle", {"class": "halo", cx: x, cy: y, r: R + 9}, null, g);
      mk("path", {"class": "half l", d: halfPath(x, y, true)}, null, g);
      mk("path", {"class": "half r", d: halfPath(x, y, false)}, null, g);
      mk("line", {"class": "divider", x1: x, y1: y - R, x2: x, y2: y + R}, null, g);
      mk("circle", {"class": "outline", cx: x, cy: y, r: R}, null, g);
      if (n.output) mk("circle", {"class": "ring", cx: x, cy: y, r: R + 4}, null, g);
      var hy = y - R * 0.42, vy = y + R * 0.2, lx = x - R / 2, rx = x + R / 2;
      var heads = n.kind === "unit" ? ["f\u2032", n.sym] : n.kind === "error" ? [n.head, n.sym] : ["f\u2032", "+"];
      mk("text", {"class": "head", x: lx, y: hy}, heads[0], g);
      mk("text", {"class": "head fonly", x: rx, y: hy}, heads[1], g);
      mk("text", {"class": "head bonly", x: rx, y: hy}, "\u03a3", g);
      if (LAB) {
        fitText(mk("text", {"class": "val fv", x: lx, y: vy}, short(n.fp), g), short(n.fp));
        fitText(mk("text", {"class": "val fv fonly", x: rx, y: vy}, short(n.o), g), short(n.o));
        fitText(mk("text", {"class": "val bv bonly", x: rx, y: vy}, short(n.sigma), g), short(n.sigma));
      }
      var top = n.kind === "error" ? "t = " + short(n.target) : clip(n.id, 18);
      mk("text", {"class": n.kind === "error" ? "tag" : "id", x: x, y: y - R - (n.output ? 16 : 12)}, top, g);
      var below = y + R + (n.output ? 17 : 13);
      if (n.kind === "unit" && n.hasBias) mk("text", {"class": "tag fonly", x: x, y: below}, "b = " + short(n.bias), g);
      if (LAB) mk("text", {"class": "dtag bv bonly", x: x, y: below}, "\u03b4 = " + short(n.delta), g);
    }
    if (i === D.seed) {
      var s = mk("g", {"class": "seed"}, null, g), sx = x + R + 8;
      mk("path", {d: "M" + (sx + 46) + "," + y + " L" + sx + "," + y, "marker-end": "url(#ah-red)"}, null, s);
      mk("text", {x: sx + 56, y: y + 5}, "1", s);
      g.seed = s;
    }
    bindSelect(g, function () { select({node: i}); });
    return g;
  }
  function drawEdge(e, j) {
    var g = mk("g", {"class": "edge" + (e.obj ? " obj" : ""), "data-edge": nid(e.u) + "->" + nid(e.v)}, null, gEdges);
    mk("path", {"class": "hit", d: e.d}, null, g);
    mk("path", {"class": "line", d: e.d}, null, g);
    if (!e.obj) {
      g.setAttribute("tabindex", "0");
      g.setAttribute("role", "button");
      g.setAttribute("aria-label", "edge " + nid(e.u) + " to " + nid(e.v) + " (" + e.label + ")");
      var wtext = (e.name ? clip(e.name, 12) + " = " : "") + (e.param && e.param !== e.name ? clip(e.param, 12) + " = " : "") +
                  short(e.w);
      label(g, "wl fonly", e, wtext);
      if (LAB) label(g, "gl bonly", e, "\u2202" + OBJ + "/\u2202" + clip(e.short, 12) + " = " + short(e.gk));
      bindSelect(g, function () { select({edge: j}); });
    }
    return g;
  }
  function label(g, cls, e, text) {  // a label on a white ground sized after layout (see backgrounds)
    var lab = mk("g", {"class": "lab " + cls}, null, g);
    lab.bg = mk("rect", {"class": "lbg"}, null, lab);
    lab.t = mk("text", {x: e.lx, y: e.ly}, text, lab);
    labels.push(lab);
  }
  function backgrounds() {  // measure every label once, then size its ground (two passes: one layout)
    svg.classList.add("measuring");
    var boxes = labels.map(function (l) { return l.t.getBBox(); });
    labels.forEach(function (l, i) {
      var b = boxes[i];
      l.bg.setAttribute("x", b.x - 2); l.bg.setAttribute("y", b.y);
      l.bg.setAttribute("width", b.width + 4); l.bg.setAttribute("height", b.height);
    });
    svg.classList.remove("measuring");
  }
  function fitText(t, text) {  // a long number gets a smaller font, and is squeezed to stay inside its half:
    if (text.length > 6) t.style.fontSize = (text.length > 7 ? 8.2 : 9.2) + "px";  // never across the divider
    var room = R - 8, w = t.getComputedTextLength ? t.getComputedTextLength() : 0;
    if (w > room) { t.setAttribute("textLength", room); t.setAttribute("lengthAdjust", "spacingAndGlyphs"); }
    return t;
  }
  function bindSelect(g, fn) {
    g.addEventListener("click", function (ev) { if (!state.moved) fn(); ev.stopPropagation(); });
    g.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter" || ev.key === " ") { fn(); ev.preventDefault(); ev.stopPropagation(); }
    });
  }

  // ---------------------------------------------------------------- steps
  function flag(el, name, on) {  // touch the DOM only where a class changes: a step restyles few elements
    var has = el.flags || (el.flags = {});
    if (!!has[name] !== on) { el.classList.toggle(name, on); has[name] = on; }
  }
  function show(k) {
    state.k = k = Math.max(0, Math.min(K, k));
    var st = D.steps[k], bwd = st.phase === "backward";
    flag(svg, "bwd", bwd);
    D.nodes.forEach(function (n, i) {
      var g = nodeEls[i];
      flag(g, "f", n.f !== undefined && k >= n.f);
      flag(g, "b", n.b !== undefined && k >= n.b);
      flag(g, "cur", st.focus === i);
      if (g.seed) flag(g.seed, "on", bwd);
    });
    var cur = {};
    st.edges.forEach(function (e) { cur[e] = true; });
    D.edges.forEach(function (e, j) {
      var g = edgeEls[j];
      flag(g, "r", e.r >= 0 && k >= e.r);
      flag(g, "g", e.g >= 0 && k >= e.g);
      flag(g, "cur", !!cur[j]);
    });
    readout.textContent = k + " / " + K;
    caption.textContent = st.text;
    caption.className = k === 0 ? "" : bwd ? "bwd" : "fwd";
    phaseEl.textContent = k === 0 ? "reset" : bwd ? "backward sweep" : "forward sweep";
    phaseEl.className = "phase " + (k === 0 ? "" : bwd ? "bwd" : "fwd");
    if (st.focus >= 0) reveal(D.nodes[st.focus]);
  }
  function play(on) {
    if (on === undefined) on = !state.timer;
    if (state.timer) { clearInterval(state.timer); state.timer = null; }
    if (on) {
      if (state.k >= K) show(0);
      state.timer = setInterval(function () { if (state.k >= K) play(false); else show(state.k + 1); }, 1100);
    }
    playBtn.textContent = state.timer ? "\u275a\u275a pause" : "\u25b6 play";
    playBtn.setAttribute("aria-label", state.timer ? "pause" : "play");
  }
  function act(a) {
    if (a === "next") { play(false); show(state.k + 1); }
    else if (a === "prev") { play(false); show(state.k - 1); }
    else if (a === "reset") { play(false); show(0); }
    else if (a === "end") { play(false); show(K); }
    else if (a === "play") play();
    else if (a === "fit") fit();
    else if (a === "zoom-in") zoomAt(1.3);
    else if (a === "zoom-out") zoomAt(1 / 1.3);
  }
  document.querySelectorAll("[data-action]").forEach(function (b) {
    b.addEventListener("click", function () { act(b.getAttribute("data-action")); });
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.altKey || ev.ctrlKey || ev.metaKey) return;
    var keys = {ArrowRight: "next", ArrowLeft: "prev", Home: "reset", End: "end", p: "play", f: "fit",
                "+": "zoom-in", "=": "zoom-in", "-": "zoom-out"};
    if (ev.key === "Escape") { select(null); return; }
    if (keys[ev.key]) { act(keys[ev.key]); ev.preventDefault(); }
  });

  // ---------------------------------------------------------------- zoom and pan
  function apply() {
    vp.setAttribute("transform", "translate(" + state.x + "," + state.y + ") scale(" + state.s + ")");
    flag(svg, "lod1", state.s * 11 < 6.5);
    flag(svg, "lod2", state.s * 11.5 < 5.5);
    flag(svg, "lod3", state.s * 13 < 4);
  }
  function size(fresh) {  // measured on fit and resize only: measuring forces a layout
    if (fresh || !state.wh) { var r = svg.getBoundingClientRect(); state.wh = [r.width || 800, r.height || 500]; }
    return state.wh;
  }
  function fit() {
    // the drawing's extent, measured once fully labeled (what is shown changes with the step and the zoom)
    var bb = state.box || (state.box = vp.getBBox()), wh = size(true), pad = 24, ex = [bb.x - pad, bb.y - pad, bb.x + bb.width + pad, bb.y + bb.height + pad];
    var w = ex[2] - ex[0], hh = ex[3] - ex[1];
    state.s = Math.min(wh[0] / w, wh[1] / hh, 1.6);
    state.x = (wh[0] - w * state.s) / 2 - ex[0] * state.s;
    state.y = (wh[1] - hh * state.s) / 2 - ex[1] * state.s;
    apply();
  }
  function zoomAt(f, cx, cy) {
    var wh = size();
    if (cx === undefined) { cx = wh[0] / 2; cy = wh[1] / 2; }
    var s = Math.max(0.02, Math.min(8, state.s * f));
    state.x = cx - (cx - state.x) * s / state.s;
    state.y = cy - (cy - state.y) * s / state.s;
    state.s = s;
    apply();
  }
  function reveal(n) {  // pan so that a node is on screen (stepping through a big network)
    var wh = size(), px = state.x + n.x * state.s, py = state.y + n.y * state.s;
    if (px < 40 || py < 40 || px > wh[0] - 40 || py > wh[1] - 40) {
      state.x += wh[0] / 2 - px; state.y += wh[1] / 2 - py; apply();
    }
  }
  svg.addEventListener("wheel", function (ev) {
    ev.preventDefault();
    var r = svg.getBoundingClientRect();
    zoomAt(Math.exp(-ev.deltaY * (ev.ctrlKey ? 0.01 : 0.0015)), ev.clientX - r.left, ev.clientY - r.top);
  }, {passive: false});
  var pointers = {}, pinch = null;
  svg.addEventListener("pointerdown", function (ev) {
    pointers[ev.pointerId] = [ev.clientX, ev.clientY];
    state.moved = false;
    state.drag = [ev.clientX, ev.clientY, state.x, state.y];
    var ids = Object.keys(pointers);
    if (ids.length === 2) {
      var a = pointers[ids[0]], b = pointers[ids[1]];
      pinch = [Math.hypot(a[0] - b[0], a[1] - b[1]), state.s];
    }
  });
  svg.addEventListener("pointermove", function (ev) {
    if (!(ev.pointerId in pointers)) return;
    pointers[ev.pointerId] = [ev.clientX, ev.clientY];
    var ids = Object.keys(pointers), r = svg.getBoundingClientRect();
    if (ids.length === 2 && pinch) {
      var a = pointers[ids[0]], b = pointers[ids[1]], d = Math.hypot(a[0] - b[0], a[1] - b[1]);
      zoomAt(pinch[1] * d / pinch[0] / state.s, (a[0] + b[0]) / 2 - r.left, (a[1] + b[1]) / 2 - r.top);
      state.moved = true;
      return;
    }
    var dx = ev.clientX - state.drag[0], dy = ev.clientY - state.drag[1];
    if (!state.moved && Math.hypot(dx, dy) < 4) return;
    if (!state.moved) { svg.setPointerCapture(ev.pointerId); svg.classList.add("dragging"); }
    state.moved = true;
    state.x = state.drag[2] + dx; state.y = state.drag[3] + dy;
    apply();
  });
  function up(ev) {
    delete pointers[ev.pointerId];
    pinch = null;
    svg.classList.remove("dragging");
    setTimeout(function () { state.moved = false; }, 0);
  }
  svg.addEventListener("pointerup", up);
  svg.addEventListener("pointercancel", up);
  svg.addEventListener("click", function () { if (!state.moved) select(null); });

  // ---------------------------------------------------------------- paths (display of Rojas's theorem)
  var outEdges = D.nodes.map(function () { return []; }), objEdge = {};
  D.edges.forEach(function (e, j) {
    if (e.obj) { if (!e.joint && !(e.u in objEdge)) objEdge[e.u] = j; } else outEdges[e.u].push(j);
  });
  var isEnd = {};
  D.ends.forEach(function (i) { isEnd[i] = true; });
  function at(arr, s) { return arr.length > 1 ? arr[s] : arr[0]; }
  function factorsOf(path) {  // the factors the labels give a path of edges, as rojas.path_sum names them
    var f = [], e0 = D.edges[path[0]], n;
    f.push(["o_" + nid(e0.u), D.nodes[e0.u].oS]);
    path.forEach(function (j, k) {
      var e = D.edges[j], v = D.nodes[e.v];
      if (k > 0) f.push([e.label, [e.w]]);
      if (v.product) f.push(["\u2202s_" + v.id + "/\u2202(w\u00b7o_" + nid(e.u) + ")", e.partialS]);
      f.push(["f\u2032(s_" + v.id + ")", v.fpS]);
    });
    n = D.nodes[D.edges[path[path.length - 1]].v];
    if (n.err !== undefined) {  // the objective's seed: ∂E/∂o, or ∂E/∂s in place of the last f′ where fused
      if (D.nodes[n.err].fused) f.pop();
      f.push([D.nodes[n.err].factor, D.nodes[n.err].errS]);
    }
    return f;
  }
  function product(f) {  // per sample, left to right as Python multiplies them, then summed over the batch
    var B = D.batch || 1, total = 0;
    for (var s = 0; s < B; s++) {
      var p = 1.0;
      f.forEach(function (x) { p = p * at(x[1], s); });
      total += p;
    }
    return total;
  }
  function listPaths(starts) {  // every path of edges from each start edge to an end, depth first
    var found = [];
    starts.forEach(function (j0) {
      var stack = [[j0]];
      while (stack.length) {
        var path = stack.pop(), v = D.edges[path[path.length - 1]].v;
        if (isEnd[v]) found.push(path);
        var outs = outEdges[v];  // only towards the objective: the walk never enters a dead end
        for (var k = outs.length - 1; k >= 0; k--) {
          if (D.nodes[D.edges[outs[k]].v].count !== "0") stack.push(path.concat([outs[k]]));
        }
      }
    });
    return found;
  }
  function pathEdges(path) {  // with the error network's edges the path runs through to E
    var all = path.slice(), last = D.edges[path[path.length - 1]].v;
    if (OBJ === "E") { var a = objEdge[last]; all.push(a, objEdge[D.edges[a].v]); }
    return all;
  }
  function drawPaths(paths) {
    gOver.textContent = "";
    gBadges.textContent = "";
    svg.classList.toggle("focus", paths.length > 0);
    svg.classList.toggle("many", D.edges.length > 200);
    edgeEls.forEach(function (g) { g.classList.remove("onpath"); });
    var used = {};
    paths.forEach(function (path, i) {
      var col = PAL[i % PAL.length], off = (i - (paths.length - 1) / 2) * Math.min(4.5, 24 / paths.length);
      var all = pathEdges(path), badge = null;
      all.forEach(function (j) {
        edgeEls[j].classList.add("onpath");
        mk("path", {"class": "overlay-path", d: D.edges[j].d, stroke: col, transform: "translate(0," + off + ")"}, null, gOver);
        if (badge === null && !used[j]) badge = j;
      });
      all.forEach(function (j) { used[j] = true; });
      var bj = badge === null ? all[all.length - 1] : badge, pt = edgeEls[bj].querySelector(".line");
      // the badge sits just above the start of the path's first edge of its own, clear of the label
      var L = pt.getTotalLength(), p = pt.getPointAtLength(Math.min(L * 0.22, 34)), by = p.y + off - 15;
      var b = mk("g", {"class": "pbadge"}, null, gBadges);
      mk("circle", {cx: p.x, cy: by, r: 8.5, fill: col}, null, b);
      mk("text", {x: p.x, y: by, fill: ink(PAL[i % PAL.length])}, String(i + 1), b);
    });
  }

  // ---------------------------------------------------------------- details panel
  function row(name, value, field) {
    return h("tr", field ? {"data-field": field} : {}, [h("td", {}, [name]), h("td", {"class": "num"}, [value])]);
  }
  function table(rows) { return h("table", {}, rows); }
  function samplesTable(cols) {  // a batch: one row per sample
    var head = h("tr", {}, [h("th", {}, ["sample"])].concat(cols.map(function (c) { return h("th", {"class": "num"}, [c[0]]); })));
    var rows = [head];
    for (var s = 0; s < D.batch; s++) {
      rows.push(h("tr", {}, [h("td", {}, [String(s + 1)])].concat(cols.map(function (c) {
        return h("td", {"class": "num"}, [fmt(at(c[1], s))]);
      }))));
    }
    return table(rows);
  }
  function sum(a) { return a.reduce(function (x, y) { return x + y; }, 0); }
  function nodePanel(i) {
    var n = D.nodes[i], out = [];
    if (!LAB) {
      out.push(h("h2", {}, [(n.kind === "input" ? "input " : "unit ") + n.id + (n.output ? " (output)" : "")]));
      var rows = [row("primitive", n.fn + (n.product ? " of a product" : "") + (n.kind === "unit" ? "  (" + n.sym + ")" : ""), "fn")];
      if (n.kind === "unit") rows.push(row("bias b", fmt(n.bias), "bias"));
      rows.push(row("paths to the outputs", n.count, "count"));
      return [out[0], table(rows), h("p", {"class": "hint"}, ["No data: give inputs to see s, f\u2032(s), o and \u03b4."])];
    }
    if (n.kind === "input") {
      out.push(h("h2", {}, ["input " + n.id]));
      out.push(table([row("value x", fmt(n.o), "o"), row("\u2202" + OBJ + "/\u2202x = \u03a3 arriving", fmt(n.delta), "delta"),
                      row("paths to " + OBJ, n.count, "count")]));
      if (D.batch) out.push(h("h3", {}, ["per sample"]), samplesTable([["x", n.oS], ["\u2202" + OBJ + "/\u2202x", n.deltaS]]));
      return out;
    }
    if (n.kind !== "unit") {
      out.push(h("h2", {}, [n.kind === "sum" ? "E, the error: " + D.formula : "error unit of " + nid(n.of)]));
      if (n.kind === "error") out.push(table([row("target t", fmt(n.target), "t"), row(n.head + " = " + n.stores + " (stored derivative)", fmt(n.fp), "fp"),
        row(n.unitText, fmt(n.o), "o"), row("\u03a3 arriving from E", "1"), row("\u03b4 = (" + n.stores + ")\u00b71", fmt(n.delta), "delta")]));
      else out.push(table([row("E (this sample)", fmt(n.o), "o"), row("objective (summed over the batch)", fmt(n.value), "value"),
        row("the backward sweep starts with", "1", "delta")]));
      return out;
    }
    out.push(h("h2", {}, ["unit " + n.id + (n.output ? " (output)" : "")]));
    out.push(table([
      row("primitive", n.fn + (n.product ? " of a product" : "") + "  (" + n.sym + ")", "fn"),
      row("s = " + n.msym + " w\u00b7o + b", fmt(n.s), "s"),
      row("f\u2032(s), left half", fmt(n.fp), "fp"),
      row("o = f(s), right half", fmt(n.o), "o"),
      row("\u03a3 arriving (backward)", fmt(n.sigma), "sigma"),
      row("\u03b4 = f\u2032(s)\u00b7\u03a3 = \u2202" + OBJ + "/\u2202s", fmt(n.delta), "delta"),
      row("bias b" + (n.biasParam ? " (param " + n.biasParam + ")" : ""), fmt(n.bias), "bias"),
      row("\u2202" + OBJ + "/\u2202b = \u03b4" + (D.batch ? " (summed)" : ""), fmt(n.biasGrad), "biasGrad"),
      row("paths from s to " + OBJ + " (\u03b4 stands for them)", n.count, "count")]));
    if (D.batch) {
      out.push(h("h3", {}, ["per sample (the graph shows sample " + (D.sample + 1) + ")"]));
      out.push(samplesTable([["s", n.sS], ["f\u2032(s)", n.fpS], ["o", n.oS], ["\u03b4", n.deltaS]]));
      out.push(h("p", {"data-field": "deltaSum"}, ["\u03a3 over the samples: \u03b4 = " + fmt(sum(n.deltaS))]));
    }
    return out;
  }
  function gradRows(j) {
    var e = D.edges[j], u = D.nodes[e.u], v = D.nodes[e.v];
    var rows = [row("weight " + e.label + (e.param ? " (tied: param " + e.param + ")" : ""), fmt(e.w), "w"),
                row("o_" + u.id, fmt(u.o), "oi"), row("\u03b4_" + v.id, fmt(v.delta), "deltaj")];
    if (v.product) rows.push(row("\u2202s_" + v.id + "/\u2202(w\u00b7o_" + u.id + ")", fmt(e.partial), "partial"));
    rows.push(row("\u2202" + OBJ + "/\u2202" + e.label + " = o_" + u.id + "\u00b7" + (v.product ? "\u2202s/\u2202(w\u00b7o)\u00b7" : "") +
                  "\u03b4_" + v.id + (D.batch ? " (summed)" : ""), fmt(e.grad), "grad"));
    return rows;
  }
  function pathsSection(starts, count, sweep, name) {
    var out = [h("h3", {"data-field": "count"}, [count + " path" + (count === "1" ? "" : "s") + " from " + name + " to " + OBJ])];
    if (count.length > 3 || Number(count) > D.pathLimit) {
      out.push(h("p", {}, ["More than " + D.pathLimit + " paths: too many to list. The backward sweep factors their sum instead (as rojas paths does): "]));
      if (LAB) {
        starts.forEach(function (j) { out.push.apply(out, factoring(j)); });
        out.push(h("p", {"class": "total", "data-field": "backprop"}, ["backward sweep: \u2202" + OBJ + "/\u2202" + name + " = " + fmt(sweep)]));
      }
      drawPaths([]);
      return out;
    }
    var paths = listPaths(starts), list = h("ol", {}), total = 0;
    paths.forEach(function (p, i) {
      var f = LAB ? factorsOf(p) : [], prod = LAB ? product(f) : 0, col = PAL[i % PAL.length];
      total += prod;
      var seq = [nid(D.edges[p[0]].u)].concat(p.map(function (j) { return nid(D.edges[j].v); }));
      if (D.E !== null) seq.push("E");
      var badge = h("span", {"class": "badge", style: "background:" + col + ";color:" + ink(col)}, [String(i + 1)]);
      var fs = f.map(function (x) {
        return x[0] + " = " + (x[1].length > 1 ? "[" + x[1].slice(0, 3).map(short).join(", ") + (x[1].length > 3 ? ", \u2026" : "") + "]" : fmt(x[1][0], 9));
      }).join(" \u00b7 ");
      list.appendChild(h("li", {"class": "path", "data-path": String(i + 1), style: "border-color:" + col},
        LAB ? [badge, seq.join(" \u2192 "), h("div", {"class": "factors"}, [fs]),
               h("div", {"data-field": "product"}, ["product = " + fmt(prod)])] : [badge, seq.join(" \u2192 ")]));
    });
    out.push(list);
    if (!LAB) { drawPaths(paths); return out; }
    var diff = total - sweep, ok = Math.abs(diff) <= 1e-9 * Math.max(1, Math.abs(sweep));
    out.push(table([row("sum over the paths", fmt(total), "sum"), row("backward sweep", fmt(sweep), "backprop"),
                    row("difference", h("span", {"class": ok ? "ok" : "bad"}, [fmt(diff, 3)]), "difference")]));
    drawPaths(paths);
    return out;
  }
  function factoring(j) {
    var e = D.edges[j], u = D.nodes[e.u], v = D.nodes[e.v], out = [];
    out.push(h("p", {}, ["\u2202" + OBJ + "/\u2202" + e.label + " = o_" + u.id + "\u00b7\u03b4_" + v.id + " = " + fmt(u.o) + " \u00d7 " + fmt(v.delta) +
      (v.product ? " \u00d7 " + fmt(e.partial) : "") + "; \u03b4_" + v.id + " = f\u2032(s_" + v.id + ")\u00b7\u03a3" + (v.fusedSeed !== undefined ? " + " + D.nodes[v.err].factor : "") +
      " = " + fmt(v.fp) + " \u00d7 " + fmt(v.sigma) + (v.fusedSeed !== undefined ? " + " + fmt(v.fusedSeed) : "") +
      " stands for " + v.count + " paths. \u03a3 is what arrives from:"]));
    var rows = [h("tr", {}, [h("th", {}, ["from"]), h("th", {"class": "num"}, ["w"]), h("th", {"class": "num"}, ["\u03b4"]), h("th", {"class": "num"}, ["paths"])])];
    outEdges[e.v].slice(0, 24).forEach(function (k) {
      var x = D.edges[k], t = D.nodes[x.v];
      rows.push(h("tr", {}, [h("td", {}, [t.id + " (" + x.label + ")"]), h("td", {"class": "num"}, [short(x.w)]),
        h("td", {"class": "num"}, [short(t.delta)]), h("td", {"class": "num"}, [t.count])]));
    });
    if (v.err !== undefined) rows.push(h("tr", {}, [h("td", {}, ["its error unit (o \u2212 t)"]), h("td", {"class": "num"}, ["1"]),
      h("td", {"class": "num"}, [short(D.nodes[v.err].delta)]), h("td", {"class": "num"}, ["1"])]));
    out.push(table(rows));
    if (outEdges[e.v].length > 24) out.push(h("p", {}, ["\u2026 and " + (outEdges[e.v].length - 24) + " more edges."]));
    return out;
  }
  function edgePanel(j) {
    var e = D.edges[j];
    var out = [h("h2", {}, ["edge " + nid(e.u) + " \u2192 " + nid(e.v) + " (" + e.label + ")"]),
               table(LAB ? gradRows(j) : [row("weight " + e.label + (e.param ? " (tied: param " + e.param + ")" : ""), fmt(e.w), "w")])];
    return out.concat(pathsSection([j], D.nodes[e.v].count, e.grad, e.label));
  }
  function paramPanel(p) {
    var P = D.params[p], out = [h("h2", {}, ["param " + P.name])];
    var rows = [row("value", fmt(P.value), "w"), row("weight of the edges", P.edges.map(elabel).join(", ") || "none", "edges")];
    if (P.units.length) rows.push(row("bias of the units", P.units.map(nid).join(", "), "units"));
    if (LAB) rows.push(row("\u2202" + OBJ + "/\u2202" + P.name + " = \u03a3 over its edges" + (P.units.length ? " (o_i\u00b7\u03b4_j) and units (\u03b4)" : ""),
                           fmt(P.grad), "grad"));
    out.push(table(rows));
    if (P.units.length && LAB) {
      out.push(h("p", {}, ["As a bias, " + P.name + " adds the \u03b4 of its units: " + P.units.map(function (i) {
        return "\u03b4_" + nid(i) + " = " + fmt(D.nodes[i].biasGrad, 9); }).join(", ") + "."]));
    }
    if (!P.edges.length) {  // a param tying biases only: no weight, no path from an edge
      drawPaths([]);
      return out;
    }
    return out.concat(pathsSection(P.edges, P.count, P.grad, P.name));
  }
  function select(what) {
    nodeEls.concat(edgeEls).forEach(function (g) { g.classList.remove("sel"); });
    panel.textContent = "";
    if (!what) {
      drawPaths([]);
      panel.appendChild(h("h2", {}, ["Details"]));
      panel.appendChild(h("p", {"class": "hint"}, ["Click a unit or an edge (or tab to it and press Enter) to see its labels; an edge shows every path from its weight to the objective."]));
    } else if (what.node !== undefined) {
      drawPaths([]);
      nodeEls[what.node].classList.add("sel");
      nodePanel(what.node).forEach(function (x) { panel.appendChild(x); });
    } else if (what.edge !== undefined) {
      edgeEls[what.edge].classList.add("sel");
      edgePanel(what.edge).forEach(function (x) { panel.appendChild(x); });
    } else {
      paramPanel(what.param).forEach(function (x) { panel.appendChild(x); });
    }
    if (D.params.length) {
      var box = h("div", {"class": "params"}, [h("h3", {}, ["Tied parameters"])]);
      D.params.forEach(function (P, p) {
        var b = h("button", {type: "button", "data-param": P.name}, [P.name + " = " + short(P.value)]);
        b.addEventListener("click", function () { select({param: p}); });
        box.appendChild(b);
      });
      panel.appendChild(box);
    }
    state.sel = what;
  }

  // ---------------------------------------------------------------- start
  document.getElementById("title").textContent = D.title;
  document.getElementById("subtitle").textContent = D.subtitle;
  D.edges.forEach(function (e, j) { edgeEls.push(drawEdge(e, j)); });
  D.nodes.forEach(function (n, i) { nodeEls.push(drawNode(n, i)); });
  backgrounds();
  select(null);
  show(K);
  fit();
  window.addEventListener("resize", fit);
  window.rojasExplorer = {show: show, select: select, data: D};
})();
