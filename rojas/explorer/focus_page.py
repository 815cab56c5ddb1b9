"""The explorer's focus page: where one gradient comes from, as a page of bounded size at any network size.

``rojas explore NET --data D --focus W`` writes one self-contained HTML page
(script, style and data inline, no request) holding a
:class:`~rojas.drawing.focus.Focus`: the weight's cone when small, else its
top paths with the rest summarised, the exact split of the gradient by path
length and the numbers of every unit shown.  What the page holds is bounded by
the focus's size limit (at most 100 units, 24 paths) and by the lengths of the
table (at most ``MAX_LENGTH_ROWS``), never by the network: a 1,000,000-edge
network gives a page of a few tens of kilobytes.  Several focuses may share
one page; a menu switches between them.  The script builds the DOM with
``textContent`` and ``setAttribute`` only.
"""

import html

from ..drawing.focus import focus_of
from .page import embed_json

__all__ = ["focus_page", "focus_data", "MAX_LENGTH_ROWS"]

MAX_LENGTH_ROWS = 400  # lengths listed on the page: the largest |sum| first beyond this many

_CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#222;background:#fafafa}
header{padding:10px 16px;background:#fff;border-bottom:1px solid #ddd}
h1{font-size:18px;margin:0 0 4px} .why{color:#555;font-size:13px}
main{display:flex;gap:14px;padding:12px 16px;flex-wrap:wrap}
#graph{background:#fff;border:1px solid #ddd;border-radius:4px;overflow:auto;max-width:100%}
#side{flex:1;min-width:340px}
table{border-collapse:collapse;font-size:12.5px;background:#fff;margin:6px 0 14px}
td,th{border-bottom:1px solid #eee;padding:3px 7px;text-align:right} td.l,th.l{text-align:left}
tr.path{cursor:pointer} tr.path:hover,tr.on{background:#fff3c4}
#detail{background:#fff;border:1px solid #ddd;border-radius:4px;padding:6px 10px;min-height:3em;font-size:13px}
.dim{opacity:.12} select{font-size:14px}
"""

_JS = r"""
(function(){
const all = JSON.parse(document.getElementById('focus-data').textContent);
const SVG = 'http://www.w3.org/2000/svg';
const COLORS = ['#E69F00','#56B4E9','#009E73','#0072B2','#D55E00','#CC79A7','#F0E442','#000000'];
const DASH = ['', '6 4', '2 3', '8 3 2 3'];
function el(tag, attrs, text, ns){ const e = ns ? document.createElementNS(SVG, tag) : document.createElement(tag);
  for (const k in attrs||{}) e.setAttribute(k, attrs[k]); if (text !== undefined) e.textContent = text; return e; }
function g(x){ return Number(x).toPrecision(4).replace(/\.?0+(e|$)/, '$1'); }
function show(i){
  const f = all.focuses[i];
  document.getElementById('what').textContent = 'Where ∂' + (f.target === 'E' ? 'E' : 'o_' + f.target) + '/∂' +
    f.source + ' = ' + g(f.gradient) + ' comes from';
  document.getElementById('why').textContent = 'Focus: ' + f.reason + '. ' + (f.rest_paths !== '0' ?
    'The other ' + f.rest_paths + ' path(s) add up to ' + g(f.rest_sum) + '.' : '');
  const box = document.getElementById('graph'); box.replaceChildren();
  const W = 90, H = 62, cols = f.columns, rows = f.rows;
  const svg = el('svg', {width: cols * W + 60, height: rows * H + 50}, undefined, true);
  const at = {}; f.nodes.forEach(n => at[n.id] = [40 + n.x * W, 34 + n.y * H]);
  f.edges.forEach(e => { const a = at[e.source], b = at[e.target];
    svg.appendChild(el('line', {x1: a[0], y1: a[1], x2: b[0], y2: b[1], stroke: '#ccc', 'stroke-width': 1}, undefined, true)); });
  const lines = [];
  const top = Math.max(...f.paths.map(p => Math.abs(p.share)), 1e-300);
  f.paths.slice().reverse().forEach((p, r) => { const k = f.paths.length - 1 - r;
    const pts = p.nodes.map(n => at[n][0] + ',' + (at[n][1] + ((k % 5) - 2) * 2.5)).join(' ');
    const line = el('polyline', {points: pts, fill: 'none', stroke: COLORS[k % 8], 'stroke-dasharray': DASH[Math.floor(k / 8) % 4],
      'stroke-width': 1.5 + 4 * Math.abs(p.share) / top, 'stroke-linecap': 'round', 'stroke-opacity': 0.9}, undefined, true);
    line.appendChild(el('title', {}, '#' + (k + 1) + ': product ' + g(p.product), true));
    svg.appendChild(line); lines[k] = line; });
  f.nodes.forEach(n => { const [x, y] = at[n.id];
    const c = el(n.input ? 'rect' : 'circle', n.input ? {x: x - 7, y: y - 7, width: 14, height: 14} : {cx: x, cy: y, r: 8}, undefined, true);
    c.setAttribute('fill', '#fff'); c.setAttribute('stroke', '#222'); c.setAttribute('stroke-width', n.output ? 3 : 1.2);
    c.style.cursor = 'pointer';
    c.addEventListener('mouseenter', () => { document.getElementById('detail').textContent = n.id + ' (' + n.fn + '): o = ' +
      g(n.o) + (n.input ? '' : ", f'(s) = " + g(n.fprime)) + ', ' + (n.input ? '∂/∂x' : 'δ') + ' = ' + g(n.delta); });
    svg.appendChild(c);
    svg.appendChild(el('text', {x: x, y: y - 12, 'text-anchor': 'middle', 'font-size': 11}, n.id.length > 14 ? n.id.slice(0, 13) + '…' : n.id, true)); });
  box.appendChild(svg);
  const pt = document.getElementById('paths'); pt.replaceChildren();
  const head = el('tr'); ['#', 'path', 'length', 'product', 'share'].forEach((h, j) => head.appendChild(el('th', {class: j === 1 ? 'l' : ''}, h)));
  pt.appendChild(head);
  f.paths.forEach((p, k) => { const tr = el('tr', {class: 'path'});
    const sw = el('td'); sw.appendChild(el('span', {style: 'display:inline-block;width:18px;height:4px;background:' + COLORS[k % 8]})); sw.appendChild(document.createTextNode(' ' + (k + 1)));
    tr.appendChild(sw);
    const route = p.nodes.length <= 6 ? p.nodes.join(' → ') : p.nodes.slice(0, 3).join(' → ') + ' → … ' + (p.nodes.length - 5) + ' more … → ' + p.nodes.slice(-2).join(' → ');
    tr.appendChild(el('td', {class: 'l'}, route)); tr.appendChild(el('td', {}, String(p.nodes.length - 1)));
    tr.appendChild(el('td', {}, g(p.product))); tr.appendChild(el('td', {}, g(100 * p.share) + '%'));
    tr.addEventListener('click', () => { const on = !tr.classList.contains('on');
      pt.querySelectorAll('tr').forEach(t => t.classList.remove('on')); if (on) tr.classList.add('on');
      lines.forEach((l, j) => l.setAttribute('class', on && j !== k ? 'dim' : '')); });
    pt.appendChild(tr); });
  const lt = document.getElementById('lengths'); lt.replaceChildren();
  const lh = el('tr'); ['length', 'paths', 'sum of products', 'share'].forEach(h => lh.appendChild(el('th', {}, h))); lt.appendChild(lh);
  f.by_length.forEach(r => { const tr = el('tr'); tr.appendChild(el('td', {}, String(r.length)));
    tr.appendChild(el('td', {}, r.paths.length > 18 ? r.paths.slice(0, 6) + '…(' + r.paths.length + ' digits)' : r.paths));
    tr.appendChild(el('td', {}, g(r.sum))); tr.appendChild(el('td', {}, f.gradient ? g(100 * r.sum / Math.abs(f.gradient)) + '%' : ''));
    lt.appendChild(tr); });
  document.getElementById('lengthnote').textContent = f.lengths_note || '';
}
const pick = document.getElementById('pick');
all.focuses.forEach((f, i) => pick.appendChild(el('option', {value: i}, f.source + ' (∂ = ' + g(f.gradient) + ')')));
pick.addEventListener('change', () => show(Number(pick.value)));
pick.parentElement.style.display = all.focuses.length > 1 ? '' : 'none';
show(0);
})();
"""

_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title><style>{css}</style></head>
<body><header><h1 id="what"></h1><div class="why" id="why"></div>
<div class="why">{summary} <label>Focus on: <select id="pick"></select></label></div></header>
<main><div id="graph"></div><div id="side"><div id="detail">Point at a unit for its labels; click a path to single it out.</div>
<h3>The paths shown</h3><table id="paths"></table>
<h3>The gradient by path length (exact, every path)</h3><div class="why" id="lengthnote"></div><table id="lengths"></table>
</div></main>
<script type="application/json" id="focus-data">{data}</script><script>{js}</script></body></html>
"""


def focus_data(focus):
    """A :class:`~rojas.drawing.focus.Focus` as the page's JSON: positions, paths, the lengths (bounded)."""
    from ..drawing.focus_figure import _positions

    pos, cols, rows = _positions(focus)
    d = focus.to_dict()
    for n in d["nodes"]:
        n["x"], n["y"] = pos[n["id"]][0], -pos[n["id"]][1]
    d["columns"], d["rows"] = cols, rows
    if len(d["by_length"]) > MAX_LENGTH_ROWS:
        keep = sorted(sorted(d["by_length"], key=lambda r: -abs(r["sum"]))[:MAX_LENGTH_ROWS], key=lambda r: r["length"])
        d["lengths_note"] = (f"{len(d['by_length'])} lengths: the {MAX_LENGTH_ROWS} with the largest |sum| are "
                             "listed (rojas paths --by-length lists them all)")
        d["by_length"] = keep
    return d


def focus_page(lab, sources, path=None, *, title=None):
    """The focus page of `lab` for one source or several (a menu switches), as HTML text or written to `path`.

    Parameters
    ----------
    lab : Labeling
    sources : reference or list of references
        Weights, params, inputs or units (see :func:`~rojas.proof.paths.resolve_source`).
    path : str or os.PathLike, optional
        Write the page here (atomically) instead of returning it.
    title : str, optional

    Examples
    --------
    >>> import rojas
    >>> lab = rojas.label(rojas.load(rojas.example_path("mazur")),
    ...                   *rojas.load_data(rojas.example_path("mazur", "data")))
    >>> page = focus_page(lab, ["w1", "w5"])
    >>> page.startswith("<!DOCTYPE html>"), "http" in page.replace("http://www.w3.org/2000/svg", "")
    (True, False)
    """
    if not isinstance(sources, (list, tuple)):
        sources = [sources]
    focuses = [focus_data(focus_of(lab, s)) for s in sources]
    name = title or lab.plan.name or "network"
    summary = (f"{name}: {lab.plan.n_nodes:,} nodes, {lab.plan.n_edges:,} edges, "
               f"{len(lab.plan.levels):,} generations.")
    text = _PAGE.format(title=html.escape(f"{name} · focus · rojas explorer"), css=_CSS, js=_JS,
                        summary=html.escape(summary), data=embed_json({"focuses": focuses}))
    if path is None:
        return text
    from ..utils.files import write_text_atomic

    return write_text_atomic(path, text)
