"""Compact per-person state (issue 26, item 2): no whole-population temporaries where a
few accounts are touched, and narrowed types held to the bounds the rules give them."""

import numpy as np
import pytest

from sim.core.months import parse_month
from sim.fund import interest, subsidy
from sim.fund.indices import rows_of
from sim.fund.ledger import Ledger
from sim.fund.policy import load_policy


def test_rows_of_names_the_same_rows_as_an_arange_over_everyone():
    n = 7
    for who in (slice(None), slice(2, 6), slice(None, None, -2), np.array([5, 0, 3]),
                np.array([-1, 2]), np.array([], np.int64), np.arange(n) % 2 == 0):  # fmt: skip
        got = rows_of(n, who)
        assert got.dtype == np.int64
        assert got.tolist() == np.arange(n)[who].tolist()
    who = np.array([-1, 2])
    rows_of(n, who)
    assert who.tolist() == [-1, 2]  # the caller's indices are left alone
    with pytest.raises(IndexError):
        rows_of(n, np.array([7]))
    with pytest.raises(IndexError):
        rows_of(n, np.array([-8]))
    with pytest.raises(IndexError):
        rows_of(n, np.ones(6, bool))


def test_F1_S2_crediting_a_few_accounts_makes_no_array_over_everyone(monkeypatch):
    ledger = Ledger(5, load_policy("lyg-2023"), parse_month("2024-01"))
    ledger.begin_month()
    acc = ledger.acc
    acc.interest_accrued[:] = [10.4, 20.5, 30.6, 0.0, 1.49]
    calls = []
    monkeypatch.setattr(np, "arange", lambda *a, **k: calls.append(a) or np.array([]))
    assert interest.credit_interest(acc, np.array([2, 0])).tolist() == [31, 10]  # fen_of
    paid = subsidy.pay_capped(acc, ledger.policy, np.array([1]), np.array([700]))
    monkeypatch.undo()
    assert calls == []
    assert paid.tolist() == [700]
    assert acc.balance.tolist() == [10, 700, 31, 0, 0]  # 10.4 → 10, 30.6 → 31; 700 paid
