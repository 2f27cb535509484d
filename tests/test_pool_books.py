"""The pool's books: a balance sheet that balances every month, every cash flow in the series,
a fund file that must balance, a credit line with a limit, the flexible segment's accounts."""

import numpy as np
import pytest
import simpy
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.core.errors import InputError
from sim.core.months import parse_month
from sim.engine.simulation import SERIES, Simulation, simulate
from sim.fund.balance_sheet import BalanceSheet
from sim.fund.liquidity import CASH_IN, CASH_OUT, Application, Pool, PoolDoesNotBalance
from sim.fund.policy import load_policy
from sim.fund.pool_books import EMPLOYEE_TRANCHES, tranche_sizes
from sim.fund.pool_config import DEFAULT_FUND, load_pool_config
from sim.fund.segment import segment_month
from sim.fund.value_added import year_end
from sim.scenario.files import load_scenario, with_shocks
from sim.scenario.shock import SHOCK_EFFECTS, Shock
from sim.scenario.stress_files import library, load_stress
from tests.helpers import broken_copy, yuan

POLICY = load_policy("lyg-2023")
FUND = load_pool_config().fund
SMALL = {"population.size": 1_500, "horizon.months": 40}


def fen(series: np.ndarray) -> np.ndarray:
    """Series are in yuan: back to whole fen."""
    return np.round(np.asarray(series) * 100).astype(np.int64)


def assert_books_close_every_month(out: dict, start_cash_fen: int) -> None:
    """From the results alone: the identity to the fen, and cash moving by its flow columns."""
    assets = fen(out["cash"]) + fen(out["pool_loan_balance"])
    claims = sum(
        fen(out[k])
        for k in ("pool_deposit_balance", "interest_payable", "unmet_withdrawals", "unpaid_costs",
                  "credit_line_balance", "risk_reserve", "pool_equity")
    )  # fmt: skip
    np.testing.assert_array_equal(assets, claims)
    cash_in = sum(fen(out[f"cash_in.{k}"]) for k in CASH_IN)
    cash_out = sum(fen(out[f"cash_out.{k}"]) for k in CASH_OUT)
    opening = np.concatenate(([start_cash_fen], fen(out["cash"])[:-1]))
    np.testing.assert_array_equal(fen(out["cash"]), opening + cash_in - cash_out)
    assert (fen(out["cash"]) >= 0).all()
    reserve = fen(out["employee_reserve"]) + fen(out["segment_reserve"])
    np.testing.assert_array_equal(fen(out["risk_reserve"]), reserve)
    # the pool's flows as the annual report counts them move its balances, both segments:
    # deposits by deposits (interest included) + subsidies − withdrawals; loans by loans
    # issued − principal recovered − defaults
    credits = fen(out["pool_deposits"]) + fen(out["subsidy_paid"]) + fen(out["bonus_paid"])
    np.testing.assert_array_equal(np.diff(fen(out["pool_deposit_balance"])),
                                  (credits - fen(out["pool_withdrawals"]))[1:])  # fmt: skip
    defaults = fen(out["defaults_amount"]) + fen(out["employee_defaults_amount"])
    lent = fen(out["pool_loans_issued_amount"]) - fen(out["pool_principal_repaid"]) - defaults
    np.testing.assert_array_equal(np.diff(fen(out["pool_loan_balance"])), lent[1:])


@pytest.mark.parametrize("repay_from_balance", [True, False])
@pytest.mark.parametrize("stress", [None, *(f.stem for f in library())])
def test_books_close_every_month_under_every_library_stress(stress, repay_from_balance):
    sets = {**SMALL, "engine.repay_from_balance": repay_from_balance}
    scenario = load_scenario(sets=sets)
    if stress:
        scenario = with_shocks(scenario, load_stress(stress, start=scenario.start).shocks)
    out = simulate(scenario, 0)  # the engine checks the balance sheet itself every month
    assert_books_close_every_month(out, round(scenario.pool.fund.start_cash * 100))


