"""Issue 22, what a risk officer can act on: a survival horizon that counts cash, stresses that
stay in force through the scenario's policy switch, breaches by kind and size, stress effects in
their window paired path by path."""

import numpy as np
import pytest

from sim.core.months import parse_month
from sim.engine.simulation import Simulation
from sim.scenario.files import load_scenario
from sim.scenario.stress_files import stress_path

START = parse_month("2023-09")
SWITCH = parse_month("2026-07")  # the baseline's switch to lyg-draft


def _stressed(name, **sets):
    return load_scenario(sets={"population.size": 800, "horizon.months": 40, **sets,
                               "stress": str(stress_path(name))})  # fmt: skip


def _run(scenario, path=0):
    sim = Simulation(scenario, path)
    sim.env.run()
    return sim


def test_policy_reversal_holds_the_holding_rate_through_the_switch_to_lyg_draft():
    sim = _run(_stressed("policy_reversal"))
    policy = sim.fund.policy
    # the switch happened: lyg-draft's opening bonus (200 yuan) is in force …
    assert policy["subsidy.opening_bonus"] == 200.0
    # … and the stress's 0.5% holding rate held, not lyg-draft's 1.2%
    assert policy["subsidy.holding_rate"] == 0.005
    held = sim.scenario.resolved["held_policy"]
    assert held == [{"shock": "subsidy cut", "key": "subsidy.holding_rate", "value": 0.005,
                     "from": "2025-07", "until": "the horizon",
                     "holds_through_switch": "lyg-draft on 2026-07"}]  # fmt: skip


def test_the_loan_rate_cut_holds_through_the_switch():
    base = _run(load_scenario(sets={"population.size": 800, "horizon.months": 40}))
    cut = _run(_stressed("loan_rate_cut"))
    later = SWITCH + 2
    for key in ("loan.rate_first_long", "loan.rate_second_short"):
        # lyg-draft's rate after the switch, less the stress's 0.5 point
        assert cut.fund.policy.at(key, later) == pytest.approx(
            base.fund.policy.at(key, later) - 0.005
        )
    assert cut.scenario.resolved["held_policy"][0]["value"] == pytest.approx(0.005)


def test_without_a_stress_nothing_is_held():
    sim = _run(load_scenario(sets={"population.size": 800, "horizon.months": 36}))
    assert sim.fund.held == []
    assert sim.fund.policy["subsidy.holding_rate"] == 0.012
    assert sim.scenario.resolved["held_policy"] == []


@pytest.mark.parametrize("name", ["combined_severe", "employee_outflow"])
def test_the_survival_horizon_is_zero_only_where_the_cash_is_gone(name):
    out = _run(_stressed(name, **{"horizon.months": 48})).out
    cash, survival, queued = out["cash"], out["survival_months"], out["loan_queue_amount"]
    np.testing.assert_array_equal(survival == 0, cash <= 0)
    # the case that read zero before: loans queued while cash remains, now a positive horizon
    waiting = (queued > 0) & (cash > 0)
    assert waiting.any()
    assert (survival[waiting] > 0).all()
    # the undrawn credit line is a second layer, never less than cash alone
    assert (out["survival_months_with_line"] >= survival).all()
