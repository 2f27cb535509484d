"""Loan eligibility and limit (L1–L4, L4-i, with rationing F5)."""

import math

import numpy as np
import pytest

from sim.core.months import parse_month
from sim.fund.loan_limit import (
    BINDING,
    LoanRequest,
    check_eligibility,
    loan_limit,
    loan_rate,
    rationing_level,
)
from sim.fund.policy import load_policy
from sim.fund.refusals import Refusal
from tests.helpers import yuan

JULY = parse_month("2024-07")


def request(**kw) -> LoanRequest:
    """One applicant: 20,000 balance, 24,000 deposited over 12 of 16 months, 8,000 a month."""
    base = {
        "balance": yuan(20_000), "deposited_total": yuan(24_000), "deposit_months": 12,
        "months_open": 16, "income": yuan(8_000), "price": yuan(500_000), "term_months": 360,
        "first_home": True, "green_or_upgrade": False, "talent": False, "age_months": 30 * 12,
        "retirement_age_months": 63 * 12, "good_credit": True, "loan_outstanding": False,
    }  # fmt: skip
    base.update(kw)
    return LoanRequest(**{k: np.array([v]) for k, v in base.items()})


def limit(policy="lyg-2023", level=0, overrides=None, **kw):
    p = load_policy(policy)
    if overrides:
        p = p.with_overrides(overrides, origin="test")
    amount, binding = loan_limit(p, JULY, request(**kw), level=level)
    return int(amount[0]), BINDING[binding[0]]


def test_L1_needs_six_months_of_deposits_and_no_outstanding_loan():
    p = load_policy("lyg-2023")
    assert (
        Refusal(check_eligibility(p, request(deposit_months=5))[0])
        is Refusal.TOO_FEW_DEPOSIT_MONTHS
    )
    assert Refusal(check_eligibility(p, request(deposit_months=6))[0]) is Refusal.OK
    assert (
        Refusal(check_eligibility(p, request(loan_outstanding=True))[0]) is Refusal.LOAN_OUTSTANDING
    )
    assert Refusal(check_eligibility(p, request(good_credit=False))[0]) is Refusal.BAD_CREDIT


def test_L1_term_and_age_at_maturity_limits():
    p = load_policy("lyg-2023")
    assert Refusal(check_eligibility(p, request(term_months=361))[0]) is Refusal.TERM_TOO_LONG
    # age 40 + 30 years = 70 > 63 + 5; 40 + 28 years = 68 is allowed
    assert Refusal(check_eligibility(p, request(age_months=480))[0]) is Refusal.AGE_AT_MATURITY
    assert Refusal(check_eligibility(p, request(age_months=480, term_months=336))[0]) is Refusal.OK


def test_L2_deposit_more_borrow_more_from_the_four_inputs():
    # base ½·20,000 + ½·24,000 = 22,000; × 15; duration ½ + ½·12/24 = 0.75;
    # frequency 12/16 = 0.75 → 0.5 + 0.5·0.75 = 0.875: 216,562.50
    assert limit() == (yuan(216_562.50), "deposits")
    # more deposited, longer, more often: the amount rises (deposit more, borrow more)
    assert limit(deposited_total=yuan(30_000))[0] > yuan(216_562.50)
    assert limit(deposit_months=16)[0] > yuan(216_562.50)


def test_L2_limit_is_the_smallest_of_deposits_price_capacity_and_ceiling():
    rich = {"balance": yuan(200_000), "deposited_total": yuan(200_000), "deposit_months": 24,
            "months_open": 24}  # fmt: skip
    assert limit(**rich) == (yuan(400_000), "ltv")  # 500,000 × 80%
    assert limit(price=yuan(2_000_000), **rich) == (yuan(500_000), "ceiling")
    r = 0.0285 / 12  # first home, over 5 years, from 2024-05-18
    factor = (1 - (1 + r) ** -360) / r
    got, binding = limit(price=yuan(2_000_000), income=yuan(3_000), **rich)
    assert binding == "capacity"
    assert got == math.floor(yuan(1_500) * factor)
    assert limit(first_home=False, **rich) == (yuan(350_000), "ltv")  # second home: 70%


