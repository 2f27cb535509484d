"""The ``hpfsim sensitivity``, ``hpfsim optimise`` and ``hpfsim compare --robust`` commands.

A thin layer: it reads the command line as ``hpfsim run`` does (``--set`` checked against
the scenario with "did you mean" for a near-miss key path, ``--workers`` 1 or more),
calls :mod:`sim.decide.sensitivity_run`, :mod:`sim.decide.robust` and
:mod:`sim.decide.optimise` under the terminal's progress bar, and prints in ``--lang``
(:mod:`sim.decide.tables`).
``compare --robust --report`` also runs the plain ``compare`` of the same candidates into
``OUT/compare`` and writes its committee report with the robust table in it.
"""

from __future__ import annotations

import argparse
import os
from datetime import UTC, datetime
from pathlib import Path

from sim.cli.options import run_options
from sim.core.errors import InputError
from sim.decide.tables import optimise_text, robust_text, sensitivity_text
from sim.report.terminal import default_lang, progress
from sim.scenario.files import SCENARIO_DIR, load_scenario

DEFAULT_UNCERTAINTY = SCENARIO_DIR / "uncertainty" / "default.toml"
DEFAULT_PROBLEM = SCENARIO_DIR / "uncertainty" / "optimise.toml"


def _common(args: argparse.Namespace, sets: dict | None = None) -> tuple[str, dict, int, int, int]:
    """Scenario file, --set values, paths, seed and workers, as ``hpfsim run`` reads them
    (``sets``: already checked, for ``compare --robust``)."""
    opts = run_options(args, sets)
    base = load_scenario(opts.scenario, sets=opts.sets)
    paths = opts.paths if opts.paths is not None else base.paths
    seed = opts.seed if opts.seed is not None else base.seed
    return opts.scenario, opts.sets, paths, seed, opts.workers


def _lang(args: argparse.Namespace) -> str:
    return args.lang or default_lang()


def _out(args: argparse.Namespace, kind: str) -> Path:
    from sim.engine.results import RESULTS_DIR

    if args.out:
        return Path(args.out)
    return RESULTS_DIR / f"{kind}-{datetime.now(UTC).strftime('%Y%m%d-%H%M%S')}"


def sensitivity(args: argparse.Namespace) -> int:
    """Morris screening or Sobol' indices of the decision figures over an uncertainty file."""
    from sim.decide.sensitivity import METHODS
    from sim.decide.sensitivity_run import run_sensitivity
    from sim.decide.uncertainty import load_uncertainty

    scenario, sets, paths, seed, workers = _common(args)
    if args.method not in METHODS:
        raise InputError("(command line)", "--method", args.method, allowed=" | ".join(METHODS))
    n = args.samples
    if n < 1 or (args.method == "sobol" and (n < 2 or n & (n - 1))):
        allowed = "a power of 2, 2 or more" if args.method == "sobol" else "1 or more"
        raise InputError("(command line)", "--samples", f"{n}", allowed=allowed)
    space = load_uncertainty(args.uncertainty)
    out = _out(args, f"sensitivity-{args.method}")
    with progress("samples") as bar:
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
            progress=bar,
        )
    print(
        sensitivity_text(
            a, paths=paths, file=os.path.relpath(space.path), top=args.top, lang=_lang(args)
        )
    )
    print(f"\nresults: {out}")
    return 0


def robust(args: argparse.Namespace) -> int:
    """``compare --robust``: each candidate over draws of the uncertain inputs (default: the
    committee's grid of holding-subsidy rates); with ``--report`` also the plain compare."""
    from sim.cli.runs import DEFAULT_GRID, compare
    from sim.decide.outputs import objective_of
    from sim.decide.robust import robust_choice
    from sim.decide.runs import run_robust
    from sim.decide.uncertainty import load_uncertainty
    from sim.scenario.setargs import swept_sets

    if args.stress and not args.report:
        raise InputError(
            "(command line)",
            "--stress",
            "with --robust it is only for the report",
            allowed="add --report, or leave --stress out",
        )
    fixed, swept = swept_sets(args.scenario, args.set)
    key, values = swept or ("subsidy.holding_rate", [(f"{r:.3f}", r) for r in DEFAULT_GRID])
    scenario, _, paths, seed, workers = _common(args, fixed)
    if args.draws < 2:
        raise InputError("(command line)", "--draws", f"{args.draws}", allowed="2 or more")
    objective = objective_of(args.objective)
    out = _out(args, "robust")
    with progress("samples") as bar:
        rows = run_robust(
            scenario,
            fixed,
            load_uncertainty(args.uncertainty),
            key=key,
            values=[v for _, v in values],
            draws=args.draws,
            paths=paths,
            seed=seed,
            objective=objective,
            out=out,
            workers=workers,
            dask=args.dask,
            progress=bar,
        )
    print(robust_text(rows, objective, robust_choice(rows)["candidate"], lang=_lang(args)))
    if args.report:
        plain = out / "compare"
        print()
        resume = (plain / "manifest.json").exists()  # the same command again finishes it
        compare(
            argparse.Namespace(**{**vars(args), "out": str(plain), "resume": resume}),
            robust_dir=out,
        )
    print(f"results: {out}")
    return 0


