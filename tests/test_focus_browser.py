"""The explorer's focus page in a real browser: a large generated network, a page of bounded size.

Uses the headless Chromium fixture of ``tests/test_explorer_browser.py`` (skipped, saying how to get
one, when there is none).  The numbers asserted are the labeling's own (``lab.grad``) and
:func:`rojas.top_paths`, computed without the page.
"""

import json
import os
import re

import pytest

import rojas
from rojas.cli import main
from rojas.network.generate import generate_dict, sample_data

from test_explorer_browser import browser  # noqa: F401  (the fixture)

pytestmark = pytest.mark.slow  # the quick subset (-m "not slow") leaves this file out

PAGE_LIMIT = 4_000_000  # bytes: "a few MB" at most, whatever the network


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("focus")
    net_path, data_path = tmp / "net.json", tmp / "data.json"
    net_path.write_text(json.dumps(generate_dict("layered", units=30_000, fan_in=10, depth=15,
                                                 primitives=["tanh", "sigmoid"], seed=3)))
    net = rojas.load(net_path)
    data_path.write_text(json.dumps(sample_data(net, 3)))
    return tmp, net, str(net_path), str(data_path)


def open_page(browser, path):  # noqa: F811
    errors, requests = [], []
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.on("console", lambda m: m.type in ("error", "warning") and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))

    def route(r):
        if r.request.url.startswith("file://"):
            r.continue_()
        else:
            requests.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.goto("file://" + os.path.abspath(path), timeout=30_000)
    page.wait_for_selector("#graph svg polyline", state="attached", timeout=30_000)
    return page, errors, requests


@pytest.mark.slow
def test_focus_page_of_a_large_network_is_small_and_loads_without_errors(browser, big, capsys):  # noqa: F811
    tmp, net, net_path, data_path = big
    assert len(net.edges) > 250_000
    u, v = net.edges[0]
    page_path = tmp / "focus.html"
    assert main(["explore", net_path, "--data", data_path, "--focus", f"{u}->{v}", "--focus", "x1",
                 "-o", str(page_path), "--quiet"]) == 0
    assert os.path.getsize(page_path) < PAGE_LIMIT
    lab = rojas.label(net, *rojas.load_data(data_path))
    top = rojas.top_paths(lab, (u, v), k=24)
    page, errors, requests = open_page(browser, page_path)
    head = page.inner_text("#what")
    g = float(re.search(r"= (\S+) comes from", head).group(1))
    assert g == pytest.approx(lab.grad((u, v)), rel=1e-3)
    rows = page.locator("#paths tr.path")
    assert 1 <= rows.count() <= 24
    first = rows.nth(0).inner_text()
    assert first.split("\t")[1].startswith(" → ".join(str(n) for n in top.paths[0]["nodes"][:3]))
    rows.nth(0).click()  # single out the best path: every other line is dimmed
    assert page.locator("#graph polyline.dim").count() == rows.count() - 1
    assert page.locator("#lengths tr").count() >= 2
    page.select_option("#pick", "1")  # the second focus: the input x1
    page.wait_for_function("document.getElementById('what').textContent.includes('x1')")
    assert page.locator("#graph svg circle").count() >= 1
    page.close()
    assert errors == [] and requests == []


def test_over_the_size_limit_the_page_focuses_on_the_largest_gradients(browser, tmp_path, capsys):  # noqa: F811
    net_path, data_path = tmp_path / "n.json", tmp_path / "d.json"
    net_path.write_text(json.dumps(generate_dict("resnet", units=200, fan_in=3, depth=4, seed=1)))
    data_path.write_text(json.dumps(sample_data(rojas.load(net_path), 1)))
    out = tmp_path / "p.html"
    assert main(["explore", str(net_path), "--data", str(data_path), "--max-nodes", "50", "-o", str(out)]) == 0
    assert "largest |∂E/∂w|" in capsys.readouterr().err
    page, errors, requests = open_page(browser, out)
    assert page.locator("#pick option").count() == 5
    page.close()
    assert errors == [] and requests == []
