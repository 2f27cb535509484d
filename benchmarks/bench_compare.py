"""Benchmark: the full model and the yardstick side by side, in one run (issue 11).

Cases, each in a fresh process (so its peak memory is its own) with numba's
threads set by ``NUMBA_NUM_THREADS``:

- ``full``: one path of the baseline scenario through ``sim.engine.simulation.simulate``
  with ``population.size`` and ``horizon.months`` set;
- ``yardstick``: ``benchmarks/yardstick.py``, the core account rules in one
  numba kernel, for the same N and months;
- ``default``: with ``--default``, the default scenario (``scenarios/baseline.toml``) at
  its full size and horizon, its ``[montecarlo]`` paths in batches on ``--workers``
  processes, as ``hpfsim run`` sends them;
- with ``--mc``, the Monte Carlo: ``--paths`` paths of ``--mc-n`` people
  through ``sim.engine.montecarlo.run_path`` (``mc-full``, a path per task) and in
  batches through ``sim.engine.montecarlo.run_batch`` (``mc-batched``, as ``hpfsim
  run`` sends them: ``montecarlo.batch_size``) on ``--workers`` spawned
  processes of ``--mc-threads`` numba threads each (workers × threads ≤ cores
  by default), and the same for the yardstick.

Every case is timed after a warm-up that compiles (or loads) the kernels,
except the Monte Carlo, whose workers start cold as in a real run. Wall and
CPU seconds (all threads and worker processes, from ``getrusage``), agent-
months per second of each, peak resident bytes per agent above the process
after its warm-up, and the process's peak (for the Monte Carlo: the largest
worker's). The ratio line divides the full model by the yardstick.

``--city`` is issue 26's scale: one path of 1,000,000 people × 120 months, the
Monte Carlo of ``--city-paths`` (default 1,000) paths × 50,000 × 120, and the
default scenario, all in one run. A Monte Carlo case runs ``--paths`` paths (40
by default, about a minute of CPU each here) and its 1,000-path figure is
**extrapolated** linearly from them (the paths are independent and a worker's
start-up is paid once, so the extrapolation slightly overstates the time);
``--paths 1000`` runs them all. The machine is shared: CPU seconds are the
figure to quote; the load average before and after each case is printed.

    .venv/bin/python benchmarks/bench_compare.py                 # N = 1M × 120, all cores
    .venv/bin/python benchmarks/bench_compare.py --n 100000 --threads 1
    .venv/bin/python benchmarks/bench_compare.py --mc --no-single --json out.json

Targets (issue 26): the full model at least half the yardstick's speed at N =
1M; a 1,000-path × 50,000 × 120 Monte Carlo in under 2 minutes on 2 idle cores;
≤ 250 bytes per agent at peak.
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

HERE = Path(__file__).resolve().parent


def _cpu(who: int) -> float:
    r = resource.getrusage(who)
    return r.ru_utime + r.ru_stime


def _peak_bytes(who: int = resource.RUSAGE_SELF) -> int:
    return resource.getrusage(who).ru_maxrss * 1024  # Linux reports KiB


def _timed(run, warm_up, n: int) -> dict:
    """Warm up (compile), then time ``run()``; memory above the warmed-up process."""
    warm_up()
    base = _peak_bytes()
    t0, c0 = time.perf_counter(), _cpu(resource.RUSAGE_SELF)
    run()
    seconds, cpu = time.perf_counter() - t0, _cpu(resource.RUSAGE_SELF) - c0
    peak = _peak_bytes()
    return {"seconds": seconds, "cpu_seconds": cpu, "bytes_per_agent": (peak - base) / n,
            "peak_mb": peak / 2**20}  # fmt: skip


def _full(n: int, months: int) -> dict:
    from sim.engine.simulation import simulate
    from sim.scenario.files import load_scenario

    # the whole horizon, so every kernel a run meets is compiled (a shorter warm-up left some
    # to compile inside the timed run whenever the sources had changed)
    small = load_scenario(sets={"population.size": 3000, "horizon.months": months})
    sc = load_scenario(sets={"population.size": n, "horizon.months": months})
    return _timed(lambda: simulate(sc, 0), lambda: simulate(small, 0), n)


def _yardstick(n: int, months: int) -> dict:
    sys.path.insert(0, str(HERE.parent))
    from benchmarks import yardstick

    return _timed(lambda: yardstick.simulate(n, months, seed=1),
                  lambda: yardstick.simulate(1000, months, seed=1), n)  # fmt: skip


def _yardstick_path(n: int, months: int, path: int) -> int:
    sys.path.insert(0, str(HERE.parent))
    from benchmarks import yardstick

    return yardstick.simulate(n, months, seed=1000 + path)[1]["closing"]


def _monte_carlo(model: str, n: int, months: int, paths: int, workers: int,
                 sets: dict | None = None) -> dict:  # fmt: skip
    """``paths`` paths on ``workers`` spawned processes (they inherit NUMBA_NUM_THREADS)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from sim.engine.montecarlo import batch_size, run_batch, run_path
    from sim.scenario.files import BASELINE

    if sets is None:
        sets = {"population.size": n, "horizon.months": months}
    t0 = time.perf_counter()
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=ctx) as pool:
        if model == "full":
            futures = [pool.submit(run_path, str(BASELINE), sets, p) for p in range(paths)]
        elif model == "batched":
            size = batch_size(paths, n, workers)
            futures = [pool.submit(run_batch, str(BASELINE), sets, list(range(k, min(k + size,
                       paths)))) for k in range(0, paths, size)]  # fmt: skip
        else:
            futures = [pool.submit(_yardstick_path, n, months, p) for p in range(paths)]
        for f in futures:
            f.result()
    seconds = time.perf_counter() - t0
    peak = _peak_bytes(resource.RUSAGE_CHILDREN)
    return {"seconds": seconds, "cpu_seconds": _cpu(resource.RUSAGE_CHILDREN),
            "bytes_per_agent": None, "peak_mb": peak / 2**20}  # fmt: skip


