"""The robust table and the optimiser: regret and limits by hand on small arrays, the known
optimum of synthetic problems (constrained and not), the Pareto front, and both commands end to
end at a tiny size."""

import numpy as np
import pyarrow.parquet as pq
import pytest

from sim.cli.main import main
from sim.decide.optimise import (
    DEFAULT_PROBLEM,
    Constraint,
    Lever,
    load_problem,
    optimise,
    pareto_front,
)
from sim.decide.outputs import LIMITS, OBJECTIVES
from sim.decide.robust import robust_choice, robust_rows
from tests.helpers import broken_copy, expect_input_error

MARGIN = OBJECTIVES["segment_margin"]


def _values(margin, survival=None):
    margin = np.asarray(margin, float)
    shape = margin.shape
    ones = np.ones(shape)
    return {"segment_margin": margin,
            "min_survival_months": ones * 24 if survival is None else np.asarray(survival, float),
            "segment_reserve_uncovered": 0 * ones, "peak_loan_to_deposit": 0.8 * ones,
            "subsidy_cost": ones, "deposits": ones}  # fmt: skip


def test_regret_and_share_best_are_against_the_best_candidate_in_each_draw():
    # 2 candidates x 3 draws x 1 path; margins: A = 10, 5, 7; B = 8, 9, 7
    # best per draw: A, B, tie (A first) -> regret A = 0, 4, 0; B = 2, 0, 0
    margin = [[[10], [5], [7]], [[8], [9], [7]]]
    survival = [[[24], [24], [24]], [[24], [3], [24]]]  # B under 6 months in draw 2
    rows = robust_rows(_values(margin, survival), ["A", "B"], objective=MARGIN)
    a, b = rows
    assert a["regret.mean"] == pytest.approx(4 / 3)
    assert a["regret.max"] == 4
    assert b["regret.mean"] == pytest.approx(2 / 3)
    assert b["regret.max"] == 2
    assert a["share_best"] == pytest.approx(2 / 3)
    assert b["share_best"] == pytest.approx(1 / 3)
    assert a["holds.survival"] == 1.0
    assert b["holds.survival"] == pytest.approx(2 / 3)
    assert a["segment_margin.p50"] == 7
    # B has the least worst-case regret but breaks the survival limit in a third of the draws
    assert robust_choice(rows)["candidate"] == "A"
    assert set(LIMITS) == {"survival", "reserve", "loan_to_deposit"}


def _synthetic(noise):
    """Margin -(x - 0.7)^2; survival 6 + 10 (0.5 - x) + noise[draw, path]."""

    def evaluate(settings):
        x = settings[:, 0][:, None, None]
        margin = -((x - 0.7) ** 2) + 0 * noise
        return _values(margin, 6 + 10 * (0.5 - x) + noise)

    return evaluate


def test_the_optimiser_finds_the_known_optimum_where_the_chance_constraint_binds():
    noise = np.random.default_rng(3).normal(size=(20, 10))  # 200 draw x path pairs
    # P(survival < 6) = share of noise < 10 (x - 0.5) <= 5% (10 of 200) holds up to
    # x* = 0.5 + (11th smallest noise) / 10; the margin rises towards 0.7, so x* is the optimum.
    x_star = 0.5 + np.sort(noise.ravel())[10] / 10
    lever = Lever("x", 0.0, 1.0, "synthetic")
    constraint = Constraint("min_survival_months", 0.05, below=6.0)
    got = optimise([lever], _synthetic(noise), objective=MARGIN, constraints=(constraint,),
                   points=6, rounds=10, seed=1)  # fmt: skip
    assert got.feasible[got.best]
    assert got.settings[got.best, 0] == pytest.approx(x_star, abs=0.005)
    assert got.probability[got.best, 0] <= 0.05


def test_the_optimiser_finds_an_interior_optimum_of_two_levers():
    def evaluate(settings):
        x, y = settings[:, 0][:, None, None], settings[:, 1][:, None, None]
        return _values(-((x - 0.3) ** 2) - (y - 60) ** 2 / 1e4 + np.zeros((1, 4, 2)))

    levers = [Lever("x", 0.0, 1.0, "synthetic"), Lever("y", 0.0, 100.0, "synthetic")]
    got = optimise(levers, evaluate, objective=MARGIN, constraints=(), points=12, rounds=8, seed=2)
    assert got.settings[got.best, 0] == pytest.approx(0.3, abs=0.02)
    assert got.settings[got.best, 1] == pytest.approx(60, abs=2)