def test_L2_rates_by_home_and_term_from_the_dated_tables():
    p = load_policy("lyg-2023")
    rates = loan_rate(p, JULY, np.array([True, True, False, False]), np.array([60, 61, 60, 61]))
    assert list(rates) == [0.0235, 0.0285, 0.02775, 0.03325]
    assert loan_rate(p, parse_month("2025-06"), np.array([True]), np.array([360]))[0] == 0.026


def test_L3_green_or_upgrade_raises_the_quota_by_20_percent_under_the_draft():
    assert limit("lyg-draft", green_or_upgrade=True) == (yuan(259_875), "deposits")
    assert limit("lyg-2023", green_or_upgrade=True) == (yuan(216_562.50), "deposits")


def test_L4_graduate_first_home_raises_the_quota_by_half():
    assert limit("lyg-draft", talent=True) == (yuan(324_843.75), "deposits")


def test_L4_i_multipliers_stack_by_max_or_product():
    both = {"green_or_upgrade": True, "talent": True}
    assert limit("lyg-draft", **both) == (yuan(324_843.75), "deposits")
    product = {"loan.multiplier_stacking": "product"}
    assert limit("lyg-draft", overrides=product, **both) == (yuan(389_812.50), "deposits")


def test_F5_rationing_cuts_the_multiple_and_the_loan_to_value():
    p = load_policy("lyg-2023")
    assert [rationing_level(p, x) for x in (0.80, 0.85, 0.93, 0.96)] == [0, 1, 2, 3]
    assert limit(level=3) == (math.floor(yuan(216_562.50) * 0.6), "deposits")
    rich = {"balance": yuan(200_000), "deposited_total": yuan(200_000), "deposit_months": 24,
            "months_open": 24}  # fmt: skip
    assert limit(level=3, **rich) == (yuan(300_000), "ltv")  # 40% down payment
    off = load_policy("lyg-2023").with_overrides({"liquidity.rationing": False}, origin="t")
    assert rationing_level(off, 0.99) == 0


@pytest.mark.parametrize(
    ("overrides", "key"),
    [
        ({"liquidity.rationing_thresholds": [0.9, 0.85, 0.95]}, "liquidity.rationing_thresholds"),
        ({"liquidity.rationing_ltv": [0.6, 0.7, 0.8]}, "liquidity.rationing_ltv"),
        ({"liquidity.rationing_multiple": [0.9, 0.8]}, "liquidity.rationing_multiple"),
        ({"loan.rate_first_long": -0.01}, "loan.rate_first_long"),
        ({"liquidity.max_loan_to_deposit": 0.9}, "liquidity.rationing_thresholds"),
    ],
)
def test_bad_loan_and_liquidity_parameters_fail_naming_the_key(overrides, key):
    from sim.core.errors import InputError

    with pytest.raises(InputError) as err:
        load_policy("lyg-2023").with_overrides(overrides, origin="scenario.toml")
    assert err.value.key == key
    assert "\n" not in str(err.value)


def test_F4_pre_loan_check_refuses_an_unsteady_income():
    # B §3(5)21 贷前调查: income in at least loan.min_income_months = 9 of the last 12
    p = load_policy("lyg-draft")
    assert p["loan.min_income_months"] == 9
    assert Refusal(check_eligibility(p, request(income_months=8))[0]) is Refusal.UNSTEADY_INCOME
    assert Refusal(check_eligibility(p, request(income_months=9))[0]) is Refusal.OK
    assert Refusal(check_eligibility(p, request())[0]) is Refusal.OK, "no record: 12 months"
    # an irregular earner is also offered less: the capacity term uses the average income,
    # idle months included. 4,000 a month × 50% × the annuity factor of 2.85% over 360 months
    # (241.1) = 482,300 > 8,000 × 50% × 241.1 / 2: half the income, half the capacity limit.
    full, _ = limit("lyg-2023", income=yuan(8_000), balance=yuan(200_000), price=yuan(2_000_000))
    half, binding = limit("lyg-2023", income=yuan(4_000), balance=yuan(200_000),
                          price=yuan(2_000_000))  # fmt: skip
    assert binding == "capacity"
    r = 0.0285 / 12
    assert half == math.floor(yuan(4_000) * 0.5 * (1 - (1 + r) ** -360) / r)
    assert half < full
