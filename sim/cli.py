"""The ``hpfsim`` command (also ``python -m sim``).

Subcommands:

- ``hpfsim run [SCENARIO] [--paths N] [--seed S] [--workers W] [--out DIR]
  [--set KEY=VALUE ...] [--resume] [--dask ADDRESS]``: project the fund over
  many paths (no SCENARIO: ``scenarios/baseline.toml``); writes a results
  folder and prints a summary table.
- ``hpfsim compare SCENARIO --set subsidy.holding_rate=0.010,0.012,0.015``:
  one scenario per value, common random numbers, paired differences against
  the first value.
- ``hpfsim account CASE.toml [--json | --csv] [--check]``: replay one person's
  events and print their monthly statement (the account calculator).
- ``hpfsim assumptions [POLICY ...]``: list every parameter whose value is an
  assumption rather than a published number, as a Markdown table.
- ``hpfsim calibrate`` (``sim.agents_commands``): run the engine's month and print each calibration
  moment beside its target; ``hpfsim calibrate --fit`` estimates the behaviour
  parameters against them and writes the calibrated population file.
- ``hpfsim response --rates 0.010,0.015``: the same people under each
  holding-subsidy rate and each setting of the rate response (common random
  numbers): members, deposits, subsidy cost, cost per extra yuan deposited.

Bad input prints one line naming the file, the key and what is allowed, and
exits with status 2; no traceback. A ``--set`` that is wrong is named as the
``--set`` argument (with "did you mean" for a near-miss key path), after the
scenario file itself has been checked whole. Tables come in ``--lang zh|en``
(default from the locale); long commands draw a progress bar on a terminal
(never into a pipe); a reader closing the pipe early (``| head``) ends the
command quietly.
"""

from __future__ import annotations

import argparse
import sys

from sim import __version__
from sim.errors import InputError
from sim.terminal import LANGS, default_lang, progress, quiet_pipe


def _account(args: argparse.Namespace) -> int:
    import os

    if "numba" not in sys.modules:
        # one account: the ledger's kernels run as plain Python, faster than loading them
        os.environ.setdefault("NUMBA_DISABLE_JIT", "1")
    from sim.account import check_expected, load_case, replay, to_csv, to_json, to_text

    case = load_case(args.case)
    statement = replay(case)
    render = to_json if args.json else to_csv if args.csv else to_text
    print(render(statement))
    if args.trace and not (args.json or args.csv):
        from sim.account_trace import to_text as trace_text

        print()
        print(trace_text(statement))
    if args.check:
        problems = check_expected(case, statement)
        for p in problems:
            print(f"MISMATCH {p}", file=sys.stderr)
        if problems:
            return 1
        count = sum(len(v) for v in case.expected.values())
        print(f"all {count} hand-worked figures match", file=sys.stderr)
    return 0


def _assumptions(args: argparse.Namespace) -> int:
    from sim.fund.policy import load_policy

    print(assumptions_table(load_policy(p) for p in args.policies))
    return 0


DEFAULT_GRID = (0.010, 0.011, 0.012, 0.013, 0.014, 0.015)
"""Holding-subsidy rates the committee compares by default (A §3(5)2: 1%–1.5%)."""


def _run_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--paths", type=int, help="Monte Carlo paths (default: the scenario's)")
    p.add_argument("--seed", type=int, help="root seed (default: the scenario's)")
    p.add_argument("--workers", type=int, default=None, help="worker processes (default: cores)")
    p.add_argument("--lang", choices=LANGS, default=None,
                   help="language of tables and report (default: from the locale)")  # fmt: skip
    p.add_argument("--out", help="results folder (default: results/<run-id>)")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                   help="override a scenario or policy key path")  # fmt: skip
    p.add_argument("--dask", metavar="ADDRESS", help="Dask scheduler address, or local")


def _execute(args: argparse.Namespace, variants) -> tuple:
    from sim.runs import execute
    from sim.scenario import BASELINE
    from sim.setargs import checked_runs, checked_workers

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


def _sets(args: argparse.Namespace) -> dict:
    from sim.scenario import BASELINE
    from sim.setargs import checked_sets

    scenario = getattr(args, "scenario", None) or str(BASELINE)
    return checked_sets(scenario, args.set)


def _lang(args: argparse.Namespace) -> str:
    return getattr(args, "lang", None) or default_lang()


def _resumed(args: argparse.Namespace) -> list:
    """``--resume`` with no scenario and no ``--set``: both come from the folder's manifest."""
    from sim.results import read_manifest
    from sim.runs import Variant

    if not args.out:
        raise InputError("(command line)", "--resume", "needs --out DIR (the run to finish)")
    from pathlib import Path

    if not (Path(args.out) / "manifest.json").exists():
        raise InputError(args.out, "manifest.json", "no run to resume here")
    manifest = read_manifest(Path(args.out))
    args.scenario = manifest["scenario_file"]
    return [Variant(v["label"], dict(v["sets"])) for v in manifest["variants"]]


def _run(args: argparse.Namespace) -> int:
    from sim.runs import Variant

    if args.resume and not args.scenario and not args.set and not args.book:
        variants = _resumed(args)
    else:
        sets = _sets(args) | ({"book": args.book} if args.book else {})
        variants = [Variant("baseline" if not args.scenario else _label(args.scenario),
                            sets)]  # fmt: skip
    run_dir, runs = _execute(args, variants)
    from sim.report.tables import summary_table

    print(summary_table(runs, lang=_lang(args)))
    print(f"results: {run_dir}")
    return 0


