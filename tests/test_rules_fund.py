"""The fund's side: value-added income, the reserve, the pool's cash, queue and credit line (F2–F6)."""

import numpy as np
import pytest
import simpy
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.core.months import parse_month
from sim.fund.employee import EmployeeSegment, EmployeeShock
from sim.fund.liquidity import SURVIVAL_CAP, Application, Pool, PoolDoesNotBalance
from sim.fund.loan_book import LoanBook
from sim.fund.policy import load_policy
from sim.fund.pool_config import load_pool_config
from sim.fund.reserve import Reserve, adequacy, stressed_loss
from sim.fund.value_added import ValueAdded, provision
from tests.helpers import broken_copy, expect_input_error, yuan

POLICY = load_policy("lyg-2023")
FUND = load_pool_config().fund


def make_pool(cash, granted=None):
    env = simpy.Environment()
    granted = [] if granted is None else granted
    return env, Pool(env, POLICY, FUND, cash=cash, grant=granted.append)


def test_F2_subsidies_are_a_business_expense_that_lowers_value_added_income():
    without = ValueAdded(loan_interest=yuan(1_000), bank_interest=yuan(200))
    with_subsidy = ValueAdded(
        loan_interest=yuan(1_000), bank_interest=yuan(200), subsidies=yuan(150)
    )
    assert without.total - with_subsidy.total == yuan(150)


def test_F3_value_added_income_is_interest_earned_less_interest_owed_and_costs():
    month = ValueAdded(
        loan_interest=yuan(1_000), bank_interest=yuan(200), depositor_interest=yuan(500),
        subsidies=yuan(100), management_costs=yuan(50), credit_line_interest=yuan(20),
    )  # fmt: skip
    assert month.total == yuan(1_000 + 200 - 500 - 100 - 50 - 20)
    year = ValueAdded()
    for _ in range(12):
        year.add(month)
    assert year.total == 12 * yuan(530)


def test_F4_provision_takes_the_larger_of_the_share_and_the_top_up_within_the_income():
    # 60% of 10,000 = 6,000 against a top-up to 1% of 500,000 = 5,000: 6,000
    assert provision(POLICY, yuan(10_000), 0, yuan(500_000)) == yuan(6_000)
    # a top-up of 1% of 2,000,000 = 20,000 is cut to the year's income, 10,000
    assert provision(POLICY, yuan(10_000), 0, yuan(2_000_000)) == yuan(10_000)
    # a reserve above target: the share alone
    assert provision(POLICY, yuan(10_000), yuan(50_000), yuan(2_000_000)) == yuan(6_000)
    assert provision(POLICY, -yuan(10_000), 0, yuan(2_000_000)) == 0


def test_F4_losses_are_written_off_against_the_reserve_and_its_exhaustion_is_dated():
    reserve = Reserve(balance=yuan(100_000))
    assert reserve.write_off(yuan(60_000), month=5) == 0
    assert reserve.exhausted_month is None
    assert reserve.write_off(yuan(70_000), month=6) == yuan(30_000)
    assert reserve.balance == 0
    assert reserve.uncovered == yuan(30_000)
    assert reserve.exhausted_month == 6
    assert reserve.expected_annual_loss() == yuan(130_000)


def test_F4_adequacy_ratios_including_a_stressed_default_rate():
    book = LoanBook(POLICY)
    july = parse_month("2024-07")
    book.disburse(july, [0, 1], [yuan(300_000), yuan(100_000)], 360, True,
                  [yuan(400_000), yuan(100_000)], 1.0)  # fmt: skip
    # under a 20% price fall: loan 0 recovers 400,000 × 0.8 × 70% = 224,000 (LGD 76,000);
    # loan 1 recovers 56,000 (LGD 44,000); 5% of 120,000 = 6,000
    assert stressed_loss(book, POLICY, 0.8) == yuan(6_000)
    reserve = Reserve(balance=yuan(12_000))
    reserve.write_off(yuan(2_000), month=1)
    ratios = adequacy(reserve, yuan(400_000), yuan(6_000))
    assert ratios["reserve_to_loans"] == pytest.approx(10_000 / 400_000)
    assert ratios["reserve_to_expected_loss"] == pytest.approx(5.0)
    assert ratios["reserve_to_stressed_loss"] == pytest.approx(10_000 / 6_000)


def test_F5_lending_stops_at_the_cash_floor_and_the_loan_to_deposit_limit():
    _, pool = make_pool(cash=yuan(1_000_000))
    pool.observe(deposits=yuan(10_000_000), loans=yuan(8_000_000))
    # cash above the 5% floor: 1,000,000 − 500,000 = 500,000; 100% × 10m − 8m = 2,000,000
    assert pool.policy["liquidity.max_loan_to_deposit"] == 1.0
    assert pool.lendable() == yuan(500_000)
    pool.observe(deposits=yuan(10_000_000), loans=yuan(9_800_000))
    assert pool.lendable() == yuan(200_000)  # 个贷率 headroom binds: 10m − 9.8m
    assert pool.loan_to_deposit() == pytest.approx(0.98)


