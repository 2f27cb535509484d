"""The employees' book (F6) and the centre's liquidity lines (F5): annuity vintages by hand,
books exact in fen, the fund file from the annual reports, loan demand and the lines, and the
library's stresses acting on the employees through their mechanisms."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.core.errors import InputError
from sim.core.months import parse_month
from sim.engine.simulation import simulate
from sim.fund.employee import EmployeeSegment, EmployeeShock, expected_capped
from sim.fund.employee_loans import Vintages, split_fen
from sim.fund.loan_limit import liquidity_level, rationing_level
from sim.fund.policy import load_policy
from sim.fund.pool_config import load_pool_config
from sim.scenario.files import load_scenario, with_shocks
from sim.scenario.stress_files import load_stress
from tests.helpers import yuan

POLICY = load_policy("lyg-2023")
SMALL = {"population.size": 300, "horizon.months": 30}


def test_F6_an_annuity_vintage_pays_its_schedule_by_hand():
    book = Vintages(yuan(120_000), 1, 12, 0.12, pieces=1)
    month = book.step(prepay=0.0, default=0.0, recovery=0.0)
    # interest 120,000 × 1%; payment 120,000 × 0.01 / (1 − 1.01^−12) = 10,661.85
    assert month.interest == yuan(1_200)
    assert month.scheduled == yuan(10_661.85) - yuan(1_200)
    assert book.outstanding == yuan(120_000) - month.scheduled
    paid = month.scheduled
    for _ in range(11):
        paid += book.step(prepay=0.0, default=0.0, recovery=0.0).scheduled
    assert paid == yuan(120_000), "the last month pays the rest"
    assert book.outstanding == 0
    assert len(book.balance) == 0, "a repaid vintage leaves the book"


def test_F6_defaults_prepayments_and_recoveries_of_one_month_by_hand():
    book = Vintages(yuan(1_000_000), 4, 240, 0.0, pieces=1)
    month = book.step(prepay=0.1, default=0.01, recovery=0.9)
    # no interest: principal 1,000,000 / 240 = 4,166.67; defaults 1% of the rest
    assert month.scheduled == 416_667
    rest = yuan(1_000_000) - 416_667
    assert month.defaulted == round(rest * 0.01)
    assert month.prepaid == round((rest - month.defaulted) * 0.1)
    assert month.recovered == round(month.defaulted * 0.9)
    assert month.loss == month.defaulted - month.recovered
    assert book.outstanding == rest - month.defaulted - month.prepaid


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_F6_the_employees_book_is_exact_in_fen_whatever_it_lends_and_repays(seed):
    rng = np.random.default_rng(seed)
    book = Vintages(int(rng.integers(0, 10**12)), 1000, int(rng.integers(1, 300)), 0.031)
    lent, out = book.outstanding, 0
    for _ in range(60):
        m = book.step(prepay=float(rng.uniform(0, 0.05)), default=float(rng.uniform(0, 0.01)),
                      recovery=float(rng.uniform(0, 1)))  # fmt: skip
        out += m.scheduled + m.prepaid + m.defaulted
        assert m.recovered + m.loss == m.defaulted
        if rng.random() < 0.7:
            amount = int(rng.integers(0, 10**10))
            book.add(amount, 10, 240, float(rng.uniform(0.02, 0.04)))
            book.add(amount // 3, 3, 240, 0.03)  # a second tranche joins the month's vintage
            lent += amount + amount // 3
        assert book.outstanding == lent - out
        assert (book.balance >= 0).all()


def test_split_fen_sums_exactly():
    parts = split_fen(1001, np.array([1.0, 1.0, 1.0]))
    assert parts.sum() == 1001
    assert sorted(parts.tolist()) == [333, 334, 334]


def test_the_fund_file_opens_from_the_annual_reports_interpolated_to_2023_08():
    pool = load_pool_config()
    emp, fund = pool.employee, pool.fund
    # 2023 year end 240.98 亿 (261.66 / 1.0858), four months before it at the 2024 growth
    assert emp.deposit_balance == pytest.approx(261.66e8 / 1.0858 / 1.0858 ** (4 / 12), abs=1)
    assert emp.loan_balance == pytest.approx(229.71e8 / (255.92 / 229.71) ** (4 / 12), abs=1)
    # the gap between cash and deposits − loans is its own lines, not forced into cash
    gap = fund.start_cash - (emp.deposit_balance - emp.loan_balance)
    assert gap == pytest.approx(fund.start_reserve + fund.start_equity, abs=0.01)
    assert 20e8 < gap < 26.42e8, "the 2024 gap (32.16 − 5.74) less what 2023-09 to 2024 retains"
    assert emp.ceiling_single.at(parse_month("2024-06")) == 600_000
    assert emp.ceiling_couple.at(parse_month("2025-06")) == 1_200_000
    assert emp.ceiling_single.at(parse_month("2027-06")) == 800_000, "raised until 2027-06-30"
    assert emp.ceiling_single.at(parse_month("2027-07")) == 600_000


def test_F5_liquidity_lines_by_hand():
    assert [liquidity_level(POLICY, x) for x in (0.84, 0.85, 0.8999, 0.93, 0.95, 0.978)] == [
        0, 1, 1, 2, 3, 3,
    ]  # fmt: skip
    off = POLICY.with_overrides({"liquidity.rationing": False}, origin="test")
    assert liquidity_level(off, 0.978) == 3
    assert rationing_level(off, 0.978) == 0


@pytest.mark.parametrize(
    ("overrides", "key"),
    [
        ({"liquidity.rationing_ceiling": [1.0, 0.9]}, "liquidity.rationing_ceiling"),
        ({"liquidity.rationing_ceiling": [0.8, 0.9, 1.0]}, "liquidity.rationing_ceiling"),
        ({"liquidity.rationing_thresholds": [0.85, 0.9], "liquidity.rationing_multiple": [0.9, 0.8],
          "liquidity.rationing_ltv": [0.8, 0.7], "liquidity.rationing_ceiling": [1.0, 0.9],
          "liquidity.withdrawal_stop_level": 3}, "liquidity.withdrawal_stop_level"),
    ],
)  # fmt: skip
def test_F5_the_lines_actions_must_match_the_lines(overrides, key):
    with pytest.raises(InputError) as err:
        POLICY.with_overrides(overrides, origin="test")
    assert err.value.key == key


def test_expected_capped_by_hand():
    # a cap far above the mean takes nothing; a cap at zero leaves nothing
    assert expected_capped(500_000, 0.35, 1e12) == pytest.approx(500_000)
    assert expected_capped(500_000, 0.35, 0) == 0
    # lognormal with sigma → 0 is the mean itself: min(500,000, 400,000)
    assert expected_capped(500_000, 0.01, 400_000) == pytest.approx(400_000, rel=1e-6)


def test_F5_crossing_the_95_line_tightens_employee_lending():
    cfg = load_pool_config().employee
    start = parse_month("2024-01")
    at = {lv: EmployeeSegment(cfg, POLICY, start).step(start, level=lv) for lv in (2, 3)}
    # the same loans asked, each cut to the smaller ceilings: × 0.9 at 90%, × 0.8 at 95%
    assert at[3].demand.loans == at[2].demand.loans
    assert at[3].demand.size < at[2].demand.size
    unrationed = at[2].demand.size + at[2].demand.rationed_per_loan
    assert at[3].demand.size + at[3].demand.rationed_per_loan == unrationed
    # through the engine: the pool opens at 94.5% and passes 95% in 2024 (97.8% at its end);
    # move the third line to 99% and the centre lends more once the pool is past 95%
    months = {**SMALL, "horizon.months": 18}
    loose = {**months, "liquidity.rationing_thresholds": [0.85, 0.90, 0.99]}
    tight, free = simulate(load_scenario(sets=months), 0), simulate(load_scenario(sets=loose), 0)
    assert tight["liquidity_level"][0] == 2
    assert (tight["liquidity_level"] == 3).sum() >= 3
    assert (free["liquidity_level"] <= 2).all()
    assert tight["pool_loans_issued_amount"].sum() < free["pool_loans_issued_amount"].sum()
    assert tight["pool_loans_rationed"].sum() > free["pool_loans_rationed"].sum()


def test_F5_at_the_90_line_family_help_purchase_withdrawals_stop():
    cfg = load_pool_config().employee
    start = parse_month("2024-01")
    below, at = (EmployeeSegment(cfg, POLICY, start).step(start, level=lv) for lv in (1, 2))
    assert below.stopped == 0
    asked = below.by_kind["purchase"]
    assert at.stopped == round(asked * 0.15)  # family_help_share
    assert at.by_kind["purchase"] == asked - at.stopped


def stressed(name: str, months: int = 30) -> tuple[dict, dict, slice]:
    """The small baseline with and without a library stress, and the stress's first year."""
    base = load_scenario(sets={**SMALL, "horizon.months": months})
    out = simulate(with_shocks(base, load_stress(name, start=base.start).shocks), 0)
    window = slice(parse_month("2025-07") - base.start, parse_month("2026-01") - base.start)
    return simulate(base, 0), out, window


