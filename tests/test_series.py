"""The record's schema (issue 23): every series the engine writes, once, with its unit and kind,
read by the engine (fen → yuan), the results (how a year sums a series up), the labels and the
decision figures."""

from pathlib import Path

import numpy as np
import pytest

from sim.engine.results import KEY_FIGURES, series_table, yearly
from sim.engine.series import (
    BY_NAME,
    FEN_SERIES,
    FLOW,
    LEVEL,
    SCHEMA,
    SERIES,
    STOCK,
    Series,
    markdown,
    summaries,
    year_summary,
)
from sim.engine.simulation import Simulation
from sim.scenario.files import load_scenario

DOC = Path(__file__).resolve().parents[1] / "docs" / "series.md"


@pytest.fixture(scope="module")
def small_run():
    sim = Simulation(load_scenario(sets={"population.size": 800, "horizon.months": 14}), 0)
    sim.env.run()
    return sim


def test_the_schema_holds_every_series_the_engine_writes_and_no_other(small_run):
    assert list(small_run.out) == list(SERIES)  # the record is laid out in the schema's order
    assert len(SERIES) == len(set(SERIES)) == len(SCHEMA) == 119
    assert set(BY_NAME) == set(SERIES)


def test_the_parquet_columns_keep_their_promised_order():
    one = {name: np.zeros(2) for name in SERIES}
    table = series_table({"base": {0: one}}, start=2023 * 12 + 8)
    assert table.column_names == ["scenario", "path", "month", *SERIES]
    # the first columns users read, as every release has written them
    assert SERIES[:6] == (
        "members", "new_members", "exits", "deposits", "withdrawals", "subsidy_paid",
    )  # fmt: skip
    assert SERIES[-1] == "liquidity_level"


def test_units_and_kinds_of_named_series():
    def of(name):
        return BY_NAME[name].unit, BY_NAME[name].kind

    assert of("cash") == ("yuan", STOCK)  # the pool's cash at the month's end
    assert of("deposits") == ("yuan", FLOW)  # paid in during the month
    assert of("members") == ("people", STOCK)  # open accounts at the month's end
    assert of("pool_loan_to_deposit") == ("ratio", LEVEL)  # 个贷率: neither a balance nor a sum
    assert of("loans_disbursed") == ("loans", FLOW)
    assert of("loan_queue_length") == ("applications", STOCK)
    assert of("dormant_accounts") == ("accounts", STOCK)
    assert of("house_price_index") == ("index", LEVEL)
    assert of("survival_months") == ("months", LEVEL)
    assert of("cohort_defaults_to_date") == ("loans", STOCK)  # a count to date is a balance
    assert of("cash_out.withdrawals.rent") == ("yuan", FLOW)
    assert of("deposits.gig") == ("yuan", FLOW)
    assert of("members.gig") == ("people", STOCK)
    assert BY_NAME["cash"].money
    assert not BY_NAME["members"].money
    assert BY_NAME["members"].count
    assert not BY_NAME["pool_loan_to_deposit"].count


def test_money_is_the_fen_series_and_nothing_else():
    assert frozenset(s.name for s in SCHEMA if s.unit == "yuan") == FEN_SERIES
    assert "segment_reserve_to_loans" not in FEN_SERIES  # a ratio among the segment's money
    assert "cohort_defaults_to_date" not in FEN_SERIES  # a count among the cohort's money
    assert len(FEN_SERIES) == 81


def test_every_series_has_a_unit_a_kind_and_a_meaning():
    assert all(s.unit and s.kind and s.meaning for s in SCHEMA)
    with pytest.raises(ValueError, match="unit 'kg'"):
        Series("x", "kg", STOCK, "weight")
    with pytest.raises(ValueError, match="a ratio is not a flow"):
        Series("x", "ratio", FLOW, "a ratio summed")


def test_the_record_writes_money_in_yuan_and_counts_as_they_are(small_run):
    """The books hold fen; the record divides by 100 exactly the money series."""
    acc, out = small_run.fund.ledger.acc, small_run.out
    balance_fen = int(acc.balance.sum())  # interest credited in June: not whole yuan
    assert balance_fen % 100 != 0
    assert out["deposit_balance"][-1] == balance_fen / 100
    assert out["cash"][-1] == small_run.fund.money.pool.cash / 100
    assert out["members"][-1] == int(acc.is_open.sum()) > 10  # people, not hundredths


def test_stocks_move_by_their_flows_and_families_add_up(small_run):
    """A stock's change over a month is the month's flows (the kinds are right), and each
    family of series sums to its total (the names are complete)."""
    from sim.agents.config import COHORTS
    from sim.fund.figures import WITHDRAWAL_KINDS
    from sim.fund.liquidity import CASH_IN, CASH_OUT

    o = small_run.out

    def close(a, b):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-6)

    into = o["deposits"] + o["interest_credited"] + o["subsidy_paid"] + o["bonus_paid"]
    into += o["cash_in.transfers_in"]
    close(np.diff(o["deposit_balance"]), (into - o["withdrawals"])[1:])
    cash_in = sum(o[f"cash_in.{k}"] for k in CASH_IN)
    cash_out = sum(o[f"cash_out.{k}"] for k in CASH_OUT)
    close(np.diff(o["cash"]), (cash_in - cash_out)[1:])
    close(np.diff(o["ever_members"]), o["new_members"][1:])
    close(sum(o[f"members.{c}"] for c in COHORTS), o["members"])
    close(sum(o[f"deposits.{c}"] for c in COHORTS), o["deposits"])
    close(sum(o[f"withdrawals.{k}"] for k in WITHDRAWAL_KINDS), o["withdrawals"])
    close(o["active_depositors"] + o["dormant_accounts"], o["members"])
    assert o["interest_credited"].sum() > 0  # June's settlement is inside the 14 months


