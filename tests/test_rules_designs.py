"""Other cities' designs (X1–X6, docs/rules.md "Other cities' designs"), computed by hand.

The running example of test_rules_subsidy.py: one deposit in January 2024; interest
1.5%/yr (0.125% a month) on opening balances is credited on 30 June. Each rule is
switched on by an override of lyg-2023, so the test isolates it; the design files
(scenarios/policies/*-2025.toml) are checked to load and carry the rule in
test_designs.py.
"""

import numpy as np

from sim.core.months import parse_month
from sim.fund import subsidy
from sim.fund.eligibility import consecutive_deposit_months
from sim.fund.loan_limit import BINDING, check_eligibility, loan_limit
from sim.fund.policy import load_policy
from sim.fund.refusals import Refusal
from sim.fund.tax import annual_cap_yuan
from tests.helpers import ONE, make_ledger, open_and_deposit, run_to, yuan
from tests.test_rules_loans import JULY, request

SUZHOU_RATE = {"subsidy.holding_rate": 0.0, "subsidy.interest_share": 0.3}


def test_X1_interest_subsidy_is_a_share_of_the_deposit_rate_on_the_aged_part():
    ledger = make_ledger("lyg-2023", overrides=SUZHOU_RATE)
    books = run_to(ledger, "2026-06", {"2024-01": open_and_deposit(yuan(4000))})
    # rate 30% × 1.5% = 0.45% a year. 2025-06: aged 4,000 in Feb..Jun 2025:
    # 4,000 × 0.45% × 5/12 = 7.50
    assert books["2025-06"].subsidy_credited == yuan(7.50)
    # 2026-06: aged = June 2024's 4,000 + 5 × 4,000 × 0.125% = 4,025.00, all 12 months:
    # 4,025 × 0.45% = 18.1125 → 18.11
    assert books["2026-06"].subsidy_credited == yuan(18.11)


def test_X1_interest_share_adds_to_the_holding_rate():
    overrides = {"subsidy.interest_share": 0.3}
    books = run_to(make_ledger("lyg-2023", overrides=overrides), "2025-06",
                   {"2024-01": open_and_deposit(yuan(4000))})  # fmt: skip
    # 1% + 0.45% = 1.45%: 4,000 × 1.45% × 5/12 = 24.1667 → 24.17
    assert books["2025-06"].subsidy_credited == yuan(24.17)


def test_X1_settlement_snapshot_uses_the_same_rate():
    overrides = {**SUZHOU_RATE, "subsidy.accrual": "settlement_snapshot"}
    books = run_to(make_ledger("lyg-2023", overrides=overrides), "2025-06",
                   {"2024-01": open_and_deposit(yuan(4000))})  # fmt: skip
    # the money there since 30 June 2024, 4,025.00, × 0.45% = 18.1125 → 18.11
    assert books["2025-06"].subsidy_credited == yuan(18.11)


def test_X2_holding_condition_stops_accrual_for_twelve_months_after_a_withdrawal():
    rent = lambda led: led.withdraw(ONE, yuan(100), "rent")  # noqa: E731
    actions = {"2024-01": open_and_deposit(yuan(5000)), "2025-03": rent}
    books = run_to(make_ledger("lyg-2023", overrides={"subsidy.clean_months": 12}), "2026-06",
                   actions)  # fmt: skip
    # 2025-06: only Feb 2025 accrues (Jan 2025's aged part is 0; the March withdrawal
    # stops accrual from March): 5,000 × 1%/12 = 4.1667 → 4.17
    assert books["2025-06"].subsidy_credited == yuan(4.17)
    # accrual resumes in April 2026, 12 whole months after March 2025. The aged part is
    # March 2025's month-end, 5,031.25 − 100 = 4,931.25: 3 × 4,931.25 × 1%/12 = 12.33
    assert books["2026-06"].subsidy_credited == yuan(12.33)
    # June 2025 interest: 9 × 5,031.25 + 3 × 4,931.25 = 60,075 × 0.125% = 75.09;
    # balance 4,931.25 + 75.09 + 4.17 = 5,010.51
    assert books["2025-06"].interest_credited == yuan(75.09)


