"""The ledger's one-pass opening equals the E3/S6/S7/X2 rules stated step by step.

``bonus.open_accounts`` (the hot path) must give the refusal codes of the one-account rule
(E3) and leave every account as the ledger's former steps did: the opening bonus of
:func:`bonus.opening_bonus_fen` due on a first opening only (not after an exit that
forfeited, S4), under either stacking (S6-i), and a ring row for each first opening.
"""

import copy

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.core.months import parse_month
from sim.fund.accounts import Accounts
from sim.fund.bonus import open_accounts, opening_bonus_fen
from sim.fund.policy import load_policy
from sim.fund.refusals import Refusal

FIELDS = ("is_open", "ever_opened", "bonus_due", "opened_month", "clean_since", "slot")


@settings(max_examples=100, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), stacking=st.sampled_from(["max", "sum"]))
def test_one_pass_opening_equals_the_rules_step_by_step(seed, stacking):
    policy = load_policy("lyg-draft").with_overrides(
        {"subsidy.bonus_stacking": stacking}, origin="test"
    )
    rng = np.random.default_rng(seed)
    n, month = 60, parse_month("2026-09")
    fast = Accounts.empty(n)
    fast.is_open[:] = rng.random(n) < 0.3
    fast.ever_opened[:] = fast.is_open | (rng.random(n) < 0.3)
    fast.forfeited[:] = fast.ever_opened & ~fast.is_open & (rng.random(n) < 0.5)
    fast.give_rings(np.flatnonzero(fast.ever_opened))
    slow = copy.deepcopy(fast)
    who = np.sort(rng.choice(n, rng.integers(0, n), replace=False))
    children, education = rng.integers(0, 4, len(who)), rng.integers(0, 5, len(who))
    codes = open_accounts(fast, policy, month, who, children, education)
    expected = np.where(slow.is_open[who], int(Refusal.ALREADY_OPEN), 0)
    ok = who[expected == 0]
    first = ~slow.ever_opened[ok] & ~slow.forfeited[ok]
    bonus = opening_bonus_fen(policy, month, children[expected == 0], education[expected == 0])
    slow.bonus_due[ok] = np.where(first, bonus, 0)
    slow.is_open[ok] = True
    slow.give_rings(ok)
    slow.ever_opened[ok] = True
    slow.opened_month[ok] = month
    slow.clean_since[ok] = month
    assert codes.tolist() == expected.tolist()
    for field in FIELDS:
        assert np.array_equal(getattr(fast, field), getattr(slow, field)), field


def test_S6_S7_a_graduate_with_two_children_first_opening_is_due_the_larger_bonus():
    """S6, S7, S6-i under lyg-draft (``max``): 200 yuan base, 300 for two children, 400 for a
    bachelor's degree: a graduate with two children is due max(200, 300, 400) = 400 yuan =
    40,000 fen; one with one child and no degree 200 = 20,000; an account already open is
    refused (E3) and keeps what it had."""
    policy = load_policy("lyg-draft")
    month = parse_month("2026-09")
    acc = Accounts.empty(3)
    acc.is_open[2] = True
    acc.bonus_due[2] = 123
    codes = open_accounts(acc, policy, month, np.array([0, 1, 2]), np.array([2, 1, 0]),
                          np.array([2, 0, 0]))  # fmt: skip
    assert codes.tolist() == [0, 0, int(Refusal.ALREADY_OPEN)]
    assert acc.bonus_due.tolist() == [40_000, 20_000, 123]
    assert acc.opened_month.tolist()[:2] == [month, month]