@settings(max_examples=20, deadline=None)
@given(
    seed=st.integers(0, 2**31 - 1),
    repay_from_balance=st.booleans(),
    effects=st.dictionaries(
        st.sampled_from(sorted(k for k in SHOCK_EFFECTS if k != "loan_rate_cut")),
        st.floats(0, 1),
        max_size=3,
    ),
)
def test_books_close_every_month_over_random_histories(seed, repay_from_balance, effects):
    sets = {**SMALL, "horizon.months": 30, "montecarlo.seed": seed,
            "engine.repay_from_balance": repay_from_balance}  # fmt: skip
    scenario = load_scenario(sets=sets)
    chosen = {}
    for key, u in effects.items():
        low, high, _ = SHOCK_EFFECTS[key]
        chosen[key] = low + u * (min(high, 5.0) - low)
    shock = Shock("random", scenario.start + 6, 12, 6, effects=chosen)
    out = simulate(with_shocks(scenario, (shock,)), 0)
    assert_books_close_every_month(out, round(scenario.pool.fund.start_cash * 100))


def test_a_repayment_from_the_balance_moves_deposits_and_loans_not_cash():
    sc = load_scenario(sets={**SMALL, "horizon.months": 60})
    with_balance = simulate(sc, 0)
    transfers = with_balance["cash_in.repayments"].sum()
    assert with_balance["segment_net_funding"][-1] != 0
    assert transfers > 0
    # the identity held (the engine checks it); a leak of one fen is caught, naming every line
    original = Pool.receive

    def leak(self, kind, amount):
        original(self, kind, amount + (kind == "repayments"))

    Pool.receive = leak
    try:
        with pytest.raises(PoolDoesNotBalance, match=r"2023-09: .*difference 0\.01.*equity"):
            Simulation(sc, 0).env.run()
    finally:
        Pool.receive = original


def test_the_balance_sheet_names_every_line_when_it_does_not_balance():
    sheet = BalanceSheet(month=parse_month("2025-06"), cash=yuan(100), loans=yuan(900),
                         deposits=yuan(950), interest_payable=yuan(1), unmet_withdrawals=0,
                         unpaid_costs=0, credit_line=0, risk_reserve=yuan(40),
                         equity=yuan(8))  # fmt: skip
    with pytest.raises(PoolDoesNotBalance) as err:
        sheet.check()
    message = str(err.value)
    assert "2025-06" in message
    assert "difference 1.00" in message
    for line in ("cash", "loans", "deposits", "interest_payable", "credit_line", "equity"):
        assert line in message
    assert BalanceSheet(**{**sheet.__dict__, "equity": yuan(9)}).check()


def test_a_fund_file_whose_opening_books_do_not_balance_is_refused(tmp_path):
    path = broken_copy(DEFAULT_FUND, "start_cash = 3559711639.99", "start_cash = 2659711639.99",
                       tmp_path / "fund.toml")  # fmt: skip
    with pytest.raises(InputError) as err:
        load_pool_config(path)
    message = str(err.value)
    assert "\n" not in message
    assert str(path) in message
    assert "fund.start_cash" in message
    assert "difference -900,000,000.00" in message


def test_F6_a_fund_file_drawing_its_credit_line_past_the_limit_is_refused(tmp_path):
    # 2 bn + 1 fen more drawn, 2 bn more cash and 1 fen less equity keep the books balanced;
    # the limit is 2 bn
    text = DEFAULT_FUND.read_text(encoding="utf-8")
    text = text.replace("start_cash = 3559711639.99", "start_cash = 5559711639.99")
    text = text.replace("start_credit_line = 0.0", "start_credit_line = 2000000000.01")
    text = text.replace("start_equity = 2050415968.30", "start_equity = 2050415968.29")
    path = tmp_path / "fund.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_pool_config(path)
    assert err.value.key == "fund.start_credit_line"
    assert str(path) in str(err.value)