def test_X2_off_by_default_pays_as_S1():
    rent = lambda led: led.withdraw(ONE, yuan(100), "rent")  # noqa: E731
    actions = {"2024-01": open_and_deposit(yuan(5000)), "2025-03": rent}
    books = run_to(make_ledger("lyg-2023"), "2025-06", actions)
    # the March month-end enters the window in April: Feb, Mar 5,000 and Apr..Jun 4,931.25:
    # (2 × 5,000 + 3 × 4,931.25) × 1%/12 = 24,793.75 / 1,200 = 20.661 → 20.66
    assert books["2025-06"].subsidy_credited == yuan(20.66)


def test_X3_consecutive_months_count_the_unbroken_run_up_to_now():
    ledger = make_ledger("lyg-2023")
    dep = lambda led: led.deposit(ONE, yuan(500))  # noqa: E731
    actions = {"2024-01": open_and_deposit(yuan(500))}
    for m in ("2024-02", "2024-03", "2024-04", "2024-05", "2024-06"):
        actions[m] = dep  # Jan..Jun: 6 months
    for m in ("2024-08", "2024-09", "2024-10", "2024-11", "2024-12"):
        actions[m] = dep  # July skipped; Aug..Dec: 5 months
    run_to(ledger, "2024-12", actions)
    acc = ledger.acc
    assert acc.deposit_months[0] == 11
    # in January 2025 (no deposit yet) the run Aug..Dec still counts: 5
    assert consecutive_deposit_months(acc, parse_month("2025-01"))[0] == 5
    # in February 2025 January is not covered: the run is broken
    assert consecutive_deposit_months(acc, parse_month("2025-02"))[0] == 0
    # in July 2024 the run Jan..Jun counted 6, and August's deposit started a new run
    assert acc.run_start[0] == parse_month("2024-08")


def test_X3_shenzhen_asks_12_consecutive_and_36_cumulative_months():
    p = load_policy("lyg-2023").with_overrides(
        {"loan.min_deposit_months": 36, "loan.min_consecutive_months": 12}, origin="test"
    )

    def code(months, run):
        req = request(deposit_months=months, consecutive_months=run)
        return Refusal(check_eligibility(p, req)[0])

    assert code(36, 12) is Refusal.OK
    assert code(36, 11) is Refusal.TOO_FEW_DEPOSIT_MONTHS
    assert code(35, 12) is Refusal.TOO_FEW_DEPOSIT_MONTHS


CHONGQING = {
    "loan.limit_formula": "balance_multiple", "loan.balance_multiple": 25.0,
    "loan.ceiling": 500_000.0, "loan.long_ceiling_months": 12, "loan.long_ceiling": 800_000.0,
}  # fmt: skip


def x4_limit(overrides, level=0, **kw):
    p = load_policy("lyg-2023").with_overrides(overrides, origin="test")
    base = {"price": yuan(2_000_000), "income": yuan(30_000)}  # LTV and capacity do not bind
    amount, binding = loan_limit(p, JULY, request(**{**base, **kw}), level=level)
    return int(amount[0]), BINDING[binding[0]]


def test_X4_limit_is_a_multiple_of_the_balance():
    # 20,000 × 25 = 500,000 under the 800,000 ceiling (12 months deposited)
    assert x4_limit(CHONGQING, balance=yuan(20_000)) == (yuan(500_000), "deposits")
    # rationing level 1 cuts the multiple by 10%: 20,000 × 22.5 = 450,000
    assert x4_limit(CHONGQING, level=1, balance=yuan(20_000)) == (yuan(450_000), "deposits")


def test_X4_ceiling_rises_with_months_deposited():
    # 40,000 × 25 = 1,000,000: cut to 800,000 after 12 months, to 500,000 before
    assert x4_limit(CHONGQING, balance=yuan(40_000), deposit_months=12) == (
        yuan(800_000), "ceiling")  # fmt: skip
    assert x4_limit(CHONGQING, balance=yuan(40_000), deposit_months=11) == (
        yuan(500_000), "ceiling")  # fmt: skip


