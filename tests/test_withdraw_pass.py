"""The ledger's one-pass partial withdrawal equals the W1/W2/X2/X6 rules stated array by array.

``withdrawals.check_withdrawals``, ``withdrawals.apply_withdrawals`` and
``ageing.record_withdrawals`` are the rules as written; ``withdrawals.withdraw`` (the hot
path) must give the same refusal codes, pay the same fen and leave every account exactly as
they do: for each kind (rent under each limit basis, purchase, repayment with and without a
commercial mortgage), closed accounts, amounts of zero, above the balance, around the limits,
and a second rent withdrawal in one calendar month.
"""

import copy

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.core.months import parse_month
from sim.fund import ageing, interest, subsidy, withdrawals
from sim.fund.accounts import Accounts
from sim.fund.policy import load_policy
from sim.fund.withdrawals import Kind

FIELDS = ("balance", "clean_since", "rent_this_year", "rent_month", "rent_month_total")


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), kind=st.sampled_from(list(withdrawals.PARTIAL)),
       basis=st.sampled_from(["yearly", "monthly", "deposit_share"]),
       fifo=st.booleans(), limited=st.booleans(), mortgage=st.booleans())  # fmt: skip
def test_one_pass_withdrawal_equals_the_rules_array_by_array(
    seed, kind, basis, fifo, limited, mortgage
):
    policy = load_policy("lyg-draft").with_overrides(
        {"withdrawal.rent_limit_basis": basis, "withdrawal.rent_deposit_share": 0.35,
         "subsidy.ageing": "fifo" if fifo else "lifo"}, origin="test")  # fmt: skip
    rng = np.random.default_rng(seed)
    n, month = 60, parse_month("2026-09")
    fast = Accounts.empty(n, fifo=fifo)
    fast.is_open[:] = rng.random(n) < 0.8
    fast.balance[:] = rng.integers(0, 3_000_000, n)
    fast.loan_outstanding[:] = rng.random(n) < 0.5
    fast.last_deposit_month[:] = rng.choice([month, month - 1], n)
    fast.month_deposited[:] = rng.integers(0, 800_000, n)
    slow = copy.deepcopy(fast)
    monthly = policy.fen_at("withdrawal.rent_monthly_limit", month)
    for m in (month, month, month + 1):  # a second withdrawal in one calendar month
        who = np.sort(rng.choice(n, rng.integers(0, n), replace=False))
        edges = np.array([0, -100, monthly, monthly + 1, 12 * monthly, 100_000, 3_000_000])
        amount = np.where(rng.random(len(who)) < 0.5, rng.choice(edges, len(who)),
                          rng.integers(1, 30_000, len(who)) * 100)  # fmt: skip
        limit = rng.integers(0, 2_000_000, len(who)) if limited else None
        mort = rng.random(len(who)) < 0.5 if mortgage else None
        codes, paid = withdrawals.withdraw(fast, policy, m, who, amount, kind, limit, mort)
        expected = withdrawals.check_withdrawals(slow, policy, m, who, amount, kind, limit, mort)
        ok = expected == 0
        withdrawals.apply_withdrawals(slow, who[ok], amount[ok], kind, m)
        ageing.record_withdrawals(slow, m, who[ok], amount[ok])
        assert codes.tolist() == expected.tolist()
        assert paid == int(amount[ok].sum())
        for field in FIELDS:
            assert np.array_equal(getattr(fast, field), getattr(slow, field)), field
        if fifo:
            assert np.array_equal(fast.out_ring, slow.out_ring)


def test_W1_a_rent_withdrawal_over_the_year_limit_is_refused_whole_in_one_pass():
    """W1 (yearly basis): 1,200 yuan a month → 12 × 1,200 = 14,400 a fund year; 13,400
    withdrawn so far, so 1,000.00 more passes (13,400 + 1,000 = 14,400 ≤ 14,400) and 1,000.01
    is refused whole (14,400.01 > 14,400), the balance left as it was."""
    policy = load_policy("lyg-2023")
    month = parse_month("2026-09")
    acc = Accounts.empty(2)
    acc.is_open[:] = True
    acc.balance[:] = 5_000_000
    acc.rent_this_year[:] = 1_340_000
    limit = 12 * policy.fen_at("withdrawal.rent_monthly_limit", month)
    assert limit == 1_440_000
    who, amount = np.array([0, 1]), np.array([100_000, 100_001])
    codes, paid = withdrawals.withdraw(acc, policy, month, who, amount, Kind.RENT, None)
    assert codes.tolist() == [0, int(withdrawals.Refusal.OVER_RENT_LIMIT)]
    assert paid == 100_000
    assert acc.balance.tolist() == [4_900_000, 5_000_000]
    assert acc.rent_this_year.tolist() == [1_440_000, 1_340_000]