def test_F5_F6_scripted_shortage_queue_in_arrival_order_credit_line_only_for_withdrawals():
    granted = []
    env, pool = make_pool(cash=yuan(150_000), granted=granted)
    deposits = yuan(1_000_000)  # pool deposits: floor 50,000
    script = {
        # month: (receipts, withdrawals, applications (amount, name))
        0: (0, 0, [(80_000, "A"), (50_000, "B"), (10_000, "C")]),
        1: (0, 120_000, []),
        2: (60_000, 0, [(5_000, "D")]),
        3: (200_000, 0, []),
    }
    expect = {  # served that month, cash after, credit line after, queue after
        0: (["A"], 70_000, 0, ["B", "C"]),
        1: ([], 0, 50_000, ["B", "C"]),  # withdrawals of 120,000 drew 50,000 of credit
        2: ([], 10_000, 0, ["B", "C", "D"]),  # receipts repay the credit line first
        3: (["B", "C", "D"], 145_000, 0, []),
    }
    for month, (receipts, withdrawals, apps) in script.items():
        pool.begin_month(month)
        pool.observe(deposits=deposits, loans=0)
        if receipts:
            pool.receive("repayments", yuan(receipts))
        if withdrawals:
            pool.pay("withdrawals.rent", yuan(withdrawals))
        for amount, name in apps:
            pool.submit(Application(yuan(amount), month, "flexible", name))
        env.run(until=pool.service())
        books = pool.end_month()
        served, cash, credit, queue = expect[month]
        assert [a.payload for a in books.served] == served, month
        assert pool.cash == yuan(cash), month
        assert pool.credit_line == yuan(credit), month
        assert [a.payload for a in pool.queue.items] == queue, month
        assert books.credit_drawn == (yuan(50_000) if month == 1 else 0)
    waits = {a.payload: a.served - a.arrival for a in granted}
    assert waits == {"A": 0, "B": 3, "C": 3, "D": 1}


def test_F5_a_large_application_at_the_head_holds_the_queue():
    env, pool = make_pool(cash=yuan(100_000))
    pool.begin_month(0)
    pool.observe(deposits=yuan(100_000), loans=0)
    pool.submit(Application(yuan(200_000), 0, "employee"))
    pool.submit(Application(yuan(1_000), 0, "flexible"))
    env.run(until=pool.service())
    assert pool.end_month().served == []
    assert pool.queued() == (2, yuan(201_000))
    assert pool.oldest_wait(4) == 4


def test_F5_survival_horizon_in_months_with_no_new_deposits():
    _, pool = make_pool(cash=yuan(1_000_000))
    pool.credit_limit = yuan(300_000)
    for month in range(3):  # withdrawals of 50,000 a month
        pool.begin_month(month)
        pool.pay("withdrawals.rent", yuan(50_000))
        if month < 2:
            pool.end_month()
    pool.submit(Application(yuan(100_000), 0, "flexible"))
    # the queue is reported beside the horizon, not subtracted: 850,000 cash /
    # (50,000 withdrawals − 20,000 repayments) = 28.33 months
    assert pool.survival_months(yuan(20_000)) == pytest.approx(850_000 / 30_000)
    # with the undrawn line: (850,000 + 300,000) / 30,000 = 38.33
    assert pool.survival_months(yuan(20_000), with_line=True) == pytest.approx(1_150_000 / 30_000)
    assert pool.survival_months(yuan(60_000)) == SURVIVAL_CAP
    pool.end_month()


def test_F5_survival_horizon_is_zero_only_when_the_cash_is_gone():
    _, pool = make_pool(cash=yuan(100_000))
    pool.credit_limit = yuan(50_000)
    pool.begin_month(0)
    pool.pay("withdrawals.rent", yuan(120_000))  # 100,000 cash, then 20,000 from the line
    assert pool.cash == 0
    assert pool.credit_line == yuan(20_000)
    assert pool.survival_months(0) == 0.0
    # the line's room left: 30,000 / 120,000 a month = 0.25 months
    assert pool.survival_months(0, with_line=True) == pytest.approx(0.25)
    pool.end_month()


def test_F6_employee_deposits_follow_wages_and_withdrawals_are_people_times_amounts():
    cfg = load_pool_config().employee
    start = parse_month("2024-01")
    jan = EmployeeSegment(cfg, POLICY, start).step(start)
    # month 0: 721m × (1 + 0.1 cos(2π(1 − 12)/12)) = 721m × 1.0866 yuan, in fen
    assert jan.deposits == round(721e6 * 100 * (1 + 0.1 * np.cos(2 * np.pi * -11 / 12)))
    # rent: 470,700 contributors / 12 × 0.12575 a year × 9,936 yuan = 49,010,327.1 yuan
    assert jan.by_kind["rent"] == round(470_700 / 12 * 0.12575 * 9_936 * 100)
    # retirement: 470,700 / 12 × 0.02857 × 2.117 × the average balance (234.46 亿 / 470,700)
    per_head = round(cfg.deposit_balance * 100) / 470_700 / 100
    assert jan.by_kind["retirement"] == round(470_700 / 12 * 0.02857 * 2.117 * per_head * 100)
    assert jan.withdrawals == sum(jan.by_kind.values())
    shocked = EmployeeSegment(cfg, POLICY, start).step(start, EmployeeShock(withdrawals=2.0))
    assert shocked.by_kind["rent"] == pytest.approx(2 * jan.by_kind["rent"], abs=1)
    assert shocked.by_kind["other"] == pytest.approx(2 * jan.by_kind["other"], abs=1)
    assert shocked.by_kind["retirement"] == jan.by_kind["retirement"]


