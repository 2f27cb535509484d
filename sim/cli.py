"""The ``hpfsim`` command (also ``python -m sim``).

Subcommands:

- ``hpfsim account CASE.toml [--json | --csv] [--check]``: replay one person's
  events and print their monthly statement (the account calculator).
- ``hpfsim assumptions [POLICY ...]``: list every parameter whose value is an
  assumption rather than a published number, as a Markdown table.

Bad input prints one line naming the file, the key and what is allowed, and
exits with status 2; no traceback.
"""

from __future__ import annotations

import argparse
import sys

from sim import __version__
from sim.errors import InputError


def _account(args: argparse.Namespace) -> int:
    from sim.account import check_expected, load_case, replay, to_csv, to_json, to_text

    case = load_case(args.case)
    statement = replay(case)
    render = to_json if args.json else to_csv if args.csv else to_text
    print(render(statement))
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


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``hpfsim``."""
    parser = argparse.ArgumentParser(
        prog="hpfsim",
        description="Simulate a housing provident fund's flexible-employment pilot.",
    )
    parser.add_argument("--version", action="version", version=f"hpfsim {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

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
    acc.set_defaults(run=_account)

    asm = sub.add_parser("assumptions", help="list assumption parameters of policies")
    asm.add_argument("policies", nargs="*", default=["lyg-2023", "lyg-draft"])
    asm.set_defaults(run=_assumptions)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except InputError as exc:
        print(f"hpfsim: error: {exc}", file=sys.stderr)
        return 2
