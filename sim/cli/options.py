"""The options every command that runs the simulator takes, parsed one way.

``--paths``, ``--seed``, ``--workers``, ``--lang``, ``--out``, ``--set`` and ``--dask`` mean the
same in ``run``, ``compare``, ``stress``, ``reverse-stress``, ``sensitivity`` and ``optimise``:
:func:`add_run_options` declares them and :func:`execute_variants` turns them into a run.
"""

from __future__ import annotations

import argparse

from sim.report.terminal import LANGS, default_lang, progress


def add_run_options(p: argparse.ArgumentParser) -> None:
    """Declare the options every simulating command shares."""
    p.add_argument("--paths", type=int, help="Monte Carlo paths (default: the scenario's)")
    p.add_argument("--seed", type=int, help="root seed (default: the scenario's)")
    p.add_argument("--workers", type=int, default=None, help="worker processes (default: cores)")
    p.add_argument("--lang", choices=LANGS, default=None,
                   help="language of tables and report (default: from the locale)")  # fmt: skip
    p.add_argument("--out", help="results folder (default: results/<run-id>)")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                   help="override a scenario or policy key path")  # fmt: skip
    p.add_argument("--dask", metavar="ADDRESS", help="Dask scheduler address, or local")


def execute_variants(args: argparse.Namespace, variants) -> tuple:
    """Run the variants with the command line's paths, seed, workers, folder and executor."""
    from sim.engine.runs import execute
    from sim.scenario.files import BASELINE
    from sim.scenario.setargs import checked_runs, checked_workers

    checked_runs(args.paths, args.seed)
    scenario = getattr(args, "scenario", None) or str(BASELINE)
    for v in variants:
        if args.paths is not None:
            v.sets["montecarlo.paths"] = args.paths
        if args.seed is not None:
            v.sets["montecarlo.seed"] = args.seed
    workers = checked_workers(args.workers)
    with progress("paths") as bar:
        return execute(scenario, variants, out=args.out, workers=workers, dask=args.dask,
                       resume=getattr(args, "resume", False), progress=bar)  # fmt: skip


def checked_sets_of(args: argparse.Namespace) -> dict:
    """The ``--set`` values, checked against the scenario (or the baseline)."""
    from sim.scenario.files import BASELINE
    from sim.scenario.setargs import checked_sets

    scenario = getattr(args, "scenario", None) or str(BASELINE)
    return checked_sets(scenario, args.set)


def lang_of(args: argparse.Namespace) -> str:
    """``--lang``, or the locale's language."""
    return getattr(args, "lang", None) or default_lang()
