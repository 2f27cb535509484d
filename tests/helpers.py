"""Shared helpers: small ledgers under a named policy, stepped month by month."""

from __future__ import annotations

import numpy as np

from sim.core.months import format_month, parse_month
from sim.fund.ledger import Ledger
from sim.fund.policy import load_policy

ONE = np.array([0])


def yuan(x: float) -> int:
    """Yuan to fen for hand-computed values (exact for two decimals)."""
    return round(x * 100)


def make_ledger(policy: str = "lyg-2023", n: int = 1, start: str = "2024-01", overrides=None):
    """A ledger of ``n`` people; overrides as ``{"subsidy.holding_rate": 0.015}``."""
    p = load_policy(policy)
    if overrides:
        p = p.with_overrides(overrides, origin="test")
    return Ledger(n, p, parse_month(start))


def run_to(ledger: Ledger, last: str, actions=None) -> dict:
    """Run every month up to ``last`` inclusive; return the books by 'YYYY-MM'.

    ``actions`` maps 'YYYY-MM' to a callable, or a list of callables, taking the ledger.
    """
    actions = actions or {}
    books = {}
    while ledger.month <= parse_month(last):
        key = format_month(ledger.month)
        ledger.begin_month()
        acts = actions.get(key, [])
        for act in [acts] if callable(acts) else acts:
            act(ledger)
        books[key] = ledger.end_month()
    return books


def open_and_deposit(amount_fen: int, **attrs):
    """An action: open person 0's account and deposit ``amount_fen``."""

    def act(ledger: Ledger):
        ledger.open(ONE, **attrs)
        assert ledger.deposit(ONE, amount_fen)[0] == 0

    return act


def broken_copy(source, old: str, new: str, dest):
    """Write ``source``'s text to ``dest`` with the first ``old`` replaced by ``new``."""
    from pathlib import Path

    text = Path(source).read_text(encoding="utf-8")
    assert old in text, old
    dest.write_text(text.replace(old, new, 1), encoding="utf-8")
    return dest


def expect_input_error(load, path, key: str):
    """``load(path)`` must fail in one line naming the file and ``key``; returns the error."""
    import pytest

    from sim.core.errors import InputError

    with pytest.raises(InputError) as err:
        load(path)
    message = str(err.value)
    assert err.value.key == key, message
    assert message.startswith(str(path)), message
    assert "\n" not in message
    return err.value
