"""Starting a projection from a book: the scenario's start, the fund's lines, the engine's state.

``hpfsim run --book DIR`` (or ``--set book=DIR`` on any command that runs a
scenario) projects from the month after the book's date:

- :func:`shift_scenario` (called while the scenario loads): the start moves
  to the month after the book's date; the policy in force must be the one
  ``book.toml`` names (a scheduled switch on or before the new start has
  already happened); the fund file — the book's ``fund_file`` if it names
  one, else the scenario's — must balance *with* the book (F3):

      cash + employees' loans + the book's loans
        = employees' deposits + the book's balances and accrued interest
          + reserves (the fund file's and the book's segment reserve)
          + credit line + equity

  else one line names both files and the difference.
- :func:`open_from_book` (called by the engine once the fund is built): the
  book's accounts become people ``0 … B-1`` of the ledger — balances, the
  ageing ring (S1-i), subsidy paid against the cap (S2), forfeits (S4),
  loans taken (S3), L1 months, L2 totals, the year's rent (W1), accrued
  interest and subsidy — its loans the loan book's rows, and its segment
  reserve the flexible segment's. The people's side — who the members are,
  and their choices starting from the book (a dormant account is dormant, the
  last deposit sets the habit) — is :mod:`sim.book.impute`'s. People
  ``B …`` are the population file's, who might still join.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from sim.book.check import Book, Header, read_book, read_header
from sim.core.errors import InputError
from sim.core.months import format_month
from sim.fund.loan_book import ACTIVE, annuity_installment
from sim.fund.pool_config import BookLines, load_pool_config

__all__ = ["checked_book", "open_from_book", "shift_scenario"]


def shift_scenario(
    origin: str, folder: str, *, start: int, policy, switch_on, switch_policy, fund_file: Path
) -> tuple:
    """The scenario's start, policies and fund lines when it projects from the book in
    ``folder``: ``(header, start, policy, switch_on, switch_policy, pool)``."""
    header = read_header(folder)
    switched = switch_on is not None and switch_on <= header.date
    in_force = switch_policy if switched else policy
    if header.policy != in_force.id:
        raise InputError(
            header.file,
            "book.policy",
            f"{header.policy!r}, but {origin} has {in_force.id!r} in force on "
            f"{format_month(header.date)}",
            allowed=in_force.id,
        )
    if header.date + 1 < start:
        raise InputError(
            header.file,
            "book.date",
            f"{format_month(header.date)} is before {origin} starts ({format_month(start)})",
            allowed="the month before the scenario's start, or later",
        )
    start = header.date + 1
    if switch_on is not None and switch_on <= start:
        policy, switch_on, switch_policy = switch_policy, None, None
    checked_book(folder, policy)  # nothing runs on a bad book
    pool = load_pool_config(header.fund_file or fund_file, book=book_lines(header))
    return header, start, policy, switch_on, switch_policy, pool


_CACHE: dict[tuple, Book] = {}


def checked_book(folder: str | Path, policy) -> Book:
    """:func:`read_book`, once per book and policy in a process: the scenario checks the book
    while it loads, and the path that runs it reuses the result (the files unchanged)."""
    folder = Path(folder).resolve()
    stamps = tuple(
        (p.name, p.stat().st_mtime_ns, p.stat().st_size)
        for p in sorted(folder.iterdir())
        if p.is_file()
    )
    key = (
        str(folder),
        stamps,
        policy.id,
        policy["subsidy.lifetime_cap"],
        policy["subsidy.cap_includes_bonus"],
    )
    if key not in _CACHE:
        _CACHE.clear()
        _CACHE[key] = read_book(folder, policy)
    return _CACHE[key]


def book_lines(header: Header):
    """The book's lines of the pool's balance sheet, in fen, for the fund file's check."""
    return BookLines(
        str(header.folder),
        deposits=header.balance + header.interest_accrued,
        loans=header.principal,
        reserve=header.segment_reserve,
    )


def open_from_book(fund, book: Book) -> None:
    """Put the book's accounts, loans and segment reserve into a fresh
    :class:`~sim.fund.fund.Fund` (its people get theirs from :mod:`sim.book.impute`)."""
    _accounts(fund.ledger, fund.policy, book)
    _loans(fund.book, fund.policy, book)
    fund.money.segment.reserve.balance = book.header.segment_reserve


