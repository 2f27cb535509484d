"""The uncertain inputs as data: the default file covers the assumptions the issue names, every
draw is a valid scenario, and a broken file fails in one line naming the file and the key."""

import numpy as np
import pytest

from sim.core.errors import InputError
from sim.decide.uncertainty import DEFAULT_UNCERTAINTY, load_uncertainty
from sim.scenario.files import load_scenario
from tests.helpers import broken_copy, expect_input_error


def test_the_default_file_covers_at_least_twenty_assumptions_each_with_a_basis():
    space = load_uncertainty()
    assert len(space.parameters) >= 20
    keys = set(space.names)
    named = {"behaviour.joining.base_annual_rate", "behaviour.dormancy.stop_annual_rate",
             "behaviour.response.central.participation_elasticity",
             "behaviour.buying.annual_rate_intending", "loan.balance_multiple",
             "deposit.monthly_cap", "withdrawal.rent_monthly_limit", "employee.monthly_deposits",
             "employee.other_rate", "employee.loan_balance", "fund.start_reserve"}  # fmt: skip
    assert named <= keys
    assert all(len(p.basis) > 20 for p in space.parameters)


def test_every_draw_of_the_default_file_is_a_scenario_that_loads_with_those_values():
    space = load_uncertainty()
    unit = np.array([np.zeros(len(space.names)), np.ones(len(space.names)),
                     np.full(len(space.names), 0.5)])  # fmt: skip
    for sets in space.sets(space.values(unit)):
        sc = load_scenario(sets=sets)
        assert sc.agents.joining.base_annual_rate == sets["behaviour.joining.base_annual_rate"]
        assert sc.pool.employee.other_rate == sets["employee.other_rate"]
        assert sc.policy["loan.balance_multiple"] == sets["loan.balance_multiple"]


def test_quantiles_map_the_unit_interval_onto_each_range():
    space = load_uncertainty()
    lo = space.values(np.zeros((1, len(space.names))))[0]
    hi = space.values(np.ones((1, len(space.names))))[0]
    for p, a, b in zip(space.parameters, lo, hi, strict=True):
        assert a == pytest.approx(p.low), p.key
        assert b == pytest.approx(p.high), p.key
    cap = space.parameters[space.names.index("deposit.monthly_cap")]
    assert cap.quantile(np.array([0.5]))[0] == pytest.approx(5000.0)  # uniform 3,000-7,000
    growth = space.parameters[space.names.index("behaviour.joining.base_annual_rate")]
    assert growth.quantile(np.array([0.5]))[0] == pytest.approx(np.sqrt(0.015 * 0.08))


def test_set_reaches_population_and_fund_file_key_paths():
    sc = load_scenario(sets={"behaviour.buying.annual_rate_intending": 0.12,
                             "employee.monthly_deposits": 4e8, "employee.loan_balance": 21e9,
                             "cohorts.gig.p_active_to_idle": 0.1,
                             "cohort_defaults.p_idle_to_active": 0.4})  # fmt: skip
    assert sc.agents.buying.annual_rate_intending == 0.12
    assert sc.pool.employee.monthly_deposits == 4e8
    assert sc.pool.employee.loan_balance == 21e9
    by_name = {c.name: c for c in sc.agents.cohorts}
    assert by_name["gig"].p_active_to_idle == 0.1
    assert by_name["pharmaceutical"].p_idle_to_active == 0.4
    assert (
        by_name["gig"].p_idle_to_active == 0.30
    )  # gig sets its own, the default does not reach it
    with pytest.raises(InputError, match=r"employee\.other_rate: out of range"):
        load_scenario(sets={"employee.other_rate": 9.0})
    with pytest.raises(InputError, match=r"behaviour\.joining\.nope: unknown"):
        load_scenario(sets={"behaviour.joining.nope": 1.0})


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ('key = "fund.start_reserve"', 'key = "fund.start_reservee"', "fund.start_reservee"),
        (
            "low = 10.0\nhigh = 20.0",
            "low = 10.0\nhigh = 2000.0",
            "parameter[3] (loan.balance_multiple).low/high",
        ),
        (
            'distribution = "triangular"',
            'distribution = "beta"',
            "parameter[5] (loan.recovery_rate).distribution",
        ),
        ("mode = 0.7", "mode = 0.95", "parameter[5] (loan.recovery_rate).mode"),
        (
            'basis = "FACTS.md loans: balance',
            'bases = "FACTS.md loans: balance',
            "parameter[3] (loan.balance_multiple).bases",
        ),
        ('key = "loan.ceiling"', 'key = "loan.balance_multiple"', "parameter[4].key"),
        ('key = "loan.ceiling"', 'key = "loan.schedule"', "loan.schedule"),
        ("[uncertainty]", "[uncertain]", "uncertain"),
    ],
)
def test_a_broken_uncertainty_file_fails_in_one_line_naming_the_key(tmp_path, old, new, key):
    bad = tmp_path / "bad.toml"
    broken_copy(DEFAULT_UNCERTAINTY, old, new, bad)
    expect_input_error(load_uncertainty, bad, key)


def test_the_opening_cash_balances_the_books_when_another_opening_figure_is_set():
    # fund file: 234.46 亿 deposits + 2.22 亿 reserve + 20.50 亿 equity − 221.58 亿 loans = cash
    fund = load_scenario().pool
    sc = load_scenario(sets={"employee.loan_balance": 21e9, "fund.start_reserve": 0.5e9})
    others = fund.employee.deposit_balance + fund.fund.start_equity
    assert sc.pool.fund.start_cash == pytest.approx(others + 0.5e9 - 21e9, abs=0.01)
    assert sc.resolved["fund.start_cash"] == sc.pool.fund.start_cash
    with pytest.raises(InputError, match="does not balance"):
        load_scenario(sets={"employee.loan_balance": 21e9, "fund.start_cash": 1e9})
    with pytest.raises(InputError, match=r"fund\.start_cash: the opening figures leave"):
        load_scenario(sets={"employee.loan_balance": 30e9})


def test_set_reaches_the_rate_response_and_the_financing_choice():
    sc = load_scenario(sets={"behaviour.response.setting": "high",
                             "behaviour.response.high.participation_elasticity": 0.05,
                             "behaviour.financing.min_fund_loan": 80000.0})  # fmt: skip
    assert sc.agents.response.setting == "high"
    assert sc.agents.response.active.participation_elasticity == 0.05
    assert dict(sc.agents.response.settings)["central"].participation_elasticity == 0.045
    assert sc.agents.financing.min_fund_loan == 80000.0
    with pytest.raises(InputError, match=r"behaviour\.response\.setting: got 'huge'"):
        load_scenario(sets={"behaviour.response.setting": "huge"})
    with pytest.raises(InputError, match=r"behaviour\.response\.medium\.delay_weight: unknown"):
        load_scenario(sets={"behaviour.response.medium.delay_weight": 0.5})
