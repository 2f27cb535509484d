"""Calibration targets: published, dated, banded, measured as data; strict files."""

import math
from pathlib import Path

import numpy as np
import pytest

from sim.agents.calibration import (
    DEFAULT_TARGETS,
    Target,
    calibrate,
    format_moments,
    load_targets,
    moment,
)
from sim.agents.fitting import DEFAULT_PARAMETERS, load_parameters
from sim.agents.population_file import load_agent_config
from sim.cli.main import main
from sim.core.errors import InputError
from sim.core.months import parse_month
from sim.fund.policy import load_policy
from tests.helpers import broken_copy

ROOT = Path(__file__).parents[1]


def test_every_target_is_a_dated_source_with_its_value_inside_its_band():
    targets = load_targets()
    assert len(targets) >= 10
    for t in targets.values():
        assert t.band[0] <= t.value <= t.band[1], t.name
        assert len(t.source) > 40, t.name
        assert any(ch.isdigit() for ch in t.date), t.name
        assert not t.source.lower().startswith("assumption"), t.name


def test_no_target_echoes_the_input_it_fits():
    """The old joining target (0.04) was the input rate (0.04): a target must be measured."""
    targets = load_targets()
    assert "joining.first_year_rate" not in targets
    params, _ = load_parameters()
    config = load_agent_config()
    for p in params:
        for name in p.basis.split(","):
            assert targets[name.strip()].value != pytest.approx(p.value(config)), (p.key, name)


def test_every_fitted_parameter_names_targets_that_exist():
    params, _ = load_parameters()
    names = set(load_targets())
    assert len(params) >= 8
    for p in params:
        assert {b.strip() for b in p.basis.split(",")} <= names, p.key


def test_a_moment_is_a_ratio_of_sums_over_its_window_and_paths():
    paths = [
        {"a": np.array([1.0, 2, 3, 4]), "b": np.array([10.0, 10, 10, 10])},
        {"a": np.array([0.0, 0, 5, 5]), "b": np.array([20.0, 20, 20, 20])},
    ]
    t = Target("x", "d", 0.1, (0, 1), "s", "2024", ("a", "-b"), ("b",), (3, 4), scale=12.0)
    # months 3-4: a = 3 + 4 + 5 + 5 = 17, b = 10 + 10 + 20 + 20 = 60: 12 * (17 - 60) / 60
    assert moment(t, paths) == pytest.approx(12 * (17 - 60) / 60)
    beyond = Target("y", "d", 0.1, (0, 1), "s", "2024", ("a",), ("b",), (5, 9))
    assert math.isnan(moment(beyond, paths))


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ("value = 0.29\n", "value = 0.9\n", "dormancy.not_contributing_share.value"),
        ('numerator = ["dormant"]', 'numerator = ["sleepers"]', "not_contributing_share.numerator"),
        ("months = [13, 36]", "months = [36, 13]", "not_contributing_share.months"),
        ("band = [0.25, 0.50]", "band = [0.50, 0.25]", "not_contributing_share.band"),
        ('date = "2016-06"', "date = 2016", "not_contributing_share.date"),
        ('date = "2016-06"', 'dates = "2016-06"', "not_contributing_share.dates"),
        (
            "\nfit = false  # an input check",
            '\nfit = "no"  # an input check',
            "income.mean_annual_yuan.fit",
        ),
    ],
)
def test_a_broken_targets_file_fails_in_one_line_naming_file_and_key(tmp_path, old, new, key):
    bad = tmp_path / "targets.toml"
    broken_copy(DEFAULT_TARGETS, old, new, bad)
    with pytest.raises(InputError) as err:
        load_targets(bad)
    assert str(bad) in str(err.value)
    assert key in str(err.value)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ("behaviour.buying.age_peak", "behaviour.buying.age_peek", "behaviour.buying.age_peek"),
        ("low = 22.0", "low = 10.0", "behaviour.buying.age_peak"),
        ("paths = 8", "paths = 1", "fit.paths"),
        ("step = 0.03", "step = 3", "fit.step"),
        ("[fit]", "[fitting]", "(top)"),
        ('start = "2023-09"', 'start = "2023-13"', "fit.start"),
    ],
)
def test_a_broken_parameters_file_fails_in_one_line_naming_file_and_key(tmp_path, old, new, key):
    bad = tmp_path / "parameters.toml"
    broken_copy(DEFAULT_PARAMETERS, old, new, bad)
    with pytest.raises(InputError) as err:
        load_parameters(bad)
    assert str(bad) in str(err.value)
    assert key in str(err.value)


def test_plain_calibrate_reports_every_target_with_its_band():
    moments = calibrate(
        load_agent_config(), load_policy("lyg-2023"), n=3_000, months=24, paths=2,
        start_month=parse_month("2023-09"),
    )  # fmt: skip
    assert [m.name for m in moments] == list(load_targets())
    table = format_moments(moments)
    assert "dormancy.not_contributing_share" in table
    assert "(not fitted)" in table
    assert "n/a" in table  # withdrawals.to_deposits is measured in year 3, past a 24-month run


def test_cli_calibrate_fit_rejects_a_bad_parameters_file_in_one_line(tmp_path, capsys):
    bad = tmp_path / "p.toml"
    broken_copy(DEFAULT_PARAMETERS, "low = 22.0", "low = 99.0", bad)
    assert main(["calibrate", "--fit", "--parameters", str(bad), "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "behaviour.buying.age_peak" in err
    assert len(err.strip().splitlines()) == 1


def test_the_calibration_table_lists_every_target_and_fitted_parameter():
    readme = (ROOT / "docs" / "people.md").read_text(encoding="utf-8")
    block = readme.split("<!-- calibration:start -->")[1].split("<!-- calibration:end -->")[0]
    for name in load_targets():
        assert f"`{name}`" in block, name
    for p in load_parameters()[0]:
        assert f"`{p.key}`" in block, p.key


def test_the_calibrated_people_meet_the_pilots_2025_11_figures_through_the_engine():
    """Issue 21: 47,300 accounts and 1.87 亿 yuan by 2025-11 (FACTS.md, grade D), measured per
    person and scaled to the city's 575,000 flexibly-employed; 20,000 people stand for them."""
    from sim.agents.calibrated import CALIBRATED_POPULATION
    from sim.agents.calibration import calibrate

    config = load_agent_config(CALIBRATED_POPULATION)
    wanted = {k: t for k, t in load_targets().items() if k.startswith("pilot.")}
    assert set(wanted) == {"pilot.ever_opened_2025_11", "pilot.deposits_to_2025_11_yuan"}
    got = {m.name: m for m in calibrate(config, load_policy("lyg-2023"), n=20_000, months=27,
                                        paths=2, start_month=parse_month("2023-09"))}  # fmt: skip
    opened, deposits = got["pilot.ever_opened_2025_11"], got["pilot.deposits_to_2025_11_yuan"]
    assert 35_000 <= opened.simulated <= 60_000
    assert 1.4e8 <= deposits.simulated <= 2.4e8
    assert 3_000 <= deposits.simulated / opened.simulated <= 5_000, "≈3,950 yuan each (FACTS.md)"
