/* rojas explorer, part 4 of 7 (page.py runs the parts in order): pan and zoom: fit, the wheel, dragging and pinching. */
(function (app) {
  "use strict";
  var svg = app.svg, vp = app.vp, state = app.state, flag = app.flag;

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
  svg.addEventListener("click", function () { if (!state.moved) app.select(null); });

  app.fit = fit;
  app.zoomAt = zoomAt;
  app.reveal = reveal;
})(app);
