"""The one-pass month end equals the step-by-step month end, to the fen.

Both month ends exist in the ledger: the one-pass kernel (:mod:`sim.fund.month_end`,
``lifo`` ageing) and the rules one at a time (:func:`sim.fund.month_end_steps.end_by_steps`,
the path ``fifo`` ageing and a ``settlement_snapshot`` settlement take: S1-ii accrual on
the aged part, F1 accrual, the settlement — interest credited then the capped subsidy,
S2/S5 — then the month-end record, S1-i). Random histories of opens, deposits, rent,
exits, full withdrawals and loans run through the ledger, under the X1 interest subsidy
and the X2 holding condition too; before every month end a copy of the accounts takes
the step-by-step path, and every array, every total and every count must match exactly.
"""

import copy

import numba
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.core.months import is_settlement_month, parse_month
from sim.fund import ageing, interest, month_end_steps
from sim.fund.books import MonthBooks
from sim.fund.ledger import Ledger
from sim.fund.policy import load_policy

FIELDS = ("balance", "ring", "has_row", "interest_accrued", "subsidy_accrued", "subsidy_total")


def _field(acc, name):
    """An account field; the ring as a row per person (0 for people with no ring row); who has
    a row (which row is layout: the ledger moves rows into the people's order, sim.fund.ring)."""
    if name == "has_row":
        return acc.slot >= 0
    return acc.ring_of(np.arange(acc.n)) if name == "ring" else getattr(acc, name)


def _by_steps(acc, policy, month):
    """The step-by-step month end of ``month`` on a copy of ``acc``: the copy and its books."""
    acc = copy.deepcopy(acc)
    settle = is_settlement_month(month, policy["interest.settlement_month"])
    aged = ageing.aged_part(acc, month, "lifo")
    books = MonthBooks(month, 0)
    closing, lowest = month_end_steps.end_by_steps(acc, policy, month, aged, books, settle=settle)
    month_end_steps.count_accounts(acc, policy, np.zeros(acc.n, np.int8), 1, books)
    return acc, books, closing, lowest


def _requests(ledger, rng, n):
    people = np.arange(n)
    ledger.open(people[rng.random(n) < 0.3])
    who = people[ledger.acc.is_open & (rng.random(n) < 0.8)]
    ledger.deposit(who, rng.integers(200, 5_000, len(who)) * 100)
    renters = people[rng.random(n) < 0.1]
    ledger.withdraw(renters, rng.integers(100, 3_000, len(renters)) * 100, "rent")
    ledger.disburse_loan(people[rng.random(n) < 0.02])
    ledger.close(people[rng.random(n) < 0.02], "exit")
    ledger.close(people[rng.random(n) < 0.01], "full")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**32 - 1),
    policy_name=st.sampled_from(["lyg-2023", "lyg-draft"]),
    accrual=st.sampled_from(["monthly_average", "settlement_snapshot"]),
    cap=st.sampled_from([0.0, 40.0, 10_000.0]),
    stops_at_loan=st.booleans(),
    interest_share=st.sampled_from([0.0, 0.3]),
    clean_months=st.sampled_from([0, 3, 12]),
)
def test_one_pass_month_end_equals_the_rules_one_at_a_time(
    seed, policy_name, accrual, cap, stops_at_loan, interest_share, clean_months
):
    policy = load_policy(policy_name).with_overrides(
        {"subsidy.accrual": accrual, "subsidy.lifetime_cap": cap,
         "subsidy.stops_at_loan": stops_at_loan, "subsidy.holding_rate": 0.05,
         "subsidy.interest_share": interest_share, "subsidy.clean_months": clean_months},
        origin="test",
    )  # fmt: skip
    n, rng = 40, np.random.default_rng(seed)
    ledger = Ledger(n, policy, parse_month("2023-09"))
    one_pass = 0
    for _ in range(28):  # two 30 June settlements, money aged a full year
        ledger.begin_month()
        _requests(ledger, rng, n)
        assert np.array_equal(ledger.aged(), ageing.aged_part(ledger.acc, ledger.month, "lifo"))
        expected, steps, closing, lowest = _by_steps(ledger.acc, policy, ledger.month)
        credited, paid = ledger.books.interest_credited, ledger.books.subsidy_credited  # closures
        one_pass += ledger.closes_in_one_pass()
        books = ledger.end_month()
        for field in FIELDS:
            assert np.array_equal(_field(ledger.acc, field), _field(expected, field)), field
        assert books.interest_accrued == steps.interest_accrued
        assert books.interest_payable == steps.interest_payable
        assert books.interest_credited - credited == steps.interest_credited
        assert books.subsidy_credited - paid == steps.subsidy_credited
        assert (books.closing_total, int(ledger.acc.balance.min(initial=0))) == (closing, lowest)
        assert books.open_by_group == steps.open_by_group
        assert books.at_lifetime_cap == steps.at_lifetime_cap
        assert books.ever_opened == steps.ever_opened
    assert one_pass >= 26  # all but a snapshot's two settlement months took the one pass


def test_the_aged_part_read_mid_month_is_the_smallest_of_the_last_13_month_ends():
    ledger = Ledger(3, load_policy("lyg-2023"), parse_month("2024-01"))
    month_ends = []
    for k in range(30):
        ledger.begin_month()
        if k == 0:
            ledger.open(np.arange(3))
        if k >= 13:
            window = np.array(month_ends[-13:])
            assert np.array_equal(ledger.aged(), window.min(axis=0))
        ledger.deposit(np.arange(3), np.array([100_000, 20_000 * (k % 4 + 1), 50_000]))
        if k in (10, 20):
            assert ledger.withdraw(np.array([0, 2]), 150_000, "rent").tolist() == [0, 0]
        ledger.end_month()
        month_ends.append(ledger.acc.balance.copy())


@pytest.mark.skipif(numba.config.NUMBA_NUM_THREADS < 2, reason="needs two numba threads")
def test_interest_totals_are_the_same_on_one_thread_and_on_two():
    def run(threads):
        numba.set_num_threads(threads)
        try:
            ledger = Ledger(50_000, load_policy("lyg-2023"), parse_month("2024-01"))
            rng = np.random.default_rng(3)
            books = []
            for _ in range(14):
                ledger.begin_month()
                _requests(ledger, rng, 50_000)
                books.append(ledger.end_month().as_dict())
            accrued = interest.accrue_interest(ledger.acc, ledger.policy, ledger.month)
            return books, accrued, ledger.acc.interest_accrued.copy()
        finally:
            numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)

    one, two = run(1), run(2)
    assert one[0] == two[0]
    assert one[1] == two[1]
    assert np.array_equal(one[2], two[2])