def _accounts(ledger, policy, book: Book) -> None:
    acc, a, b = ledger.acc, book.accounts, book.n
    date = book.header.date
    is_open = a["status"] != 2
    acc.balance[:b] = a["balance"]
    acc.is_open[:b] = is_open
    acc.ever_opened[:b] = True
    acc.forfeited[:b] = a["forfeited"]
    acc.loan_disbursed[:b] = a["loan_taken"]
    acc.loan_outstanding[book.loans["row"]] = True
    counts = bool(policy["subsidy.cap_includes_bonus"])
    acc.subsidy_total[:b] = a["subsidy_paid"] + counts * a["bonus_paid"]
    acc.subsidy_accrued[:b] = a["subsidy_accrued"]
    acc.interest_accrued[:b] = a["interest_accrued"]
    paid = np.where(is_open, np.maximum(a["paid_through"], 0), 0)
    acc.deposit_months[:b] = a["deposit_months"] + np.maximum(paid - date, 0)
    acc.covered_through[:b] = paid
    acc.last_deposit_month[:b] = a["last_deposit_month"]
    if "deposited_total" in book.given:
        deposited = a["deposited_total"]
    else:
        deposited = np.maximum(a["balance"] - a["subsidy_paid"] - a["bonus_paid"], 0)
    acc.deposited_total[:b] = np.where(is_open, deposited, 0)
    acc.opened_month[:b] = a["opened_month"]
    # X2: the holding condition counts from the month after the latest partial withdrawal
    acc.clean_since[:b] = np.where(a["withdrew"], a["last_withdrawal_month"] + 1,
                                   a["opened_month"])  # fmt: skip
    # X3: the unbroken run ends at the book's date (or at paid_through, if it is earlier)
    acc.run_start[:b] = np.minimum(paid, date) - a["consecutive_months"] + 1
    acc.service_months[:b] = np.where(is_open, a["veteran_months"], 0)
    acc.rent_this_year[:b] = a["rent_withdrawn"]
    slots = acc.rings.slots
    if slots > len(a["month_ends"]):
        raise InputError(
            book.header.file,
            "book.policy",
            f"an ageing window of {slots - 1} months needs more month-ends than a book holds",
            allowed="12 months",
        )
    rows = np.arange(b)
    acc.give_rings(rows)
    for j, row in enumerate(a["month_ends"][-slots:]):
        acc.rings.rows[acc.slot[rows], (date - slots + 1 + j) % slots] = row
    ledger._total = int(a["balance"].sum())
    ledger._payable = int(a["interest_accrued"].sum())


def _loans(loan_book, policy, book: Book) -> None:
    lo, k = book.loans, len(book.loans["row"])
    loan_book._grow(k)
    rows = slice(0, k)
    principal, rate, left = lo["principal"], lo["rate"], lo["remaining_months"]
    loan_book.person[rows] = lo["row"]
    loan_book.original[rows] = lo["original"]
    loan_book.principal[rows] = principal
    loan_book.rate[rows] = rate
    loan_book.months_left[rows] = left
    loan_book.term[rows] = lo["term"]
    annuity = annuity_installment(principal, rate, np.maximum(left, 1))
    given = "loans.installment" in book.given
    loan_book.installment[rows] = lo["installment"] if given else annuity
    loan_book.equal_principal[rows] = policy["loan.schedule"] == "equal_principal"
    loan_book.overdue_interest[rows] = lo["overdue_interest"]
    loan_book.overdue_principal[rows] = lo["overdue_principal"]
    loan_book.arrears[rows] = lo["arrears_months"]
    loan_book.status[rows] = ACTIVE
    loan_book.first_home[rows] = lo["home"] == 0
    value = np.where(lo["home_value"] > 0, lo["home_value"], np.floor(principal / 0.8))
    loan_book.collateral[rows] = value.astype(np.int64)
    loan_book.hpi_at_start[rows] = 1.0
    since = book.header.date - (lo["term"] - left)
    loan_book.disbursed_month[rows] = np.where(
        lo["disbursed_month"] >= 0, lo["disbursed_month"], since
    )
    loan_book.n = k
