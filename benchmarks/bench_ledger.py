"""Benchmark: one month of the ledger for 1,000,000 accounts.

Times what the ledger does every month on the hot path — a batch of deposits
(about 60% of members), the ageing window, interest and holding-subsidy
accrual, recording the month-end and reconciling the books — over 24 months
(so two 30 June settlements are included), on one thread. Prints account-months
per second, the month end's own time (the aged part the engine reads mid-month,
accrual, settlement, ageing record, reconciliation) and the state's memory per
account.

    .venv/bin/python benchmarks/bench_ledger.py [--n 1000000] [--months 24]

Target (issue 2): at least 20 million account-months per second.
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

from sim.core.months import parse_month
from sim.fund.ledger import Ledger
from sim.fund.policy import load_policy


def run(n: int, months: int, policy_name: str, seed: int = 1) -> dict:
    rng = np.random.default_rng(seed)
    ledger = Ledger(n, load_policy(policy_name), parse_month("2024-01"))
    everyone = np.arange(n)
    ledger.begin_month()
    ledger.open(everyone)
    ledger.end_month()
    # Pre-draw the requests so the timing is the ledger's alone.
    who = [np.flatnonzero(rng.random(n) < 0.6) for _ in range(months)]
    amount = [rng.integers(200, 5_000, len(w)) * 100 for w in who]
    end_wall = end_cpu = 0.0
    t0, c0 = time.perf_counter(), time.process_time()
    for k in range(months):
        ledger.begin_month()
        t1, c1 = time.perf_counter(), time.process_time()
        ledger.aged()  # the engine reads the aged part mid-month: month-end work (S1-i)
        end_wall += time.perf_counter() - t1
        end_cpu += time.process_time() - c1
        ledger.deposit(who[k], amount[k])
        t1, c1 = time.perf_counter(), time.process_time()
        ledger.end_month()
        end_wall += time.perf_counter() - t1
        end_cpu += time.process_time() - c1
    seconds = time.perf_counter() - t0
    return {
        "n": n,
        "months": months,
        "seconds": seconds,
        "cpu_seconds": time.process_time() - c0,
        "month_end_ms": 1000 * end_wall / months,
        "month_end_cpu_ms": 1000 * end_cpu / months,
        "account_months_per_s": n * months / seconds,
        "state_bytes_per_account": ledger.acc.nbytes() / n,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--policy", default="lyg-2023")
    args = parser.parse_args()
    r = run(args.n, args.months, args.policy)
    print(
        f"ledger: {r['n']:,} accounts × {r['months']} months in {r['seconds']:.2f} s = "
        f"{r['account_months_per_s'] / 1e6:.1f} M account-months/s ({r['cpu_seconds']:.2f} s "
        f"CPU); month end {r['month_end_ms']:.1f} ms ({r['month_end_cpu_ms']:.1f} ms CPU); "
        f"state {r['state_bytes_per_account']:.0f} bytes/account"
    )


if __name__ == "__main__":
    main()
