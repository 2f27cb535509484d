"""Benchmark: the whole engine, one path of the baseline, N from 10,000 to 1,000,000.

Each size runs in a fresh process (so peak memory is that size's own) for 24
months after a warm-up that compiles the kernels. Prints agent-months per
second (all threads, and per core) and peak resident memory per agent.

    .venv/bin/python benchmarks/bench_engine.py [--sizes 10000,100000,1000000] [--months 24]

Targets (issue 5): at least 10 million agent-months per second per core end to end,
and under 300 bytes of memory per agent.

``--fixed`` measures instead the per-path cost that does not scale with people (issue 26:
the fund's requests, the desk, the books, the figures, the record), which dominates the
small paths of the decision commands: 2,000 people × 120 months, one path on one numba
thread, best of ``--repeats`` runs in one process, in milliseconds of CPU a month
(the per-person kernels are about a tenth of it at this size)::

    .venv/bin/python benchmarks/bench_engine.py --fixed [--sizes 1000,2000,5000]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's sim


def one(n: int, months: int) -> dict:
    from sim.engine.simulation import simulate
    from sim.scenario.files import load_scenario

    simulate(load_scenario(sets={"population.size": 1000, "horizon.months": 13}), 0)
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    sc = load_scenario(sets={"population.size": n, "horizon.months": months})
    t0 = time.perf_counter()
    simulate(sc, 0)
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return {"n": n, "seconds": seconds, "rate": n * months / seconds,
            "bytes_per_agent": (peak - base) / n}  # fmt: skip


def fixed(n: int, months: int, repeats: int) -> dict:
    """CPU milliseconds a month of one path (best of ``repeats``), after a warm-up."""
    from sim.engine.simulation import simulate
    from sim.scenario.files import load_scenario

    simulate(load_scenario(sets={"population.size": 1000, "horizon.months": 13}), 0)
    sc = load_scenario(sets={"population.size": n, "horizon.months": months})
    runs = []
    for _ in range(repeats):
        t0 = time.process_time()
        simulate(sc, 0)
        runs.append((time.process_time() - t0) / months * 1000)
    return {"n": n, "best_ms": min(runs), "median_ms": sorted(runs)[len(runs) // 2]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--fixed", action="store_true", help="per-path CPU ms a month")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one, args.months)))
        return
    if args.fixed:
        os.environ["NUMBA_NUM_THREADS"] = "1"  # before numba loads: the per-path cost alone
        months = 120 if args.months == 24 else args.months
        sizes = "2000" if args.sizes == "10000,100000,1000000" else args.sizes
        for n in (int(s) for s in sizes.split(",")):
            r = fixed(n, months, args.repeats)
            print(
                f"engine, one path: {n:>7,} people × {months} months: {r['best_ms']:.3f} ms of "
                f"CPU a month (best of {args.repeats}; median {r['median_ms']:.3f})"
            )
        return
    cores = os.cpu_count() or 1
    for n in (int(s) for s in args.sizes.split(",")):
        out = subprocess.run([sys.executable, __file__, "--one", str(n), "--months",
                              str(args.months)],
                             capture_output=True, text=True, check=True)  # fmt: skip
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(
            f"engine: {n:>9,} agents × {args.months} months: {r['seconds']:.2f} s, "
            f"{r['rate'] / 1e6:.1f} M agent-months/s ({r['rate'] / cores / 1e6:.1f} M per core "
            f"on {cores}), peak memory {r['bytes_per_agent']:.0f} bytes/agent"
        )


if __name__ == "__main__":
    main()
