"""Stress testing: every library stress runs, each has its defining effect against the baseline
(common random numbers), the reverse stress test finds a known threshold, bad files fail."""

import json

import numpy as np
import pytest

from sim.cli.main import main
from sim.core.months import parse_month
from sim.engine.simulation import simulate
from sim.scenario.files import load_scenario
from sim.scenario.stress_files import library, load_stress, stress_path
from sim.stress.metrics import BREACHES
from sim.stress.reverse import Box, choose_box, find_threshold, latin_hypercube, prim, wilson
from tests.helpers import broken_copy, expect_input_error

START = parse_month("2023-09")
SHOCK = parse_month("2025-07") - START  # month index of the library's shocks


def test_the_library_has_the_named_stresses_each_documented():
    names = {load_stress(f, start=START).name for f in library()}
    assert names >= {"recession", "sector crash (e-commerce)", "run of exits", "loan-demand surge",
                     "house-price fall", "loan-rate cut", "employee outflow", "policy reversal",
                     "combined severe"}  # fmt: skip
    for f in library():
        s = load_stress(f, start=START)
        assert len(s.description) > 30
        assert len(s.basis) > 30


def test_every_library_stress_runs_from_the_cli_and_writes_its_table(tmp_path, capsys):
    out = tmp_path / "stress"
    code = main(["stress", "--set", "population.size=1500", "--set", "horizon.months=30",
                 "--paths", "2", "--workers", "2", "--out", str(out)])  # fmt: skip
    assert code == 0
    printed = capsys.readouterr().out
    for f in library():
        assert load_stress(f, start=START).name in printed
    rows = (out / "stress.csv").read_text().splitlines()
    assert len(rows) == 1 + 1 + len(library())
    assert "P(survival breach)" in rows[0]


def _pair(stress, sets, severity=None):
    base = simulate(load_scenario(sets=sets), 0)
    extra = {"stress": str(stress_path(stress))}
    if severity is not None:
        extra["stress.severity"] = severity
    return base, simulate(load_scenario(sets={**sets, **extra}), 0)


SMALL = {"population.size": 6_000, "horizon.months": 42}


def test_the_recession_lowers_deposits_and_not_before_it_starts():
    base, hit = _pair("recession", SMALL)
    np.testing.assert_array_equal(base["deposits"][:SHOCK], hit["deposits"][:SHOCK])
    assert hit["deposits"][SHOCK:].sum() < 0.95 * base["deposits"][SHOCK:].sum()


def test_the_run_of_exits_raises_exits_and_cuts_the_survival_horizon():
    base, hit = _pair("exit_run", SMALL)
    window = slice(SHOCK, SHOCK + 6)
    assert hit["exits"][window].sum() > 3 * base["exits"][window].sum()
    assert hit["survival_months"][window].mean() < base["survival_months"][window].mean()


def test_the_loan_surge_lengthens_the_queue():
    base, hit = _pair("loan_surge", SMALL)
    assert hit["loan_queue_length"].max() > base["loan_queue_length"].max()


def test_the_house_price_fall_raises_credit_losses():
    sets = {
        "population.size": 20_000,
        "horizon.months": 60,
        "engine.repay_from_balance": False,
        "behaviour.repaying.buffer_instalments": 0.0,
    }  # defaults to lose on (issue 21: rare)
    base, hit = _pair("house_price_fall", sets, severity=2.5)
    assert hit["house_price_index"][-1] == pytest.approx(1 - 2.5 * 0.3)
    assert hit["credit_losses"].sum() > base["credit_losses"].sum()


def test_the_loan_rate_cut_squeezes_value_added_income():
    base, hit = _pair("loan_rate_cut", {"population.size": 2_000, "horizon.months": 48})
    assert (
        hit["value_added_income"][SHOCK + 1 :].sum() < base["value_added_income"][SHOCK + 1 :].sum()
    )


def test_severity_zero_is_the_baseline():
    base, hit = _pair("combined_severe", {"population.size": 2_000, "horizon.months": 30}, 0.0)
    for name in ("deposits", "exits", "cash", "survival_months"):
        np.testing.assert_array_equal(base[name], hit[name])


def test_reverse_stress_recovers_a_known_threshold(tmp_path, monkeypatch):
    # a house-price fall of 50% at severity 1: the index is 1 - 0.5 s, under 0.7 iff s > 0.6
    stress = tmp_path / "fall.toml"
    stress.write_text(
        '[stress]\nname = "fall"\ndescription = "prices fall by half at severity one"\n'
        'basis = "a constructed case whose threshold is known: 0.6"\n'
        '[[shock]]\nname = "fall"\nstart = "2024-01"\nmonths = 1\nhouse_prices = 0.5\n'
    )  # fmt: skip
    monkeypatch.setitem(BREACHES, "hpi", lambda m: m["min_house_price_index"] < 0.7)
    out = tmp_path / "rev"
    code = main(["reverse-stress", str(stress), "--breach", "hpi", "--set", "population.size=300",
                 "--set", "horizon.months=6", "--paths", "2", "--workers", "1",
                 "--tolerance", "0.02", "--out", str(out)])  # fmt: skip
    assert code == 0
    report = json.loads((out / "reverse.json").read_text())
    lo, hi = report["severity_bracket"]
    assert report["found"]
    assert lo <= 0.6 < hi
    assert hi - lo <= 0.02


def test_threshold_search_on_a_probe_with_a_known_answer():
    result = find_threshold(
        lambda s: 1.0 if s > 1.3 else 0.0, level=0.05, hi=4, tolerance=0.01, paths=10
    )
    assert result.found
    assert result.lo <= 1.3 < result.hi
    assert result.hi - result.lo <= 0.01
    none = find_threshold(lambda s: 0.0, paths=10)
    assert not none.found
    lo, hi = wilson(0.5, 100)
    assert lo < 0.5 < hi


def test_prim_finds_the_box_where_breaches_concentrate():
    ranges = {"income_cut": (0.0, 0.4), "exit_multiplier": (1.0, 10.0), "noise": (0.0, 1.0)}
    x = latin_hypercube(ranges, 400, seed=3)
    y = (x[:, 0] > 0.25) & (x[:, 1] > 6.0)
    box = choose_box(prim(x, y, list(ranges)))
    assert isinstance(box, Box)
    assert box.bounds["income_cut"][0] == pytest.approx(0.25, abs=0.05)
    assert box.bounds["exit_multiplier"][0] == pytest.approx(6.0, abs=0.8)
    assert box.density > 0.8
    assert box.coverage > 0.5
    text = box.describe(ranges)
    assert "income_cut >" in text
    assert "exit_multiplier >" in text


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ("severity = 1.0", "severity = -1.0", "stress.severity"),
        ("months = 12\nrecovery", "months = -3\nrecovery", "shock[1].months"),
        ("income_cut = 0.15", "income_cut = 0.15\nincome_boost = 1", "shock[1].income_boost"),
        ("[ranges]", "[ranges]\nweather = [0, 1]", "ranges.weather"),
        ('name = "recession"', 'name = "recession"\ncolour = 1', "stress.colour"),
    ],
)
def test_a_bad_stress_file_fails_in_one_line_naming_file_and_key(tmp_path, old, new, key):
    path = broken_copy(stress_path("recession"), old, new, tmp_path / "bad.toml")
    expect_input_error(lambda p: load_stress(p, start=START), path, key)
