"""The interactive explorer driven in a real browser: headless Chromium through Playwright.

The tests run Debian's ``chromium`` package (``/usr/bin/chromium``, or
``$ROJAS_CHROMIUM``) through Playwright's sync API; Playwright's own browser
download is never used.  Without a Chromium they skip and say how to get one —
unless ``ROJAS_REQUIRE_BROWSER=1`` (as ``.ci/run`` sets), where a missing browser
fails the run.  The numbers asserted are Matt Mazur's published ones for his
worked 2-2-2 example (2015) and the values of :func:`rojas.path_sum` and
:func:`rojas.proof.paths.path_counts`, computed independently of the page.
"""

import os
import re
import shutil

import numpy as np
import pytest

import rojas
from rojas.explorer import PATH_LIMIT, page_data
from rojas.explorer.page import repr_html

pytestmark = pytest.mark.slow  # the quick subset (-m "not slow") leaves this file out

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _labeled(name):
    return rojas.label(rojas.load(rojas.example_path(name)), *rojas.load_data(rojas.example_path(name, "data")))


def _number(text):
    """The last number in `text` (true minus signs allowed)."""
    found = re.findall(r"[−-]?\d+(?:\.\d+)?(?:e[−-]?\d+)?", text)
    return float(found[-1].replace("−", "-"))


def _big_dag(n_inputs=10, layers=(60, 60, 60, 60, 40, 10), fan_in=4, seed=12):
    """A 300-node DAG: layers of sigmoid units, each fed by units of the layer below and a skip edge."""
    rng = np.random.default_rng(seed)
    net = rojas.Network(name="a 300-unit DAG")
    below, everything = [f"x{i}" for i in range(n_inputs)], []
    for x in below:
        net.add_input(x)
    everything.extend(below)
    for li, width in enumerate(layers):
        layer = [f"h{li}_{j}" for j in range(width)]
        for j, n in enumerate(layer):
            net.add_unit(n, "tanh" if li % 2 else "sigmoid", bias=float(rng.normal(0, 0.1)))
            sources = set(rng.choice(below, size=min(fan_in, len(below)), replace=False))
            if li > 0:
                sources.add(everything[int(rng.integers(0, len(everything) - len(below)))])
            for s in sorted(sources):
                net.add_edge(s, n, weight=float(rng.normal(0, 0.5)))
        everything.extend(layer)
        below = layer
    inputs = {f"x{i}": float(rng.normal()) for i in range(n_inputs)}
    targets = {n: 0.5 for n in net.outputs}
    return net, inputs, targets


@pytest.fixture(scope="module")
def browser():
    required = os.environ.get("ROJAS_REQUIRE_BROWSER") == "1"
    exe = os.environ.get("ROJAS_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        why = "the browser tests need Playwright: pip install playwright (it is in the test extra)"
        pytest.fail(why) if required else pytest.skip(why)
    if not os.path.exists(exe):
        why = (f"no Chromium at {exe}: install one with `apt-get install -y chromium` (Debian/Ubuntu) "
               "or point ROJAS_CHROMIUM at one; the explorer's browser tests are skipped")
        pytest.fail(why) if required else pytest.skip(why)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        yield b
        b.close()


class Page:
    """A page opened offline: every console error and every request off the file system is recorded."""

    def __init__(self, browser, path, size=(1400, 860)):
        self.errors, self.requests = [], []
        self.page = browser.new_page(viewport={"width": size[0], "height": size[1]})
        self.page.on("console", lambda m: m.type in ("error", "warning") and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.errors.append("dialog: " + d.message), d.dismiss()))

        def route(r):
            if r.request.url.startswith("file://"):
                r.continue_()
            else:
                self.requests.append(r.request.url)
                r.abort()

        self.page.route("**/*", route)
        self.page.goto("file://" + os.path.abspath(path), timeout=30_000)
        self.page.wait_for_selector("[data-step]:not(:empty)", timeout=30_000)

    def panel(self):
        return self.page.inner_text("[data-panel=details]")

    def field(self, name):
        return _number(self.page.inner_text(f"[data-panel=details] [data-field={name}]"))

    def close(self):
        assert self.errors == [] and self.requests == []
        self.page.close()


@pytest.fixture(scope="module")
def mazur_page(tmp_path_factory):
    return rojas.explore(_labeled("mazur"), tmp_path_factory.mktemp("explorer") / "mazur.html")


