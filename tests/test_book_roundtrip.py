"""Export a book at month 36 of a run and project from it: the projection opens with exactly
the exported members, balances, aged parts, subsidy totals and loans, and its books
reconcile from the first month."""

from __future__ import annotations

import numpy as np
import pytest

from sim.book.check import read_book
from sim.book.export import export_book, simulate_to
from sim.cli.main import main
from sim.core.money import round_fen
from sim.engine.results import load_paths
from sim.engine.runs import Variant, execute
from sim.engine.simulation import Simulation
from sim.fund.eligibility import consecutive_deposit_months, loan_deposit_months
from sim.scenario.files import BASELINE, load_scenario

RUN = {"population.size": 2500, "horizon.months": 40, "montecarlo.paths": 1}
PROJECTION = {"population.size": 500, "horizon.months": 14}


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """A small baseline run, its book at the end of month 36, and the path re-run to there."""
    root = tmp_path_factory.mktemp("book")
    run_dir, _ = execute(str(BASELINE), [Variant("baseline", dict(RUN))], out=root / "run")
    scenario = load_scenario(BASELINE, sets=RUN)
    month = scenario.start + 35
    folder = export_book(run_dir, path=0, out=root / "book", month=month)
    source, bonus = simulate_to(scenario, 0, month)
    projection = load_scenario(BASELINE, sets={**RUN, **PROJECTION, "book": str(folder)})
    return run_dir, folder, source, bonus, Simulation(projection, 0)


def test_the_export_is_the_runs_path(exported):
    run_dir, folder, *_ = exported
    series = load_paths(run_dir, "baseline")[0]
    header = read_book(folder).header
    assert header.balance == round(series["deposit_balance"][35] * 100)
    assert header.principal == round(series["loan_balance"][35] * 100)
    assert header.synthetic


def test_the_projection_opens_with_exactly_the_exported_accounts(exported):
    _, folder, source, bonus, sim = exported
    a, b = source.fund.ledger.acc, sim.fund.ledger.acc
    rows = np.flatnonzero(a.ever_opened)
    k = len(rows)
    assert k > 100
    assert sim.scenario.start == source.fund.ledger.month == sim.fund.ledger.month
    assert np.array_equal(b.is_open[:k], a.is_open[rows])
    assert int(b.is_open.sum()) == int(a.is_open.sum())  # the members: nobody else is open
    assert np.array_equal(b.balance[:k], a.balance[rows])
    assert np.array_equal(b.ring_of(np.arange(k)), a.ring_of(rows))
    assert np.array_equal(sim.fund.ledger.aged()[:k], source.fund.ledger.aged()[rows])
    assert np.array_equal(b.subsidy_total[:k], a.subsidy_total[rows])
    assert np.array_equal(b.forfeited[:k], a.forfeited[rows])
    assert np.array_equal(b.loan_disbursed[:k], a.loan_disbursed[rows])
    assert np.array_equal(b.loan_outstanding[:k], a.loan_outstanding[rows])
    assert np.array_equal(b.deposited_total[:k], a.deposited_total[rows])
    assert np.array_equal(b.interest_accrued[:k], round_fen(a.interest_accrued[rows]))
    month = sim.fund.ledger.month
    assert np.array_equal(loan_deposit_months(b, sim.fund.policy, month)[:k],
                          loan_deposit_months(a, source.fund.policy, month)[rows])  # fmt: skip
    assert np.array_equal(consecutive_deposit_months(b, month)[:k],
                          consecutive_deposit_months(a, month)[rows])  # X3  # fmt: skip
    assert np.array_equal(b.clean_since[:k], a.clean_since[rows])  # X2
    assert np.array_equal(
        sim.people.state.dormant[:k], source.people.state.dormant[rows] & a.is_open[rows]
    )
    assert int(bonus.sum()) == int(read_book(folder).accounts["bonus_paid"].sum())
    assert (bonus > 0).any()


