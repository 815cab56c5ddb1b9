/* rojas explorer, part 3 of 7 (page.py runs the parts in order): stepping through the sweeps, playing them, the toolbar and the keys. */
(function (app) {
  "use strict";
  var D = app.D, svg = app.svg, K = app.K, state = app.state, nodeEls = app.nodeEls, edgeEls = app.edgeEls,
      readout = app.readout, caption = app.caption, phaseEl = app.phaseEl, playBtn = app.playBtn;

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
    if (st.focus >= 0) app.reveal(D.nodes[st.focus]);
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
    else if (a === "fit") app.fit();
    else if (a === "zoom-in") app.zoomAt(1.3);
    else if (a === "zoom-out") app.zoomAt(1 / 1.3);
  }
  document.querySelectorAll("[data-action]").forEach(function (b) {
    b.addEventListener("click", function () { act(b.getAttribute("data-action")); });
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.altKey || ev.ctrlKey || ev.metaKey) return;
    var keys = {ArrowRight: "next", ArrowLeft: "prev", Home: "reset", End: "end", p: "play", f: "fit",
                "+": "zoom-in", "=": "zoom-in", "-": "zoom-out"};
    if (ev.key === "Escape") { app.select(null); return; }
    if (keys[ev.key]) { act(keys[ev.key]); ev.preventDefault(); }
  });

  app.flag = flag;
  app.show = show;
})(app);