def test_F6_a_loan_rate_cut_raises_employee_loan_demand_and_prepayments():
    base, cut, w = stressed("loan_rate_cut")
    before = slice(0, w.start)
    np.testing.assert_array_equal(base["employee_loans_asked"][before],
                                  cut["employee_loans_asked"][before])  # fmt: skip
    # the gap to the commercial rate widens by 0.5 points: activity × e^(0.5 × 0.5) = 1.28 in
    # the cut's first month (whole loans: within one loan); later the queue it builds at the
    # 100% line discourages some asks (轮候)
    first = w.start
    asked = base["employee_loans_asked"][first] * np.exp(0.25)
    assert cut["employee_loans_asked"][first] == pytest.approx(asked, abs=2.0)
    assert cut["employee_loans_asked"][w].sum() > 1.1 * base["employee_loans_asked"][w].sum()
    assert cut["pool_prepaid"][w].sum() > base["pool_prepaid"][w].sum()


def test_F6_a_house_price_fall_cuts_employee_demand_and_purchase_withdrawals():
    base, fall, w = stressed("house_price_fall")
    assert fall["employee_loans_asked"][w].sum() < 0.8 * base["employee_loans_asked"][w].sum()
    assert fall["pool_loans_issued_amount"][w].sum() < base["pool_loans_issued_amount"][w].sum()
    assert fall["pool_withdrawals"][w].sum() < base["pool_withdrawals"][w].sum()