def test_the_pareto_front_keeps_the_feasible_candidates_nothing_beats_on_cost_and_gain():
    cost = np.array([1.0, 2.0, 2.0, 3.0, 0.5])
    gain = np.array([10.0, 12.0, 11.0, 12.0, 20.0])
    feasible = np.array([True, True, True, True, False])
    # 1 (cheapest feasible) and 2 (cost 2, gain 12) are on the front; 3 is beaten by 2,
    # 4 beats everything but breaks a constraint
    assert pareto_front(cost, gain, feasible).tolist() == [True, True, False, False, False]


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ('objective = "deposits_per_subsidy"', 'objective = "votes"', "optimise.objective"),
        (
            "low = 0.010\nhigh = 0.015",
            "low = 0.010\nhigh = 0.5",
            "levers.subsidy.holding_rate.low/high",
        ),
        ('output = "min_survival_months"', 'output = "happiness"', "constraint[1].output"),
        (
            "below = 6.0\nmax_probability = 0.05",
            "below = 6.0\nmax_probability = 1.5",
            "constraint[1].max_probability",
        ),
    ],
)
def test_a_broken_problem_file_fails_in_one_line_naming_the_key(tmp_path, old, new, key):
    bad = tmp_path / "bad.toml"
    broken_copy(DEFAULT_PROBLEM, old, new, bad)
    expect_input_error(load_problem, bad, key)


TINY = ["--set", "population.size=1200", "--set", "horizon.months=24", "--paths", "1",
        "--workers", "1", "--seed", "5"]  # fmt: skip


def test_compare_robust_judges_each_rate_on_the_same_draws_and_writes_its_table(tmp_path, capsys):
    out = tmp_path / "robust"
    argv = ["compare", "scenarios/baseline.toml", "--robust", "--draws", "3", "--set",
            "subsidy.holding_rate=0.010,0.015", "--lang", "en", "--out", str(out), *TINY]  # fmt: skip
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert "subsidy.holding_rate=0.015" in printed
    assert "regret" in printed
    rows = (out / "robust.csv").read_text().splitlines()
    assert len(rows) == 3
    assert "holds.survival" in rows[0]
    outputs = pq.read_table(out / "outputs.parquet").to_pandas()
    assert len(outputs) == 2 * 3
    # common random numbers: in each draw the higher rate pays at least as much subsidy (paid
    # from June 2025, month 22)
    low, high = (outputs[outputs.candidate.str.endswith(r)] for r in ("0.01", "0.015"))
    assert (high.subsidy_cost.to_numpy() >= low.subsidy_cost.to_numpy()).all()
    assert (high.subsidy_cost.to_numpy() > low.subsidy_cost.to_numpy()).any()
    assert pq.read_table(out / "draws.parquet").num_rows == 3
    # the same command into the same folder resumes (every sample found on disk)
    assert main(argv) == 0
    # two worker processes give the same table to the last digit
    two = tmp_path / "two"
    assert main([*argv[: -len(TINY) - 2], "--out", str(two), *TINY[:-3], "2", *TINY[-2:]]) == 0
    assert (two / "robust.csv").read_text() == (out / "robust.csv").read_text()


def test_optimise_prints_the_best_rate_with_its_uncertainty_and_writes_the_pareto_front(
    tmp_path, capsys
):
    out = tmp_path / "opt"
    argv = ["optimise", "--draws", "2", "--points", "3", "--rounds", "2", "--lang", "en",
            "--out", str(out), *TINY]  # fmt: skip
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert "best: subsidy.holding_rate = " in printed
    assert "90% interval" in printed
    lines = (out / "pareto.csv").read_text().splitlines()
    assert lines[0].startswith("subsidy.holding_rate,subsidy_cost,deposits,")
    assert sum(line.endswith(",True") for line in lines[1:]) == 1  # one chosen
    assert (out / "pareto.png").stat().st_size > 1000
    assert main([*argv[:1], "--levers", "loan.nope", *argv[1:]]) == 2