def _default_scenario(workers: int) -> dict:
    """The default scenario as shipped: its size, horizon and paths, batched as ``hpfsim run``."""
    from sim.scenario.files import load_scenario

    sc = load_scenario()
    r = _monte_carlo("batched", sc.population_size, sc.horizon, sc.paths, workers, sets={})
    r.update(n=sc.population_size, months=sc.horizon, paths=sc.paths)
    return r


def _case(args: argparse.Namespace) -> dict:
    if args.case == "default":
        return _default_scenario(args.workers)
    if args.case == "full":
        return _full(args.n, args.months)
    if args.case == "yardstick":
        return _yardstick(args.n, args.months)
    model = args.case.removeprefix("mc-")
    return _monte_carlo(model, args.mc_n, args.months, args.paths, args.workers)


def _spawn(case: str, args: argparse.Namespace, threads: int) -> dict:
    """Run one case in a fresh interpreter with ``threads`` numba threads."""
    # the checkout this file is in, not an installed sim (a venv may hold another's)
    path = os.pathsep.join(filter(None, (str(HERE.parent), os.environ.get("PYTHONPATH"))))
    env = dict(os.environ, NUMBA_NUM_THREADS=str(threads), OMP_NUM_THREADS="1", PYTHONPATH=path)
    cmd = [sys.executable, __file__, "--case", case, "--n", str(args.n), "--months",
           str(args.months), "--mc-n", str(args.mc_n), "--paths", str(args.paths),
           "--workers", str(args.workers)]  # fmt: skip
    load_before = os.getloadavg()[0]
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if out.returncode:
        raise SystemExit(f"bench_compare: case {case} failed:\n{out.stderr[-2000:]}")
    r = json.loads(out.stdout.strip().splitlines()[-1])
    mc = case.startswith("mc-") or case == "default"
    if case == "default":
        n, months, paths = r["n"], r["months"], r["paths"]
    else:
        n, months, paths = (args.mc_n, args.months, args.paths) if mc else (args.n, args.months, 1)
    agent_months = n * months * paths
    r.update(case=case, n=n, months=months, paths=paths, threads=threads,
             workers=args.workers if mc else 1, agent_months=agent_months,
             rate=agent_months / r["seconds"], cpu_rate=agent_months / r["cpu_seconds"],
             load=(load_before, os.getloadavg()[0]))  # fmt: skip
    if case.startswith("mc-") and args.city_paths and args.city_paths != paths:
        scale = args.city_paths / paths
        r["extrapolated"] = {"paths": args.city_paths, "seconds": r["seconds"] * scale,
                             "cpu_seconds": r["cpu_seconds"] * scale}  # fmt: skip
    return r