def test_mazur_page_opens_offline_without_errors_or_requests(browser, mazur_page, tmp_path):
    p = Page(browser, mazur_page)
    assert p.page.title().startswith("2-2-2")
    assert p.page.locator("[data-node]").count() == 6 and p.page.locator("[data-edge]").count() == 8 + 4
    assert all(p.page.locator(f"[data-action={a}]").count() == 1 for a in ("next", "prev", "play", "reset"))
    p.page.screenshot(path=str(tmp_path / "mazur.png"))
    p.close()


def test_edge_i1_h1_shows_both_paths_and_their_sum(browser, mazur_page, tmp_path):
    lab = _labeled("mazur")
    expected = rojas.path_sum(lab, "w1")
    p = Page(browser, mazur_page)
    p.page.click('[data-edge="i1->h1"]')
    assert round(p.field("grad"), 9) == 0.000438568
    assert p.field("w") == 0.15 and p.field("oi") == 0.05
    items = p.page.locator("[data-panel=details] li[data-path]")
    assert items.count() == 2
    texts = [items.nth(i).inner_text() for i in range(2)]
    assert [t.split("\n")[0][1:] for t in texts] == [" → ".join(q["nodes"]) for q in expected.paths]
    products = [_number(items.nth(i).locator("[data-field=product]").inner_text()) for i in range(2)]
    assert products == pytest.approx([q["product"] for q in expected.paths], rel=1e-11)
    assert p.field("sum") == pytest.approx(expected.total, rel=1e-11)
    assert p.field("backprop") == pytest.approx(expected.backprop, rel=1e-11)
    assert "w5 = 0.4" in texts[0] and "w7 = 0.5" in texts[1]
    assert p.page.locator("#overlay path").count() == 2 * 4  # each path: its 2 edges and 2 to E
    p.page.screenshot(path=str(tmp_path / "w1.png"))
    p.close()


def test_unit_h1_shows_mazurs_numbers(browser, mazur_page):
    p = Page(browser, mazur_page)
    p.page.click('[data-node="h1"]')
    assert f"{p.field('s'):.9g}" == "0.3775"
    assert f"{p.field('fp'):.9g}" == "0.241300709"
    assert f"{p.field('o'):.9g}" == "0.593269992"
    assert f"{p.field('delta'):.9g}" == "0.00877135469"
    assert p.field("bias") == 0.35 and f"{p.field('biasGrad'):.9g}" == "0.00877135469"
    assert "sigmoid" in p.panel()
    p.close()


def test_stepping_from_reset_to_the_end(browser, mazur_page):
    steps = page_data(_labeled("mazur"))["steps"]
    K = len(steps) - 1
    p = Page(browser, mazur_page)
    readout = p.page.locator("[data-step]")
    assert readout.inner_text() == f"{K} / {K}"  # the page opens fully labeled
    p.page.click("[data-action=reset]")
    assert readout.inner_text() == f"0 / {K}"
    for k in range(1, K + 1):
        p.page.click("[data-action=next]")
        assert readout.inner_text() == f"{k} / {K}"
        assert p.page.inner_text("#caption") == steps[k]["text"]
    p.page.click("[data-action=next]")
    assert readout.inner_text() == f"{K} / {K}"
    p.page.click("[data-action=prev]")
    assert readout.inner_text() == f"{K - 1} / {K}"
    p.page.keyboard.press("ArrowRight")
    assert readout.inner_text() == f"{K} / {K}"
    p.page.keyboard.press("Home")
    p.page.keyboard.press("ArrowRight")
    assert readout.inner_text() == f"1 / {K}"
    # the forward sweep has filled nothing yet but the inputs; h1 fills at its own step
    h1 = p.page.locator('[data-node="h1"]')
    assert "f" not in (h1.get_attribute("class") or "").split()
    p.page.keyboard.press("ArrowRight")
    assert "f" in h1.get_attribute("class").split() and "cur" in h1.get_attribute("class").split()
    p.page.click("[data-action=play]")
    p.page.wait_for_function(f"document.querySelector('[data-step]').textContent === '{K} / {K}'",
                             timeout=60_000)
    p.close()


