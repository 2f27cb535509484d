"""Strict loading of a book: ``book.toml``, the accounts and the loans (format: ``format``).

Nothing runs on a bad book. Every column is checked against its kind and
range (:mod:`sim.book.table`); then the rows against each other and the
header: unique account ids, dates not after the book's date, a closed account
holding nothing, ``month_end_0`` equal to the balance, the aged part not above
it, subsidy paid within the lifetime cap (S2) of the policy in force, one loan
per account and only for an open account that exists, arrears short of
default (F4), and the files adding up to the ``[totals]`` of ``book.toml`` to
the fen. Each problem is one line naming the file, the row, the column and
what is allowed.

:func:`read_header` reads ``book.toml`` alone (cheap: what a scenario needs
to know its start and to check the fund file balances with the book);
:func:`read_book` reads and checks everything, vectorised (a million
accounts in seconds).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.book.format import ACCOUNT_COLUMNS, BOOK_KEYS, LOAN_COLUMNS, MONTH_ENDS, TOTAL_KEYS
from sim.book.table import (
    NO_MONTH,
    check_columns,
    convert,
    fail,
    find_file,
    given_columns,
    read_table,
)
from sim.core.checks import only_keys, table_at
from sim.core.errors import InputError, read_toml
from sim.core.money import fen_to_yuan, yuan_to_fen
from sim.core.months import format_month, parse_month
from sim.fund.policy import Policy, policy_named_in
from sim.fund.ring import MAX_FEN


@dataclass(frozen=True)
class Header:
    """``book.toml``: the book's date, policy, source and control totals (money in fen)."""

    folder: Path
    date: int
    policy: str
    source: str
    synthetic: bool
    fund_file: Path | None
    segment_reserve: int
    accounts: int
    balance: int
    interest_accrued: int
    loans: int
    principal: int

    @property
    def file(self) -> Path:
        """The header's path (for errors)."""
        return self.folder / "book.toml"


@dataclass(frozen=True)
class Book:
    """A checked book: its header and one numpy array per column (money in fen).

    ``accounts["aged"]`` always holds the aged part for the month after the
    book's date, and ``accounts["month_ends"]`` a (13, N) array of month-end
    balances, oldest first (``aged`` in every row but the last when the book
    gave only the aged part).
    """

    header: Header
    accounts: dict[str, np.ndarray]
    loans: dict[str, np.ndarray]
    given: frozenset[str]  # optional columns the files hold

    @property
    def n(self) -> int:
        """Accounts in the book."""
        return len(self.accounts["id"])


def read_header(folder: str | Path) -> Header:
    """Read and check ``book.toml`` of the book in ``folder``."""
    folder = Path(folder)
    path = folder / "book.toml"
    if not folder.is_dir():
        raise InputError(folder, "(folder)", "no such book folder",
                         allowed="a folder with book.toml, accounts and loans")  # fmt: skip
    data = read_toml(path)
    only_keys(str(path), "", data, {"book", "totals"})
    book = table_at(str(path), "book", data.get("book"))
    only_keys(str(path), "book.", book, set(BOOK_KEYS))
    totals = table_at(str(path), "totals", data.get("totals"))
    only_keys(str(path), "totals.", totals, set(TOTAL_KEYS))

    def text(key):
        v = book.get(key)
        if not isinstance(v, str) or not v.strip():
            raise InputError(path, f"book.{key}", f"missing or not a string (got {v!r})",
                             allowed=BOOK_KEYS[key])  # fmt: skip
        return v

    try:
        date = parse_month(text("date"))
    except ValueError:
        raise InputError(path, "book.date", f"got {book['date']!r}", allowed="YYYY-MM") from None
    synthetic = book.get("synthetic", False)
    if not isinstance(synthetic, bool):
        raise InputError(path, "book.synthetic", f"got {synthetic!r}", allowed="true | false")
    fund = book.get("fund_file")
    if fund is not None:
        fund = folder / text("fund_file")
        if not fund.exists():
            raise InputError(
                path, "book.fund_file", f"no file {fund}", allowed=BOOK_KEYS["fund_file"]
            )

    def money(table, where, key, default=None):
        v = table.get(key, default)
        try:
            if isinstance(v, bool) or not isinstance(v, int | float) or v < 0:
                raise ValueError
            return yuan_to_fen(v)
        except ValueError:
            raise InputError(path, f"{where}.{key}", f"got {v!r}",
                             allowed="yuan, 0 or more, at most 2 decimals") from None  # fmt: skip

    def count(key):
        v = totals.get(key)
        if isinstance(v, bool) or not isinstance(v, int) or v < 0:
            raise InputError(path, f"totals.{key}", f"got {v!r}", allowed="a whole number >= 0")
        return v

    return Header(
        folder, date, text("policy"), text("source"), synthetic, fund,
        money(book, "book", "segment_reserve", 0), count("accounts"),
        money(totals, "totals", "balance"), money(totals, "totals", "interest_accrued", 0),
        count("loans"), money(totals, "totals", "principal"),
    )  # fmt: skip