def optimise(args: argparse.Namespace) -> int:
    """Choose the levers that maximise the objective under the chance constraints."""
    from dataclasses import replace

    from sim.decide.optimise import load_problem
    from sim.decide.outputs import objective_of
    from sim.decide.runs import run_optimise
    from sim.decide.uncertainty import load_uncertainty

    scenario, sets, paths, seed, workers = _common(args)
    problem = load_problem(args.problem)
    if args.objective:
        problem = replace(problem, objective=objective_of(args.objective))
    if args.draws:
        problem = replace(problem, draws=args.draws)
    levers = [k.strip() for k in args.levers.split(",")]
    for k in levers:
        if k not in problem.levers:
            raise InputError(
                problem.path,
                f"levers.{k}",
                "not a lever of this file",
                allowed=", ".join(problem.levers),
            )
    if args.points < 2 or args.rounds < 1:
        raise InputError(
            "(command line)",
            "--points/--rounds",
            "too small",
            allowed="--points 2 or more, --rounds 1 or more",
        )
    out = _out(args, "optimise")
    with progress("samples") as bar:
        scored, sure, rows = run_optimise(
            scenario,
            sets,
            load_uncertainty(args.uncertainty),
            problem,
            levers=levers,
            paths=paths,
            seed=seed,
            out=out,
            points=args.points,
            rounds=args.rounds,
            workers=workers,
            dask=args.dask,
            progress=bar,
        )
    print(optimise_text(scored, sure, rows, problem, levers, paths=paths, lang=_lang(args)))
    print(f"results: {out} (pareto.csv, pareto.png)")
    return 0


def add_commands(sub) -> None:
    """Register the decision commands on the ``hpfsim`` parser."""
    from sim.cli.options import add_run_options

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
    add_run_options(sa)
    sa.set_defaults(run=sensitivity)

    cmp_ = sub.choices["compare"]
    plain = cmp_.get_default("run")
    cmp_.add_argument(
        "--robust",
        action="store_true",
        help="judge each value over draws of the uncertain inputs (regret, limits); with "
        "--report also run the plain compare into OUT/compare and write its report with the "
        "robust table",
    )
    cmp_.add_argument("--draws", type=int, default=16, help="--robust: draws of the inputs")
    cmp_.add_argument(
        "--uncertainty", default=str(DEFAULT_UNCERTAINTY), help="--robust: uncertainty file"
    )
    cmp_.add_argument(
        "--objective",
        default="segment_margin",
        help="--robust: what 'best' means (segment_margin, deposits_per_subsidy, "
        "members_per_subsidy)",
    )
    cmp_.set_defaults(run=lambda a: robust(a) if a.robust else plain(a))

    op = sub.add_parser(
        "optimise", help="the levers that maximise an objective under chance constraints"
    )
    op.add_argument("scenario", nargs="?", help="scenario file (default scenarios/baseline.toml)")
    op.add_argument(
        "--problem",
        default=str(DEFAULT_PROBLEM),
        help="levers, objective and constraints (scenarios/uncertainty/optimise.toml)",
    )
    op.add_argument(
        "--levers",
        default="subsidy.holding_rate",
        help="comma-separated levers of the problem file to move",
    )
    op.add_argument("--objective", help="override the problem file's objective")
    op.add_argument("--draws", type=int, help="override the problem file's draws")
    op.add_argument("--points", type=int, default=6, help="candidates per round")
    op.add_argument("--rounds", type=int, default=3, help="rounds of the shrinking search")
    op.add_argument("--uncertainty", default=str(DEFAULT_UNCERTAINTY), help="uncertainty file")
    add_run_options(op)
    op.set_defaults(run=optimise)
