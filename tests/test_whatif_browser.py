"""The what-if page in a real browser (issue 24): headless Chromium opens whatif.html from a
file (no server, no network), a lever is moved with the keyboard as a user would, and the
figures change to the grid's own values — on a grid point exactly, between points as
:func:`sim.decide.whatif.interpolate` gives them, said so on the page.

Skips only where no Chromium is installed; ``make test`` installs Debian's ``chromium``
first where it can (Makefile, target ``browser``), so CI runs it.
"""

import json

import pytest

from sim.cli.main import main
from sim.decide.whatif import interpolate, points
from tests.cdp import Browser, chromium

pytestmark = pytest.mark.skipif(chromium() is None, reason="no chromium on this machine")

FIGS = "[...document.querySelectorAll('td[id^=fig-]')].map(e=>[e.id.slice(4),+e.dataset.median,+e.dataset.lo,+e.dataset.hi])"


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    out = tmp_path_factory.mktemp("whatif") / "run"
    code = main(["whatif", "--grid", "rate=0.010,0.015", "--grid", "bonus=0,400",
                 "--set", "population.size=600", "--set", "horizon.months=24", "--paths", "2",
                 "--workers", "1", "--out", str(out)])  # fmt: skip
    assert code == 0
    data = json.loads((out / "whatif.json").read_text(encoding="utf-8"))
    return out / "whatif.html", data


def shown(b) -> dict:
    return {name: (median, lo, hi) for name, median, lo, hi in b.js(FIGS)}


def expected(data, setting) -> tuple[dict, bool]:
    grid = {k: tuple(v) for k, v in data["grid"].items()}
    names = list(data["figures"])
    rows = [[p["figures"][f] for f in names] for p in data["points"]]
    value, between = interpolate(grid, rows, setting)
    return {f: (q[1], q[0], q[2]) for f, q in zip(names, value, strict=True)}, between


def test_moving_a_lever_changes_the_figures_to_the_grids_values(page):
    path, data = page
    assert points({k: tuple(v) for k, v in data["grid"].items()})[2] == {
        "rate": 0.015, "bonus": 0.0}  # fmt: skip
    with Browser() as b:
        b.open(path, "rate=0.01&bonus=0")
        assert b.js("document.body.dataset.ready") == "1"
        start = shown(b)
        want, between = expected(data, {"rate": 0.010, "bonus": 0.0})
        assert start == want  # a grid point shows that point's figures exactly
        assert not between
        assert b.js("document.getElementById('interp').dataset.between") == "0"

        b.js("document.getElementById('lever-rate').focus()")
        b.press("ArrowRight", 10)  # 10 steps of 0.0005: 1.0% → 1.5%, the next grid point
        assert b.js("location.hash") == "#rate=0.015&bonus=0"
        moved = shown(b)
        assert moved == expected(data, {"rate": 0.015, "bonus": 0.0})[0]
        assert moved["subsidy"] != start["subsidy"]  # the rate moved what it pays

        b.press("ArrowLeft", 5)  # 1.25%: between the grid points, interpolated and said so
        assert b.js("location.hash") == "#rate=0.0125&bonus=0"
        assert b.js("document.getElementById('interp').dataset.between") == "1"
        half, between = expected(data, {"rate": 0.0125, "bonus": 0.0})
        assert between
        for name, triple in shown(b).items():
            assert triple == pytest.approx(half[name], rel=1e-12, abs=1e-9), name
        assert "插值" in b.js("document.getElementById('interp').textContent")
        assert b.problems() == []  # no console message, no uncaught error


def test_the_link_carries_the_setting_and_the_language(page):
    path, data = page
    with Browser() as b:
        b.open(path, "rate=0.015&bonus=200&lang=en")
        want, between = expected(data, {"rate": 0.015, "bonus": 200.0})
        assert between
        for name, triple in shown(b).items():
            assert triple == pytest.approx(want[name], rel=1e-12, abs=1e-9), name
        assert b.js("document.getElementById('title').textContent") == "Subsidy policy: what if…?"
        assert "interpolated" in b.js("document.getElementById('interp').textContent")
        b.click("#switch")  # back to Chinese, with the mouse
        assert b.js("document.documentElement.lang") == "zh-CN"
        assert "lang=en" not in b.js("location.hash")
        # every figure of the embedded font renders: no request left the page
        assert b.js("performance.getEntriesByType('resource').length") == 0
