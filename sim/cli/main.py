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
- ``hpfsim calibrate`` (``sim.cli.agents``): run the engine's month and print each calibration
  moment beside its target; ``hpfsim calibrate --fit`` estimates the behaviour
  parameters against them and writes the calibrated population file.
- ``hpfsim response --rates 0.010,0.015``: the same people under each
  holding-subsidy rate and each setting of the rate response (common random
  numbers): members, deposits, subsidy cost, cost per extra yuan deposited.

Bad input prints one line naming the file, the key and what is allowed, and
exits with status 2; no traceback. Ctrl-C ends a run with one line naming the
``--resume`` that finishes it (status 130); a run estimated to need more memory
than the machine has is refused before it starts unless ``--force``. A ``--set``
that is wrong is named as the
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
from sim.core.errors import InputError
from sim.report.terminal import LANGS, default_lang, quiet_pipe


def _account(args: argparse.Namespace) -> int:
    import os

    if "numba" not in sys.modules:
        # one account: the ledger's kernels run as plain Python, faster than loading them
        os.environ.setdefault("NUMBA_DISABLE_JIT", "1")
    from sim.account.calculator import check_expected, load_case, replay, to_csv, to_json, to_text

    case = load_case(args.case)
    statement = replay(case)
    zh = (args.lang or default_lang()) == "zh"
    if zh and not (args.json or args.csv):
        from sim.report.statement import to_text  # the same figures, in Chinese
    render = to_json if args.json else to_csv if args.csv else to_text
    print(render(statement))
    if args.trace and not (args.json or args.csv):
        if zh:
            from sim.report.statement import trace_text
        else:
            from sim.account.trace import to_text as trace_text

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


def assumptions_table(policies) -> str:
    """Markdown table of every assumption parameter of the given policies."""
    lines = ["| policy | key | value | unit | basis |", "|---|---|---|---|---|"]
    for policy in policies:
        for p in policy.assumptions():
            lines.append(
                f"| {policy.id} | `{p.spec.key}` | {p.shown()} | {p.spec.unit} | {p.assumption} |"
            )
    return "\n".join(lines)


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (the usage is ``--help``'s)."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message}; see {self.prog} --help\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``hpfsim``."""
    parser = _Parser(
        prog="hpfsim",
        description="Simulate a housing provident fund's flexible-employment pilot.",
    )
    parser.add_argument("--version", action="version", version=f"hpfsim {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    from sim.cli.runs import add_commands as add_run_commands

    add_run_commands(sub)
    from sim.cli.stress import add_commands

    add_commands(sub)
    from sim.cli.book import add_commands as add_book_commands

    add_book_commands(sub)
    from sim.cli.decide import add_commands as add_decision_commands

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
    acc.add_argument(
        "--lang",
        choices=LANGS,
        default=None,
        help="statement in Chinese or English (default: from the locale)",
    )
    acc.add_argument(
        "--trace",
        action="store_true",
        help="name the rule (RULES.md ID) behind each amount credited or refused",
    )
    acc.set_defaults(run=_account)

    asm = sub.add_parser("assumptions", help="list assumption parameters of policies")
    asm.add_argument("policies", nargs="*", default=["lyg-2023", "lyg-draft"])
    asm.set_defaults(run=_assumptions)

    from sim.cli.agents import add_commands as add_agents_commands

    add_agents_commands(sub)
    from sim.report.reconcile import add_command as add_reconcile_command

    add_reconcile_command(sub)
    from sim.cli.whatif import add_commands as add_whatif_commands

    add_whatif_commands(sub)
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
        except KeyboardInterrupt as exc:
            folder = getattr(exc, "run_dir", None)
            hint = f": finish with `hpfsim run --resume --out {folder}`" if folder else ""
            print(f"interrupted{hint}", file=sys.stderr)
            return 130

    return quiet_pipe(run)
