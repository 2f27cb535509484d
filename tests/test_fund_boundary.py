"""The boundary between people and the fund (``sim.fund.requests``): people see a read-only
view, send requests and learn from the answers; neither side writes the other's state."""

import ast
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import simpy

from sim.core.months import parse_month
from sim.fund.counter import Counter
from sim.fund.fund import Fund
from sim.fund.liquidity import Application
from sim.fund.policy import load_policy
from sim.fund.refusals import Refusal, accepted
from sim.fund.requests import Buyers, Joins, Purchases, Requests, per_ask
from sim.fund.tax import tax_forgone_fen
from sim.scenario.files import load_scenario
from sim.scenario.shocks import in_force

SIM = Path(__file__).resolve().parents[1] / "sim"
NONE = np.zeros(0, np.int64)
START = parse_month("2024-01")


def _requests(**asks) -> Requests:
    joins = asks.pop("joins", None) or _joins([], [])
    names = ("leave", "deposit_who", "deposit_fen", "deposit_months", "rent_who", "rent_fen",
             "repay_who", "repay_fen", "repay_due_fen", "exit", "repayment_capacity")  # fmt: skip
    base = dict.fromkeys(names, NONE) | {"deposit_bracket": np.zeros(0, np.int8)}
    return Requests(joins=joins, **(base | asks))


def _joins(who, ages) -> Joins:
    k = len(who)
    return Joins(
        who=np.array(who, np.int64), age=np.array(ages, np.int64),
        retirement_age=np.full(k, 60), good_credit=np.ones(k, bool),
        in_employee_pension=np.zeros(k, bool), hmt_or_foreign=np.zeros(k, bool),
        children=np.zeros(k, np.int64), education=np.zeros(k, np.int64),
        veteran_months=np.zeros(k, np.int64),
    )  # fmt: skip


def _buyer() -> Buyers:
    """Person 0, 30, buying a first home of 1,000,000 yuan on 10,000 yuan a month."""
    return Buyers(
        who=np.array([0]), price_fen=np.array([100_000_000]), first_home=np.array([True]),
        green_or_upgrade=np.array([False]), talent=np.array([False]),
        age_months=np.array([360]), retirement_age_months=np.array([720]),
        good_credit=np.array([True]), income_fen=np.array([1_000_000]),
    )  # fmt: skip


def _counter(n=4) -> Counter:
    counter = Counter(n, load_policy("lyg-2023"), START)
    counter.ledger.begin_month()
    return counter


def test_people_cannot_write_what_the_fund_shows_them():
    counter = _counter()
    view = counter.view(START)
    for name in ("is_open", "forfeited", "loan_outstanding", "balance", "aged"):
        with pytest.raises(ValueError, match="read-only"):
            getattr(view, name)[0] = 1
    counter.handle(_requests(joins=_joins([1], [30])))
    assert view.is_open.tolist() == [False, True, False, False]  # a live view: it sees the join


def test_D3_tax_forgone_at_each_depositors_marginal_rate():
    policy = load_policy("lyg-2023")  # rates 3%, 10%, 20%, …; bracket 0 is untaxed
    saved = tax_forgone_fen(policy, np.array([0, 1, 2, 3]), np.array([100_000, 100_000,
                                                                      50_000, 10_000]))  # fmt: skip
    assert saved == pytest.approx(0 + 3_000 + 5_000 + 2_000)


def test_E1_D1_D3_W3_the_counter_answers_joins_deposits_and_exits_in_order():
    counter = _counter()
    answers = counter.handle(_requests(
        joins=_joins([0, 1, 2], [30, 15, 40]),  # person 1 is too young (E1)
        deposit_who=np.array([0, 1, 2]), deposit_fen=np.array([100_000, 100_000, 200_000]),
        deposit_months=np.ones(3, np.int64), deposit_bracket=np.array([1, 1, 2], np.int8),
        exit=np.array([2]),
    ))  # fmt: skip
    assert answers.joined.tolist() == [0, 2]
    assert answers.join_refused.tolist() == [1]
    assert answers.join_codes.tolist() == [Refusal.OK, Refusal.TOO_YOUNG, Refusal.OK]
    assert answers.deposit_codes.tolist() == [Refusal.OK, Refusal.NOT_OPEN, Refusal.OK]
    assert answers.exit_codes.tolist() == [Refusal.OK]
    assert answers.deposit_asks == 2  # the refused joiner's deposit is void, not refused
    assert answers.deposited.tolist() == [0, 2]
    assert answers.tax_saved == pytest.approx(100_000 * 0.03 + 200_000 * 0.10)
    assert answers.exits == 1
    books = counter.ledger.end_month()
    assert books.deposits == 300_000
    assert sum(books.refused.values()) == 0
    assert counter.ledger.acc.is_open.tolist() == [True, False, False, False]


def test_L1_a_member_without_deposit_months_is_quoted_a_refusal_and_cannot_apply():
    counter = _counter(1)
    counter.handle(_requests(joins=_joins([0], [30]), deposit_who=np.array([0]),
                             deposit_fen=np.array([500_000]), deposit_months=np.ones(1, np.int64),
                             deposit_bracket=np.zeros(1, np.int8)))  # fmt: skip
    quote = counter.quote(_buyer())
    assert quote.refusal[0] == Refusal.TOO_FEW_DEPOSIT_MONTHS  # one month, six needed (L1)
    assert quote.max_loan_fen[0] == 80_000_000  # 80% of the price (first home)
    assert quote.term_months[0] == 360  # 30 years, the maximum (retirement + 5 is later)
    answer = counter.apply(Purchases(quote, withdraw_fen=np.array([500_000]),
                                     loan_fen=np.array([1_000_000])))  # fmt: skip
    assert (answer.applied, answer.refused, answer.loan_fen.tolist()) == (1, 1, [0])
    assert answer.loan_codes.tolist() == [Refusal.TOO_FEW_DEPOSIT_MONTHS]
    assert answer.withdrawn.tolist() == [0]  # W1: 5,000 of a 200,000 down payment
    assert counter.ledger.acc.balance[0] == 0