def _label(path: str) -> str:
    from pathlib import Path

    return Path(path).stem


def _compare(args: argparse.Namespace, *, robust_dir=None) -> int:
    """One run per value of the swept ``--set``; with ``robust_dir`` (``compare --robust
    --report``) the report carries that folder's robust table."""
    from sim.runs import Variant
    from sim.scenario import BASELINE
    from sim.setargs import swept_sets

    sets, swept = swept_sets(args.scenario or str(BASELINE), args.set)
    if not swept:
        if not args.report:
            raise InputError("(command line)", "--set", "compare needs KEY=V1,V2,...",
                             allowed="e.g. subsidy.holding_rate=0.010,0.012,0.015")  # fmt: skip
        swept = ("subsidy.holding_rate", [(f"{r:.3f}", r) for r in DEFAULT_GRID])
    key, values = swept
    variants = [Variant(f"{key}={text}", {**sets, key: v}) for text, v in values]
    if args.stress:
        from sim.stress import stress_path

        path = str(stress_path(args.stress).resolve())
        variants += [Variant(v.label + "|stress", {**v.sets, "stress": path}) for v in variants]
    run_dir, runs = _execute(args, variants)
    base = {k: v for k, v in runs.items() if not k.endswith("|stress")}
    from sim.report.tables import paired_table, summary_table

    print(summary_table(base, lang=_lang(args)))
    print()
    print(paired_table(base, lang=_lang(args)))
    if args.report:
        from sim.report.html import render

        print(f"report: {render(run_dir, lang=_lang(args), robust_dir=robust_dir)}")
    print(f"results: {run_dir}")
    return 0


def _report(args: argparse.Namespace) -> int:
    from sim.report.html import render

    if args.sensitivity and not args.robust:
        raise InputError("(command line)", "--sensitivity", "given without --robust",
                         allowed="--robust DIR --sensitivity DIR")  # fmt: skip
    out = render(args.run_dir, lang=args.lang, robust_dir=args.robust,
                 sensitivity_dir=args.sensitivity)  # fmt: skip
    print(f"report: {out}")
    return 0


def assumptions_table(policies) -> str:
    """Markdown table of every assumption parameter of the given policies."""
    lines = ["| policy | key | value | unit | basis |", "|---|---|---|---|---|"]
    for policy in policies:
        for p in policy.assumptions():
            lines.append(
                f"| {policy.id} | `{p.spec.key}` | {p.shown()} | {p.spec.unit} | {p.assumption} |"
            )
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``hpfsim``."""
    parser = argparse.ArgumentParser(
        prog="hpfsim",
        description="Simulate a housing provident fund's flexible-employment pilot.",
    )
    parser.add_argument("--version", action="version", version=f"hpfsim {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="project the fund over many paths (default: the baseline)")
    run.add_argument("scenario", nargs="?", help="scenario file (default scenarios/baseline.toml)")
    _run_args(run)
    run.add_argument("--resume", action="store_true",
                     help="finish the run in --out (scenario and --set from its manifest)")  # fmt: skip
    run.add_argument("--book", help="project from a book's date (a folder; see hpfsim book)")
    run.set_defaults(run=_run)

    cmp_ = sub.add_parser("compare", help="one scenario per value of a swept --set, paired")
    cmp_.add_argument("scenario", help="scenario file")
    _run_args(cmp_)
    cmp_.add_argument("--stress", help="also run every value under this stress (for the report)")
    cmp_.add_argument("--report", action="store_true", help="write report.html (committee)")
    cmp_.set_defaults(run=_compare)

    rep = sub.add_parser("report", help="the committee's HTML report of a compare run")
    rep.add_argument("run_dir", help="a results folder made by hpfsim compare")
    rep.add_argument("--lang", default="zh", choices=LANGS,
                     help="zh: report.html (default); en: report.en.html")  # fmt: skip
    rep.add_argument("--robust", help="a compare --robust folder: add the robust rate table")
    rep.add_argument("--sensitivity", help="with --robust: an hpfsim sensitivity folder")
    rep.set_defaults(run=_report)

    from sim.stress_commands import add_commands

    add_commands(sub)
    from sim.book_commands import add_commands as add_book_commands

    add_book_commands(sub)
    from sim.decision_commands import add_commands as add_decision_commands

    add_decision_commands(sub)

    acc = sub.add_parser("account", help="replay one person's events: a monthly statement")
    acc.add_argument(
        "case", help="a case file (TOML), e.g. scenarios/accounts/01_steady_saver.toml"
    )
    fmt = acc.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="print JSON: {rows, totals}")
    fmt.add_argument("--csv", action="store_true", help="print CSV, one row a month")
    acc.add_argument(
        "--check", action="store_true", help="compare with the case's [expected] figures"
    )
    acc.add_argument("--trace", action="store_true",
                     help="name the rule (RULES.md ID) behind each amount credited or refused")  # fmt: skip
    acc.set_defaults(run=_account)

    asm = sub.add_parser("assumptions", help="list assumption parameters of policies")
    asm.add_argument("policies", nargs="*", default=["lyg-2023", "lyg-draft"])
    asm.set_defaults(run=_assumptions)

    from sim.agents_commands import add_commands as add_agents_commands

    add_agents_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit status."""
    args = build_parser().parse_args(argv)

    def run() -> int:
        try:
            return args.run(args)
        except InputError as exc:
            print(f"hpfsim: error: {exc}", file=sys.stderr)
            return 2

    return quiet_pipe(run)
