"""W1 at the level of the engine: rent, purchase and repayment withdrawals of a scripted population.

Four people whose choices are scripted month by month (the behaviour kernel's
choices are replaced by the script's — ``Behaviour.decisions`` — everything
else — income, ledger, financing, loan desk, pool — is the engine's), so every expected figure is worked out by hand from the policy
file (lyg-2023: rent limit 1,200 yuan a month, L1 six deposit months, L2
multiple ×15, full duration at 24 months, frequency weight ½, LTV 80%), with
the pool's rationing (F5) off so that the limit is L2's.
"""

from dataclasses import dataclass

import numpy as np
import pytest

from sim.agents.behaviour import Decisions
from sim.agents.buying import Applications
from sim.agents.financing import instalment_fen
from sim.engine.simulation import Simulation
from sim.fund.loan_limit import loan_rate
from sim.scenario.files import load_scenario

MONTHS = 9  # 2023-09 .. 2024-05: lyg-2023 throughout, no June interest credit yet
PRICE = 1_000_000  # yuan


@dataclass
class Script:
    """Scripted choices: {month offset: {"join": [...], "deposit": {who: yuan}, ...}}."""

    start: int
    events: dict

    def decide(self, month, *_, **__):
        e = self.events.get(month - self.start, {})
        empty = np.zeros(0, np.int64)

        def pairs(name):
            d = e.get(name, {})
            return np.array(list(d), np.int64), np.array(list(d.values()), np.int64) * 100

        dep_who, dep_fen = pairs("deposit")
        rent_who, rent_fen = pairs("rent")
        repay_who, repay_fen = pairs("repay")
        buyers = np.array(e.get("buy", []), np.int64)
        apps = Applications(
            who=buyers, price_fen=np.full(len(buyers), PRICE * 100, np.int64),
            first_home=np.ones(len(buyers), bool), green_or_upgrade=np.zeros(len(buyers), bool),
            talent=np.zeros(len(buyers), bool),
        )  # fmt: skip
        return Decisions(
            leave=empty, join=np.array(e.get("join", []), np.int64), deposit_who=dep_who,
            deposit_fen=dep_fen, deposit_months=np.ones(len(dep_who), np.int64),
            rent_who=rent_who, rent_fen=rent_fen, exit=empty, applications=apps,
            repay_who=repay_who, repay_fen=repay_fen,
        )  # fmt: skip


def _events():
    ev = {t: {"deposit": {}} for t in range(MONTHS)}
    ev[0]["join"] = [0, 1, 2, 3]
    for t in range(9):  # person 0: 1,000 yuan a month, September to May
        ev[t]["deposit"][0] = 1_000
    for t in range(3):
        ev[t]["deposit"][1] = 3_000
        ev[t]["deposit"][2] = 5_000
        ev[t]["deposit"][3] = 5_000
    ev[3]["deposit"][2] = 5_000
    for t in (3, 4, 5):
        ev[t]["deposit"][3] = 5_000
    ev[3]["rent"] = {1: 4_500, 2: 15_000}  # December: three months' rent; 15,000 > 12 x 1,200
    ev[3]["repay"] = {3: 12_000}  # three instalments of 4,000
    ev[6]["repay"] = {3: 13_000}  # March: more than the instalments due
    ev[8]["buy"] = [0]  # May 2024
    return ev


@pytest.fixture(scope="module")
def run():
    sets = {"population.size": 4, "horizon.months": MONTHS, "liquidity.rationing": False}
    sc = load_scenario(sets=sets)
    sim = Simulation(sc, 0)
    script = Script(sc.start, _events())
    sim.people.behaviour.decisions = lambda month, *_: script.decide(month)
    sim.people.pop.good_credit[:] = True
    sim.people.pop.hmt_or_foreign[:] = False
    sim.people.state.mortgage_fen[:] = 0
    sim.people.state.mortgage_fen[3] = 400_000  # a commercial mortgage of 4,000 yuan a month
    sim.people.state.mortgage_end[3] = sc.start + 240
    sim.people.state.repayment_user[:] = True
    cash_books = []
    end_month = sim.fund.money.pool.end_month
    sim.fund.money.pool.end_month = lambda: cash_books.append(end_month()) or cash_books[-1]
    sim.env.run()
    return sim, sim.out, cash_books


def test_W1_rent_withdrawal_in_engine(run):
    sim, out, _ = run
    assert out["withdrawals.rent"][3] == 4_500  # person 2's 15,000 is over the yearly 14,400
    assert out["withdrawals.rent"].sum() == 4_500
    assert sim.fund.ledger.acc.balance[1] == 9_000_00 - 4_500_00
    assert sim.fund.ledger.acc.balance[2] == 20_000_00


def test_W1_repayment_withdrawal_in_engine(run):
    sim, out, cash = run
    assert out["withdrawals.repayment"][3] == 12_000  # a commercial mortgage, no fund loan
    assert out["withdrawals.repayment"][6] == 0  # 13,000 > the 12,000 due: refused whole
    assert sim.fund.ledger.acc.balance[3] == 30_000_00 - 12_000_00
    # the money leaves the fund (unlike a fund-loan repayment): rent 4,500 + 12,000
    assert cash[3].cash_out["withdrawals.rent"] == 4_500_00
    assert cash[3].cash_out["withdrawals.repayment"] == 12_000_00
    assert out["cash_out.withdrawals.repayment"][3] == 12_000


def test_W1_purchase_withdrawal_in_engine(run):
    sim, out, _ = run
    assert out["withdrawals.purchase"][8] == 9_000  # the whole balance toward the down payment
    assert out["withdrawals.purchase"].sum() == 9_000
    assert sim.fund.ledger.acc.balance[0] == 0
    assert out["loan_applications"][8] == 1
    assert out["loan_refusals"][8] == 0
    # L2: (½ 9,000 + ½ 9,000) x 15 x (½ + ½ x 9/24) x frequency 1 = 92,812.50 yuan (< 80% LTV)
    assert out["loans_disbursed_amount"].sum() == 92_812.50
    assert sim.fund.ledger.acc.loan_outstanding[0]


def test_a_combination_loan_puts_the_rest_of_the_need_on_a_commercial_mortgage(run):
    sim, _, _ = run
    month = sim.scenario.start + 8
    pop, policy = sim.people.pop, sim.fund.policy
    room = (pop.retirement_month[0] - pop.birth_month[0]) + 12 * 5 - (month - pop.birth_month[0])
    term = int(np.clip(room, 12, 360))
    commercial = (800_000 - 92_812.50) * 100
    rate = sim.scenario.agents.financing.commercial_rate_at(month)
    assert rate == 0.0365  # the population file's path: February 2024
    assert sim.people.state.mortgage_fen[0] == instalment_fen(commercial, rate, term)
    assert float(loan_rate(policy, month, True, term)) < rate


def test_account_states_and_housing_users_in_engine(run):
    _, out, _ = run
    assert out["ever_members"][0] == 4
    assert (out["active_depositors"] + out["dormant_accounts"] == out["members"]).all()
    # rent (1) and repayment (3) in December; the purchase (0) in May
    assert out["housing_users"][2] == 0
    assert out["housing_users"][3] == 2
    assert out["housing_users"][8] == 3
