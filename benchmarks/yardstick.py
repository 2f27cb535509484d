"""The yardstick: the core account rules in one parallel numba kernel, for benchmarks only.

What the full model's speed is measured against (issue 11; ``DESIGN.md``,
"Speed: what was measured here"). One kernel call is one month for every
person: an irregular monthly income (a persistent log-income walk and idle
months), joining, a deposit out of income between the floor and the cap, a
rent withdrawal, exit (the balance and its interest paid out, the subsidy
forfeited), a loan take-up flag (no subsidy after it), interest accrued on
the opening balance, the holding subsidy accrued on the smallest of the last
13 month-ends (12-month ageing, newest money withdrawn first), the annual
settlement in June (interest and subsidy credited, rounded to the fen once,
the subsidy within a lifetime cap), and the month-end written to the ring.

Money is ``int64`` fen and every month the balances' total must equal the
opening total plus the flows, to the fen, or the run stops. Draws are
counter-based (``sim.core.random``: a hash of seed, purpose, month and person), so
results are the same on any number of threads; flows are summed per fixed
chunk of people and the chunks added in order, so the float totals are too.

It is deliberately not the model: one population, fixed behaviour
probabilities, no loans book, no pool. It shows how fast the core rules can
run on this machine, so the full model's overhead can be read as a ratio.

    .venv/bin/python benchmarks/yardstick.py [--n 1000000] [--months 120]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numba
import numpy as np

from sim.core.random import NORMAL_TABLE, normal_at, stream_key, uniform_pair_at

CHUNK = 1 << 14
RING = 13  # month-ends m-13 … m-1: money held a full year (S1-i, lifo)
START = 2023 * 12 + 8  # September 2023, months counted from year 0
FLOWS = ("deposits", "rent", "exits", "interest", "subsidy", "closing", "members")

# Behaviour per month and the rules' amounts, all fixed (fen, rates a year).
P_JOIN, P_IDLE, P_DEPOSIT, P_RENT, P_EXIT, P_LOAN = 0.01, 0.15, 0.7, 0.08, 0.002, 0.001
INCOME_MU, INCOME_RHO, INCOME_SIGMA = np.log(4500.0), 0.97, 0.12
DEPOSIT_SHARE, FLOOR, CAP = 0.12, 20_000, 500_000
RENT = 150_000
INTEREST_RATE, SUBSIDY_RATE, SUBSIDY_CAP = 0.015, 0.01, 5_000_000


def new_state(n: int) -> dict[str, np.ndarray]:
    """Everyone outside the fund, with no money: about 150 bytes a person."""
    return {
        "balance": np.zeros(n, np.int64),
        "ring": np.zeros((n, RING), np.int64),
        "interest": np.zeros(n, np.float64),
        "subsidy": np.zeros(n, np.float64),
        "subsidy_total": np.zeros(n, np.int64),
        "log_income": np.zeros(n, np.float32),
        "is_open": np.zeros(n, np.bool_),
        "forfeited": np.zeros(n, np.bool_),
        "loan": np.zeros(n, np.bool_),
        "renter": (np.arange(n) % 3 == 0),
    }


@numba.njit(parallel=True, cache=True)
def _month(k_income, k_a, k_b, table, slot, settle, st_balance, ring, interest, subsidy,
           subsidy_total, log_income, is_open, forfeited, loan, renter):  # fmt: skip
    """One month for everyone; returns the flows per chunk (int64) and interest accrued."""
    n = len(st_balance)
    chunks = (n + CHUNK - 1) // CHUNK
    flows = np.zeros((chunks, 7), np.int64)
    accrued = np.zeros(chunks, np.float64)
    r_int = INTEREST_RATE / 12.0
    r_sub = SUBSIDY_RATE / 12.0
    opening_slot = (slot + RING - 1) % RING
    for c in numba.prange(chunks):
        dep = rent = exits = icred = scred = closing = members = 0
        acc = 0.0
        for i in range(np.uint64(c * CHUNK), np.uint64(min(n, (c + 1) * CHUNK))):
            z = INCOME_RHO * log_income[i] + INCOME_SIGMA * normal_at(k_income, i, table)
            log_income[i] = z
            u1, u2 = uniform_pair_at(k_a, i)
            u3, u4 = uniform_pair_at(k_b, i)
            bal = st_balance[i]
            if not is_open[i]:
                if u2 < P_JOIN:
                    is_open[i] = True
            elif u4 < P_EXIT and not loan[i]:
                paid = np.int64(np.floor(interest[i] + 0.5))
                icred += paid
                exits += bal + paid
                bal = 0
                interest[i] = 0.0
                subsidy[i] = 0.0
                is_open[i] = False
                forfeited[i] = True
            else:
                if u1 >= P_IDLE and u2 < P_DEPOSIT:
                    income = np.exp(INCOME_MU + z) * 100.0
                    amount = min(max(np.int64(income * DEPOSIT_SHARE) // 100 * 100, FLOOR), CAP)
                    bal += amount
                    dep += amount
                if renter[i] and u3 < P_RENT:
                    take = min(bal, RENT)
                    bal -= take
                    rent += take
                if not loan[i] and u3 > 1.0 - P_LOAN:
                    loan[i] = True
            if is_open[i]:
                members += 1
                x = ring[i, opening_slot] * r_int
                interest[i] += x
                acc += x
                if not forfeited[i] and not loan[i]:
                    aged = ring[i, 0]
                    for k in range(1, RING):
                        aged = min(aged, ring[i, k])
                    subsidy[i] += aged * r_sub
            if settle:
                paid = np.int64(np.floor(interest[i] + 0.5))
                bal += paid
                icred += paid
                interest[i] = 0.0
                due = min(np.int64(np.floor(subsidy[i] + 0.5)), SUBSIDY_CAP - subsidy_total[i])
                if due > 0 and not forfeited[i]:
                    bal += due
                    scred += due
                    subsidy_total[i] += due
                subsidy[i] = 0.0
            st_balance[i] = bal
            ring[i, slot] = bal
            closing += bal
        flows[c, 0], flows[c, 1], flows[c, 2], flows[c, 3] = dep, rent, exits, icred
        flows[c, 4], flows[c, 5], flows[c, 6] = scred, closing, members
        accrued[c] = acc
    return flows, accrued


def month(state: dict[str, np.ndarray], m: int, *, seed: int) -> dict[str, int | float]:
    """Run month ``m`` (months since year 0) and check the books; return its totals."""
    s = state
    opening = int(s["balance"].sum()) if m == START else s["_closing"]
    keys = [np.uint64(stream_key(seed, 0, p, m)) for p in ("income", "events.a", "events.b")]
    flows, accrued = _month(*keys, NORMAL_TABLE, m % RING, m % 12 == 5, s["balance"], s["ring"],
                            s["interest"], s["subsidy"], s["subsidy_total"], s["log_income"],
                            s["is_open"], s["forfeited"], s["loan"], s["renter"])  # fmt: skip
    total = dict(zip(FLOWS, (int(v) for v in flows.sum(axis=0)), strict=True))
    interest = 0.0
    for a in accrued:  # fixed chunk order: the same float total on any number of threads
        interest += a
    total["interest_accrued"] = interest
    expected = opening + total["deposits"] + total["interest"] + total["subsidy"]
    expected -= total["rent"] + total["exits"]
    if expected != total["closing"]:
        raise RuntimeError(f"month {m}: balances {total['closing']} fen, flows say {expected}")
    s["_closing"] = total["closing"]
    return total


def simulate(n: int, months: int, *, seed: int) -> tuple[dict[str, np.ndarray], dict]:
    """One path: ``months`` months of ``n`` people; the final state and last month's totals."""
    state = new_state(n)
    last: dict = {}
    for m in range(START, START + months):
        last = month(state, m, seed=seed)
    return state, last


