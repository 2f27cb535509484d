"""Deposits: floor, cap, months covered, refusals (D1, D2) and the tax deduction (D3)."""

import numpy as np
import pytest

from sim.core.months import parse_month
from sim.fund import tax
from sim.fund.policy import load_policy
from sim.fund.refusals import Refusal
from tests.helpers import ONE, make_ledger, yuan


def _deposit(ledger, amount_fen, months=1):
    return Refusal(int(ledger.deposit(ONE, amount_fen, months)[0]))


def test_D1_floor_is_100_yuan_and_cap_is_the_published_monthly_cap():
    ledger = make_ledger("lyg-2023")
    ledger.begin_month()
    ledger.open(ONE)
    assert _deposit(ledger, yuan(99.99)) is Refusal.BELOW_FLOOR
    assert _deposit(ledger, yuan(5000.01)) is Refusal.ABOVE_CAP
    assert ledger.acc.balance[0] == 0, "a refused deposit is refused whole, never clipped"
    assert _deposit(ledger, yuan(5000.00)) is Refusal.OK
    books = ledger.end_month()
    assert ledger.acc.balance[0] == yuan(5000.00)
    assert books.refused == {"below_floor": 1, "above_cap": 1}


def test_D1_cap_applies_to_what_a_person_deposits_in_a_calendar_month():
    # Three deposits of 2,000 yuan in one month: 4,000 fits the 5,000 cap, 6,000 does not.
    ledger = make_ledger("lyg-2023")
    ledger.begin_month()
    ledger.open(ONE)
    assert _deposit(ledger, yuan(2000)) is Refusal.OK
    assert _deposit(ledger, yuan(2000)) is Refusal.OK
    assert _deposit(ledger, yuan(2000)) is Refusal.ABOVE_CAP
    assert _deposit(ledger, yuan(1000)) is Refusal.OK, "exactly 5,000 in the month"
    assert _deposit(ledger, yuan(100)) is Refusal.ABOVE_CAP
    books = ledger.end_month()
    assert ledger.acc.balance[0] == yuan(5000)
    assert books.refused == {"above_cap": 2}
    ledger.begin_month()  # a new calendar month starts a new total
    assert _deposit(ledger, yuan(5000)) is Refusal.OK
    ledger.end_month()
    assert ledger.acc.balance[0] == yuan(10_000)


def test_D1_no_deposit_in_a_month_is_allowed_and_only_open_accounts_take_deposits():
    ledger = make_ledger("lyg-2023")
    ledger.begin_month()
    assert _deposit(ledger, yuan(500)) is Refusal.NOT_OPEN
    ledger.end_month()
    ledger.begin_month()
    ledger.open(ONE)
    ledger.end_month()  # a month with no deposit: nothing refused, nothing owed
    assert ledger.acc.is_open[0]


def test_D1_lyg_2023_deposit_covers_one_month_only():
    ledger = make_ledger("lyg-2023")
    ledger.begin_month()
    ledger.open(ONE)
    assert _deposit(ledger, yuan(900), months=3) is Refusal.MONTHS_NOT_ALLOWED


def test_D2_floor_is_minimum_wage_times_minimum_ratio():
    policy = load_policy("lyg-draft")
    # 2,260 yuan (class II from 2024-01-01) × 10% = 226.00; 2,070 × 10% = 207.00 before.
    assert policy.floor_fen(parse_month("2024-03")) == yuan(226.00)
    assert policy.floor_fen(parse_month("2023-10")) == yuan(207.00)
    ledger = make_ledger("lyg-draft")
    ledger.begin_month()
    ledger.open(ONE)
    assert _deposit(ledger, yuan(225.99)) is Refusal.BELOW_FLOOR
    assert _deposit(ledger, yuan(226.00)) is Refusal.OK


def test_D2_quarterly_deposit_is_bounded_by_three_months_of_floor_and_cap():
    ledger = make_ledger("lyg-draft", start="2024-03")
    ledger.begin_month()
    ledger.open(ONE)
    assert _deposit(ledger, yuan(677.99), months=3) is Refusal.BELOW_FLOOR  # 3 × 226.00
    assert _deposit(ledger, yuan(15000.01), months=3) is Refusal.ABOVE_CAP
    assert _deposit(ledger, yuan(15000.00), months=3) is Refusal.OK
    assert _deposit(ledger, yuan(678.00), months=3) is Refusal.ABOVE_CAP, "the month's total"
    assert _deposit(ledger, yuan(600), months=2) is Refusal.MONTHS_NOT_ALLOWED
    ledger.end_month()
    assert ledger.acc.deposit_months[0] == 3, "a quarterly deposit counts the 3 months it covers"
    ledger.begin_month()  # April: a new calendar month, a new total
    assert _deposit(ledger, yuan(678.00), months=3) is Refusal.OK
    ledger.end_month()
    assert ledger.acc.deposit_months[0] == 4, "April-June: June is the one new month"


