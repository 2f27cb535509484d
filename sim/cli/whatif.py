"""``hpfsim whatif [SCENARIO] --grid LEVER=V1,V2,... [run's options]``: the what-if page.

Runs every point of the grid over the committee's levers (:mod:`sim.decide.whatif`) with
common random numbers, then writes ``whatif.html`` (:mod:`sim.report.whatif`) and
``whatif.json`` (the same figures, for a script or a test) into the results folder.
"""

from __future__ import annotations

import argparse
import json

from sim.cli.options import add_run_options, checked_sets_of, execute_variants


def whatif(args: argparse.Namespace) -> int:
    from sim.core.months import format_month
    from sim.decide.whatif import (
        figures_of,
        label_of,
        parse_grid,
        points,
        series_of,
        sets_of,
    )
    from sim.engine.runs import Variant
    from sim.report.assumptions import in_force
    from sim.report.whatif import page_data, render_whatif
    from sim.scenario.files import BASELINE, load_scenario

    grid = parse_grid(args.grid)
    sets = checked_sets_of(args)
    _check_grid(args.scenario or str(BASELINE), grid)
    grid_points = points(grid)
    variants = [Variant(label_of(p), {**sets, **sets_of(p)}) for p in grid_points]
    run_dir, runs = execute_variants(args, variants)
    by_point = [runs[v.label] for v in variants]
    scenario_file = args.scenario or str(BASELINE)
    scenario = load_scenario(scenario_file, sets=sets)
    months = len(next(iter(by_point[0].values()))["members"])
    years = [format_month(scenario.start + 12 * k) for k in range(months // 12 + 1)]
    data = page_data(
        grid, [figures_of(r) for r in by_point], [series_of(r) for r in by_point], years
    )
    lever_keys = {lever.key for lever in _levers(grid)}
    assumptions = [a for a in in_force(scenario, sets) if a.key not in lever_keys]
    about = {"n": len(grid_points), "p": len(by_point[0]), "m": months, "s": scenario.name}
    page = render_whatif(run_dir, data, assumptions, about=about)
    (run_dir / "whatif.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    print(f"what-if page: {page} ({len(grid_points)} grid points)")
    return 0


def _check_grid(scenario_file: str, grid) -> None:
    """Each grid value checked as a ``--set`` of its key path, refused naming ``--grid``."""
    from sim.core.errors import InputError
    from sim.decide.whatif import LEVERS
    from sim.scenario.setargs import checked_sets

    for name, values in grid.items():
        for v in values:
            try:
                checked_sets(scenario_file, [f"{LEVERS[name].key}={v!r}"])
            except InputError as exc:
                where = f"--grid {name}={','.join(f'{x:g}' for x in values)}"
                raise InputError(
                    "(command line)", where, exc.problem, allowed=exc.allowed
                ) from None


def _levers(grid):
    from sim.decide.whatif import LEVERS

    return [LEVERS[n] for n in grid]


def add_commands(sub) -> None:
    """Add ``whatif`` to the ``hpfsim`` parser."""
    p = sub.add_parser("whatif", help="a what-if page over the committee's levers (whatif.html)")
    p.add_argument("scenario", nargs="?", help="scenario file (default scenarios/baseline.toml)")
    add_run_options(p)
    p.add_argument(
        "--grid",
        action="append",
        default=[],
        metavar="LEVER=V1,V2,...",
        help="a lever's grid values (rate, bonus, multiple, ceiling, share, cap); "
        "default rate=0.010,0.0125,0.015 bonus=0,200,400 multiple=15,25 "
        "ceiling=500000,800000",
    )
    p.set_defaults(run=whatif)
