"""``hpfsim run``, ``compare`` and ``report``: project, compare rates, write the report.

- ``hpfsim run [SCENARIO] [--paths N] [--seed S] [--workers W] [--out DIR] [--set KEY=VALUE ...]
  [--resume] [--dask ADDRESS] [--book DIR]``: project the fund over many paths (no SCENARIO:
  ``scenarios/baseline.toml``); writes a results folder and prints a summary table.
- ``hpfsim compare SCENARIO --set subsidy.holding_rate=0.010,0.012,0.015 [--report]``: one
  scenario per value, common random numbers, paired differences against the first value.
- ``hpfsim compare scenarios/designs.toml --designs [--report]``: every design of
  ``scenarios/policies/`` (``--set policy.id=lyg-2023,suzhou-2025,...`` alike), the designs'
  table and, with ``--report``, ``designs.html`` (:mod:`sim.report.designs`).
- ``hpfsim report RUN_DIR``: the committee's HTML report of a compare run (of a designs run:
  designs.html).
"""

from __future__ import annotations

import argparse

from sim.cli.options import add_run_options, checked_sets_of, execute_variants, lang_of
from sim.core.errors import InputError
from sim.report.terminal import LANGS

DEFAULT_GRID = (0.010, 0.011, 0.012, 0.013, 0.014, 0.015)
"""Holding-subsidy rates the committee compares by default (A §3(5)2: 1%–1.5%)."""


def _resumed(args: argparse.Namespace) -> list:
    """``--resume`` with no scenario and no ``--set``: both come from the folder's manifest."""
    from sim.engine.results import read_manifest
    from sim.engine.runs import Variant

    if not args.out:
        raise InputError("(command line)", "--resume", "needs --out DIR (the run to finish)")
    from pathlib import Path

    if not (Path(args.out) / "manifest.json").exists():
        raise InputError(args.out, "manifest.json", "no run to resume here")
    manifest = read_manifest(Path(args.out))
    args.scenario = manifest["scenario_file"]
    return [Variant(v["label"], dict(v["sets"])) for v in manifest["variants"]]


def project(args: argparse.Namespace) -> int:
    from sim.engine.runs import Variant

    if args.resume and not args.scenario and not args.set and not args.book:
        variants = _resumed(args)
    else:
        sets = checked_sets_of(args) | ({"book": args.book} if args.book else {})
        variants = [Variant("baseline" if not args.scenario else _label(args.scenario), sets)]
    run_dir, runs = execute_variants(args, variants)
    from sim.report.reserve_funding import reserve_funding_table
    from sim.report.tables import summary_table
    from sim.scenario.files import BASELINE, load_scenario

    print(summary_table(runs, lang=lang_of(args)))
    from sim.report.liquidity import liquidity_table

    print(f"\n{liquidity_table(runs, lang=lang_of(args))}")
    print()
    scenario = load_scenario(args.scenario or str(BASELINE), sets=variants[0].sets)
    print(reserve_funding_table(runs[variants[0].label], scenario, lang=lang_of(args)))
    print(f"results: {run_dir}")
    return 0


def _label(path: str) -> str:
    from pathlib import Path

    return Path(path).stem


def compare(args: argparse.Namespace, *, robust_dir=None) -> int:
    """One run per value of the swept ``--set``; with ``robust_dir`` (``compare --robust
    --report``) the report carries that folder's robust table."""
    from sim.engine.runs import Variant
    from sim.scenario.files import BASELINE
    from sim.scenario.setargs import swept_sets

    designs = getattr(args, "designs", False)
    if designs or any(s.startswith("policy.id=") and "," in s for s in args.set):
        _one_policy(args.scenario or str(BASELINE), {})  # before any design is loaded on it
    if designs:
        args.set = [*args.set, "policy.id=" + ",".join(design_ids())]
    sets, swept = swept_sets(args.scenario or str(BASELINE), args.set)
    if not swept:
        if not args.report:
            raise InputError(
                "(command line)",
                "--set",
                "compare needs KEY=V1,V2,...",
                allowed="e.g. subsidy.holding_rate=0.010,0.012,0.015",
            )
        swept = ("subsidy.holding_rate", [(f"{r:.3f}", r) for r in DEFAULT_GRID])
    key, values = swept
    if args.stress:
        from sim.core.months import format_month
        from sim.scenario.files import load_scenario
        from sim.scenario.stress_files import load_stress, stress_path

        path = str(stress_path(args.stress).resolve())
        start = load_scenario(args.scenario or str(BASELINE), sets=sets).start
        first = min(s.start for s in load_stress(path, start=start).shocks)
        sets = {**sets, "stress.window_start": format_month(first)}  # the same loan cohort
    variants = [Variant(f"{key}={text}", {**sets, key: v}) for text, v in values]
    if args.stress:
        variants += [Variant(v.label + "|stress", {**v.sets, "stress": path}) for v in variants]
    run_dir, runs = execute_variants(args, variants)
    base = {k: v for k, v in runs.items() if not k.endswith("|stress")}
    from sim.report.tables import paired_table, summary_table

    print(summary_table(base, lang=lang_of(args)))
    print()
    print(paired_table(base, lang=lang_of(args)))
    from sim.report.liquidity import liquidity_table

    print(f"\n{liquidity_table(base, lang=lang_of(args))}")
    if key == "policy.id":
        return _designs(args, run_dir, base)
    if key == "subsidy.holding_rate":
        from sim.report.committee import decision_table, summary_numbers, summary_text
        from sim.scenario.files import load_scenario

        scenario = load_scenario(args.scenario or str(BASELINE), sets=variants[0].sets)
        rows = decision_table(runs, scenario.pool.fund, start=scenario.start)
        stress = _label(args.stress) if args.stress else None
        print()
        print(summary_text(summary_numbers(rows), lang_of(args), stress))
    if args.report:
        from sim.report.html import render_reports

        for out in render_reports(run_dir, lang=args.lang, robust_dir=robust_dir):
            print(f"report: {out}")
    print(f"results: {run_dir}")
    return 0


