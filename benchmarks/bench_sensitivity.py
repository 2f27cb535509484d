"""Benchmark: Morris screening over the default uncertainty file at its documented default size.

The default size (issue 14: under 15 minutes on 2 cores):

- the default uncertainty file (``scenarios/uncertainty/default.toml``, 29 parameters);
- 10 Morris trajectories at 4 levels: 10 × 30 = 300 samples;
- 20,000 people (the population who might join), 120 months (the baseline's 10 years),
  2 paths per sample (the same 2 for every sample: common random numbers): 600 runs;
- 2 worker processes.

Prints the wall time, the CPU time of this process and its workers, the load average before
and after (the machine is shared), and the three most influential parameters per output.

    .venv/bin/python benchmarks/bench_sensitivity.py [--trajectories 10] [--population 20000]
        [--months 120] [--paths 2] [--workers 2] [--out DIR]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's sim


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trajectories", type=int, default=10)
    parser.add_argument("--population", type=int, default=20_000)
    parser.add_argument("--months", type=int, default=120)
    parser.add_argument("--paths", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=20230831)
    parser.add_argument("--out", help="keep the results here (default: a temporary folder)")
    args = parser.parse_args()
    os.environ.setdefault("NUMBA_NUM_THREADS", "1")

    from sim.decide.sensitivity import top_drivers
    from sim.decide.sensitivity_run import run_sensitivity
    from sim.decide.uncertainty import load_uncertainty
    from sim.scenario.files import BASELINE

    space = load_uncertainty()
    out = Path(args.out) if args.out else Path(tempfile.mkdtemp()) / "morris"
    sets = {"population.size": args.population, "horizon.months": args.months}
    load0 = os.getloadavg()
    t0, c0 = time.perf_counter(), _cpu()
    a = run_sensitivity(
        str(BASELINE),
        sets,
        space,
        method="morris",
        samples=args.trajectories,
        paths=args.paths,
        seed=args.seed,
        out=out,
        workers=args.workers,
    )
    wall, cpu = time.perf_counter() - t0, _cpu() - c0
    runs = len(a.values) * args.paths
    print(
        f"Morris: {len(space.names)} parameters, {args.trajectories} trajectories, "
        f"{len(a.values)} samples x {args.paths} paths = {runs} runs of {args.population:,} "
        f"people x {args.months} months on {args.workers} workers"
    )
    print(
        f"wall {wall:.0f} s ({wall / 60:.1f} min), CPU {cpu:.0f} s (this process and its "
        f"workers); load average before {load0[0]:.2f}, after {os.getloadavg()[0]:.2f}"
    )
    for output, keys in top_drivers(a.rows):
        print(f"  {output:28} {', '.join(keys)}")
    if not args.out:
        shutil.rmtree(out.parent)


def _cpu() -> float:
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


if __name__ == "__main__":
    main()
