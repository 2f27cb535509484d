"""The loan book: schedules to the fen, arrears, defaults under a house-price fall, repricing."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.core.months import parse_month
from sim.fund.loan_book import (
    ACTIVE,
    DEFAULTED,
    REPAID,
    LoanBook,
    LoanBookDoesNotBalance,
    annuity_installment,
)
from sim.fund.policy import load_policy
from tests.helpers import yuan

JULY = parse_month("2024-07")
POLICY = load_policy("lyg-2023")


def _pay_in_full(book, month, months, hpi=1.0):
    out = []
    for k in range(months):
        _, owed = book.amount_due()
        book.collect(month + k, owed, hpi)
        out.append(book.close_month())
    return out


def test_equal_installments_match_the_closed_form_annuity_over_the_full_term():
    book = LoanBook(POLICY)
    book.disburse(JULY, 0, yuan(300_000), 360, True, yuan(400_000), 1.0)
    r = 0.0285 / 12
    closed = 300_000 * r * (1 + r) ** 360 / ((1 + r) ** 360 - 1)  # 1,240.67 yuan
    assert book.installment[0] == round(closed * 100) == yuan(1_240.67)
    months = _pay_in_full(book, JULY, 360)
    paid = [m.interest_received + m.principal_repaid for m in months]
    assert paid[:-1] == [yuan(1_240.67)] * 359, "every installment but the last is the annuity"
    assert sum(m.principal_repaid for m in months) == yuan(300_000)
    assert book.status[0] == REPAID
    assert months[-1].repaid_in_full == [0]
    # the balance follows the closed form within the rounding of each month's interest
    balance = yuan(300_000)
    for k, m in enumerate(months[:120], start=1):
        balance -= m.principal_repaid
        exact = 30_000_000 * (1 + r) ** k - 124_067 * ((1 + r) ** k - 1) / r
        assert abs(balance - exact) <= k


def test_equal_principal_pays_the_same_principal_each_month():
    policy = POLICY.with_overrides({"loan.schedule": "equal_principal"}, origin="test")
    book = LoanBook(policy)
    book.disburse(JULY, 0, yuan(120_000.10), 60, True, yuan(400_000), 1.0)  # 12,000,010 fen
    months = _pay_in_full(book, JULY, 60)
    assert [m.principal_repaid for m in months[:59]] == [200_000] * 59
    assert months[-1].principal_repaid == 200_010
    # first month's interest: 120,000.10 × 2.35% / 12 = 235.0002 → 235.00
    assert months[0].interest_received == yuan(235.00)


def test_arrears_count_up_and_a_payment_in_full_cures_them():
    book = LoanBook(POLICY)
    book.disburse(JULY, 0, yuan(300_000), 360, True, yuan(400_000), 1.0)
    for k in range(3):
        book.collect(JULY + k, np.array([0]), 1.0)
        assert book.close_month().arrears == tuple(int(i == k + 1) for i in range(4))
    _, owed = book.amount_due()
    book.collect(JULY + 3, owed, 1.0)
    assert book.close_month().arrears == (1, 0, 0, 0)


def test_default_after_six_months_recovers_the_collateral_under_the_price_index():
    book = LoanBook(POLICY)
    book.disburse(JULY, 0, yuan(300_000), 360, True, yuan(400_000), 1.0)
    for k in range(5):
        book.collect(JULY + k, np.array([0]), 1.0)
        assert book.close_month().defaults == 0
    book.collect(JULY + 5, np.array([0]), 0.8)  # house prices 20% lower
    month = book.close_month()
    # 400,000 × 0.8 × 70% recovery = 224,000 < 300,000 principal: loss 76,000
    assert month.defaults == 1
    assert month.written_off == yuan(300_000)
    assert month.recovered == yuan(224_000)
    assert month.loss == yuan(76_000)
    assert book.status[0] == DEFAULTED
    assert book.outstanding() == 0


def test_rates_reprice_on_1_january_to_the_rate_then_in_force():
    book = LoanBook(POLICY)
    book.disburse(JULY, 0, yuan(300_000), 360, True, yuan(400_000), 1.0)
    _pay_in_full(book, JULY, 6)  # to December 2024
    book.reprice(parse_month("2025-01"))
    assert book.rate[0] == 0.0285, "no change in force on 1 January 2025"
    _pay_in_full(book, parse_month("2025-01"), 12)
    book.reprice(parse_month("2026-01"))
    assert book.rate[0] == 0.026, "the May 2025 cut applies from 1 January 2026"
    left = book.months_left[0]
    assert book.installment[0] == annuity_installment(book.principal[0], 0.026, left)


def test_prepayment_lowers_the_principal_and_the_installment():
    book = LoanBook(POLICY)
    book.disburse(JULY, 0, yuan(300_000), 360, True, yuan(400_000), 1.0)
    before = book.installment[0]
    took = book.prepay(JULY, np.array([0]), np.array([yuan(100_000)]))
    month = book.close_month()
    assert took[0] == yuan(100_000)
    assert month.prepaid == yuan(100_000)
    assert book.principal[0] == yuan(200_000)
    assert book.installment[0] == pytest.approx(before * 2 / 3, abs=1)
    assert book.status[0] == ACTIVE


def test_a_principal_change_outside_the_flows_raises():
    book = LoanBook(POLICY)
    book.disburse(JULY, 0, yuan(300_000), 360, True, yuan(400_000), 1.0)
    book.principal[0] -= 1
    with pytest.raises(LoanBookDoesNotBalance):
        book.close_month()


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from(["equal_installment", "equal_principal"]))
def test_loan_book_reconciles_every_month_over_random_streams(seed, schedule):
    rng = np.random.default_rng(seed)
    book = LoanBook(POLICY.with_overrides({"loan.schedule": schedule}, origin="t"), capacity=4)
    for k in range(48):
        m = JULY + k
        if m % 12 == 0:
            book.reprice(m)
        n_new = rng.integers(0, 4)
        if n_new:
            book.disburse(
                m, rng.integers(0, 100, n_new), rng.integers(1, 50_000, n_new) * 1000,
                rng.integers(12, 361, n_new), rng.random(n_new) < 0.8,
                rng.integers(1, 80_000, n_new) * 1000, 1.0,
            )  # fmt: skip
        _, owed = book.amount_due()
        pay = np.where(rng.random(len(owed)) < 0.9, owed, rng.integers(0, 2, len(owed)) * owed // 2)
        book.collect(m, pay, float(rng.uniform(0.6, 1.2)))
        active = book.active()
        if len(active):
            pick = active[rng.random(len(active)) < 0.05]
            book.prepay(m, pick, rng.integers(0, 10_000_000, len(pick)))
        month = book.close_month()  # raises on any mismatch
        assert (book.principal[: book.n] >= 0).all()
        assert month.loss <= month.written_off
        assert month.recovered - month.recovered_interest + month.loss == month.written_off
        assert math.isclose(sum(month.arrears), len(book.active()))


def test_W1_a_borrower_short_of_income_repays_from_the_fund_balance():
    from sim.fund.loan_book import split_payment

    owed = np.array([yuan(1_240.67), yuan(1_240.67), yuan(1_240.67)])
    income = np.array([yuan(2_000), yuan(500), 0])
    balance = np.array([yuan(10_000), yuan(10_000), yuan(300)])
    from_income, from_balance = split_payment(owed, income, balance, from_balance=True)
    assert list(from_income) == [yuan(1_240.67), yuan(500), 0]
    assert list(from_balance) == [0, yuan(740.67), yuan(300)]
    _, none = split_payment(owed, income, balance, from_balance=False)
    assert not none.any()


def test_a_month_collected_on_the_due_the_caller_kept_matches_one_computed_afresh():
    """The fund computes a month's due once (view, repayments, collection): the same books."""
    books = [LoanBook(POLICY) for _ in range(2)]
    for book in books:
        book.disburse(JULY, np.arange(3), np.array([yuan(1e5), yuan(2e5), yuan(3e5)]), 240,
                      True, yuan(400_000), 1.0)  # fmt: skip
        book.close_month()
    kept, afresh = books
    for month in range(JULY + 1, JULY + 6):
        due = kept.due()
        _, owed = kept.amount_due(due)
        _, owed_afresh = afresh.amount_due()
        np.testing.assert_array_equal(owed, owed_afresh)
        pay = owed - np.array([0, yuan(50), 0])  # the second borrower falls behind
        assert kept.collect(month, pay, 1.0, due=due) == afresh.collect(month, pay, 1.0)
        assert kept.close_month() == afresh.close_month()
    np.testing.assert_array_equal(kept.principal, afresh.principal)
    np.testing.assert_array_equal(kept.arrears, afresh.arrears)