CLOSE_FIELDS = ("balance", "is_open", "bonus_due", "interest_accrued", "subsidy_accrued",
                "subsidy_total", "forfeited", "deposit_months", "covered_through",
                "deposited_total", "service_months")  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), kind=st.sampled_from([Kind.EXIT, Kind.FULL]),
       accrual=st.sampled_from(["monthly_average", "settlement_snapshot"]),
       fifo=st.booleans(), needs_no_loan=st.booleans(), forfeit=st.booleans())  # fmt: skip
def test_one_pass_closing_equals_the_ledgers_steps(
    seed, kind, accrual, fifo, needs_no_loan, forfeit
):
    """``withdrawals.close`` against the steps the ledger took one after the other:
    check_closures, interest.credit_interest, subsidy.pay_accrued (W4 under monthly_average
    accrual), close_accounts, ageing.record_withdrawals and the counts cleared."""
    policy = load_policy("lyg-draft").with_overrides(
        {"subsidy.accrual": accrual, "subsidy.ageing": "fifo" if fifo else "lifo",
         "withdrawal.exit_requires_no_loan": needs_no_loan,
         "subsidy.forfeit_on_exit": forfeit}, origin="test")  # fmt: skip
    rng = np.random.default_rng(seed)
    n, month = 60, parse_month("2026-09")
    fast = Accounts.empty(n, fifo=fifo)
    fast.is_open[:] = rng.random(n) < 0.8
    fast.balance[:] = rng.integers(0, 3_000_000, n)
    fast.loan_outstanding[:] = rng.random(n) < 0.3
    fast.interest_accrued[:] = rng.random(n) * 5_000  # float fen, halves and all
    fast.interest_accrued[:5] = [0.5, 1.5, 2.4999, 0.0, 1e-9]
    fast.subsidy_accrued[:] = rng.random(n) * 80_000
    fast.subsidy_total[:] = rng.choice([0, 500_000, 999_000, 1_000_000], n)
    fast.forfeited[:] = rng.random(n) < 0.2
    fast.bonus_due[:] = rng.integers(0, 2, n) * 20_000
    fast.deposit_months[:] = rng.integers(0, 100, n)
    fast.deposited_total[:] = rng.integers(0, 3_000_000, n)
    slow = copy.deepcopy(fast)
    who = np.sort(rng.choice(n, rng.integers(0, n), replace=False))
    codes, interest_fen, subsidy_fen, paid, closed = withdrawals.close(
        fast, policy, month, who, kind
    )
    expected = withdrawals.check_closures(slow, policy, who, kind)
    ok = who[expected == 0]
    interest_slow = int(interest.credit_interest(slow, ok).sum())
    subsidy_slow = 0
    if kind is Kind.FULL and accrual == "monthly_average":
        subsidy_slow = int(subsidy.pay_accrued(slow, policy, ok).sum())
    payout = withdrawals.close_accounts(slow, policy, ok, kind)
    ageing.record_withdrawals(slow, month, ok, payout)
    for field in ("deposit_months", "covered_through", "deposited_total", "service_months"):
        getattr(slow, field)[ok] = 0
    assert codes.tolist() == expected.tolist()
    assert (interest_fen, subsidy_fen, paid, closed) == (
        interest_slow,
        subsidy_slow,
        int(payout.sum()),
        len(ok),
    )
    for field in CLOSE_FIELDS:
        assert np.array_equal(getattr(fast, field), getattr(slow, field)), field
    if fifo:
        assert np.array_equal(fast.out_ring, slow.out_ring)


def test_W3_an_exit_pays_the_balance_and_the_interest_rounded_to_the_fen():
    """W3, F1, S4: a balance of 10,000.00 yuan with 12.345 fen of interest accrued closes by
    exit paying 1,000,000 + round(12.345) = 1,000,012 fen; a member with a fund loan
    outstanding is refused (exit_requires_no_loan) and keeps everything."""
    policy = load_policy("lyg-draft")
    acc = Accounts.empty(2)
    acc.is_open[:] = True
    acc.balance[:] = 1_000_000
    acc.interest_accrued[:] = 12.345
    acc.loan_outstanding[1] = True
    codes, interest_fen, _, paid, closed = withdrawals.close(
        acc, policy, parse_month("2026-09"), np.array([0, 1]), Kind.EXIT
    )
    assert codes.tolist() == [0, int(withdrawals.Refusal.LOAN_OUTSTANDING)]
    assert (interest_fen, paid, closed) == (12, 1_000_012, 1)
    assert acc.balance.tolist() == [0, 1_000_000]
    assert acc.is_open.tolist() == [False, True]
    assert bool(acc.forfeited[0]) is bool(policy["subsidy.forfeit_on_exit"])
