"""The options every command that runs the simulator takes, parsed one way.

``--paths``, ``--seed``, ``--workers``, ``--lang``, ``--out``, ``--set`` and ``--dask`` mean the
same in ``run``, ``compare``, ``stress``, ``reverse-stress``, ``sensitivity`` and ``optimise``:
:func:`add_run_options` declares them and :func:`execute_variants` turns them into a run.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass

from sim.report.terminal import LANGS, default_lang, progress


@dataclass(frozen=True)
class RunOptions:
    """The shared options of one command line, checked once."""

    scenario: str
    """The scenario file (the baseline when none is given)."""
    sets: dict
    """``--set`` values, checked against the scenario file."""
    workers: int
    paths: int | None
    """``--paths`` as given (None: the scenario's own)."""
    seed: int | None
    lang: str

    def sets_with_runs(self) -> dict:
        """``--set`` values with ``--paths`` and ``--seed`` folded in as key paths."""
        runs = {"montecarlo.paths": self.paths, "montecarlo.seed": self.seed}
        return self.sets | {k: v for k, v in runs.items() if v is not None}


def run_options(args: argparse.Namespace, sets: dict | None = None) -> RunOptions:
    """Check ``--paths``/``--seed``, the scenario with its ``--set`` values (``sets``: already
    checked) and ``--workers``, each refused in one line naming the option."""
    from sim.scenario.files import BASELINE
    from sim.scenario.setargs import checked_runs, checked_sets, checked_workers

    checked_runs(args.paths, args.seed)
    scenario = getattr(args, "scenario", None) or str(BASELINE)
    if sets is None:
        sets = checked_sets(scenario, args.set)
    workers = checked_workers(args.workers)
    return RunOptions(scenario, sets, workers, args.paths, args.seed, lang_of(args))


def add_run_options(p: argparse.ArgumentParser) -> None:
    """Declare the options every simulating command shares."""
    p.add_argument("--paths", type=int, help="Monte Carlo paths (default: the scenario's)")
    p.add_argument("--seed", type=int, help="root seed (default: the scenario's)")
    p.add_argument("--workers", type=int, default=None, help="worker processes (default: cores)")
    p.add_argument(
        "--lang",
        choices=LANGS,
        default=None,
        help="language of tables and report (default: from the locale)",
    )
    p.add_argument("--out", help="results folder (default: results/<run-id>)")
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a scenario or policy key path",
    )
    p.add_argument("--dask", metavar="ADDRESS", help="Dask scheduler address, or local")
    p.add_argument(
        "--force", action="store_true", help="run even if the memory estimate exceeds the machine's"
    )


def execute_variants(args: argparse.Namespace, variants) -> tuple:
    """Run the variants with the command line's paths, seed, workers, folder and executor."""
    from sim.engine.runs import execute

    opts = run_options(args, sets={})  # the variants carry their own checked --set values
    for v in variants:
        v.sets.update(opts.sets_with_runs())
    with progress("paths") as bar:
        resume = getattr(args, "resume", False)
        return execute(
            opts.scenario,
            variants,
            out=args.out,
            workers=opts.workers,
            dask=args.dask,
            resume=resume,
            progress=bar,
            force=getattr(args, "force", False),
        )


def checked_sets_of(args: argparse.Namespace) -> dict:
    """The ``--set`` values, checked against the scenario (or the baseline)."""
    from sim.scenario.files import BASELINE
    from sim.scenario.setargs import checked_sets

    scenario = getattr(args, "scenario", None) or str(BASELINE)
    return checked_sets(scenario, args.set)


def lang_of(args: argparse.Namespace) -> str:
    """``--lang``, or the locale's language."""
    return getattr(args, "lang", None) or default_lang()