def test_keyboard_selects_units_and_edges(browser, mazur_page):
    p = Page(browser, mazur_page)
    assert p.page.locator("[data-node][tabindex='0']").count() == 6
    assert p.page.locator("[data-edge][tabindex='0']").count() == 8
    p.page.focus('[data-node="o1"]')
    p.page.keyboard.press("Enter")
    assert p.panel().startswith("unit o1")
    p.page.keyboard.press("Tab")  # the next unit in the tab order
    p.page.keyboard.press("Enter")
    assert p.panel().startswith("unit o2")
    p.page.focus('[data-edge="h1->o1"]')
    p.page.keyboard.press("Enter")
    assert round(p.field("grad"), 9) == 0.082167041
    p.page.keyboard.press("Escape")
    assert p.panel().startswith("Details")
    p.close()


def test_zoom_pan_and_fit(browser, mazur_page):
    p = Page(browser, mazur_page)

    def transform():
        return p.page.get_attribute("#viewport", "transform")
    fitted = transform()
    box = p.page.locator("#graph").bounding_box()
    p.page.mouse.move(box["x"] + 200, box["y"] + 200)
    p.page.mouse.wheel(0, -400)
    zoomed = transform()
    assert _number(zoomed) > _number(fitted)  # the scale grew
    p.page.mouse.move(box["x"] + 60, box["y"] + 40)
    p.page.mouse.down()
    p.page.mouse.move(box["x"] + 160, box["y"] + 90, steps=5)
    p.page.mouse.up()
    assert transform() != zoomed and p.panel().startswith("Details")  # a drag pans, selects nothing
    p.page.click("[data-action=fit]")
    assert transform() == fitted
    p.close()


def test_param_and_product_unit_paths(browser, tmp_path):
    lab = _labeled("skip_product")
    page = rojas.explore(lab, tmp_path / "skip.html")
    p = Page(browser, page)
    p.page.click('[data-param="t"]')
    expected = rojas.path_sum(lab, "t")
    assert p.page.locator("li[data-path]").count() == expected.count
    assert p.field("sum") == pytest.approx(expected.total, rel=1e-11)
    assert p.field("grad") == pytest.approx(lab.param_grad["t"], rel=1e-12)
    p.page.click('[data-edge="h1->p"]')
    expected = rojas.path_sum(lab, "b")
    assert p.page.locator("li[data-path]").count() == expected.count
    assert p.field("partial") == pytest.approx(lab.product_partial("h1", "p"), rel=1e-12)
    assert p.field("sum") == pytest.approx(expected.backprop, rel=1e-11)
    p.page.screenshot(path=str(tmp_path / "skip.png"))
    p.close()


def test_hostile_ids_are_text(browser, tmp_path):
    ids = ["<img src=x onerror=alert(1)>", "a&amp;b", "\"q'", "</script><script>alert(2)</script>"]
    net = rojas.Network(name="<b>bold</b> & </title>")
    net.add_input(ids[0]).add_unit(ids[1], "sigmoid").add_unit(ids[2], "tanh").add_unit(ids[3], "sigmoid")
    net.add_edge(ids[0], ids[1], weight=0.5, name="</style>").add_edge(ids[1], ids[2], weight=-1.0)
    net.add_edge(ids[2], ids[3], weight=2.0).add_edge(ids[0], ids[3], weight=0.25, name="w&<")
    lab = rojas.label(net, {ids[0]: 1.0}, {ids[3]: 0.5})
    p = Page(browser, rojas.explore(lab, tmp_path / "hostile.html"))
    assert p.page.locator("img").count() == 0
    found = p.page.eval_on_selector_all("[data-node]", "els => els.map(e => e.getAttribute('data-node'))")
    assert found == ids
    edges = p.page.eval_on_selector_all("[data-edge]", "els => els.map(e => e.getAttribute('data-edge'))")
    assert f"{ids[0]}->{ids[1]}" in edges
    assert p.page.inner_text("#title") == "<b>bold</b> & </title>"
    p.page.locator("[data-node]").nth(3).click()
    assert ids[3] in p.panel()
    p.page.locator("[data-edge]").nth(3).focus()  # a curved edge: its middle is off the curve
    p.page.keyboard.press("Enter")
    assert "w&<" in p.panel()
    p.page.screenshot(path=str(tmp_path / "hostile.png"))
    p.close()