def test_the_projection_opens_with_exactly_the_exported_loans_and_pool(exported):
    _, _, source, _, sim = exported
    rows = np.flatnonzero(source.fund.ledger.acc.ever_opened)
    old, new = source.fund.book, sim.fund.book
    active = old.active()
    assert len(active) > 0
    assert np.array_equal(rows[new.person[: new.n]], old.person[active])
    for field in ("principal", "rate", "months_left", "term", "installment", "original",
                  "overdue_interest", "overdue_principal", "arrears", "first_home"):  # fmt: skip
        assert np.array_equal(getattr(new, field)[: new.n], getattr(old, field)[active]), field
    assert new.outstanding() == old.outstanding()
    assert sim.fund.money.pool.cash == source.fund.money.pool.cash
    assert sim.fund.money.pool.credit_line == source.fund.money.pool.credit_line
    assert sim.fund.money.employee.deposit_balance == source.fund.money.employee.deposit_balance
    assert sim.fund.money.employee.loan_balance == source.fund.money.employee.loan_balance
    assert sim.fund.money.segment.reserve.balance == source.fund.money.segment.reserve.balance
    assert sim.fund.money.reserve.balance == source.fund.money.reserve.balance
    assert abs(sim.fund.money.equity - source.fund.money.equity) <= len(
        rows
    )  # interest payable rounded per account


def test_the_projection_reconciles_from_its_first_month(exported):
    _, _, _, _, sim = exported
    sim.env.run()  # every book is checked every month: a mismatch raises
    assert sim.out["members"][0] > 0
    assert np.all(np.isfinite(sim.out["pool_equity"]))


def test_same_book_and_seed_give_the_same_projection(exported):
    _, folder, *_ = exported
    sets = {**RUN, **PROJECTION, "horizon.months": 4, "book": str(folder)}
    first = Simulation(load_scenario(BASELINE, sets=sets), 0)
    again = Simulation(load_scenario(BASELINE, sets=sets), 0)
    assert np.array_equal(first.people.pop.income_level, again.people.pop.income_level)
    assert np.array_equal(first.people.pop.intends_to_buy, again.people.pop.intends_to_buy)
    first.env.run()
    again.env.run()
    for name, values in first.out.items():
        assert np.array_equal(values, again.out[name]), name


def test_book_check_prints_the_totals(exported, capsys):
    _, folder, source, *_ = exported
    assert main(["book", "check", str(folder)]) == 0
    out = capsys.readouterr().out
    members = int(source.fund.ledger.acc.is_open.sum())
    dormant = int((source.people.state.dormant & source.fund.ledger.acc.is_open).sum())
    assert f"active             {members - dormant:,}" in out
    assert "a good book" in out


def test_a_set_opening_figure_with_a_book_moves_the_cash_that_balances_with_the_book():
    from sim.engine.simulation import simulate
    from sim.scenario.files import SCENARIO_DIR, load_scenario

    example = str(SCENARIO_DIR / "books" / "example")
    base = load_scenario(sets={"book": example, "population.size": 500, "horizon.months": 3})
    more = load_scenario(sets={"book": example, "population.size": 500, "horizon.months": 3,
                               "fund.start_reserve": base.pool.fund.start_reserve + 1_000.0})  # fmt: skip
    assert more.pool.fund.start_cash == base.pool.fund.start_cash + 1_000.0
    out = simulate(more, 0)  # the balance sheet is checked every month, from the first
    # the employees' loans write their first month's losses off either way: 1,000 more remains
    assert out["risk_reserve"][0] == pytest.approx(simulate(base, 0)["risk_reserve"][0] + 1_000.0)


def test_run_and_compare_take_a_book_by_set():
    from sim.scenario.files import BASELINE, SCENARIO_DIR
    from sim.scenario.setargs import checked_sets

    example = str(SCENARIO_DIR / "books" / "example")
    assert checked_sets(str(BASELINE), [f"book={example}"]) == {"book": example}