def book_policy(header: Header) -> Policy:
    """The policy ``book.toml`` names (checked against the scenario's by the caller)."""
    return policy_named_in(str(header.file), "book.policy", header.policy, header.folder)


def read_book(folder: str | Path, policy: Policy | None = None) -> Book:
    """Read and check a whole book; ``policy`` (default: the one it names) gives the cap."""
    header = read_header(folder)
    policy = policy or book_policy(header)
    acc_path = find_file(header.folder, "accounts")
    table = read_table(acc_path, ACCOUNT_COLUMNS)
    check_columns(acc_path, table, ACCOUNT_COLUMNS)
    given = given_columns(table, ACCOUNT_COLUMNS)
    acc, empty = {}, {}
    for col in ACCOUNT_COLUMNS:
        acc[col.name], empty[col.name] = convert(acc_path, table, col)
    _check_accounts(acc_path, header, policy, acc, empty, given)
    loan_path = find_file(header.folder, "loans")
    table = read_table(loan_path, LOAN_COLUMNS)
    check_columns(loan_path, table, LOAN_COLUMNS)
    loan_given = given_columns(table, LOAN_COLUMNS)
    loans = {col.name: convert(loan_path, table, col)[0] for col in LOAN_COLUMNS}
    _check_loans(loan_path, header, policy, acc, loans)
    _check_totals(header, acc_path, loan_path, acc, loans)
    return Book(header, acc, loans, frozenset(given | {f"loans.{c}" for c in loan_given}))


