"""Withdrawals: rent, purchase, repayment, exit and full withdrawal (W1–W4)."""

import numpy as np

from sim.fund.refusals import Refusal
from tests.helpers import ONE, make_ledger, open_and_deposit, run_to, yuan


def _funded(policy="lyg-2023", months=4):
    """A ledger whose person 0 deposited 5,000 a month from 2024-01 for ``months`` months."""
    ledger = make_ledger(policy)
    acts = {"2024-01": open_and_deposit(yuan(5000))}
    for k in range(2, months + 1):
        acts[f"2024-{k:02d}"] = lambda led: led.deposit(ONE, yuan(5000))
    run_to(ledger, f"2024-{months:02d}", acts)
    return ledger


def _one(ledger, *args, **kw):
    return Refusal(int(ledger.withdraw(ONE, *args, **kw)[0]))


def test_W1_rent_is_limited_to_twelve_months_of_the_limit_per_fund_year():
    ledger = _funded()
    ledger.begin_month()  # 2024-05
    assert _one(ledger, yuan(14_400), "rent") is Refusal.OK  # 12 × 1,200
    ledger.end_month()
    ledger.begin_month()  # 2024-06, same fund year
    assert _one(ledger, yuan(0.01), "rent") is Refusal.OVER_RENT_LIMIT
    ledger.end_month()
    ledger.begin_month()  # 2024-07, a new fund year
    assert _one(ledger, yuan(1000), "rent") is Refusal.OK
    books = ledger.end_month()
    assert books.withdrawals == {"rent": yuan(1000)}


def test_W1_withdrawal_above_the_balance_or_limit_is_refused_whole():
    ledger = _funded(months=1)
    ledger.begin_month()
    assert _one(ledger, yuan(5000.01), "purchase") is Refusal.INSUFFICIENT_BALANCE
    assert _one(ledger, yuan(3000), "purchase", limit_fen=yuan(2000)) is Refusal.OVER_LIMIT
    assert _one(ledger, yuan(0), "purchase") is Refusal.NOT_POSITIVE
    assert _one(ledger, yuan(1000), "repayment") is Refusal.NO_LOAN
    assert ledger.acc.balance[0] == yuan(5000), "nothing clipped, nothing paid"
    assert _one(ledger, yuan(2000), "purchase", limit_fen=yuan(2000)) is Refusal.OK
    books = ledger.end_month()
    assert ledger.acc.balance[0] == yuan(3000)
    assert books.refused == {
        "insufficient_balance": 1,
        "over_limit": 1,
        "not_positive": 1,
        "no_loan": 1,
    }


def test_W1_repayment_withdrawal_needs_an_outstanding_loan():
    ledger = _funded(months=1)
    ledger.begin_month()
    ledger.disburse_loan(ONE)
    assert _one(ledger, yuan(1500), "repayment", limit_fen=yuan(1500)) is Refusal.OK
    books = ledger.end_month()
    assert books.withdrawals == {"repayment": yuan(1500)}


def test_W2_withdrawals_are_allowed_before_any_loan_application():
    ledger = _funded(months=1)
    ledger.begin_month()
    assert not ledger.acc.loan_disbursed[0]
    assert _one(ledger, yuan(4000), "purchase") is Refusal.OK
    ledger.end_month()


def test_W3_exit_pays_out_everything_but_is_refused_while_a_loan_is_outstanding():
    ledger = _funded(months=2)  # 10,000 yuan, no interest credited yet
    ledger.begin_month()  # 2024-03
    ledger.disburse_loan(ONE)
    assert Refusal(int(ledger.close(ONE, "exit")[0])) is Refusal.LOAN_OUTSTANDING
    ledger.loan_repaid(ONE)
    assert Refusal(int(ledger.close(ONE, "exit")[0])) is Refusal.OK
    books = ledger.end_month()
    # interest accrued Feb 2024 on the 5,000 opening balance: 6.25, credited at closure
    assert books.interest_credited == yuan(6.25)
    assert books.withdrawals == {"exit": yuan(10_006.25)}
    assert ledger.acc.balance[0] == 0
    assert not ledger.acc.is_open[0]
    assert ledger.acc.forfeited[0]


def test_W4_full_withdrawal_pays_interest_and_accrued_subsidy_and_forfeits_nothing():
    ledger = make_ledger("lyg-2023")
    retire = lambda led: led.close(ONE, "full")  # noqa: E731
    books = run_to(ledger, "2025-04", {"2024-01": open_and_deposit(yuan(5000)), "2025-04": retire})
    # interest Jul 2024 … Mar 2025 = 9 × 5,031.25 × 0.125% = 56.6015625 → 56.60
    # subsidy accrued Feb, Mar 2025 = 5,000 × 1% × 2/12 = 8.33
    assert books["2025-04"].interest_credited == yuan(56.60)
    assert books["2025-04"].subsidy_credited == yuan(8.33)
    assert books["2025-04"].withdrawals == {"full": yuan(5031.25 + 56.60 + 8.33)}
    assert not ledger.acc.forfeited[0]


def test_W4_closing_a_closed_account_is_refused():
    ledger = make_ledger("lyg-2023", n=2)
    ledger.begin_month()
    codes = ledger.close(np.array([0, 1]), "full")
    assert [Refusal(c) for c in codes] == [Refusal.NOT_OPEN, Refusal.NOT_OPEN]
