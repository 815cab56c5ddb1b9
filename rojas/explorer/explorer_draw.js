/* rojas explorer, part 2 of 7 (page.py runs the parts in order): drawing the split units, the edges and their labels. */
(function (app) {
  "use strict";
  var D = app.D, svg = app.svg, gNodes = app.gNodes, gEdges = app.gEdges,
      R = app.R, BW = app.BW, BH = app.BH, OBJ = app.OBJ, LAB = app.LAB, labels = app.labels, state = app.state,
      mk = app.mk, short = app.short, nid = app.nid, clip = app.clip;

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
    bindSelect(g, function () { app.select({node: i}); });
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
      bindSelect(g, function () { app.select({edge: j}); });
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

  app.drawNode = drawNode;
  app.drawEdge = drawEdge;
  app.backgrounds = backgrounds;
})(app);
