"""Interest on opening balances and the 30 June settlement (F1)."""

import numpy as np
import pytest

from sim.core.money import fen_of, round_fen
from sim.core.months import fund_year, parse_month
from sim.fund import interest
from sim.fund.policy import load_policy
from tests.helpers import make_ledger, open_and_deposit, run_to, yuan


def test_F1_interest_is_credited_once_a_year_on_30_june():
    books = run_to(make_ledger("lyg-2023"), "2025-06", {"2024-01": open_and_deposit(yuan(5000))})
    credited = {k: b.interest_credited for k, b in books.items() if b.interest_credited}
    # 2024-06: Feb..Jun opening balances 5 × 5,000 × 0.125% = 31.25
    # 2025-06: 12 × 5,031.25 × 0.125% = 75.46875 → 75.47
    assert credited == {"2024-06": yuan(31.25), "2025-06": yuan(75.47)}


def test_F1_money_deposited_in_a_month_earns_from_the_next():
    books = run_to(make_ledger("lyg-2023"), "2024-06", {"2024-06": open_and_deposit(yuan(5000))})
    assert books["2024-06"].interest_credited == 0


def test_F1_a_rate_change_applies_from_its_first_full_month():
    overrides = {"interest.deposit_rate": {"2016-02-21": 0.015, "2024-04-15": 0.012}}
    ledger = make_ledger("lyg-2023", overrides=overrides)
    books = run_to(ledger, "2024-06", {"2024-01": open_and_deposit(yuan(5000))})
    # Feb, Mar, Apr at 1.5%/12 (the change dated 15 April applies from May); May, Jun at 1.2%/12
    # 3 × 6.25 + 2 × 5.00 = 28.75
    assert books["2024-06"].interest_credited == yuan(28.75)


def test_F1_fund_year_runs_july_to_june():
    assert fund_year(parse_month("2023-07")) == 2023
    assert fund_year(parse_month("2024-06")) == 2023
    assert fund_year(parse_month("2024-07")) == 2024
    assert load_policy("lyg-2023")["interest.settlement_month"] == 6


def test_F1_a_months_interest_is_the_opening_balance_times_the_rate_over_12():
    """The scalar rule the one-pass month end inlines and ``accrue_interest`` loops over."""
    monthly = interest.monthly_rate(load_policy("lyg-2023"), parse_month("2024-03"))
    assert monthly == 0.015 / 12  # 1.5% a year: 0.125% a month
    # an opening balance of 5,000 yuan = 500,000 fen: 500,000 × 0.125% = 625 fen this month,
    # on top of 100.25 fen accrued before: 725.25 fen
    accrued, month = interest.accrue(100.25, 500_000, monthly)
    assert month == pytest.approx(625.0)
    assert accrued == pytest.approx(725.25)
    assert accrued == 100.25 + 500_000 * monthly  # the order of operations the books keep


def test_F1_interest_is_credited_rounded_to_the_fen_once_halves_up():
    # 75.46875 yuan = 7,546.875 fen → 7,547 (75.47, the June 2025 credit above); a half fen
    # goes up (0.5 → 1, 2.5 → 3), less than a half goes down (2.4999 → 2)
    floats = [7546.875, 3125.0, 0.5, 2.5, 2.4999]
    assert [fen_of(x) for x in floats] == [7547, 3125, 1, 3, 2]
    assert round_fen(np.array(floats)).tolist() == [7547, 3125, 1, 3, 2]  # the array form
    ledger = make_ledger("lyg-2023", n=2)
    ledger.acc.interest_accrued[:] = [7546.875, 2.4999]
    assert interest.credit_interest(ledger.acc, np.array([1, 0])).tolist() == [2, 7547]
    assert ledger.acc.balance.tolist() == [7547, 2]
    assert ledger.acc.interest_accrued.tolist() == [0.0, 0.0]
