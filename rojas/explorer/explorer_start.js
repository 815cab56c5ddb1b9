/* rojas explorer, part 7 of 7 (page.py runs the parts in order): the start: draw everything, fully labeled and fitted, and the tests' handles. */
(function (app) {
  "use strict";
  var D = app.D, K = app.K, nodeEls = app.nodeEls, edgeEls = app.edgeEls,
      drawNode = app.drawNode, drawEdge = app.drawEdge, backgrounds = app.backgrounds, select = app.select, show = app.show, fit = app.fit;

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
})(app);