def _check_accounts(path, header, policy, acc, empty, given) -> None:
    date = header.date
    ids = acc["id"]
    order = np.argsort(ids, kind="stable")
    dup = np.zeros(len(ids), bool)
    dup[order[1:][ids[order][1:] == ids[order][:-1]]] = True
    fail(path, dup, "id", "duplicate id", "each account once", ids)
    for name in ("birth_month", "opened_month", "last_deposit_month", "last_withdrawal_month"):
        after = acc[name] > date
        fail(path, after, name, f"after the book's date {format_month(date)}",
             "a month not after the book's date", _months(acc[name]))  # fmt: skip
    fail(path, acc["birth_month"] > date - 16 * 12, "birth_month", "under 16 at the book's date",
         "16 or older (E1)", _months(acc["birth_month"]))  # fmt: skip
    fail(path, acc["opened_month"] < acc["birth_month"] + 16 * 12, "opened_month",
         "before the holder was 16", "on or after the 16th birthday (E1)",
         _months(acc["opened_month"]))  # fmt: skip
    paid = np.where(empty["paid_through"], acc["last_deposit_month"], acc["paid_through"])
    fail(path, (paid > date + 12) | (paid < acc["last_deposit_month"]), "paid_through",
         "outside last_deposit_month .. 12 months after the book's date",
         "last_deposit_month to 12 months after the book's date", _months(paid))  # fmt: skip
    acc["paid_through"] = paid
    closed = acc["status"] == 2
    fail(path, closed & (acc["balance"] != 0), "balance", "a closed account holds a balance",
         "0 for a closed account", acc["balance"] / 100)  # fmt: skip
    fail(path, acc["deposit_months"] > np.maximum(date - acc["opened_month"] + 1, 0),
         "deposit_months", "more months than the account has been open",
         "0 to the months since opened_month", acc["deposit_months"])  # fmt: skip
    withdrew = ~empty["last_withdrawal_month"]
    fail(path, withdrew & (acc["last_withdrawal_month"] < acc["opened_month"]),
         "last_withdrawal_month", "before opened_month", "opened_month to the book's date",
         _months(acc["last_withdrawal_month"]))  # fmt: skip
    run = np.where(empty["consecutive_months"], acc["deposit_months"], acc["consecutive_months"])
    fail(path, run > acc["deposit_months"], "consecutive_months", "more than deposit_months",
         "0 to deposit_months (X3)", run)  # fmt: skip
    acc["consecutive_months"], acc["withdrew"] = run, withdrew
    ends = [name for name in MONTH_ENDS if name in given]
    if ends and len(ends) != len(MONTH_ENDS):
        missing = next(n for n in MONTH_ENDS if n not in given)
        raise InputError(path, f"column {missing}", "missing column",
                         allowed="all 13 month_end columns, or aged")  # fmt: skip
    if not ends and "aged" not in given:
        raise InputError(path, "column aged", "missing column",
                         allowed="aged, or the 13 month_end columns")  # fmt: skip
    if ends:
        for name in MONTH_ENDS:
            fail(path, empty[name], name, "empty cell", "a balance in yuan")
        fail(path, acc["month_end_0"] != acc["balance"], "month_end_0", "differs from balance",
             "the balance at the book's date", acc["month_end_0"] / 100)  # fmt: skip
        month_ends = np.stack([acc.pop(name) for name in MONTH_ENDS])
        aged = month_ends.min(axis=0)
        if "aged" in given:
            fail(path, acc["aged"] != aged, "aged", "not the smallest month-end balance",
                 "the smallest month_end (S1-i)", acc["aged"] / 100)  # fmt: skip
    else:
        fail(path, empty["aged"], "aged", "empty cell", "a balance in yuan")
        aged = acc["aged"]
        fail(path, aged > acc["balance"], "aged", "above the balance", "0 to balance",
             aged / 100)  # fmt: skip
        month_ends = np.broadcast_to(aged, (len(MONTH_ENDS), len(aged))).copy()
        month_ends[-1] = acc["balance"]
        for name in MONTH_ENDS:
            acc.pop(name)
    acc["aged"], acc["month_ends"] = aged, month_ends
    fail(path, month_ends.max(axis=0, initial=0) > MAX_FEN, "balance",
         "above what any rule lets an account hold",
         f"at most {MAX_FEN / 100:,.2f} yuan in every month-end (sim.fund.ring)",
         month_ends.max(axis=0, initial=0) / 100)  # fmt: skip
    fail(path, acc["deposited_total"] > MAX_FEN, "deposited_total", "above what the model "
         "holds (int32 fen)", f"at most {MAX_FEN / 100:,.2f} yuan (sim.fund.ring.MAX_FEN)",
         acc["deposited_total"] / 100)  # fmt: skip
    fail(path, acc["rent_withdrawn"] > MAX_FEN, "rent_withdrawn", "above what the model "
         "holds (int32 fen)", f"at most {MAX_FEN / 100:,.2f} yuan (sim.fund.ring.MAX_FEN)",
         acc["rent_withdrawn"] / 100)  # fmt: skip
    cap = yuan_to_fen(policy["subsidy.lifetime_cap"])
    counted = acc["subsidy_paid"] + acc["bonus_paid"] * policy["subsidy.cap_includes_bonus"]
    fail(path, counted > cap, "subsidy_paid", "above the lifetime cap",
         f"subsidy paid (with the bonus, if the cap counts it) up to {fen_to_yuan(cap)} yuan "
         f"(S2, {policy.id})", acc["subsidy_paid"] / 100)  # fmt: skip
    if "loan_taken" not in given:
        acc["loan_taken"] = None  # set from the loans below
    for name in ("interest_accrued", "subsidy_accrued", "rent_withdrawn"):
        fail(path, closed & (acc[name] != 0), name, "a closed account accrues nothing",
             "0 for a closed account", acc[name] / 100)  # fmt: skip