def test_a_batch_shows_every_sample_and_the_sum(browser, tmp_path):
    net = rojas.load(rojas.example_path("mazur"))
    lab = rojas.label(net, {"i1": [0.05, 0.5, -1.0], "i2": [0.1, 0.2, 0.3]}, {"o1": 0.01, "o2": 0.99})
    p = Page(browser, rojas.explore(lab, tmp_path / "batch.html", sample=1))
    p.page.click('[data-node="h1"]')
    assert p.field("biasGrad") == pytest.approx(lab.bias_grad["h1"], rel=1e-11)
    assert p.field("deltaSum") == pytest.approx(float(np.sum(lab.delta["h1"])), rel=1e-11)
    assert p.field("s") == pytest.approx(lab.s["h1"][1], rel=1e-11)  # the graph shows sample 2 of 3
    assert p.page.locator("[data-panel=details] table").nth(1).locator("tr").count() == 1 + 3
    p.page.click('[data-edge="i1->h1"]')
    assert p.field("grad") == pytest.approx(lab.weight_grad[("i1", "h1")], rel=1e-11)
    assert p.field("sum") == pytest.approx(rojas.path_sum(lab, "w1").total, rel=1e-11)
    p.close()


def test_300_units_open_and_show_the_factoring(browser, tmp_path):
    net, inputs, targets = _big_dag()
    assert len(net) == 300
    lab = rojas.label(net, inputs, targets)
    p = Page(browser, rojas.explore(lab, tmp_path / "big.html"), size=(1600, 1000))
    assert p.page.locator("[data-node]").count() == 300
    counts = rojas.proof.paths.path_counts(net, list(lab.targets))
    many = next((u, v) for u, v in net.edges if counts[v] > PATH_LIMIT)
    p.page.focus(f'[data-edge="{many[0]}->{many[1]}"]')  # crowded: a click at its middle may hit another
    p.page.keyboard.press("Enter")
    assert p.page.inner_text("[data-panel=details] [data-field=count]").startswith(f"{counts[many[1]]} paths")
    assert "factors their sum" in p.panel() and p.page.locator("li[data-path]").count() == 0
    assert p.field("backprop") == pytest.approx(lab.weight_grad[many], rel=1e-11)
    few = next((u, v) for u, v in reversed(net.edges) if 1 < counts[v] <= PATH_LIMIT)
    p.page.locator(f'[data-edge="{few[0]}->{few[1]}"]').dispatch_event("click")
    assert p.page.locator("li[data-path]").count() == counts[few[1]]
    assert p.field("sum") == pytest.approx(rojas.path_sum(lab, few).total, rel=1e-9)
    p.page.screenshot(path=str(tmp_path / "big.png"))
    p.page.keyboard.press("Home")
    for _ in range(5):
        p.page.keyboard.press("ArrowRight")
    assert p.page.inner_text("[data-step]").startswith("5 / ")
    p.close()


def test_several_explorers_in_one_notebook_page(browser, tmp_path):
    html = repr_html(_labeled("mazur")) + repr_html(_labeled("skip_product"))
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_content(f"<!DOCTYPE html><html><body>{html}</body></html>")
    frames = [page.frame_locator("iframe").nth(i) for i in range(2)]
    frames[0].locator('[data-node="h1"]').click()
    frames[1].locator('[data-action="reset"]').click()
    assert frames[0].locator("[data-panel=details]").inner_text().startswith("unit h1")
    assert frames[1].locator("[data-panel=details]").inner_text().startswith("Details")
    assert frames[0].locator("[data-step]").inner_text() == "20 / 20"
    assert frames[1].locator("[data-step]").inner_text().startswith("0 / ")
    assert errors == []
    page.close()


def test_a_network_without_data(browser, tmp_path):
    net = rojas.load(rojas.example_path("mazur"))
    p = Page(browser, rojas.explore(net, tmp_path / "structure.html"))
    assert p.page.inner_text("[data-step]") == "0 / 0"
    p.page.click('[data-edge="i1->h1"]')
    assert p.field("w") == 0.15 and p.page.locator("li[data-path]").count() == 2
    assert p.page.inner_text("[data-panel=details] [data-field=count]").startswith("2 paths")
    p.page.click('[data-node="h1"]')
    assert p.field("bias") == 0.35 and p.field("count") == 2
    p.close()