def _one_policy(scenario_file: str, sets: dict) -> None:
    """A design comparison runs one policy for the whole run: refuse a scenario that
    switches policy (it would switch every design to the same one) before anything runs."""
    from sim.scenario.files import load_scenario

    if load_scenario(scenario_file, sets=sets).switch_policy is not None:
        raise InputError(
            scenario_file,
            "policy.switch_to",
            "comparing designs needs one policy for the whole run",
            allowed="a scenario with no switch, e.g. scenarios/designs.toml",
        )


def design_ids() -> list[str]:
    """``--designs``: Lianyungang's two documents first, then every other design file."""
    from sim.fund.policy import POLICY_DIR

    others = sorted(f.stem for f in POLICY_DIR.glob("*.toml") if not f.stem.startswith("lyg-"))
    return ["lyg-2023", "lyg-draft", *others]


def _designs(args: argparse.Namespace, run_dir, runs) -> int:
    """The designs' table (Markdown) and, with ``--report``, designs.html and designs.en.html."""
    from sim.engine.results import read_manifest
    from sim.report.designs import design_rows, markdown_table, render_designs

    lang = lang_of(args)
    print()
    print(markdown_table(design_rows(runs), lang))
    if args.report:
        manifest = read_manifest(run_dir)
        for each in ("zh", "en"):
            print(f"report: {render_designs(run_dir, runs, manifest, lang=each)}")
    print(f"results: {run_dir}")
    return 0


def report(args: argparse.Namespace) -> int:
    from sim.report.html import render_reports

    if args.sensitivity and not args.robust:
        raise InputError(
            "(command line)",
            "--sensitivity",
            "given without --robust",
            allowed="--robust DIR --sensitivity DIR",
        )
    designs = _designs_run(args.run_dir)
    if designs is not None:
        from sim.report.designs import render_designs

        manifest, runs = designs
        print(f"report: {render_designs(args.run_dir, runs, manifest, lang=args.lang)}")
        return 0
    for out in render_reports(
        args.run_dir, lang=args.lang, robust_dir=args.robust, sensitivity_dir=args.sensitivity
    ):
        print(f"report: {out}")
    return 0


def _designs_run(run_dir):
    """The manifest and runs of a complete compare over ``policy.id`` (a designs run), else
    None."""
    from pathlib import Path

    from sim.engine.results import load_paths, read_manifest

    if not (Path(run_dir) / "manifest.json").exists():
        return None
    manifest = read_manifest(Path(run_dir))
    labels = [v["label"] for v in manifest["variants"]]
    if not manifest.get("complete") or not all(x.startswith("policy.id=") for x in labels):
        return None
    return manifest, {x: load_paths(Path(run_dir), x) for x in labels}


def add_commands(sub) -> None:
    """Add ``run``, ``compare`` and ``report`` to the ``hpfsim`` parser."""
    run = sub.add_parser("run", help="project the fund over many paths (default: the baseline)")
    run.add_argument("scenario", nargs="?", help="scenario file (default scenarios/baseline.toml)")
    add_run_options(run)
    run.add_argument(
        "--resume",
        action="store_true",
        help="finish the run in --out (scenario and --set from its manifest)",
    )
    run.add_argument("--book", help="project from a book's date (a folder; see hpfsim book)")
    run.set_defaults(run=project)

    cmp_ = sub.add_parser("compare", help="one scenario per value of a swept --set, paired")
    cmp_.add_argument("scenario", help="scenario file")
    add_run_options(cmp_)
    cmp_.add_argument("--stress", help="also run every value under this stress (for the report)")
    cmp_.add_argument(
        "--report",
        action="store_true",
        help="write report.html (Chinese; with --lang en also report.en.html)",
    )
    cmp_.add_argument(
        "--designs",
        action="store_true",
        help="compare every design of scenarios/policies/ (sets policy.id)",
    )
    cmp_.set_defaults(run=compare)

    rep = sub.add_parser("report", help="the committee's HTML report of a compare run")
    rep.add_argument("run_dir", help="a results folder made by hpfsim compare")
    rep.add_argument(
        "--lang",
        default="zh",
        choices=LANGS,
        help="report.html (Chinese) always; en: report.en.html too",
    )
    rep.add_argument("--robust", help="a compare --robust folder: add the robust rate table")
    rep.add_argument("--sensitivity", help="with --robust: an hpfsim sensitivity folder")
    rep.set_defaults(run=report)
