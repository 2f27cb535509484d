"""Properties of the ledger over thousands of random event sequences (hypothesis).

Whatever people do — open, deposit in and out of bounds, withdraw, exit, retire,
borrow, repay, transfer in — the books reconcile to the fen every month, no
balance goes negative, the lifetime cap is never exceeded, the aged part never
exceeds the balance it is part of, and lifo ages at least as much money as fifo.

Every combination of the discrete policy choices (policy file, ageing order,
accrual, bonus stacking) is its own test case, so none is left to chance;
hypothesis draws the rest (rate, lifetime cap, seed, horizon) within each.
"""

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.core.money import yuan_to_fen
from sim.core.months import parse_month
from sim.fund import ageing
from sim.fund.ledger import Ledger
from sim.fund.policy import load_policy
from sim.fund.refusals import Refusal

N = 16
POLICIES = {name: load_policy(name) for name in ("lyg-2023", "lyg-draft")}


CHOICES = list(
    itertools.product(sorted(POLICIES), ["lifo", "fifo"],
                      ["monthly_average", "settlement_snapshot"], ["max", "sum"])
)  # fmt: skip


@st.composite
def scenarios(draw, name, ageing_order, accrual, stacking):
    overrides = {
        "subsidy.ageing": ageing_order,
        "subsidy.accrual": accrual,
        "subsidy.holding_rate": draw(st.floats(0, 0.05)),
        "subsidy.lifetime_cap": draw(st.sampled_from([0.0, 5.0, 60.0, 10_000.0])),
        "subsidy.bonus_stacking": stacking,
    }
    return (
        POLICIES[name].with_overrides(overrides, origin="hypothesis"),
        draw(st.integers(0, 2**32 - 1)),
        draw(st.integers(14, 40)),
    )


def _month_of_requests(ledger: Ledger, rng: np.random.Generator, tally: dict) -> None:
    """One month of random requests, each person in each batch at most once."""
    people = np.arange(N)
    ledger.open(people[rng.random(N) < 0.3], children=rng.integers(0, 3), education=2)
    who = people[rng.random(N) < 0.7]
    amount = rng.integers(5_000, 1_600_000, len(who))  # 50 to 16,000 yuan: some out of bounds
    months = rng.choice([1, 3], len(who))
    ok = ledger.deposit(who, amount, months) == Refusal.OK
    tally["in"] += int(amount[ok].sum())
    who = people[rng.random(N) < 0.1]
    amount = rng.integers(0, 2_000_000, len(who))
    ok = ledger.transfer_in(who, amount) == Refusal.OK
    tally["in"] += int(amount[ok].sum())
    for kind in ("rent", "purchase", "repayment"):
        who = people[rng.random(N) < 0.2]
        amount = rng.integers(-100, 1_500_000, len(who))
        ok = ledger.withdraw(who, amount, kind) == Refusal.OK
        tally["out"] += int(amount[ok].sum())
    ledger.disburse_loan(people[rng.random(N) < 0.05])
    ledger.loan_repaid(people[rng.random(N) < 0.05])
    ledger.close(people[rng.random(N) < 0.04], "exit")
    ledger.close(people[rng.random(N) < 0.02], "full")


@pytest.mark.parametrize("choice", CHOICES, ids=["-".join(c) for c in CHOICES])
def test_books_close_every_month_and_no_rule_is_broken(choice):
    _books_close_and_no_rule_is_broken(*choice)


def _books_close_and_no_rule_is_broken(*choice):
    @settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(scenarios(*choice))
    def check(scenario):
        _one_sequence(*scenario)

    check()


def _one_sequence(policy, seed, n_months):
    rng = np.random.default_rng(seed)
    ledger = Ledger(N, policy, parse_month("2023-09"))
    cap = yuan_to_fen(policy["subsidy.lifetime_cap"])
    tally = {"in": 0, "out": 0, "credited": 0, "closed": 0}
    for _ in range(n_months):
        ledger.begin_month()
        _month_of_requests(ledger, rng, tally)
        opening = ledger.acc.month_end(ledger.month - 1).copy()
        aged = ledger.aged()
        assert (aged >= 0).all()
        assert (aged <= np.maximum(opening, 0)).all(), "aged part exceeds the opening balance"
        if policy["subsidy.ageing"] == "fifo":
            fifo = ageing.aged_part(ledger.acc, ledger.month, "fifo")
            lifo = ageing.aged_part(ledger.acc, ledger.month, "lifo")
            assert (lifo >= fifo).all(), "lifo must age at least as much as fifo"
        books = ledger.end_month()  # raises BooksDoNotBalance on any mismatch
        tally["credited"] += books.interest_credited + books.subsidy_credited + books.bonus_credited
        tally["closed"] += books.withdrawals.get("exit", 0) + books.withdrawals.get("full", 0)
        assert (ledger.acc.balance >= 0).all()
        assert (ledger.acc.subsidy_total <= cap).all()
        expected = tally["in"] + tally["credited"] - tally["out"] - tally["closed"]
        assert int(ledger.acc.balance.sum()) == expected


def test_books_do_not_balance_raises_when_a_balance_changes_unrecorded():
    import pytest

    from sim.fund.books import BooksDoNotBalance

    ledger = Ledger(2, POLICIES["lyg-2023"], parse_month("2024-01"))
    ledger.begin_month()
    ledger.open(np.array([0, 1]))
    ledger.deposit(np.array([0, 1]), 50_000)
    ledger.acc.balance[1] += 1  # a fen from nowhere
    with pytest.raises(BooksDoNotBalance, match=r"2024-01: .*difference 0\.01"):
        ledger.end_month()
