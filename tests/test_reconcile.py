"""hpfsim reconcile: the model's calendar-year pool figures beside Lianyungang's published ones,
and the back-test of the default scenario's 2024 (the employees' book fitted to 2023-2024)."""

import numpy as np
import pytest

from sim.cli.main import main
from sim.core.errors import InputError
from sim.core.months import parse_month
from sim.engine.simulation import simulate
from sim.report.reconcile import (
    DEFAULT_PUBLISHED,
    FIGURES,
    Published,
    load_published,
    reconcile,
    table,
)
from sim.scenario.files import load_scenario
from tests.helpers import broken_copy


def test_flows_sum_a_whole_calendar_year_and_stocks_take_december():
    start = parse_month("2023-09")  # 28 months: Sep 2023 … Dec 2025
    months = np.arange(28, dtype=float)
    paths = {p: {name: months + p for name, _ in FIGURES.values()} for p in range(3)}
    pubs = [Published(2024, "withdrawals", 1.0, "yuan", "s", "B"),
            Published(2024, "loan_balance", 16.0, "yuan", "s", "B"),
            Published(2023, "deposits", 1.0, "yuan", "s", "B")]  # fmt: skip
    flow, stock, partial = reconcile(paths, start, pubs)
    # 2024 is months 4 … 15: Σ = 4 + … + 15 = 114, plus 12 × path on path 1 and 2
    assert flow.median == pytest.approx(114 + 12)
    assert (flow.low, flow.high) == pytest.approx((114 + 12 * 0.1, 114 + 12 * 1.9))
    assert stock.median == 16.0
    assert stock.difference == pytest.approx(0.0)
    assert stock.low == pytest.approx(15.1)
    assert not stock.outside
    assert flow.outside
    assert flow.difference == pytest.approx(125.0)
    assert partial.median is None
    assert "whole year" in partial.note
    text = table([flow, stock, partial])
    assert "published figures outside the model's 90% band: 2024 withdrawals" in text


def test_the_published_file_carries_source_and_grade_for_every_figure():
    figures = load_published()
    assert {(p.year, p.figure) for p in figures} >= {(2024, f) for f in FIGURES if f != "cash"}
    assert all(p.source and p.grade in "BCD" for p in figures)
    loans = next(p for p in figures if (p.year, p.figure) == (2024, "loan_balance"))
    assert loans.value == pytest.approx(255.92e8)


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ("[year.2024.cash]", "[year.2024.money]", "year.2024.money"),
        ('value = 32.16\nunit = "亿元"', 'value = 32.16\nunit = "wan"', "year.2024.cash.unit"),
        ('grade = "C"', 'grade = ""', "year.2024.cash.grade"),
        ("value = 12200", 'value = "many"', "year.2024.loans_issued.value"),
    ],
)
def test_a_bad_published_file_fails_in_one_line_naming_the_key(tmp_path, old, new, key):
    path = broken_copy(DEFAULT_PUBLISHED, old, new, tmp_path / "published.toml")
    with pytest.raises(InputError) as err:
        load_published(path)
    assert err.value.key == key
    assert "\n" not in str(err.value)


def test_backtest_the_default_scenario_reproduces_lianyungangs_2024_pool():
    """Done-when of issue 20: each calendar-2024 pool figure within 10% of the published
    value, 5% for the year-end balances (a small population: the employees' side dominates
    the pool's figures)."""
    sc = load_scenario(sets={"population.size": 500, "horizon.months": 16})
    paths = {p: simulate(sc, p) for p in range(3)}
    rows = {r.published.figure: r for r in reconcile(paths, sc.start, load_published())
            if r.published.year == 2024}  # fmt: skip
    tolerance = {"deposit_balance": 0.05, "loan_balance": 0.05}
    for name in ("deposits", "withdrawals", "withdrawers", "loans_issued", "loans_issued_amount",
                 "principal_recovered", "deposit_balance", "loan_balance", "cash",
                 "loan_to_deposit"):  # fmt: skip
        assert abs(rows[name].difference) <= tolerance.get(name, 0.10), (name, rows[name])