def test_F6_the_credit_line_has_a_limit_and_what_it_cannot_pay_waits():
    # cash 100,000, line limit 2 bn: scale the limit down by drawing most of it first
    env = simpy.Environment()
    pool = Pool(env, POLICY, FUND, cash=yuan(100_000), grant=lambda app: True,
                credit_line=round(FUND.credit_line_limit * 100) - yuan(50_000))  # fmt: skip
    pool.begin_month(0)
    paid = pool.pay("withdrawals.rent", yuan(180_000))
    assert paid == yuan(150_000), "cash 100,000 + the line's last 50,000"
    assert pool.cash == 0
    assert pool.unmet_withdrawals == yuan(30_000)
    pool.observe(deposits=yuan(10_000_000), loans=0)
    pool.submit(Application(yuan(1_000), 0, "flexible"))
    env.run(until=pool.service())
    books = pool.end_month()
    assert books.served == [], "no lending while withdrawals wait"
    assert books.cash_in["credit_line"] == yuan(50_000)
    assert books.cash_out["withdrawals.rent"] == yuan(150_000)
    pool.begin_month(1)
    pool.receive("deposits", yuan(100_000))  # the waiting 30,000 first, then the line
    books = pool.end_month()
    assert books.cash_out["unmet_withdrawals_paid"] == yuan(30_000)
    assert books.cash_out["credit_line"] == yuan(70_000)
    assert pool.unmet_withdrawals == 0
    assert pool.cash == 0


def test_F6_a_cost_the_line_cannot_pay_waits_as_an_unpaid_cost_not_a_withdrawal():
    env = simpy.Environment()
    pool = Pool(env, POLICY, FUND, cash=yuan(1_000), grant=lambda app: True,
                credit_line=round(FUND.credit_line_limit * 100))  # fmt: skip
    pool.begin_month(0)
    assert pool.pay("management_costs", yuan(1_500)) == yuan(1_000)
    assert (pool.unpaid_costs, pool.unmet_withdrawals) == (yuan(500), 0)
    pool.pay("withdrawals.exit", yuan(200))
    assert pool.unmet_withdrawals == yuan(200)
    pool.receive("deposits", yuan(600))  # members first, then the bill, then the line
    books = pool.end_month()
    assert books.cash_out["unmet_withdrawals_paid"] == yuan(200)
    assert books.cash_out["unpaid_costs_paid"] == yuan(400)
    assert (pool.unpaid_costs, pool.cash) == (yuan(100), 0)


def test_F4_each_segment_provisions_its_own_reserve_and_nothing_is_distributed_while_borrowing():
    # policy: 60% of the year's income, or the top-up to 1% of loans, whichever is larger
    common = {"segment_income": yuan(10_000), "segment_reserve": yuan(1_000),
              "segment_loans": yuan(2_000_000), "employee_reserve": yuan(400_000),
              "employee_loans": yuan(30_000_000)}  # fmt: skip
    end = year_end(POLICY, pool_income=yuan(110_000), distributable=yuan(10**9), **common)
    # segment: max(6,000, 20,000 − 1,000 = 19,000) capped at its income 10,000
    assert end.segment_provision == yuan(10_000)
    # employees: income 100,000: max(60,000, 300,000 − 400,000 < 0) = 60,000
    assert end.employee_provision == yuan(60_000)
    assert (end.distributed, end.retained) == (yuan(40_000), 0)
    held = year_end(POLICY, pool_income=yuan(110_000), distributable=0, **common)
    assert (held.distributed, held.retained) == (0, yuan(40_000))
    loss = year_end(POLICY, pool_income=yuan(50_000), distributable=yuan(10**9),
                    **{**common, "segment_income": yuan(-20_000)})  # fmt: skip
    assert loss.segment_provision == 0, "a segment losing money provisions nothing"
    assert loss.employee_provision == yuan(60_000 * 0.7)  # 60% of the employees' 70,000
    assert loss.distributed == yuan(50_000 - 42_000)


