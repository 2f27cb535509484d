"""The ``hpfsim sensitivity``, ``hpfsim optimise`` and ``hpfsim compare --robust`` commands.

A thin layer: it reads the command line, calls :mod:`sim.sensitivity_run`,
:mod:`sim.robust` and :mod:`sim.optimise`, and prints. All printing goes
through :func:`show` and :func:`progress`, so the terminal helpers can take
them over in one place.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

from sim.errors import InputError
from sim.scenario import BASELINE, SCENARIO_DIR, load_scenario, parse_set

DEFAULT_UNCERTAINTY = SCENARIO_DIR / "uncertainty" / "default.toml"
DEFAULT_PROBLEM = SCENARIO_DIR / "uncertainty" / "optimise.toml"


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
    from sim.results import RESULTS_DIR

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
    from sim.decision_outputs import OUTPUTS
    from sim.sensitivity import METHODS, ranking
    from sim.sensitivity_run import run_sensitivity
    from sim.uncertainty import load_uncertainty

    scenario, sets, paths, seed, workers = _common(args)
    if args.method not in METHODS:
        raise InputError("(command line)", "--method", args.method, allowed=" | ".join(METHODS))
    n = args.samples
    if n < 1 or (args.method == "sobol" and (n < 2 or n & (n - 1))):
        allowed = "a power of 2, 2 or more" if args.method == "sobol" else "1 or more"
        raise InputError("(command line)", "--samples", f"{n}", allowed=allowed)
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
        f"parameters of {os.path.relpath(space.path)}"
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


def _swept(args: argparse.Namespace) -> tuple[dict, str, list]:
    """compare's ``--set``: fixed values, and the one key given several values (the
    candidates; default the committee's grid of holding-subsidy rates)."""
    from sim.cli import DEFAULT_GRID

    fixed, swept = {}, None
    for text in args.set:
        key, _, raw = text.partition("=")
        if "," in raw:
            if swept:
                raise InputError("(command line)", key, "only one --set may list several values")
            swept = (key.strip(), [parse_set(f"{key}={v.strip()}")[1] for v in raw.split(",")])
        else:
            fixed.update([parse_set(text)])
    return fixed, *(swept or ("subsidy.holding_rate", list(DEFAULT_GRID)))


def robust(args: argparse.Namespace) -> int:
    """``compare --robust``: each candidate over draws of the uncertain inputs."""
    from sim.decision_outputs import LIMITS, objective_of
    from sim.decision_runs import run_robust
    from sim.robust import robust_choice
    from sim.uncertainty import load_uncertainty

    fixed, key, values = _swept(args)
    scenario, _, paths, seed, workers = _common(argparse.Namespace(**{**vars(args), "set": []}))
    load_scenario(scenario, sets=fixed)
    if args.draws < 2:
        raise InputError("(command line)", "--draws", f"{args.draws}", allowed="2 or more")
    objective = objective_of(args.objective)
    out = _out(args, "robust")
    rows = run_robust(
        scenario,
        fixed,
        load_uncertainty(args.uncertainty),
        key=key,
        values=values,
        draws=args.draws,
        paths=paths,
        seed=seed,
        objective=objective,
        out=out,
        workers=workers,
        dask=args.dask,
        progress=progress,
    )
    show(robust_table(rows, objective.en))
    choice = robust_choice(rows)
    show(
        f"\nleast worst-case regret with every limit holding in 95% of draws: {choice['candidate']}"
    )
    show("limits: " + "; ".join(lim.en for lim in LIMITS.values()))
    show(f"results: {out}")
    return 0


def robust_table(rows: list[dict], objective: str) -> str:
    """The robust table as aligned text: median (5%-95%) across draws, regret, limits."""
    head = (
        f"{'candidate':28}{'subsidy cost':>30}{'deposits':>34}{'objective':>12}"
        f"{'regret mean/max':>22}{'best':>6}"
    )
    holds = [k for k in rows[0] if k.startswith("holds.")]
    lines = [
        f"objective: {objective}; cost and deposits: median (5%-95%) across draws; "
        "best: share of draws; limits: share of draws holding on every path",
        head + "".join(f"{k[6:]:>17}" for k in holds),
    ]
    for r in rows:
        cells = [f"{r['candidate']:28}"]
        for name, width in (("subsidy_cost", 30), ("deposits", 34)):
            cell = f"{fmt(r[name + '.p50'])} ({fmt(r[name + '.p05'])}-{fmt(r[name + '.p95'])})"
            cells.append(f"{cell:>{width}}")
        cells.append(f"{fmt(r['objective.mean']):>12}")
        cells.append(f"{fmt(r['regret.mean']) + ' / ' + fmt(r['regret.max']):>22}")
        cells.append(f"{r['share_best']:>6.0%}")
        cells += [f"{r[k]:>17.0%}" for k in holds]
        lines.append("".join(cells))
    return "\n".join(lines)


def optimise(args: argparse.Namespace) -> int:
    """Choose the levers that maximise the objective under the chance constraints."""
    from dataclasses import replace

    from sim.decision_outputs import objective_of
    from sim.decision_runs import run_optimise
    from sim.optimise import load_problem
    from sim.uncertainty import load_uncertainty

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
        progress=progress,
    )
    best = scored.best
    setting = ", ".join(
        f"{k} = {fmt(x)}" for k, x in zip(levers, scored.settings[best], strict=True)
    )
    lo, hi = sure["objective_interval"]
    show(
        f"best: {setting}"
        + ("" if scored.feasible[best] else "  (NO candidate meets every constraint: least breach)")
    )
    share = sure["share_still_best"]
    stays = f"; still best in {share:.0%} of resampled draws" if share == share else ""
    show(
        f"  {problem.objective.en}: {fmt(scored.objective[best])} "
        f"(90% interval over draws {fmt(lo)}-{fmt(hi)}){stays}"
    )
    for c, p, (a, b) in zip(
        problem.constraints, scored.probability[best], sure["constraint_intervals"], strict=True
    ):
        show(f"  {c.describe():45} P = {p:.1%} (90% interval {a:.1%}-{b:.1%})")
    show(
        f"{len(rows)} candidates x {problem.draws} draws x {paths} paths; "
        f"Pareto front (cost vs deposits): {sum(r['pareto'] for r in rows)} candidates"
        + ("" if scored.feasible.any() else " (over all candidates: none is feasible)")
    )
    show(f"results: {out} (pareto.csv, pareto.png)")
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

    cmp_ = sub.choices["compare"]
    plain = cmp_.get_default("run")
    cmp_.add_argument(
        "--robust",
        action="store_true",
        help="judge each value over draws of the uncertain inputs (regret, limits)",
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
    _run_args(op)
    op.set_defaults(run=optimise)