def test_F4_arrears_are_instalments_overdue():
    # 100 overdue of a 1,000 instalment: one (any shortfall counts); 1,000: one; 1,005: still
    # one (within 1% of a whole instalment); 1,500: two; 3,000: three
    from sim.fund.loan_book import instalments_overdue

    got = instalments_overdue(np.array([0, 100, 1_000, 1_005, 1_500, 3_000]), 1_000)
    assert got.tolist() == [0, 1, 1, 1, 2, 3]


@pytest.mark.parametrize("schedule", ["equal_installment", "equal_principal"])
def test_F4_one_missed_instalment_then_on_time_never_defaults(schedule):
    """A borrower misses one instalment and then pays every later one on time, in full: one
    instalment behind for good, never six (loan.default_after_months) behind."""
    policy = POLICY.with_overrides({"loan.schedule": schedule}, origin="test")
    book = LoanBook(policy)
    book.disburse(JULY, 0, yuan(300_000), 240, True, yuan(400_000), 1.0)
    book.collect(JULY, np.array([0]), 1.0)  # the missed instalment
    assert book.close_month().arrears == (0, 1, 0, 0)
    for k in range(1, 120):
        _, interest, principal = due = book.due()
        book.collect(JULY + k, interest + principal, 1.0, due=due)  # this month's, on time
        month = book.close_month()
        assert (month.defaults, month.arrears) == (0, (0, 1, 0, 0)), k
    assert book.status[0] == ACTIVE
    _, owed = book.amount_due()
    book.collect(JULY + 120, owed, 1.0)  # catching up clears it
    assert book.close_month().arrears == (1, 0, 0, 0)