def test_a_purchase_must_answer_the_funds_own_quote():
    counter = _counter(1)
    counter.handle(_requests(joins=_joins([0], [30])))
    issued = counter.quote(_buyer())
    forged = replace(issued, refusal=np.zeros(1, np.int8), limit_fen=np.array([90_000_000]))
    with pytest.raises(ValueError, match="this month's quote"):
        counter.apply(Purchases(forged, np.zeros(1, np.int64), np.array([90_000_000])))


def test_a_batch_of_unequal_lengths_is_refused_naming_its_arrays():
    with pytest.raises(ValueError, match=r"Requests: .*deposit_who=2, deposit_fen=1"):
        _requests(deposit_who=np.array([0, 1]), deposit_fen=np.array([100_000]),
                  deposit_months=np.ones(2, np.int64), deposit_bracket=np.zeros(2, np.int8))  # fmt: skip


def test_the_funds_month_runs_in_order_or_says_which_step_is_missing():
    sc = load_scenario(sets={"population.size": 10, "horizon.months": 1})
    fund = Fund(simpy.Environment(), sc.policy_in(sc.start), sc.pool, 10, sc.start,
                repay_from_balance=False)  # fmt: skip
    with pytest.raises(RuntimeError, match="no month is open"):
        fund.view(sc.start) and fund.handle(_requests())
    shocks = in_force(sc, sc.start)
    fund.open_month(sc.start, shocks)
    with pytest.raises(RuntimeError, match="still open"):
        fund.open_month(sc.start, shocks)
    with pytest.raises(RuntimeError, match="desk has not run"):
        fund.close_month()
    with pytest.raises(ValueError, match="repayment capacities"):
        fund.handle(_requests(repayment_capacity=np.array([100])))  # nobody owes anything


_PUBLISHED = {"sim.fund.requests", "sim.fund.policy", "sim.fund.params", "sim.fund.tax",
              "sim.fund.loan_limit", "sim.fund.refusals"}  # fmt: skip
"""What people may use of the fund: the boundary, and the published rules as pure functions."""


def _imports(path: Path) -> set[str]:
    """Every module a file imports, ``from sim.fund import x`` counted as ``sim.fund.x``."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
    return names


def test_the_fund_never_imports_the_people():
    for path in (SIM / "fund").glob("*.py"):
        assert not any(
            m.startswith(("sim.agents", "sim.engine.simulation")) for m in _imports(path)
        ), path


def test_people_reach_the_fund_only_through_the_boundary_and_its_published_rules():
    for path in (SIM / "agents").glob("*.py"):
        fund = {m for m in _imports(path) if m.startswith("sim.fund.") and m.count(".") == 2}
        allowed = _PUBLISHED | ({"sim.fund.counter"} if path.name == "world.py" else set())
        assert fund <= allowed, (path.name, fund - allowed)  # world.py: its stand-in counter


def test_accepted_marks_the_requests_carried_out():
    codes = np.array([Refusal.OK, Refusal.NOT_OPEN, Refusal.OK, Refusal.RETIRED], np.int8)
    assert accepted(codes).tolist() == [True, False, True, False]


def test_per_ask_gives_one_read_only_entry_per_ask():
    given = np.array([3, 4, 5])
    aligned = per_ask(given, (3,))
    assert aligned.tolist() == [3, 4, 5]
    assert not aligned.flags.writeable
    assert given.flags.writeable  # the caller's array is not frozen
    assert per_ask(7, (2,)).tolist() == [7, 7]
    with pytest.raises(ValueError, match="broadcast"):
        per_ask(np.array([1, 2]), (3,))


def _month(fund, env, sc, month, requests, then=lambda: None):
    fund.open_month(month, in_force(sc, month))
    fund.view(month)
    fund.handle(requests)
    then()

    def desk():
        yield from fund.desk()

    env.process(desk())
    env.run()
    return fund.close_month()


def test_W4_a_leaver_settles_the_fund_loan_in_full_and_never_defaults():
    """A borrower who leaves (W4: retirement, death, emigration) with a loan settles it
    (结清): this month's due and the rest of the principal come in; no arrears, no default."""
    sc = load_scenario(sets={"population.size": 10})
    env = simpy.Environment()
    fund = Fund(env, sc.policy_in(sc.start), sc.pool, 2, sc.start, repay_from_balance=True,
                group_names=("all",))  # fmt: skip

    def lend():  # an application the desk grants: 200,000 yuan over 20 years
        payload = (0, 240, True, 30_000_000)
        fund.money.pool.submit(Application(20_000_000, sc.start, "flexible", payload))

    _month(fund, env, sc, sc.start, _requests(joins=_joins([0], [30])), lend)
    before = fund.book.outstanding()
    assert fund.book.n == 1
    month = sc.start + 1
    closed = _month(fund, env, sc, month, _requests(leave=np.array([0]),
                                                    repayment_capacity=np.array([0])))  # fmt: skip
    loans = closed.loans
    assert (loans.defaults, loans.arrears) == (0, (0, 0, 0, 0))
    assert loans.principal_repaid + loans.prepaid == before == 20_000_000
    assert fund.book.status[0] == 1  # REPAID
    assert fund.book.outstanding() == 0