def _check_loans(path, header, policy, acc, loans) -> None:
    ids = acc["id"]
    who = loans["account_id"]
    order = np.argsort(ids, kind="stable")
    pos = np.searchsorted(ids[order], who)
    if len(ids):
        found = (pos < len(ids)) & (ids[order][np.minimum(pos, len(ids) - 1)] == who)
    else:  # a header-only accounts file: no loan can be anyone's
        found = np.zeros(len(who), bool)
    fail(path, ~found, "account_id", "no account with this id in the accounts file",
         "an id of the accounts file", who)  # fmt: skip
    row = order[pos]
    loans["row"] = row
    seen = np.zeros(len(ids), np.int64)
    np.add.at(seen, row, 1)
    fail(path, seen[row] > 1, "account_id", "a second loan for the same account",
         "one loan per account", who)  # fmt: skip
    limit = policy["loan.default_after_months"]
    fail(path, loans["arrears_months"] >= limit, "arrears_months", "the loan would have defaulted",
         f"0 to {limit - 1} (loan.default_after_months, F4)", loans["arrears_months"])  # fmt: skip
    fail(path, loans["disbursed_month"] > header.date, "disbursed_month",
         f"after the book's date {format_month(header.date)}",
         "a month not after the book's date", _months(loans["disbursed_month"]))  # fmt: skip
    term = np.where(loans["term"] > 0, loans["term"], loans["remaining_months"])
    fail(path, term < loans["remaining_months"], "term", "shorter than remaining_months",
         "remaining_months or more", term)  # fmt: skip
    loans["term"] = term
    original = np.where(loans["original"] > 0, loans["original"], loans["principal"])
    fail(path, original < loans["principal"], "original", "less than the principal",
         "the principal or more", original / 100)  # fmt: skip
    loans["original"] = original
    fail(path, loans["overdue_principal"] > loans["principal"], "overdue_principal",
         "above the principal", "0 to principal", loans["overdue_principal"] / 100)  # fmt: skip
    if acc["loan_taken"] is None:
        acc["loan_taken"] = np.zeros(len(ids), bool)
        acc["loan_taken"][row] = True
    fail(path, ~acc["loan_taken"][row], "account_id", "a loan for an account whose loan_taken "
         "is false", "loan_taken = true in the accounts file", who)  # fmt: skip


def _check_totals(header, acc_path, loan_path, acc, loans) -> None:
    sums = {
        "accounts": (len(acc["id"]), header.accounts, acc_path, False),
        "balance": (int(acc["balance"].sum()), header.balance, acc_path, True),
        "interest_accrued": (int(acc["interest_accrued"].sum()), header.interest_accrued,
                             acc_path, True),
        "loans": (len(loans["account_id"]), header.loans, loan_path, False),
        "principal": (int(loans["principal"].sum()), header.principal, loan_path, True),
    }  # fmt: skip
    for key, (got, want, path, is_money) in sums.items():
        if got != want:
            shown = (fen_to_yuan(got), fen_to_yuan(want)) if is_money else (got, want)
            raise InputError(header.file, f"totals.{key}",
                             f"{path.name} adds up to {shown[0]}, the header says {shown[1]}",
                             allowed="the files' own total, to the fen")  # fmt: skip


def _months(values: np.ndarray):
    class _Lazy:
        def __getitem__(self, i):
            return "(empty)" if values[i] == NO_MONTH else format_month(int(values[i]))

    return _Lazy()