def test_the_segments_value_added_income_from_its_own_flows_hand_computed():
    seg = segment_month(
        loan_interest=yuan(3_000), interest_cost=yuan(1_250), subsidy_cost=yuan(800),
        credit_losses=yuan(500), deposits=yuan(1_000_000), loans=yuan(400_000),
        pool_deposits=yuan(20_000_000), other_income=yuan(60_000),
        other_assets=yuan(24_000_000), pool_costs=yuan(4_000),
    )  # fmt: skip
    # funding: 600,000 lent to the pool × 60,000 / 24,000,000 = 1,500; costs 4,000 × 1/20 = 200
    assert seg.funding_income == yuan(1_500)
    assert seg.costs == yuan(200)
    assert seg.value_added == yuan(3_000 + 1_500 - 1_250 - 800 - 200)
    assert seg.margin == seg.value_added - yuan(500)
    assert seg.net_funding == yuan(600_000)


def test_segment_margin_and_subsidy_cost_differ_between_rates_under_common_draws():
    def run(rate):
        sets = {**SMALL, "horizon.months": 48, "subsidy.holding_rate": rate}
        return simulate(load_scenario(sets=sets), 0)

    low, high = run(0.010), run(0.015)
    assert high["segment_subsidy_cost"].sum() > low["segment_subsidy_cost"].sum()
    assert high["segment_margin"].sum() < low["segment_margin"].sum()
    assert {"segment_margin", "segment_reserve_to_loans", "pool_equity"} <= set(SERIES)


def test_a_run_on_the_fund_draws_the_line_to_its_limit_then_withdrawals_wait_and_nothing_is_distributed():
    sc = load_scenario(sets={**SMALL, "horizon.months": 36})
    # half the contributors stop and take their balances, the rest leave or rent 8× as often
    effects = {"employee_withdrawals": 8.0, "employee_deposits": 0.5}
    run = Shock("run", parse_month("2024-03"), 12, 0, effects=effects)
    out = simulate(with_shocks(sc, (run,)), 0)
    assert_books_close_every_month(out, round(sc.pool.fund.start_cash * 100))
    limit = round(sc.pool.fund.credit_line_limit * 100)
    assert fen(out["credit_line_balance"]).max() == limit, "the line is drawn to its limit, no more"
    assert out["unmet_withdrawals"].max() > 0
    assert out["loans_disbursed"][out["unmet_withdrawals"] > 0].sum() == 0, "loans wait"
    june = parse_month("2024-06") - sc.start
    assert out["credit_line_balance"][june] > 0
    assert out["cash_out.value_added_distribution"][june] == 0
    assert out["pool_equity"][june] > 0, "the year's income is retained"


def test_opening_balances_in_fractions_of_a_fen_are_rounded_once_the_same_way():
    """A sampled or typed opening balance may fall between fen: the fund file's check, the
    balancing cash and the books all round it half up, so the first month still balances."""
    sets = {"population.size": 50, "horizon.months": 2, "employee.deposit_balance": 25e9 + 0.125}
    out = simulate(load_scenario(sets=sets), 0)
    assert out["pool_deposit_balance"][0] > 24e9


def test_F6_employee_loan_demand_queues_in_at_most_twenty_even_tranches_larger_first():
    assert EMPLOYEE_TRANCHES == 20
    assert tranche_sizes(0) == []
    assert tranche_sizes(-3) == []
    assert tranche_sizes(3) == [1, 1, 1]
    # 47 loans in 20 applications: 47 = 20 × 2 + 7, so seven of 3 then thirteen of 2
    assert tranche_sizes(47) == [3] * 7 + [2] * 13
    for loans in range(1, 300):  # the split np.array_split makes
        expected = [len(t) for t in np.array_split(np.arange(loans), min(loans, 20))]
        assert tranche_sizes(loans) == expected
