"""The ``hpfsim sensitivity``, ``hpfsim optimise`` and ``hpfsim compare --robust`` commands.

A thin layer: it reads the command line, calls :mod:`sim.sensitivity_run`,
:mod:`sim.robust` and :mod:`sim.optimise`, and prints. All printing goes
through :func:`show` and :func:`progress`, so the terminal helpers can take
them over in one place.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from sim.decision_outputs import OUTPUTS
from sim.errors import InputError
from sim.results import RESULTS_DIR
from sim.scenario import BASELINE, load_scenario, parse_set
from sim.sensitivity import METHODS, ranking
from sim.uncertainty import DEFAULT_UNCERTAINTY, load_uncertainty


def show(text: str = "") -> None:
    """Print a line of a command's result."""
    print(text)


def progress(done: int, total: int) -> None:
    """A progress bar on the terminal (nothing when the output is not a terminal)."""
    if sys.stderr.isatty() and total:
        bar = "#" * int(30 * done / total)
        print(f"\r[{bar:<30}] {done}/{total} runs", end="", file=sys.stderr, flush=True)
        if done == total:
            print(file=sys.stderr)


def _common(args: argparse.Namespace) -> tuple[str, dict, int, int, int]:
    """Scenario file, --set values, paths, seed and workers, as ``hpfsim run`` reads them."""
    from sim.montecarlo import default_workers

    scenario = getattr(args, "scenario", None) or str(BASELINE)
    sets = dict(parse_set(s) for s in args.set)
    base = load_scenario(scenario, sets=sets)
    workers = args.workers or default_workers()
    if workers < 1:
        raise InputError("(command line)", "--workers", f"{workers}", allowed="1 or more")
    paths = args.paths if args.paths is not None else base.paths
    if paths < 1:
        raise InputError("(command line)", "--paths", f"{paths}", allowed="1 or more")
    seed = args.seed if args.seed is not None else base.seed
    return scenario, sets, paths, seed, workers


def _out(args: argparse.Namespace, kind: str) -> Path:
    if args.out:
        return Path(args.out)
    return RESULTS_DIR / f"{kind}-{datetime.now(UTC).strftime('%Y%m%d-%H%M%S')}"


def fmt(x: float) -> str:
    """A number for a table: thousands separators for big ones, 3 significant digits else."""
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    return f"{x:.3g}"


def sensitivity(args: argparse.Namespace) -> int:
    """Morris screening or Sobol' indices of the decision figures over an uncertainty file."""
    from sim.sensitivity_run import run_sensitivity

    scenario, sets, paths, seed, workers = _common(args)
    if args.method not in METHODS:
        raise InputError("(command line)", "--method", args.method, allowed=" | ".join(METHODS))
    space = load_uncertainty(args.uncertainty)
    out = _out(args, f"sensitivity-{args.method}")
    a = run_sensitivity(
        scenario,
        sets,
        space,
        method=args.method,
        samples=args.samples,
        paths=paths,
        seed=seed,
        out=out,
        workers=workers,
        dask=args.dask,
        resume=args.resume,
        screen=Path(args.screen) if args.screen else None,
        screen_samples=args.screen_samples,
        progress=progress,
    )
    key, conf = ("mu_star", "mu_star_conf") if a.method == "morris" else ("ST", "ST_conf")
    show(
        f"{a.method}: {len(a.values)} samples x {paths} paths over {len(a.space.names)} "
        f"parameters of {space.path}"
    )
    for name in a.outputs:
        if not any(r[key] for r in a.rows if r["output"] == name):
            show(f"\n{OUTPUTS[name].en}: the same in every sample")
            continue
        show(f"\n{OUTPUTS[name].en}: most influential ({key} ± 95% interval)")
        for r in ranking(a.rows, name)[: args.top]:
            extra = f"  S1 {r['S1']:.2f}" if a.method == "sobol" else f"  σ {fmt(r['sigma'])}"
            show(f"  {r['parameter']:45} {fmt(r[key]):>14} ± {fmt(r[conf]):<10}{extra}")
    show(f"\nresults: {out}")
    return 0


def add_commands(sub) -> None:
    """Register the decision commands on the ``hpfsim`` parser."""
    from sim.cli import _run_args

    sa = sub.add_parser("sensitivity", help="which uncertain inputs move the decision figures")
    sa.add_argument("scenario", nargs="?", help="scenario file (default scenarios/baseline.toml)")
    sa.add_argument("--method", default="morris", help="morris (screening) or sobol (indices)")
    sa.add_argument(
        "--samples",
        type=int,
        default=10,
        help="Morris trajectories, or the Sobol' base sample N (a power of 2)",
    )
    sa.add_argument(
        "--uncertainty",
        default=str(DEFAULT_UNCERTAINTY),
        help="uncertainty file (default scenarios/uncertainty/default.toml)",
    )
    sa.add_argument("--screen", help="Sobol': a Morris run's folder whose kept inputs to use")
    sa.add_argument(
        "--screen-samples",
        type=int,
        default=10,
        help="Sobol' without --screen: Morris trajectories of the screen run first",
    )
    sa.add_argument("--top", type=int, default=6, help="parameters shown per output")
    sa.add_argument("--resume", action="store_true", help="finish the run in --out")
    _run_args(sa)
    sa.set_defaults(run=sensitivity)
