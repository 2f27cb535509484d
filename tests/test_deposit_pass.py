"""The ledger's one-pass deposit equals the D1/D2/L1 rules stated array by array.

``deposits.check_deposits`` and ``deposits.apply_deposits`` are the rules as
written; ``deposits.deposit`` (the hot path) must give the same refusal codes
and leave every account exactly as they do, for batches with closed accounts,
months not allowed, amounts around the floor and the cap, several deposits in
one calendar month and prepaid quarters.
"""

import copy

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.core.months import parse_month
from sim.fund import deposits
from sim.fund.accounts import Accounts
from sim.fund.policy import load_policy

FIELDS = ("balance", "deposited_total", "last_deposit_month", "month_deposited",
          "month_covered", "covered_through", "deposit_months")  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), policy_name=st.sampled_from(["lyg-2023", "lyg-draft"]),
       scalar_months=st.booleans())  # fmt: skip
def test_one_pass_deposit_equals_the_rules_array_by_array(seed, policy_name, scalar_months):
    policy = load_policy(policy_name)
    rng = np.random.default_rng(seed)
    n, month = 60, parse_month("2026-09")
    fast = Accounts.empty(n)
    fast.is_open[:] = rng.random(n) < 0.8
    fast.bonus_due[:] = rng.integers(0, 2, n) * 5_000
    slow = copy.deepcopy(fast)
    for m in (month, month, month + 1, month + 3):  # repeats inside one calendar month
        who = np.sort(rng.choice(n, rng.integers(0, n), replace=False))
        f, c = policy.floor_fen(m), policy.cap_fen(m)
        edges = np.array([f, f - 1, 3 * f, 3 * f - 1, c, c + 1, 3 * c, 3 * c + 1, c // 2])
        amount = np.where(rng.random(len(who)) < 0.5, rng.choice(edges, len(who)),
                          rng.integers(50, 20_000, len(who)) * 100)  # fmt: skip
        months = np.int64(rng.choice([1, 3])) if scalar_months else rng.choice([-1, 0, 1, 2, 3, 13],
                                                                          len(who))  # fmt: skip
        codes, total, count, bonus = deposits.deposit(fast, policy, m, who, amount, months)
        expected = deposits.check_deposits(slow, policy, m, who, amount, months)
        ok = expected == 0
        deposits.apply_deposits(slow, m, who[ok], amount[ok],
                                months if np.ndim(months) == 0 else months[ok])  # fmt: skip
        assert codes.tolist() == expected.tolist()
        assert (total, count) == (int(amount[ok].sum()), int(ok.sum()))
        assert bonus == bool((slow.bonus_due[who[ok]] > 0).any())
        for field in FIELDS:
            assert np.array_equal(getattr(fast, field), getattr(slow, field)), field