def test_a_year_sums_a_flow_and_reads_a_stock_at_its_end():
    months = np.arange(1.0, 25.0)[None, :]  # one path, months 1 … 24
    assert year_summary("deposits") == "flow"
    assert year_summary("members") == "stock"
    assert year_summary("pool_loan_to_deposit") == "stock"  # a level: read at the year's end
    # flow: 1 + … + 12 = 78, 13 + … + 24 = 222; stock: the 12th and the 24th month
    np.testing.assert_array_equal(yearly(months, year_summary("deposits")), [[78.0, 222.0]])
    np.testing.assert_array_equal(yearly(months, year_summary("cash")), [[12.0, 24.0]])
    assert summaries("deposits", "cash", ("cash", "min")) == {"deposits": "flow", "cash": "min"}
    with pytest.raises(ValueError, match="cash: summarised as 'flow'"):
        summaries(("cash", "flow"))


def test_summary_csv_sums_only_flows():
    for name, how in KEY_FIGURES.items():
        assert (how == "flow") == (BY_NAME[name].kind == FLOW) or how in ("max", "min"), name
    assert KEY_FIGURES["deposits"] == "flow"
    assert KEY_FIGURES["deposit_balance"] == "stock"


def test_labels_take_a_series_unit_from_the_schema():
    from sim.report import labels

    series = [n for n in labels.METRICS if n in BY_NAME]
    assert len(series) == 33
    for name in series:
        assert labels.METRICS[name].kind == labels.shown_as(name), name
    assert labels.METRICS["deposit_balance"].kind == "money"  # yuan → 万元 / m yuan
    assert labels.METRICS["dormant_accounts"].kind == "people"  # one account a person
    assert labels.METRICS["loan_queue_length"].kind == "count"
    with pytest.raises(KeyError):
        labels._series({"no_such_series": ("无", "none")})


def test_every_series_the_report_shows_is_in_the_schema():
    from sim.decide.whatif import SERIES as WHATIF
    from sim.report.figures import FIGURES
    from sim.report.liquidity import ROWS
    from sim.report.reconcile import FIGURES as PUBLISHED
    from sim.report.tables import PAIRED, SUMMARY

    shown = {*WHATIF, *FIGURES, *(n for n, _ in SUMMARY), *(n for n, _ in PAIRED)}
    shown |= {row[2] for row in ROWS} | {series for series, _ in PUBLISHED.values()}
    # the annual report's figures: a year's flow summed, a balance (or 个贷率) at December
    assert PUBLISHED["deposits"] == ("pool_deposits", "flow")
    assert PUBLISHED["withdrawers"] == ("pool_withdrawers", "flow")
    assert PUBLISHED["cash"] == ("cash", "stock")
    assert PUBLISHED["loan_to_deposit"] == ("pool_loan_to_deposit", "stock")
    kinds = {row[2]: row[4] for row in ROWS}
    assert kinds["loan_queue_length"] == "count"
    assert kinds["subsidy_paid"] == "money"
    assert kinds["liquidity_level"] == "months"  # months past a line, not the level itself
    assert shown <= set(BY_NAME)
    # a path's total only of flows; a stock or level at its end
    for name, how in PAIRED:
        assert how in ("peak", "low") or (how == "total") == (BY_NAME[name].kind == FLOW), name


def test_decision_figures_take_their_unit_from_their_series():
    from sim.decide import outputs

    units = {name: o.unit for name, o in outputs.OUTPUTS.items()}
    assert units["segment_margin"] == "yuan"
    assert units["members"] == "people"
    assert units["min_survival_months"] == "months"
    assert units["peak_loan_to_deposit"] == "ratio"
    with pytest.raises(ValueError, match="cash is a stock: not summed"):
        outputs._total("cash")
    with pytest.raises(ValueError, match="deposits is a flow"):
        outputs._last("deposits")


def test_a_stress_window_sums_only_flows():
    from sim.stress import window

    assert window.FIGURES[0].reduce({"deposits": np.arange(6.0)}, slice(1, 4)) == 1 + 2 + 3
    with pytest.raises(ValueError, match="loan_balance is a stock: not summed"):
        window._sum("loan_balance")


def test_the_series_page_is_current():
    assert DOC.read_text(encoding="utf-8") == markdown(), "write it: sim.engine.series.markdown()"


def test_the_what_if_figures_agree_with_the_schema():
    """The what-if page keeps its own table (series, reduction, kind); it must say what the
    schema says: a sum only of flows, each figure shown as its series' unit."""
    from sim.decide.whatif import FIGURES
    from sim.report.labels import shown_as

    for name, (series, how, kind) in FIGURES.items():
        for s in (series,) if isinstance(series, str) else series:
            assert (how == "sum") == (BY_NAME[s].kind == FLOW), name
            assert kind == shown_as(s), name