def run(n: int, months: int, *, seed: int = 1) -> dict:
    """``months`` months of ``n`` people after a compile warm-up; wall and CPU seconds."""
    simulate(1000, 13, seed=seed)
    t0, c0 = time.perf_counter(), time.process_time()
    state, last = simulate(n, months, seed=seed)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    nbytes = sum(a.nbytes for k, a in state.items() if not k.startswith("_"))
    return {"n": n, "months": months, "seconds": seconds, "cpu_seconds": cpu,
            "threads": numba.get_num_threads(), "members": last["members"],
            "balances_fen": last["closing"], "state_bytes_per_agent": nbytes / n}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--months", type=int, default=120)
    args = parser.parse_args()
    r = run(args.n, args.months)
    rate = r["n"] * r["months"]
    print(
        f"yardstick: {r['n']:,} people × {r['months']} months on {r['threads']} thread(s): "
        f"{r['seconds']:.2f} s wall, {r['cpu_seconds']:.2f} s CPU = "
        f"{rate / r['seconds'] / 1e6:.1f} M agent-months/s ({rate / r['cpu_seconds'] / 1e6:.1f} M "
        f"per CPU-s); {r['members']:,} members; state {r['state_bytes_per_agent']:.0f} bytes/agent"
    )


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from benchmarks.yardstick import main as run_main  # one module name for numba's cache

    run_main()
