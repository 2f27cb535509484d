"""Benchmark: ``hpfsim calibrate --fit`` at its default size, wall-clock and CPU time.

Runs the whole fit (the ``[fit]`` table of ``scenarios/calibration/parameters.toml``:
people, paths, iterations) in a fresh folder, so nothing comes from the cache, and
writes the calibrated population file to that folder (the repository's file is left
alone). Prints the wall-clock and CPU seconds (this process and its children), the
number of evaluations, the machine's load average before and after, and whether every
target of the calibrated model lies within its band.

    NUMBA_NUM_THREADS=2 .venv/bin/python benchmarks/bench_calibrate.py [--keep DIR]

Target (issue 12): under 15 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's sim

from sim.agents.calibrated import format_fit, write_calibrated
from sim.agents.calibration import DEFAULT_TARGETS, load_targets
from sim.agents.config import DEFAULT_POPULATION
from sim.agents.fitting import DEFAULT_PARAMETERS, fit, load_parameters
from sim.agents.population_file import load_agent_config
from sim.core.months import parse_month
from sim.fund.policy import load_policy

LIMIT_SECONDS = 15 * 60


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", help="evaluation folder to use (default: a fresh temporary one)")
    args = parser.parse_args()
    out = Path(args.keep or tempfile.mkdtemp(prefix="bench_calibrate_"))
    load_before = os.getloadavg()
    wall0, cpu0 = time.perf_counter(), _cpu()
    params, settings = load_parameters()
    result = fit(
        load_agent_config(), load_policy(settings.policy), params, settings,
        targets=load_targets(), start_month=parse_month(settings.start), out=out,
        progress=lambda line: print(line, flush=True),
    )  # fmt: skip
    write_calibrated(
        DEFAULT_POPULATION, out / "calibrated.toml", result, targets=DEFAULT_TARGETS,
        parameters=DEFAULT_PARAMETERS, command="benchmarks/bench_calibrate.py",
    )  # fmt: skip
    wall, cpu = time.perf_counter() - wall0, _cpu() - cpu0
    print(format_fit(result))
    s = settings
    print(
        f"\nfit: {len(params)} parameters, {s.n:,} people x {s.paths} paths x {s.months} months,"
        f" {result.evaluations} evaluations ({result.from_cache} cached)"
    )
    threads = os.environ.get("NUMBA_NUM_THREADS", "all cores")
    print(f"wall {wall:.0f} s, CPU {cpu:.0f} s, NUMBA_NUM_THREADS={threads}")
    print(f"load average before {load_before[0]:.2f}, after {os.getloadavg()[0]:.2f}")
    outside = [m.target.name for m in result.moments if m.target.fit and not m.within]
    print("every fitted target within its band" if not outside else f"outside: {outside}")
    print(f"{'PASS' if wall < LIMIT_SECONDS else 'FAIL'}: {wall:.0f} s against {LIMIT_SECONDS} s")


if __name__ == "__main__":
    main()
