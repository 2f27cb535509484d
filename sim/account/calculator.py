"""The account calculator: one person's dated events, replayed under a policy.

For fund staff answering "what will my statement show?" and for checking the
rules by hand. A *case* file (TOML) names a policy, a statement period, the
person's facts the rules read, and dated events::

    policy = "lyg-2023"
    start = "2024-01"
    end = "2026-06"
    [overrides]
    "subsidy.holding_rate" = 0.015
    [person]
    children = 2
    education = "bachelor"
    veteran_service_months = 0
    [[event]]
    month = "2024-01"
    deposit = 1000.00          # `months = 3` for a quarterly deposit
    [[event]]
    month = "2024-05"
    withdraw = 300.00
    kind = "rent"              # rent|purchase|repayment|exit|full
    [[event]]
    month = "2025-03"
    loan = 300000.00           # a fund loan is disbursed (S3)
    [[event]]
    month = "2025-04"
    transfer_in = 5000.00      # E4
    [[event]]
    month = "2026-01"
    loan_repaid = true         # the loan is repaid in full (W3 possible again)

The statement shows each loan disbursed and repaid (``events``), and each
month's ``trace``: every amount credited, paid or refused with the RULES.md
ID that decided it (:mod:`sim.account.trace`; ``hpfsim account --trace``).

An optional ``[expected]`` table holds hand-worked figures per month
(``[expected."2025-06"] balance = 18204.03``); :func:`check_expected` compares
them with the statement. The replay runs the same vectorised
:class:`~sim.fund.ledger.Ledger` as the simulator, with one account, so the
calculator can never disagree with the model.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sim.core.errors import InputError, read_toml
from sim.core.money import fen_to_yuan, yuan_to_fen
from sim.core.months import LAST_RUN_MONTH, format_month, is_settlement_month, parse_month
from sim.fund.bonus import education_code
from sim.fund.ledger import Ledger
from sim.fund.params import EDUCATION_LEVELS
from sim.fund.policy import Policy, policy_named_in
from sim.fund.refusals import Refusal
from sim.fund.withdrawals import Kind

ACTIONS = ("deposit", "withdraw", "loan", "transfer_in", "loan_repaid")
EVENT_KEYS = {"month", "months", "kind", "service_months", *ACTIONS}
PERSON_KEYS = {"children", "education", "veteran_service_months"}
CASE_KEYS = {"policy", "start", "end", "overrides", "person", "event", "expected"}
EVENT_NAMES = {"loan": "loan disbursed", "loan_repaid": "loan repaid"}
MONEY_COLUMNS = (
    "deposit",
    "withdrawal",
    "transfer_in",
    "interest_credited",
    "subsidy_credited",
    "subsidy_total",
    "balance",
    "aged",
)


@dataclass(frozen=True)
class Event:
    """One dated event of a case, checked."""

    number: int  # position in the file, from 1
    month: int
    action: str
    amount_fen: int = 0
    months: int = 1
    kind: str = ""
    service_months: int = 0

    def label(self) -> str:
        """How the statement names this event."""
        what = f"{self.action} {self.kind}".strip()
        return f"event {self.number} ({what})"


@dataclass(frozen=True)
class Case:
    """A checked case file."""

    path: str
    policy: Policy
    start: int
    end: int
    children: int
    education: int
    veteran_service_months: int
    events: tuple[Event, ...]
    expected: dict[str, dict[str, Any]] = field(default_factory=dict)


def load_case(path: str | Path) -> Case:
    """Read and check a case file; every problem is a one-line :class:`InputError`."""
    origin = str(path)
    data = read_toml(path)
    _no_unknown(origin, "", data, CASE_KEYS)
    for key in ("policy", "start", "end"):
        if not isinstance(data.get(key), str):
            raise InputError(origin, key, "missing or not a string")
    policy = policy_named_in(origin, "policy", data["policy"], Path(origin).parent)
    overrides = data.get("overrides", {})
    if not isinstance(overrides, dict):
        raise InputError(origin, "overrides", "must be a table of key paths")
    policy = policy.with_overrides(overrides, origin=origin)
    start, end = _month(origin, "start", data["start"]), _month(origin, "end", data["end"])
    if end < start:
        raise InputError(origin, "end", f"{data['end']} is before start {data['start']}")
    person = data.get("person", {})
    _no_unknown(origin, "person.", person, PERSON_KEYS)
    children = _int(origin, "person.children", person.get("children", 0), 0, 20)
    education = person.get("education", "none")
    if education not in EDUCATION_LEVELS:
        raise InputError(
            origin, "person.education", f"{education!r}", allowed="|".join(EDUCATION_LEVELS)
        )
    service = _int(origin, "person.veteran_service_months", person.get("veteran_service_months", 0))
    raw_events = data.get("event", [])
    if not isinstance(raw_events, list):
        raise InputError(origin, "event", "must be an array of tables ([[event]])")
    events = tuple(_event(origin, i, raw, start, end) for i, raw in enumerate(raw_events, start=1))
    expected = data.get("expected", {})
    for month, row in expected.items():
        _month(origin, f"expected.{month}", month)
        _no_unknown(origin, f"expected.{month}.", row, {*MONEY_COLUMNS, "refused"})
    return Case(
        origin, policy, start, end, children, education_code(education), service, events, expected
    )


def replay(case: Case) -> dict[str, Any]:
    """Run a case month by month; return ``{"rows": [...], "totals": {...}}`` (money in yuan)."""
    from sim.account import trace as account_trace

    ledger = Ledger(1, case.policy, case.start)
    rows, subsidy_total, aged_year = [], 0, []
    settle = case.policy["interest.settlement_month"]
    for month in range(case.start, case.end + 1):
        ledger.begin_month()
        refused: list[dict[str, str]] = []
        done = []
        for event in (e for e in case.events if e.month == month):
            code = _apply(ledger, case, event)
            done.append((event, code))
            if code:
                refused.append({"event": event.label(), "reason": Refusal(code).code})
        aged = int(ledger.aged()[0])
        aged_year = [*aged_year[-11:], aged]
        books = ledger.end_month()
        trace = []
        for event, code in done:
            amount = (
                books.withdrawals.get(event.kind, 0)
                if event.kind in ("exit", "full")
                else (event.amount_fen)
            )
            trace += account_trace.event_lines(event, code, amount, case.policy)
        trace += account_trace.month_lines(
            books,
            ledger.acc,
            case.policy,
            month=month,
            aged_year=sum(aged_year),
            settlement=is_settlement_month(month, settle),
        )
        events = [EVENT_NAMES[e.action] for e, code in done if not code and e.action in EVENT_NAMES]
        credited = books.subsidy_credited + books.bonus_credited
        subsidy_total += credited
        rows.append(
            {
                "month": format_month(month),
                "deposit": books.deposits,
                "withdrawal": books.withdrawn,
                "transfer_in": books.transfers_in,
                "interest_credited": books.interest_credited,
                "subsidy_credited": credited,
                "subsidy_total": subsidy_total,
                "balance": books.closing_total,
                "aged": aged,
                "events": events,
                "refused": refused,
                "trace": trace,
            }
        )
    totals = {
        col: sum(r[col] for r in rows)
        for col in ("deposit", "withdrawal", "transfer_in", "interest_credited", "subsidy_credited")
    }
    totals["balance"] = rows[-1]["balance"]
    totals["refused"] = sum(len(r["refused"]) for r in rows)
    as_yuan = dict.fromkeys(MONEY_COLUMNS, fen_to_yuan)
    return {
        "policy": case.policy.id,
        "rows": [{k: as_yuan.get(k, _same)(v) for k, v in r.items()} for r in rows],
        "totals": {k: as_yuan.get(k, _same)(v) for k, v in totals.items()},
    }


def check_expected(case: Case, statement: dict[str, Any]) -> list[str]:
    """Differences between the hand-worked ``[expected]`` figures and the statement."""
    by_month = {r["month"]: r for r in statement["rows"]}
    problems = []
    for month, want in case.expected.items():
        row = by_month.get(month)
        if row is None:
            problems.append(f"{month}: not in the statement period")
            continue
        for col, value in want.items():
            got = row[col]
            if col == "refused":
                got = [r["reason"] for r in got]
            elif not isinstance(value, bool) and isinstance(value, int | float):
                value = fen_to_yuan(yuan_to_fen(value))
            if got != value:
                problems.append(f"{month} {col}: expected {value}, statement shows {got}")
    return problems


def to_text(statement: dict[str, Any]) -> str:
    """A readable monthly statement."""
    cols = ["month", *MONEY_COLUMNS]
    head = ["month", "deposit", "withdrawn", "transfer", "interest", "subsidy", "subs.total"]
    head += ["balance", "aged", "events / refused"]
    lines = ["".join(f"{h:>12}" for h in head[:-1]) + f"  {head[-1]}"]
    for r in statement["rows"]:
        notes = r["events"] + [f"{x['event']}: {x['reason']}" for x in r["refused"]]
        lines.append("".join(f"{r[c]:>12}" for c in cols) + f"  {'; '.join(notes)}")
    t = statement["totals"]
    lines.append(
        f"totals: deposits {t['deposit']}, withdrawals {t['withdrawal']}, interest "
        f"{t['interest_credited']}, subsidies {t['subsidy_credited']}, final balance "
        f"{t['balance']} yuan; {t['refused']} request(s) refused  [policy {statement['policy']}]"
    )
    return "\n".join(lines)


def to_csv(statement: dict[str, Any]) -> str:
    """The statement as CSV, one row a month; refusals joined by ``;``."""
    buf = io.StringIO()
    writer = csv.DictWriter(
        buf, fieldnames=["month", *MONEY_COLUMNS, "events", "refused"], extrasaction="ignore"
    )
    writer.writeheader()
    for r in statement["rows"]:
        refused = ";".join(f"{x['event']}: {x['reason']}" for x in r["refused"])
        writer.writerow({**r, "events": ";".join(r["events"]), "refused": refused})
    return buf.getvalue()


def to_json(statement: dict[str, Any]) -> str:
    """The statement as JSON: ``{"rows": [...], "totals": {...}}``."""
    return json.dumps(statement, ensure_ascii=False, indent=1)


# ---------------------------------------------------------------------- internals
def _same(v):
    return v


def _apply(ledger: Ledger, case: Case, e: Event) -> int:
    who = np.array([0])
    acc = ledger.acc
    if e.action in ("deposit", "transfer_in") and not acc.is_open[0]:
        ledger.open(who, children=case.children, education=case.education)
        if case.veteran_service_months:
            ledger.transfer_in(who, 0, service_months=case.veteran_service_months)
    if e.action == "deposit":
        return int(ledger.deposit(who, e.amount_fen, e.months)[0])
    if e.action == "transfer_in":
        return int(ledger.transfer_in(who, e.amount_fen, e.service_months)[0])
    if e.action == "loan":
        return int(ledger.disburse_loan(who)[0])
    if e.action == "loan_repaid":
        return int(ledger.loan_repaid(who)[0])
    if e.kind in (Kind.EXIT, Kind.FULL):
        return int(ledger.close(who, e.kind)[0])
    return int(ledger.withdraw(who, e.amount_fen, e.kind)[0])


def _event(origin: str, i: int, raw: Any, start: int, end: int) -> Event:
    where = f"event[{i}]"
    if not isinstance(raw, dict):
        raise InputError(origin, where, "must be a table")
    _no_unknown(origin, f"{where}.", raw, EVENT_KEYS)
    if "month" not in raw:
        raise InputError(origin, f"{where}.month", "missing", allowed="YYYY-MM")
    month = _month(origin, f"{where}.month", raw["month"])
    if not start <= month <= end:
        raise InputError(
            origin,
            f"{where}.month",
            f"{raw['month']} is outside the statement",
            allowed=f"{format_month(start)} to {format_month(end)}",
        )
    actions = [a for a in ACTIONS if a in raw]
    if len(actions) != 1:
        raise InputError(origin, where, f"has {len(actions)} actions", allowed=" | ".join(ACTIONS))
    action = actions[0]
    kind = raw.get("kind", "")
    if action == "withdraw":
        if kind not in {k.value for k in Kind}:
            raise InputError(
                origin, f"{where}.kind", f"{kind!r}", allowed="|".join(k.value for k in Kind)
            )
    elif "kind" in raw:
        raise InputError(origin, f"{where}.kind", "only a withdraw event has a kind")
    if action == "loan_repaid":
        if raw[action] is not True:
            raise InputError(origin, f"{where}.loan_repaid", "must be true")
        amount = 0
    else:
        amount = _money(origin, f"{where}.{action}", raw[action], exit_ok=kind in ("exit", "full"))
    months = _int(origin, f"{where}.months", raw.get("months", 1), 1, 12)
    service = _int(origin, f"{where}.service_months", raw.get("service_months", 0))
    return Event(i, month, action, amount, months, kind, service)


def _money(origin: str, key: str, value: Any, *, exit_ok: bool = False) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(origin, key, f"not a number (got {value!r})", allowed="yuan, e.g. 1000.00")
    try:
        fen = yuan_to_fen(value)
    except ValueError as exc:
        raise InputError(origin, key, str(exc), allowed="yuan with at most two decimals") from None
    if fen < 0 or (fen == 0 and not exit_ok):
        raise InputError(origin, key, f"not positive (got {value!r})", allowed="an amount > 0")
    return fen


def _int(origin: str, key: str, value: Any, low: int = 0, high: int = 600) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InputError(origin, key, f"got {value!r}", allowed=f"a whole number {low} to {high}")
    return value


def _month(origin: str, key: str, value: Any) -> int:
    try:
        month = parse_month(value)
    except ValueError:
        raise InputError(origin, key, f"got {value!r}", allowed="a month as YYYY-MM") from None
    if month > LAST_RUN_MONTH:  # an account's months are int16 (sim.core.months)
        raise InputError(origin, key, f"got {value!r}",
                         allowed=f"a month up to {format_month(LAST_RUN_MONTH)}")  # fmt: skip
    return month


def _no_unknown(origin: str, prefix: str, table: Any, allowed: set[str]) -> None:
    if not isinstance(table, dict):
        raise InputError(origin, prefix.rstrip(".") or "(top)", "must be a table")
    for key in table:
        if key not in allowed:
            raise InputError(
                origin, f"{prefix}{key}", "unknown key", allowed=", ".join(sorted(allowed))
            )
