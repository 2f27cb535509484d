"""The one-pass month end equals the rules applied one at a time, to the fen.

The reference below is the month end written with the rule modules, step by
step (F1 accrual, S1-ii accrual on the lifo aged part, settlement: interest
credited then the capped subsidy, S2/S5, then the month-end record, S1-i).
Random histories of opens, deposits, rent, exits, full withdrawals and loans
run through the ledger; before every month end a copy of the accounts gets
the reference, and every array and every total must match exactly.
"""

import copy

import numba
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.core.months import is_settlement_month, parse_month
from sim.fund import ageing, interest, subsidy
from sim.fund.ledger import Ledger
from sim.fund.policy import load_policy

FIELDS = ("balance", "ring", "slot", "interest_accrued", "subsidy_accrued", "subsidy_total")


def _field(acc, name):
    """An account field; the ring as a row per person (0 for people with no ring row)."""
    return acc.ring_of(np.arange(acc.n)) if name == "ring" else getattr(acc, name)


def _reference(acc, policy, month):
    """The month end one rule at a time, on a copy; returns the copy and its totals.

    A ``settlement_snapshot`` settlement pays on the aged part of 30 June itself.
    """
    acc = copy.deepcopy(acc)
    aged = ageing.aged_part(acc, month, "lifo")
    if policy["subsidy.accrual"] == "monthly_average":
        subsidy.accrue_monthly(acc, policy, month, aged)
    accrued, payable = interest.accrue_interest(acc, policy, month)
    credited = paid = 0
    if is_settlement_month(month, policy["interest.settlement_month"]):
        payable = 0
        snapshot = None
        if policy["subsidy.accrual"] == "settlement_snapshot":
            ageing.record_month_end(acc, month)
            snapshot = ageing.aged_part(acc, month + 1, "lifo")
        credited = int(interest.credit_interest(acc).sum())
        paid = int(subsidy.settle(acc, policy, month, snapshot).sum())
    ageing.record_month_end(acc, month)
    return acc, {"accrued": round(accrued), "payable": round(payable), "credited": credited,
                 "paid": paid}  # fmt: skip


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
)
def test_one_pass_month_end_equals_the_rules_one_at_a_time(
    seed, policy_name, accrual, cap, stops_at_loan
):
    policy = load_policy(policy_name).with_overrides(
        {"subsidy.accrual": accrual, "subsidy.lifetime_cap": cap,
         "subsidy.stops_at_loan": stops_at_loan, "subsidy.holding_rate": 0.05},
        origin="test",
    )  # fmt: skip
    n, rng = 40, np.random.default_rng(seed)
    ledger = Ledger(n, policy, parse_month("2023-09"))
    for _ in range(28):  # two 30 June settlements, money aged a full year
        ledger.begin_month()
        _requests(ledger, rng, n)
        assert np.array_equal(ledger.aged(), ageing.aged_part(ledger.acc, ledger.month, "lifo"))
        expected, totals = _reference(ledger.acc, policy, ledger.month)
        credited, paid = ledger.books.interest_credited, ledger.books.subsidy_credited  # closures
        books = ledger.end_month()
        for field in FIELDS:
            assert np.array_equal(_field(ledger.acc, field), _field(expected, field)), field
        assert books.interest_accrued == totals["accrued"]
        assert books.interest_payable == totals["payable"]
        assert books.interest_credited - credited == totals["credited"]
        assert books.subsidy_credited - paid == totals["paid"]


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
