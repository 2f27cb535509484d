"""Sensitivity analysis: the estimators through the one code path every analysis takes
(Ishigami's known Sobol' indices, a linear function's exact elementary effects), and a tiny
simulation run end to end, resumed after a kill."""

import csv

import numpy as np
import pyarrow.parquet as pq
import pytest

from sim.cli.main import main
from sim.decide.outputs import OUTPUTS
from sim.decide.sensitivity import analyse, kept_by_morris, top_drivers
from sim.decide.uncertainty import Space, Uncertain, load_uncertainty


def _space(*ranges):
    params = tuple(Uncertain(f"x{i}", "uniform", {"low": lo, "high": hi}, "a test function")
                   for i, (lo, hi) in enumerate(ranges, start=1))  # fmt: skip
    return Space("(test)", "test", "", params)


def _ishigami(space, v):
    a, b = 7.0, 0.1
    return {"y": np.sin(v[:, 0]) + a * np.sin(v[:, 1]) ** 2 + b * v[:, 2] ** 4 * np.sin(v[:, 0])}


# Ishigami (a = 7, b = 0.1), analytic: V = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2
_V = 7**2 / 8 + 0.1 * np.pi**4 / 5 + 0.1**2 * np.pi**8 / 18 + 0.5
_V1 = 0.5 * (1 + 0.1 * np.pi**4 / 5) ** 2
_V2 = 7**2 / 8
_V13 = 0.1**2 * np.pi**8 * (1 / 18 - 1 / 50)
ISHIGAMI_S1 = (_V1 / _V, _V2 / _V, 0.0)  # 0.3139, 0.4424, 0
ISHIGAMI_ST = ((_V1 + _V13) / _V, _V2 / _V, _V13 / _V)  # 0.5576, 0.4424, 0.2437


def test_sobol_indices_of_the_ishigami_function_match_their_known_values_within_the_intervals():
    space = _space(*[(-np.pi, np.pi)] * 3)
    a = analyse(space, _ishigami, method="sobol", samples=2048, seed=11)
    assert ISHIGAMI_S1[0] == pytest.approx(0.3139, abs=1e-4)
    for row, s1, st in zip(a.rows, ISHIGAMI_S1, ISHIGAMI_ST, strict=True):
        assert abs(row["S1"] - s1) <= row["S1_conf"], row
        assert abs(row["ST"] - st) <= row["ST_conf"], row
        assert row["S1_conf"] < 0.06
    assert len(a.values) == 2048 * (3 + 2)


def test_morris_elementary_effects_of_a_linear_function_are_its_slopes_times_the_ranges():
    # y = 3 x1 - 2 x2 + 0 x3 over x1 in [0, 1], x2 in [10, 20], x3 in [-5, 5]:
    # moving x_j by a quantile step d changes y by slope_j * (high - low) * d, so
    # mu* per unit of quantile = |slope| * range = 3, 20, 0, and sigma = 0.
    space = _space((0, 1), (10, 20), (-5, 5))
    a = analyse(space, lambda s, v: {"y": 3 * v[:, 0] - 2 * v[:, 1]}, method="morris",
                samples=6, seed=5)  # fmt: skip
    got = {r["parameter"]: r for r in a.rows}
    assert got["x1"]["mu_star"] == pytest.approx(3.0)
    assert got["x2"]["mu_star"] == pytest.approx(20.0)
    assert got["x2"]["mu"] == pytest.approx(-20.0)
    assert got["x3"]["mu_star"] == pytest.approx(0.0)
    assert all(r["sigma"] == pytest.approx(0.0, abs=1e-9) for r in a.rows)
    assert len(a.values) == 6 * (3 + 1)
    assert kept_by_morris(a.rows, threshold=0.1) == ["x2", "x1"]
    assert top_drivers(a.rows, at_most=1) == [("y", ["x2"])]


def test_the_same_seed_gives_the_same_design_and_another_seed_another():
    space = _space((0, 1), (0, 1))
    f = lambda s, v: {"y": v[:, 0] * v[:, 1]}  # noqa: E731
    a, b = (analyse(space, f, method="sobol", samples=8, seed=s) for s in (1, 1))
    c = analyse(space, f, method="sobol", samples=8, seed=2)
    np.testing.assert_array_equal(a.values, b.values)
    assert not np.array_equal(a.values, c.values)


TINY = ["--set", "population.size=1200", "--set", "horizon.months=18", "--paths", "2",
        "--workers", "1", "--seed", "7"]  # fmt: skip


def _rows(folder):
    with (folder / "sensitivity.csv").open() as fh:
        return list(csv.DictReader(fh))


def test_a_tiny_morris_run_writes_its_files_and_resumes_after_a_kill_to_the_same_numbers(
    tmp_path, capsys
):
    out = tmp_path / "morris"
    argv = ["sensitivity", "--method", "morris", "--samples", "1", "--lang", "en"]
    assert main([*argv, "--out", str(out), *TINY]) == 0
    assert "most influential" in capsys.readouterr().out
    d = len(load_uncertainty().names)
    rows = _rows(out)
    assert {r["output"] for r in rows} == set(OUTPUTS)
    assert len(rows) == d * len(OUTPUTS)
    assert rows[0]["parameter"] in load_uncertainty().names
    assert pq.read_table(out / "samples.parquet").num_rows == d + 1
    outputs = pq.read_table(out / "outputs.parquet").to_pandas()
    assert len(outputs) == (d + 1) * 2
    assert {"segment_margin", "subsidy_cost", "members", "deposits", "min_survival_months",
            "peak_loan_to_deposit", "segment_reserve_coverage"} <= set(outputs.columns)  # fmt: skip
    assert len(list((out / "figures").glob("morris-*.png"))) == len(OUTPUTS)
    # a kill after some samples: remove the last ones and the analysis, then resume
    for f in sorted((out / "samples").glob("sample-*.json"))[-5:]:
        f.unlink()
    (out / "sensitivity.csv").unlink()
    assert main(["sensitivity", "--samples", "1", "--out", str(out), "--resume", *TINY]) == 0
    assert _rows(out) == rows
    # a resume with another seed is refused
    assert main(["sensitivity", "--samples", "1", "--out", str(out), "--resume",
                 *TINY[:-1], "8"]) == 2  # fmt: skip


def test_sobol_runs_on_the_parameters_the_morris_screen_keeps(tmp_path):
    screen = tmp_path / "morris"
    assert main(["sensitivity", "--samples", "1", "--out", str(screen), *TINY]) == 0
    out = tmp_path / "sobol"
    assert main(["sensitivity", "--method", "sobol", "--samples", "2", "--screen", str(screen),
                 "--out", str(out), *TINY]) == 0  # fmt: skip
    rows = _rows(out)
    kept = list(dict.fromkeys(r["parameter"] for r in rows))
    assert 2 <= len(kept) <= 8
    assert {"S1", "S1_conf", "ST", "ST_conf"} <= set(rows[0])
    assert pq.read_table(out / "samples.parquet").num_rows == 2 * (len(kept) + 2)
    assert len(list((out / "figures").glob("sobol-*.png"))) == len(OUTPUTS)


def test_a_bad_method_or_sobol_size_fails_in_one_line(tmp_path, capsys):
    assert main(["sensitivity", "--method", "fast", "--out", str(tmp_path / "x"), *TINY]) == 2
    assert "--method" in capsys.readouterr().err
    argv = ["sensitivity", "--method", "sobol", "--samples", "6", "--out", str(tmp_path / "y")]
    assert main([*argv, *TINY]) == 2
    assert "--samples: 6; allowed: a power of 2" in capsys.readouterr().err
