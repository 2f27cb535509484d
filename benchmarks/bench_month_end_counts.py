"""Benchmark: the monthly record's counts, as separate passes and fused (issue 11, item 3).

At N people (default 1,000,000; one numba thread), times one month's

- month end (:meth:`Ledger.end_month`), which now also counts open accounts
  by cohort, accounts at the lifetime cap (S2) and accounts ever opened;
- the record's former passes: ``bincount`` of open accounts by cohort, the
  cap count, and ``account_series``' four numpy passes (active, dormant,
  ever opened, housing users);
- the people-side counts in one pass (:func:`count_states`).

Best of ``--repeat`` months (non-settlement months), in CPU time of the thread (the
machine may be shared). Before the fusion a month
cost month end + the former passes; after, month end + the one-pass count.

    .venv/bin/python benchmarks/bench_month_end_counts.py [--n 1000000] [--repeat 5]
        [--open-share 0.6]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's sim

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("NUMBA_NUM_THREADS", "1")

import numpy as np

from sim.agents.account_states import count_states
from sim.core.months import parse_month
from sim.fund.ledger import Ledger
from sim.fund.policy import load_policy

COHORTS = 8


def _former_passes(acc, cohort, dormant, housing_user, cap_fen) -> tuple:
    """The record's counts as ``Simulation._record`` and ``account_series`` took them."""
    members = np.bincount(cohort[acc.is_open], minlength=COHORTS)
    at_cap = int((acc.subsidy_total >= cap_fen).sum())
    return (
        members,
        at_cap,
        int((acc.is_open & ~dormant).sum()),
        int((acc.is_open & dormant).sum()),
        int(acc.ever_opened.sum()),
        int((housing_user | acc.loan_disbursed).sum()),
    )


def _best(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.thread_time()
        fn()
        best = min(best, time.thread_time() - t0)
    return 1000 * best


def run(n: int, repeat: int, open_share: float = 0.6, seed: int = 1) -> dict:
    rng = np.random.default_rng(seed)
    policy = load_policy("lyg-2023")
    cohort = rng.integers(0, COHORTS, n).astype(np.int8)
    ledger = Ledger(n, policy, parse_month("2024-01"), group=cohort, groups=COHORTS)
    ledger.begin_month()
    ledger.open(np.flatnonzero(rng.random(n) < open_share))
    ledger.end_month()
    acc = ledger.acc
    acc.subsidy_total[:] = rng.integers(0, 1_100_000, n) * acc.is_open
    acc.loan_disbursed[:] = acc.is_open & (rng.random(n) < 0.05)
    dormant = rng.random(n) < 0.3
    housing_user = rng.random(n) < 0.2
    cap_fen = round(policy["subsidy.lifetime_cap"] * 100)
    who = np.flatnonzero(acc.is_open)
    amount = rng.integers(200, 5_000, len(who)) * 100
    ends = []
    for _ in range(repeat + 1):  # the first month compiles
        ledger.begin_month()
        ledger.aged()
        ledger.deposit(who, amount)
        t0 = time.thread_time()
        books = ledger.end_month()
        ends.append(1000 * (time.thread_time() - t0))
    former = _former_passes(acc, cohort, dormant, housing_user, cap_fen)
    fused = count_states(acc.is_open, acc.loan_disbursed, dormant, housing_user)
    if (tuple(int(x) for x in former[0]), former[1], former[4]) != (
        books.open_by_group, books.at_lifetime_cap, books.ever_opened,
    ) or (former[2], former[3], former[5]) != fused:  # fmt: skip
        raise AssertionError("fused counts differ from the former passes")
    passes = _former_passes, (acc, cohort, dormant, housing_user, cap_fen)
    one = count_states, (acc.is_open, acc.loan_disbursed, dormant, housing_user)
    return {
        "n": n,
        "month_end_ms": min(ends[1:]),
        "former_passes_ms": _best(lambda: passes[0](*passes[1]), repeat),
        "one_pass_ms": _best(lambda: one[0](*one[1]), repeat),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--open-share", type=float, default=0.6, help="people with an account")
    args = parser.parse_args()
    r = run(args.n, args.repeat, args.open_share)
    print(
        f"{r['n']:,} people ({args.open_share:.0%} open), best of {args.repeat}: month end with "
        f"the counts {r['month_end_ms']:.2f} ms; the record's former passes "
        f"{r['former_passes_ms']:.2f} ms; "
        f"people-side counts in one pass {r['one_pass_ms']:.2f} ms"
    )


if __name__ == "__main__":
    main()
