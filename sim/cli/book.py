"""The ``hpfsim book`` commands: ``book check DIR``, ``book export RUN_DIR``, ``book template``.

``hpfsim book check DIR`` reads a book with every check of
:mod:`sim.book.check` and prints its totals; ``hpfsim book export RUN_DIR
--path P [--month YYYY-MM] --out DIR`` writes the book of a simulated run
(:mod:`sim.book.export`); ``hpfsim book template [--lang zh|en] [--format
xlsx|csv] --out DIR`` writes an empty book a centre can fill
(:mod:`sim.book.template`). Projecting from a book is ``hpfsim run --book DIR``,
or ``--set book=DIR`` on any command that takes ``--set`` (``compare``,
``stress``, ``sensitivity``).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from sim.core.errors import InputError
from sim.core.money import fen_to_yuan
from sim.core.months import format_month, parse_month


def add_commands(sub) -> None:
    """Register ``hpfsim book check``, ``book export`` and ``book template``."""
    book = sub.add_parser(
        "book", help="a fund's own books: check one, export one from a run, or an empty template"
    )
    cmds = book.add_subparsers(dest="book_command", required=True)
    chk = cmds.add_parser("check", help="validate a book and print its totals")
    chk.add_argument("dir", help="a book folder (book.toml, accounts, loans)")
    chk.set_defaults(run=_check)
    exp = cmds.add_parser("export", help="write the book of a simulated run at a month-end")
    exp.add_argument("run_dir", help="a results folder (its manifest.json names the scenario)")
    exp.add_argument("--path", type=int, default=0, help="the run's path (default 0)")
    exp.add_argument("--month", help="the book's date, YYYY-MM (default: the run's last month)")
    exp.add_argument("--out", required=True, help="the new book folder")
    exp.set_defaults(run=_export)
    tpl = cmds.add_parser("template", help="write an empty book a fund centre can fill")
    tpl.add_argument("--out", required=True, help="a new folder for the empty book")
    tpl.add_argument(
        "--lang",
        choices=("zh", "en"),
        default="zh",
        help="headers and notes in Chinese (default) or English",
    )
    tpl.add_argument(
        "--format",
        choices=("xlsx", "csv"),
        default="xlsx",
        help="accounts and loans as Excel workbooks (default) or CSV",
    )
    tpl.set_defaults(run=_template)


def book_totals(book) -> list[tuple[str, str]]:
    """What ``book check`` prints: counts and money totals (yuan) of a checked book."""
    a, lo = book.accounts, book.loans
    status = np.bincount(a["status"], minlength=3)
    arrears = int((lo["arrears_months"] > 0).sum())
    rows = [
        ("date", format_month(book.header.date)),
        ("policy", book.header.policy),
        ("source", book.header.source + (" (synthetic)" if book.header.synthetic else "")),
        ("accounts", f"{book.n:,}"),
        ("active", f"{status[0]:,}"),
        ("dormant", f"{status[1]:,}"),
        ("closed", f"{status[2]:,}"),
        ("balances", fen_to_yuan(int(a["balance"].sum()))),
        ("aged part", fen_to_yuan(int(a["aged"].sum()))),
        ("interest accrued", fen_to_yuan(int(a["interest_accrued"].sum()))),
        ("subsidy paid", fen_to_yuan(int(a["subsidy_paid"].sum()))),
        ("bonus paid", fen_to_yuan(int(a["bonus_paid"].sum()))),
        ("forfeited", f"{int(a['forfeited'].sum()):,}"),
        ("loans", f"{len(lo['row']):,}"),
        ("principal", fen_to_yuan(int(lo["principal"].sum()))),
        ("in arrears", f"{arrears:,}"),
        ("segment reserve", fen_to_yuan(book.header.segment_reserve)),
    ]
    return rows


def _check(args: argparse.Namespace) -> int:
    from sim.book.check import read_book

    t0 = time.perf_counter()
    book = read_book(args.dir)
    for name, value in book_totals(book):
        print(f"{name:<18} {value}")
    print(f"{args.dir}: a good book (read and checked in {time.perf_counter() - t0:.1f} s)")
    return 0


def _template(args: argparse.Namespace) -> int:
    from sim.book.template import write_template

    for path in write_template(Path(args.out), lang=args.lang, form=args.format):
        print(path)
    return 0


def _export(args: argparse.Namespace) -> int:
    from sim.book.export import export_book

    month = None
    if args.month is not None:
        try:
            month = parse_month(args.month)
        except ValueError as exc:
            raise InputError("(command line)", "--month", str(exc), allowed="YYYY-MM") from None
    out = export_book(Path(args.run_dir), path=args.path, out=Path(args.out), month=month)
    print(f"book: {out}")
    return 0
