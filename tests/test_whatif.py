"""The what-if grid (issue 24): levers, grid points, multilinear interpolation, the page."""

import json

import pytest

from sim.core.errors import InputError
from sim.decide.whatif import (
    DEFAULT_GRID,
    interpolate,
    label_of,
    parse_grid,
    points,
    sets_of,
)
from sim.report.whatif import page_data, render_whatif

GRID = {"rate": (0.010, 0.015), "bonus": (0.0, 200.0, 400.0)}


def test_grid_parses_levers_and_refuses_bad_ones():
    assert parse_grid([]) == DEFAULT_GRID
    assert parse_grid(["rate=0.015,0.010", "bonus=300"]) == {"rate": (0.010, 0.015),
                                                             "bonus": (300.0,)}  # fmt: skip
    for bad in (["speed=1,2"], ["rate=a,b"], ["rate=0.01", "rate=0.02"], ["rate"]):
        with pytest.raises(InputError) as err:
            parse_grid(bad)
        assert "--grid" in str(err.value)


def test_points_run_every_combination_with_the_levers_policy_keys():
    pts = points(GRID)
    assert len(pts) == 6
    assert pts[1] == {"rate": 0.010, "bonus": 200.0}  # the last lever varies fastest
    assert label_of(pts[1]) == "rate=0.01,bonus=200"
    assert sets_of(pts[1]) == {"subsidy.holding_rate": 0.010, "subsidy.opening_bonus": 200.0}


def test_interpolation_is_exact_on_grid_points_and_linear_between():
    # value = 1000 × rate + bonus at each grid point (points() order)
    values = [1000 * p["rate"] + p["bonus"] for p in points(GRID)]
    assert interpolate(GRID, values, {"rate": 0.015, "bonus": 200.0}) == (15 + 200, False)
    v, between = interpolate(GRID, values, {"rate": 0.0125, "bonus": 300.0})
    # halfway in rate (10 → 15: 12.5), halfway in bonus (200 → 400: 300)
    assert between
    assert v == pytest.approx(12.5 + 300)
    # outside the grid: held at the nearest end
    assert interpolate(GRID, values, {"rate": 0.02, "bonus": 0.0}) == (15.0, False)
    # nested lists interpolate element by element
    nested = [[v, [2 * v]] for v in values]
    got, _ = interpolate(GRID, nested, {"rate": 0.0125, "bonus": 100.0})
    assert got[0] == pytest.approx(112.5)
    assert got[1] == pytest.approx([225.0])


def test_page_is_self_contained_and_carries_the_grid(tmp_path):
    figs = [{"members": [1.0, 2.0, 3.0]} for _ in points(GRID)]
    data = page_data(GRID, figs, [{} for _ in figs], ["2023-09"])
    data["figures"] = {"members": data["figures"]["members"]}
    page = render_whatif(tmp_path, data, [], about={"n": 6, "p": 1, "m": 12, "s": "t"})
    text = page.read_text(encoding="utf-8")
    for remote in ("http://", "https://", 'src="//', "<link"):
        assert remote not in text.replace("http://www.w3.org", "")
    blob = text.split("<script type='application/json' id='data'>")[1].split("</script>")[0]
    assert json.loads(blob)["grid"] == {"rate": [0.010, 0.015], "bonus": [0.0, 200.0, 400.0]}
    assert "id='lever-rate'" in text
    assert "id='lever-bonus'" in text


def test_a_grid_value_out_of_range_is_refused_naming_the_grid(capsys):
    from sim.cli.main import main

    assert main(["whatif", "--grid", "rate=0.01,0.2", "--paths", "1"]) != 0
    err = capsys.readouterr().err
    assert "--grid rate=0.01,0.2" in err
    assert "0.2" in err