def test_the_page_writes_numbers_and_path_colours_as_the_figures_do(browser, mazur_page):
    """Review fault 9: the page showed 3 significant digits where the figures show 4, path 1 was blue on
    the page and orange in the figures, and a long Σ value crossed the unit's divider ("0.2314−0.001749")."""
    from rojas.drawing.highlight import path_style
    from rojas.utils.formatting import FIGURE_DIGITS, fmt

    p = Page(browser, mazur_page)
    values = [0.15, 0.593269992, 0.000438567734, 4.38567734e-5, -0.0226041, -12.5, 8.0, 123456.0, 1e-300,
              -0.0380982365, 0.392500000001, 2.0 / 3.0, 1234.5678, 0.1 + 0.2, -7.25e21,
              0.1 - 0.4, -12.4 + 12.2, 0.3000000001, 1 + 2 ** -40]   # float noise is not a rounding
    for digits in (FIGURE_DIGITS, 9, 3, 12, 14):
        shown = p.page.evaluate("([vs, d]) => vs.map(v => window.rojasFormat(v, d))", [values, digits])
        assert shown == [fmt(v, digits) for v in values], digits
    lab = _labeled("mazur")
    h1 = p.page.locator('[data-node="h1"] .val.fv').first.text_content()
    assert h1 == fmt(lab.fprime["h1"], FIGURE_DIGITS)   # 4 digits: 0.2413, not 0.241
    p.page.click('[data-edge="i1->h1"]')
    badge = p.page.locator("[data-panel=details] .badge").first
    colour = badge.evaluate("b => getComputedStyle(b).backgroundColor")
    want = path_style(0)[0]
    assert colour == "rgb({}, {}, {})".format(*(int(want[k:k + 2], 16) for k in (1, 3, 5)))
    # every number inside a split unit stays on its side of the divider
    crossing = p.page.evaluate("""() => Array.from(document.querySelectorAll('[data-node] .val')).filter(t => {
        const line = t.parentNode.querySelector('.divider'); if (!line) return false;
        const x = Number(line.getAttribute('x1')), b = t.getBBox();
        return b.width > 0 && b.x < x && b.x + b.width > x; }).map(t => t.textContent)""")
    assert crossing == []
    p.close()


def test_a_network_file_that_pins_its_units_is_shown_as_pinned(browser, tmp_path):
    """Review fault: `rojas explore` ignored the ``pos`` node field that `rojas draw` follows
    (tests/test_drawing_pinned.py).  Mazur's network with h2 pinned above h1 and pushed right — a picture no
    layered layout draws — must appear on the page as pinned: every unit's centre on the screen is the
    file's (x, y) up to one shift and one positive scale (y flipped: the screen's y grows downwards)."""
    import json
    import subprocess
    import sys

    pins = {"i1": [0, 2], "i2": [0, 0], "h1": [1, 0], "h2": [1.5, 2.5], "o1": [3, 2], "o2": [3, 0]}
    doc = json.load(open(rojas.example_path("mazur")))
    for n in doc["nodes"]:
        n["pos"] = pins[n["id"]]
    (tmp_path / "pinned.json").write_text(json.dumps(doc))
    run = subprocess.run([sys.executable, "-m", "rojas", "explore", str(tmp_path / "pinned.json"), "--data",
                          str(rojas.example_path("mazur", "data")), "-o", str(tmp_path / "pinned.html")],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    p = Page(browser, tmp_path / "pinned.html")
    centre = p.page.evaluate("""() => Object.fromEntries(Array.from(document.querySelectorAll(
        '[data-node], [data-objective]')).map(g => {
            const r = g.querySelector('rect.box, circle').getBoundingClientRect();
            return [g.getAttribute('data-node') || g.getAttribute('data-objective'),
                    [r.x + r.width / 2, r.y + r.height / 2]]; }))""")
    units = list(pins)
    shown = np.array([centre[n] for n in units])
    given = np.array([pins[n] for n in units], dtype=float) * [1, -1]
    rel_s, rel_g = shown - shown[1], given - given[1]   # from i2
    k = rel_s[0, 1] / rel_g[0, 1]
    assert k > 20 and np.allclose(rel_s, k * rel_g, atol=1.0)   # pixels: one scale, proportions kept
    # the error units right of every unit, level with their outputs; E right of them
    right = shown[:, 0].max()
    for o in ("o1", "o2"):
        err = centre["error:" + o]
        assert err[0] > right and abs(err[1] - centre[o][1]) < 1.0
    assert centre["E"][0] > centre["error:o1"][0]
    p.page.screenshot(path=str(tmp_path / "pinned.png"))
    p.close()