def test_reconcile_command_prints_the_table(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["run", "--paths", "2", "--workers", "1", "--set", "population.size=200",
                 "--set", "horizon.months=16", "--out", str(out)]) == 0  # fmt: skip
    printed = capsys.readouterr().out
    assert "pool liquidity over the run" in printed or "资金池流动性" in printed
    assert main(["reconcile", str(out)]) == 0
    text = capsys.readouterr().out
    assert "2024  loan_balance" in text
    assert "255.92" in text
    assert "the run does not cover the whole year" in text  # 2023's flows: Sep-Dec only
    assert main(["reconcile", str(tmp_path)]) == 2


def test_liquidity_table_counts_months_past_each_line_beside_the_cost():
    from sim.report.liquidity import liquidity_table, reduce

    def path(levels, subsidy):
        n = len(levels)
        zero = np.zeros(n)
        return {"liquidity_level": np.array(levels, float), "loan_queue_length": zero + 2,
                "pool_loans_rationed": zero + 1e6, "pool_withdrawals_stopped": zero,
                "credit_line_balance": zero, "subsidy_paid": zero + subsidy,
                "bonus_paid": zero, "segment_net_funding": np.arange(n) * 1e6}  # fmt: skip

    runs = {"1%": {0: path([1, 2, 3, 3], 1e6), 1: path([0, 1, 2, 3], 1e6)},
            "1.5%": {0: path([1, 1, 2, 2], 2e6), 1: path([0, 0, 1, 2], 2e6)}}  # fmt: skip
    # path 0 at 1%: levels 1, 2, 3, 3 → 4 months past line 1, 3 past line 2, 2 past line 3
    assert reduce(runs["1%"], "liquidity_level", "line1").tolist() == [4, 3]
    assert reduce(runs["1%"], "liquidity_level", "line3").tolist() == [2, 1]
    assert reduce(runs["1.5%"], "subsidy_paid", "cost").tolist() == [8e6, 8e6]
    text = liquidity_table(runs, lang="en")
    line3 = next(r for r in text.splitlines() if r.startswith("months at or past the 3rd"))
    assert "1.5 [1.1 – 1.9]" in line3  # median of 2 and 1; the 5–95% band between them
    assert "0.0 [0.0 – 0.0]" in line3
    assert "8.00 [8.00 – 8.00]" in text  # 4 months × 2 m yuan of subsidy at 1.5%
    assert "最长轮候队列" in liquidity_table(runs, lang="zh")


def test_the_committee_reports_liquidity_section_shows_each_rate():
    from sim.report.liquidity import _short, liquidity_section

    assert _short("subsidy.holding_rate=0.012|stress") == "1.2% | stress"
    assert _short("baseline") == "baseline"
    level = {"liquidity_level": np.array([3.0, 3.0, 2.0])}
    other = {k: np.zeros(3) for k in ("loan_queue_length", "pool_loans_rationed",
                                       "pool_withdrawals_stopped", "credit_line_balance",
                                       "subsidy_paid", "bonus_paid", "segment_net_funding")}  # fmt: skip
    runs = {"subsidy.holding_rate=0.010": {0: level | other},
            "subsidy.holding_rate=0.015": {0: {"liquidity_level": np.ones(3)} | other}}  # fmt: skip
    page = liquidity_section(runs, lang="en")
    assert "<th>1.0%</th><th>1.5%</th>" in page
    row = page[page.index("months at or past the 3rd line") :].split("</tr>")[0]
    assert "<td>2.0<br>" in row  # two months at level 3 at 1.0%
    assert "<td>0.0<br>" in row  # none at 1.5%
    assert "各补贴率下的资金池流动性" in liquidity_section(runs, lang="zh")