def test_F4_six_instalments_overdue_default_whenever_they_were_missed():
    # missing every other instalment: 1, 1, 2, 2, … the sixth falls overdue in month 11
    book = LoanBook(POLICY)
    book.disburse(JULY, 0, yuan(300_000), 360, True, yuan(400_000), 1.0)
    for k in range(12):
        _, interest, principal = due = book.due()
        pay = interest + principal if k % 2 else np.array([0])
        book.collect(JULY + k, pay, 1.0, due=due)
        if book.close_month().defaults:
            break
    assert k == 10
    assert book.status[0] == DEFAULTED


def test_what_is_owed_is_kept_for_the_month_and_recomputed_once_the_book_moves():
    """``amount_due`` of one month's ``due`` is computed once (the view, the repayments and
    the record ask for it) and never outlives a change: a missed instalment is owed again,
    with the next one, the month after (2 × the instalment of 300,000 yuan over 360 months)."""
    book = LoanBook(POLICY)
    book.disburse(JULY, 0, yuan(300_000), 360, True, yuan(400_000), 1.0)
    due = book.due()
    _, owed = book.amount_due(due)
    assert book.amount_due(due)[1] is owed  # kept
    assert not owed.flags.writeable
    book.collect(JULY, np.array([0]), 1.0, due=due)  # nothing paid: in arrears
    book.close_month()
    assert book.amount_due(due)[1] is not owed  # the book moved: not the kept answer
    _, again = book.amount_due()  # the principal unchanged: the same interest and instalment
    assert int(again[0]) == 2 * int(owed[0])
