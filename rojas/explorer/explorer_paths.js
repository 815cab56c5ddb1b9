/* rojas explorer, part 5 of 7 (page.py runs the parts in order): the paths from an edge to the objective, their factors and their overlay (Rojas's theorem shown). */
(function (app) {
  "use strict";
  var D = app.D, svg = app.svg, gOver = app.gOver, gBadges = app.gBadges, OBJ = app.OBJ, PAL = app.PAL, edgeEls = app.edgeEls,
      mk = app.mk, ink = app.ink, nid = app.nid;

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

  app.outEdges = outEdges;
  app.at = at;
  app.factorsOf = factorsOf;
  app.product = product;
  app.listPaths = listPaths;
  app.drawPaths = drawPaths;
})(app);
