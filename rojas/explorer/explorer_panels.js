/* rojas explorer, part 6 of 7 (page.py runs the parts in order): the details panel of a unit, an edge or a tied param. */
(function (app) {
  "use strict";
  var D = app.D, panel = app.panel, OBJ = app.OBJ, LAB = app.LAB, PAL = app.PAL, state = app.state, nodeEls = app.nodeEls, edgeEls = app.edgeEls,
      fmt = app.fmt, ink = app.ink, short = app.short, h = app.h, nid = app.nid, elabel = app.elabel,
      outEdges = app.outEdges, at = app.at, factorsOf = app.factorsOf, product = app.product, listPaths = app.listPaths, drawPaths = app.drawPaths;

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

  app.select = select;
})(app);
