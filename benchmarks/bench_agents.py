"""Benchmark: one month of income and behaviour for 1,000,000 people.

Times the agents' monthly hot path as the engine runs it (``sim.agents.monthly``: a
chunk's income — Markov activity chain, persistent and transitory shocks,
seasonality — then its choices — joining, deposit choice and amount, rent, exit,
purchase — in one kernel), including turning the choices into request arrays, with
about 30% of people already members. The ledger is not timed (see bench_ledger.py).
Prints person-months per second of wall and of CPU time for one thread and for all
threads.

    .venv/bin/python benchmarks/bench_agents.py [--n 1000000] [--months 12]

Target (issue 3): at least 20 million person-months per second on one core.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's sim

import numba
import numpy as np

from sim.agents.behaviour import Behaviour, FundView
from sim.agents.income import IncomeState
from sim.agents.memory import BehaviourState
from sim.agents.monthly import earn_and_choose
from sim.agents.population import synthesize
from sim.agents.population_file import load_agent_config
from sim.core.months import parse_month
from sim.core.random import Draws


def run(n: int, months: int, threads: int) -> dict:
    numba.set_num_threads(threads)
    cfg = load_agent_config()
    start = parse_month("2024-01")
    pop = synthesize(cfg, n, seed=1, path=0, start_month=start)
    rng = Draws(1, 0, n)
    income = IncomeState.start(cfg, pop, rng)
    state = BehaviourState.start(n)
    behaviour = Behaviour(cfg, pop, rng)
    member = rng.uniform("bench.member", 0) < 0.3
    balance = (rng.uniform("bench.balance", 0) * 2_000_000).astype(np.int64) * member
    rates = (0.03, 0.10, 0.20, 0.25, 0.30, 0.35, 0.45)
    view = FundView(0.015, 0.01, 10_000, 500_000, False, rates, member, np.zeros(n, bool),
                    np.zeros(n, bool), balance, balance // 2)  # fmt: skip
    state.join_month[member] = start - 12
    behaviour.decisions(start, earn_and_choose(behaviour, income, state, start, None, view))
    t0, c0 = time.perf_counter(), time.process_time()
    for m in range(start + 1, start + 1 + months):
        behaviour.decisions(m, earn_and_choose(behaviour, income, state, m, None, view))
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    return {"threads": threads, "rate": n * months / seconds, "seconds": seconds,
            "cpu_rate": n * months / cpu, "cpu_seconds": cpu}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--months", type=int, default=12)
    args = parser.parse_args()
    for threads in sorted({1, numba.config.NUMBA_NUM_THREADS}):
        r = run(args.n, args.months, threads)
        print(
            f"agents: {args.n:,} people × {args.months} months, {threads} thread(s): "
            f"{r['seconds']:.2f} s = {r['rate'] / 1e6:.1f} M person-months/s; "
            f"{r['cpu_seconds']:.2f} CPU-s = {r['cpu_rate'] / 1e6:.1f} M per CPU-s"
        )


if __name__ == "__main__":
    main()