def _table(rows: list[dict]) -> str:
    head = ("case", "N", "months", "paths", "workers×threads", "wall s", "CPU s",
            "M agent-months/s", "M per CPU-s", "bytes/agent", "peak MB", "load")  # fmt: skip
    lines = [" | ".join(head), " | ".join("---" for _ in head)]
    for r in rows:
        lines.append(" | ".join((
            r["case"], f"{r['n']:,}", str(r["months"]), str(r["paths"]),
            f"{r['workers']}×{r['threads']}", f"{r['seconds']:.2f}", f"{r['cpu_seconds']:.2f}",
            f"{r['rate'] / 1e6:.1f}", f"{r['cpu_rate'] / 1e6:.1f}",
            "—" if r["bytes_per_agent"] is None else f"{r['bytes_per_agent']:.0f}",
            f"{r['peak_mb']:.0f}", f"{r['load'][0]:.1f}–{r['load'][1]:.1f}",
        )))  # fmt: skip
    for r in rows:
        x = r.get("extrapolated")
        if x:
            lines.append(f"{r['case']}: {x['paths']:,} paths extrapolated from {r['paths']}: "
                         f"{x['seconds']:.0f} s wall, {x['cpu_seconds']:.0f} CPU-s "
                         f"({x['cpu_seconds'] / r['workers'] / r['threads']:.0f} s on "
                         f"{r['workers'] * r['threads']} idle cores)")  # fmt: skip
    by = {r["case"]: r for r in rows}
    pairs = (("full", "yardstick"), ("mc-full", "mc-yardstick"), ("mc-batched", "mc-yardstick"))
    for full, yard in pairs:
        if full in by and yard in by:
            f, y = by[full], by[yard]
            lines.append(
                f"{full} / {yard}: {f['rate'] / y['rate']:.2f} of the yardstick's speed "
                f"(wall), {f['cpu_rate'] / y['cpu_rate']:.2f} per CPU-second"
            )
    return "\n".join(lines)


def main() -> None:
    cores = os.cpu_count() or 1
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="people in the single path")
    parser.add_argument("--months", type=int, default=120)
    parser.add_argument("--threads", type=int, default=cores, help="numba threads, single path")
    parser.add_argument("--no-single", action="store_true", help="skip the single-path cases")
    parser.add_argument("--mc", action="store_true", help="also run the Monte Carlo cases")
    parser.add_argument("--paths", type=int, default=40)
    parser.add_argument("--mc-n", type=int, default=50_000)
    parser.add_argument("--workers", type=int, default=cores)
    parser.add_argument("--mc-threads", type=int, help="numba threads per worker")
    parser.add_argument(
        "--default", action="store_true", help="also run the default scenario at its full size"
    )
    parser.add_argument(
        "--city",
        action="store_true",
        help="issue 26's scale: 1M × 120, the Monte Carlo and the default scenario",
    )
    parser.add_argument(
        "--city-paths",
        type=int,
        default=0,
        help="extrapolate each Monte Carlo case to this many paths",
    )
    parser.add_argument("--json", type=Path, help="write the results here")
    parser.add_argument("--case", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        import sim

        if Path(sim.__file__).resolve().parent.parent != HERE.parent:
            raise SystemExit(f"bench_compare: measuring {sim.__file__}, not {HERE.parent}")
        print(json.dumps(_case(args)))
        return
    if args.city:
        args.mc, args.default = True, True
        args.n, args.months, args.mc_n = 1_000_000, 120, 50_000
        args.city_paths = args.city_paths or 1000
    mc_threads = args.mc_threads or max(1, cores // args.workers)
    cases = [] if args.no_single else [("full", args.threads), ("yardstick", args.threads)]
    if args.mc:
        cases += [("mc-full", mc_threads), ("mc-batched", mc_threads),
                  ("mc-yardstick", mc_threads)]  # fmt: skip
    if args.default:
        cases.append(("default", mc_threads))
    if not cases:
        raise SystemExit("bench_compare: nothing to run (--no-single without --mc)")
    rows = []
    for case, threads in cases:
        rows.append(_spawn(case, args, threads))
        print(f"  done: {case}", file=sys.stderr)
    print(f"{cores} cores; load = the 1-minute load average before–after the case; "
          "bytes/agent = peak resident memory above the warmed-up process, "
          "over N; peak MB = the process's (Monte Carlo: the largest worker's)")  # fmt: skip
    print(_table(rows))
    if args.json:
        args.json.write_text(json.dumps({"cores": cores, "results": rows}, indent=2) + "\n")


if __name__ == "__main__":
    main()