def test_pool_cash_changed_outside_its_flows_raises():
    _, pool = make_pool(cash=yuan(100))
    pool.begin_month(0)
    pool.cash += 1
    with pytest.raises(PoolDoesNotBalance):
        pool.end_month()


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_book_reserve_and_pool_reconcile_over_random_streams(seed):
    rng = np.random.default_rng(seed)
    book = LoanBook(POLICY, capacity=8)
    reserve = Reserve(balance=yuan(50_000))
    start = parse_month("2024-07")

    def grant(app):
        book.disburse(app.served, app.payload, app.amount, 240, True, app.amount * 5 // 4, 1.0)

    env = simpy.Environment()
    pool = Pool(env, POLICY, FUND, cash=yuan(200_000), grant=grant)
    deposits, lent, losses, provisions = yuan(2_000_000), 0, 0, 0
    for m in range(start, start + 36):
        pool.begin_month(m)
        _, owed = book.amount_due()
        pay = np.where(rng.random(len(owed)) < 0.93, owed, 0)
        month = book.collect(m, pay, float(rng.uniform(0.5, 1.1)))
        pool.receive("repayments", month.interest_received + month.principal_repaid)
        pool.receive("recoveries", month.recovered)
        reserve.write_off(month.loss, m)
        losses += month.loss
        pool.receive("deposits", int(rng.integers(0, 60_000)) * 100)
        pool.pay("withdrawals.exit", int(rng.integers(0, 80_000)) * 100)
        for _ in range(int(rng.integers(0, 4))):
            person = int(rng.integers(0, 1_000))
            pool.submit(Application(int(rng.integers(1, 40_000)) * 100, m, "flexible", person))
        pool.observe(deposits=deposits, loans=book.outstanding())
        env.run(until=pool.service())
        cash_month = pool.end_month()  # raises on a mismatch
        lent += cash_month.cash_out["loans.flexible"]
        book_month = book.close_month()  # raises on a mismatch
        assert cash_month.cash_out["loans.flexible"] == book_month.disbursed
        if m % 12 == 5:
            add = provision(
                POLICY, int(rng.integers(0, 20_000)) * 100, reserve.balance, book.outstanding()
            )
            reserve.add(add)
            provisions += add
        assert pool.cash >= 0
        assert pool.credit_line == 0 or pool.cash == 0
        assert reserve.balance == yuan(50_000) + provisions - (losses - reserve.uncovered)
        assert reserve.balance >= 0


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ("credit_line_rate = 0.035", "credit_line_rate = -0.035", "fund.credit_line_rate"),
        ("rent_rate = 0.12575", "rent_rate = 'most'", "employee.rent_rate"),
        ("season_peak = 12", "season_peak = 13", "employee.season_peak"),
        ("2024-02-20 = 0.0395", "2024-02-31 = 0.0395", "employee.commercial_rate.2024-02-31"),
        ("2025-05-20 = 0.035", "2022-05-20 = 0.035", "employee.commercial_rate"),
        ("2025-06-01 = 800000.0", "2025-06-01 = -1.0", "employee.ceiling_single.2025-06-01"),
        ("ceiling_couple = {", "ceiling_pair = {", "employee.ceiling_pair"),
        ("[employee]", "[employees]", "employees"),
        ("bank_rate = 0.015", "bank_rate = 0.015\nbank_fee = 1", "fund.bank_fee"),
    ],
)
def test_a_bad_fund_file_fails_in_one_line_naming_the_key(tmp_path, old, new, key):
    from sim.fund.pool_config import DEFAULT_FUND

    path = broken_copy(DEFAULT_FUND, old, new, tmp_path / "fund.toml")
    expect_input_error(load_pool_config, path, key)


def test_F3_monthly_components_from_balances_and_rates():
    from sim.fund.value_added import month_value_added

    v = month_value_added(
        FUND, loan_interest=yuan(5_000), depositor_interest=yuan(2_000), subsidies=yuan(300),
        cash=yuan(1_200_000), deposits=yuan(6_000_000), credit_line=yuan(120_000),
    )  # fmt: skip
    # cash 1.2m × 1.5%/12 = 1,500; deposits 6m × 0.2%/12 = 1,000; credit 120k × 3.5%/12 = 350
    assert (v.bank_interest, v.management_costs, v.credit_line_interest) == (
        yuan(1_500), yuan(1_000), yuan(350),
    )  # fmt: skip
    assert v.total == yuan(5_000 + 1_500 - 2_000 - 300 - 1_000 - 350)