def test_F6_an_employee_outflow_takes_deposits_out_and_stops_contributions():
    base, out, w = stressed("employee_outflow")
    assert out["pool_withdrawals"][w].sum() > 1.1 * base["pool_withdrawals"][w].sum()
    assert out["pool_deposits"][w].sum() < 0.85 * base["pool_deposits"][w].sum()
    assert out["cash"][w].min() < base["cash"][w].min() or out["loan_queue_length"][w].max() > 0


def test_F6_a_loan_surge_doubles_what_employees_ask_for_and_the_queue_grows():
    base, surge, w = stressed("loan_surge")
    first = w.start  # twice the asks at first; then the queue discourages some
    assert surge["employee_loans_asked"][first] == pytest.approx(
        2 * base["employee_loans_asked"][first], abs=2.0
    )
    assert surge["employee_loans_asked"][w].sum() > 1.5 * base["employee_loans_asked"][w].sum()
    assert surge["loan_queue_length"][w].max() > base["loan_queue_length"][w].max()


def test_F6_a_recession_lowers_employees_wages_deposits_and_demand():
    base, rec, w = stressed("recession")
    # income cut 15% × sensitivity 0.3: wages about 4.5% lower at the trough
    assert rec["pool_deposits"][w].sum() < 0.98 * base["pool_deposits"][w].sum()
    assert rec["employee_loans_asked"][w].sum() < base["employee_loans_asked"][w].sum()