def test_X4_floor_raises_a_small_balance_amount():
    jinan = {**CHONGQING, "loan.amount_floor": 200_000.0, "loan.ceiling": 900_000.0,
             "loan.long_ceiling_months": 0}  # fmt: skip
    # 4,000 × 25 = 100,000 → raised to the 200,000 floor; 10,000 × 25 = 250,000 stays
    assert x4_limit(jinan, balance=yuan(4_000)) == (yuan(200_000), "deposits")
    assert x4_limit(jinan, balance=yuan(10_000)) == (yuan(250_000), "deposits")
    # the floor never passes the prudential limits: a 150,000 home at 80% lends 120,000
    assert x4_limit(jinan, balance=yuan(4_000), price=yuan(150_000)) == (yuan(120_000), "ltv")


def test_X5_deposits_with_no_cap_are_accepted_and_the_tax_cap_stays():
    uncapped = make_ledger("lyg-2023", overrides={"deposit.capped": False})
    capped = make_ledger("lyg-2023")
    for led in (uncapped, capped):
        led.begin_month()
        led.open(ONE)
    assert uncapped.deposit(ONE, yuan(100_000))[0] == 0
    assert Refusal(capped.deposit(ONE, yuan(100_000))[0]) is Refusal.ABOVE_CAP
    # the floor still binds: 99 < 100
    assert Refusal(uncapped.deposit(ONE, yuan(99))[0]) is Refusal.BELOW_FLOOR
    # the income-tax deduction stays within 12 × the published 5,000 cap (D3)
    assert annual_cap_yuan(uncapped.policy, uncapped.month) == 60_000


def test_X6_monthly_rent_limit_binds_each_calendar_month():
    ledger = make_ledger("lyg-2023", overrides={"withdrawal.rent_limit_basis": "monthly",
                                                "withdrawal.rent_monthly_limit": 1800.0})  # fmt: skip
    codes = {}

    def rent(amount, tag):
        def act(led):
            codes[tag] = Refusal(led.withdraw(ONE, yuan(amount), "rent")[0])

        return act

    run_to(ledger, "2024-03", {
        "2024-01": open_and_deposit(yuan(5000)),
        "2024-02": [rent(1800, "feb"), rent(1, "feb2")],
        "2024-03": rent(1800, "mar"),
    })  # fmt: skip
    assert codes == {"feb": Refusal.OK, "feb2": Refusal.OVER_RENT_LIMIT, "mar": Refusal.OK}
    # yearly (W1): 3,000 in one month is within 12 × 1,200 = 14,400
    yearly = make_ledger("lyg-2023")
    run_to(yearly, "2024-01", {"2024-01": [open_and_deposit(yuan(5000)), rent(3000, "y")]})
    assert codes["y"] is Refusal.OK


def test_X6_rent_as_a_share_of_the_months_deposit():
    ledger = make_ledger("lyg-2023", overrides={"withdrawal.rent_limit_basis": "deposit_share",
                                                "withdrawal.rent_deposit_share": 0.8})  # fmt: skip
    got = []
    rent = lambda amount: lambda led: got.append(  # noqa: E731
        Refusal(led.withdraw(ONE, yuan(amount), "rent")[0]))  # fmt: skip
    run_to(ledger, "2024-02", {
        # 80% of 1,000 = 800: 801 refused, 800 accepted, then 1 more refused
        "2024-01": [open_and_deposit(yuan(1000)), rent(801), rent(800), rent(1)],
        "2024-02": rent(1),  # no deposit in February: nothing may be withdrawn for rent
    })  # fmt: skip
    assert got == [Refusal.OVER_RENT_LIMIT, Refusal.OK, Refusal.OVER_RENT_LIMIT,
                   Refusal.OVER_RENT_LIMIT]  # fmt: skip
    assert np.array_equal(ledger.acc.balance[:1], [yuan(200)])


def test_X2_stop_code_counts_whole_months_since_the_last_partial_withdrawal():
    # a rent withdrawal in March 2025 sets clean_since to April 2025; under N = 12 the
    # account accrues again from April 2026 (12 whole months), not in March 2026 (11)
    since = parse_month("2025-04")
    for month, rule in (("2026-03", "X2"), ("2026-04", "")):
        code = subsidy.stop_code(False, False, since, parse_month(month), True, 12)
        assert subsidy.STOP_RULES[code] == rule, month
        assert subsidy.eligible_at(True, False, False, since, parse_month(month), True, 12) == (
            rule == ""
        )
    assert subsidy.is_clean(since, parse_month("2025-04"), 0)  # N = 0: no holding condition