def test_D2_a_quarterly_deposit_raises_the_calendar_months_cap_to_three_months():
    # 2024-03 cap 5,000 a month: a monthly 4,000 then a quarterly deposit in the same month
    # may bring the month's total to 3 × 5,000 = 15,000, no more.
    ledger = make_ledger("lyg-draft", start="2024-03")
    ledger.begin_month()
    ledger.open(ONE)
    assert _deposit(ledger, yuan(4000)) is Refusal.OK
    assert _deposit(ledger, yuan(11000.01), months=3) is Refusal.ABOVE_CAP
    assert _deposit(ledger, yuan(11000.00), months=3) is Refusal.OK
    assert _deposit(ledger, yuan(226.00)) is Refusal.ABOVE_CAP
    ledger.end_month()
    assert ledger.acc.deposited_total[0] == yuan(15_000)
    assert ledger.acc.deposit_months[0] == 3, "March (twice), April, May"


def test_D2_batch_of_deposits_is_checked_person_by_person():
    ledger = make_ledger("lyg-draft", n=4, start="2024-03")
    ledger.begin_month()
    ledger.open(np.arange(4))
    codes = ledger.deposit(
        np.arange(4), np.array([yuan(225), yuan(226), yuan(5001), yuan(678)]), [1, 1, 1, 3]
    )  # floor 2,260 × 10% = 226.00 a month, 678.00 a quarter; cap 5,000 a month
    assert [Refusal(c) for c in codes] == [
        Refusal.BELOW_FLOOR,
        Refusal.OK,
        Refusal.ABOVE_CAP,
        Refusal.OK,
    ]


def test_D3_each_januarys_bracket_is_the_last_years_income_less_the_deduction():
    policy = load_policy("lyg-2023")
    # basic deduction 60,000; brackets 3% to 36,000, 10% to 144,000, 20% above (taxable):
    # 60,000 → untaxed (0); 60,000.01 → 3% (1); 96,000 = 60,000 + 36,000 → still 3% (1);
    # 96,000.01 → 10% (2); 204,000.50 → taxable 144,000.50, 20% (3)
    annual = np.array([60_000.0, 60_000.01, 96_000.0, 96_000.01, 204_000.5])
    assert tax.tax_bracket(policy, annual).tolist() == [0, 1, 1, 2, 3]
    everyone = np.full(5, 9, np.int8)  # each January, written over last year's brackets
    assert tax.tax_bracket(policy, annual, out=everyone) is everyone
    assert everyone.tolist() == [0, 1, 1, 2, 3]
    assert tax.tax_bracket(policy, 96_000).shape == ()  # one income, one bracket
    assert tax.tax_bracket(policy, np.float16([64_000.0])).tolist() == [1]  # taxable 4,000
    with pytest.raises(ValueError, match="out must be contiguous int8 of shape"):
        tax.tax_bracket(policy, annual, out=np.zeros(4, np.int8))


def test_D3_deductible_deposits_save_tax_at_the_marginal_rate():
    policy = load_policy("lyg-2023")
    m = parse_month("2024-03")
    # income 120,000: taxable 60,000 → 36,000 × 3% + 24,000 × 10% = 3,480;
    # deducting 12,000 of deposits: taxable 48,000 → 1,080 + 1,200 = 2,280; saving 1,200.
    assert tax.income_tax_yuan(policy, np.array([120_000.0]))[0] == pytest.approx(3480)
    assert tax.tax_saving_yuan(policy, m, np.array([120_000.0]), np.array([12_000.0]))[
        0
    ] == pytest.approx(1200)
    # deposits above the annual cap (12 × 5,000 = 60,000) deduct only the cap:
    # income 300,000: taxable 240,000 → 1,080 + 10,800 + 96,000 × 20% = 31,080;
    # less 60,000: taxable 180,000 → 1,080 + 10,800 + 7,200 = 19,080; saving 12,000.
    assert tax.tax_saving_yuan(policy, m, np.array([300_000.0]), np.array([70_000.0]))[
        0
    ] == pytest.approx(12_000)
    assert tax.marginal_rate(policy, np.array([50_000.0, 96_000.0, 96_000.01, 250_000.0])) == (
        pytest.approx([0.0, 0.03, 0.10, 0.20])
    )