def test_F6_the_shock_multipliers_reach_the_employees_book_through_its_mechanisms():
    cfg = load_pool_config().employee
    start = parse_month("2024-01")
    base = EmployeeSegment(cfg, POLICY, start).step(start)
    gone = EmployeeSegment(cfg, POLICY, start).step(start, EmployeeShock(deposits=0.5))
    # half the contributors stop: half the contributions, and they take their balances out
    assert gone.deposits == pytest.approx(base.deposits / 2, abs=1)
    assert gone.by_kind["other"] > 5 * base.by_kind["other"]


def test_F5_at_the_95_line_flexible_loans_wait_within_their_own_deposits():
    import simpy

    from sim.fund.liquidity import Application, Pool

    def desk(flexible_loans: int, percent: int = 97):
        env, granted = simpy.Environment(), []
        pool = Pool(env, POLICY, load_pool_config().fund, cash=yuan(20_000_000),
                    grant=granted.append)  # fmt: skip
        # the pool at 个贷率 97% (room 3m, cash above the floor 15m): past the third line; the
        # pilot holds 1,000,000 of deposits
        deposits = yuan(100_000_000)
        pool.observe(deposits=deposits, loans=deposits * percent // 100,
                     flexible_deposits=yuan(1_000_000), flexible_loans=flexible_loans)  # fmt: skip
        pool.begin_month(0)
        pool.submit(Application(yuan(300_000), 0, "flexible"))
        pool.submit(Application(yuan(100_000), 0, "employee", 1))
        env.run(until=pool.service())
        return pool, granted

    # room = 1.0 × 1,000,000 − 800,000 = 200,000 < 300,000: the pilot's loan waits, and the
    # employee's behind it too (strict 轮候)
    pool, granted = desk(yuan(800_000))
    assert pool.flexible_room() == yuan(200_000)
    assert granted == []
    # room 300,000: both are lent
    _, granted = desk(yuan(700_000))
    assert [a.segment for a in granted] == ["flexible", "employee"]
    # below the third line there is no such cap: at 个贷率 93% room is None and it is lent
    pool, granted = desk(yuan(800_000), percent=93)
    assert pool.flexible_room() is None
    assert len(granted) == 2


def test_F6_a_months_tranches_lent_together_equal_them_lent_one_by_one():
    """The desk's tranches are lent when it closes (``Vintages.add_all``): the same vintage,
    to the fen and to the float count, as adding them one by one — into a new vintage, and
    into one already open this month."""
    # fractional counts, so that the order of the float additions shows
    tranches = [(yuan(1_234_567.89), 0.1), (yuan(99_999.99), 0.7), (1, 1e-9), (yuan(5e6), 3.3)] * 5
    for opened in ((), ((yuan(800_000), 2),)):
        one, together = (Vintages(yuan(10**9), 10_000, 180, 0.031) for _ in range(2))
        for book in (one, together):
            for amount, count in opened:
                book.add(amount, count, 360, 0.031)
        for amount, count in tranches:
            one.add(amount, count, 360, 0.031)
        together.add_all(tranches, 360, 0.031)
        assert one.balance.tolist() == together.balance.tolist()
        assert one.count.tolist() == together.count.tolist()  # bit for bit, in the same order
        assert (one.remaining.tolist(), one.rate.tolist()) == (
            together.remaining.tolist(),
            together.rate.tolist(),
        )
        assert together.balance[-1] == sum(a for a, _ in [*opened, *tranches])
