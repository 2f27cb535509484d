"""A book from a simulated run: the state a fund centre's books would hold on a month-end.

:func:`export_book` re-runs one path of a run's scenario (read from the run's
``manifest.json``: the scenario file and its first variant's ``--set``
values) to the chosen month, deterministically — the same seed gives the same
path as the run — and writes the folder :mod:`sim.book.check` reads:

- ``accounts.csv``: every account ever opened, with the columns of
  :data:`~sim.book.format.ACCOUNT_COLUMNS` (the 13 month-end balances under
  ``lifo`` ageing, the aged part under ``fifo``);
- ``loans.csv``: every loan still being repaid;
- ``fund.toml``: the pool's other lines on that date (cash, the employees'
  deposits and loans, reserve, credit line, equity), with the employee
  segment's flows grown to the next month, so that it balances with the book;
- ``book.toml``: date, policy in force, source (marked synthetic), the
  segment's reserve and the control totals.

What a book holds and no more: no incomes, intentions or plans (the
projection imputes them, :mod:`sim.book.impute`), no loan applications still
queued, no value-added income of the fund year to date (it is in the
equity). The opening bonus paid is recorded as the path runs, since the
ledger keeps only whether one is still due.
"""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from sim.agents.config import COHORTS
from sim.book.format import MONTH_ENDS
from sim.book.table import NO_MONTH
from sim.core.errors import InputError
from sim.core.money import fen_to_yuan, round_fen
from sim.core.months import format_month
from sim.engine.simulation import Simulation
from sim.fund import ageing
from sim.fund.params import EDUCATION_LEVELS
from sim.scenario.files import Scenario, load_scenario


def run_scenario(run_dir: str | Path) -> tuple[Scenario, dict]:
    """The scenario of a run folder (its first variant), from ``manifest.json``."""
    path = Path(run_dir) / "manifest.json"
    try:
        manifest = json.loads(path.read_text())
    except FileNotFoundError:
        raise InputError(path, "(file)", "no such file", allowed="a results folder") from None
    except json.JSONDecodeError as exc:
        raise InputError(path, "(syntax)", f"not valid JSON: {exc}") from None
    variants = manifest.get("variants") or [{"sets": {}}]
    scenario = load_scenario(manifest["scenario_file"], sets=variants[0]["sets"])
    return scenario, manifest


def export_book(
    run_dir: str | Path, *, path: int, out: str | Path, month: int | None = None
) -> Path:
    """Write the book of ``path`` at the end of ``month`` (default: the run's last month)."""
    scenario, _ = run_scenario(run_dir)
    last = scenario.start + scenario.horizon - 1
    month = last if month is None else month
    if not scenario.start <= month <= last:
        span = f"{format_month(scenario.start)} to {format_month(last)}"
        raise InputError("(command line)", "--month", format_month(month), allowed=span)
    if not 0 <= path < scenario.paths:
        raise InputError(
            "(command line)", "--path", str(path), allowed=f"0 to {scenario.paths - 1}"
        )
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise InputError(out, "--out", "folder exists and is not empty", allowed="a new folder")
    sim, bonus = simulate_to(scenario, path, month)
    accounts, loans, lines = book_tables(sim, bonus, month)
    out.mkdir(parents=True, exist_ok=True)
    pacsv.write_csv(accounts, out / "accounts.csv")
    pacsv.write_csv(loans, out / "loans.csv")
    (out / "fund.toml").write_text(fund_toml(sim, month, lines))
    source = (
        f"hpfsim book export of {Path(run_dir).resolve().name}: path {path} of scenario "
        f"{scenario.name} ({scenario.population_size:,} people, seed {scenario.seed}) at the "
        f"end of {format_month(month)}"
    )
    (out / "book.toml").write_text(book_toml(sim, month, source, lines))
    return out


def simulate_to(scenario: Scenario, path: int, month: int) -> tuple[Simulation, np.ndarray]:
    """One path run through the end of ``month``, and the opening bonus paid to each person."""
    sim = Simulation(scenario, path)
    ledger, bonus = sim.fund.ledger, np.zeros(sim.people.pop.n, np.int64)
    deposit = ledger.deposit

    def recording(who, amount_fen, months=1, **options):
        who = np.asarray(who, np.int64)
        before = ledger.acc.balance[who].copy()
        codes = deposit(who, amount_fen, months, **options)
        ok = codes == 0
        amount = np.broadcast_to(np.asarray(amount_fen, np.int64), who.shape)
        bonus[who[ok]] += ledger.acc.balance[who[ok]] - before[ok] - amount[ok]
        return codes

    ledger.deposit = recording
    sim.env.run(until=month - scenario.start + 1)
    owed = sim.fund.money.pool.unmet_withdrawals + sim.fund.money.pool.unpaid_costs
    if owed:
        raise InputError(
            "(command line)",
            "--month",
            f"{format_month(month)}: the fund owes "
            f"{fen_to_yuan(owed)} yuan of withdrawals or costs it could not pay, "
            "which a book cannot hold",
            allowed="a month without unmet withdrawals or unpaid costs",
        )
    return sim, bonus


def book_tables(sim: Simulation, bonus: np.ndarray, month: int) -> tuple[pa.Table, pa.Table, dict]:
    """The accounts and loans tables, and the book's totals in fen."""
    acc, pop, policy = sim.fund.ledger.acc, sim.people.pop, sim.fund.policy
    rows = np.flatnonzero(acc.ever_opened)
    is_open = acc.is_open[rows]
    status = np.where(
        ~is_open, "closed", np.where(sim.people.state.dormant[rows], "dormant", "active")
    )
    counts = bool(policy["subsidy.cap_includes_bonus"])
    ahead = np.maximum(acc.covered_through[rows] - month, 0)
    paid = np.where(
        acc.covered_through[rows] > 0, acc.covered_through[rows], acc.last_deposit_month[rows]
    )
    interest = np.where(is_open, round_fen(acc.interest_accrued[rows]), 0)
    months_come = (acc.deposit_months[rows] - ahead).astype(np.int64)
    run = (np.minimum(paid, month) - acc.run_start[rows] + 1).astype(np.int64)  # X3
    withdrew = acc.clean_since[rows] > acc.opened_month[rows]  # X2: since opening
    names = [c.name for c in sim.scenario.agents.cohorts]
    cohort = np.array([COHORTS.index(c) for c in names])[pop.cohort[rows]]
    columns = {
        "id": pa.array(rows + 1),
        "cohort": pa.array(np.array(COHORTS)[cohort]),
        "birth_month": _months(pop.birth_month[rows]),
        "sex": pa.array(np.where(pop.female[rows], "female", "male")),
        "opened_month": _months(acc.opened_month[rows]),
        "status": pa.array(status),
        "balance": _yuan(acc.balance[rows]),
    }
    slots = acc.rings.slots
    if policy["subsidy.ageing"] == "lifo" and slots == len(MONTH_ENDS):
        ring = acc.ring_of(rows)
        for k, name in zip(range(12, -1, -1), MONTH_ENDS, strict=True):
            columns[name] = _yuan(ring[:, (month - k) % slots])
    else:
        columns["aged"] = _yuan(ageing.aged_part(acc, month + 1, policy["subsidy.ageing"])[rows])
    columns |= {
        "deposit_months": pa.array(months_come),
        "paid_through": _months(paid),
        "subsidy_paid": _yuan(acc.subsidy_total[rows] - counts * bonus[rows]),
        "bonus_paid": _yuan(bonus[rows]),
        "forfeited": pa.array(acc.forfeited[rows]),
        "last_deposit_month": _months(acc.last_deposit_month[rows]),
        "loan_taken": pa.array(acc.loan_disbursed[rows]),
        "deposited_total": _yuan(acc.deposited_total[rows]),
        "rent_withdrawn": _yuan(np.where(is_open, acc.rent_this_year[rows], 0)),
        "interest_accrued": _yuan(interest),
        "subsidy_accrued": _yuan(np.where(is_open, round_fen(acc.subsidy_accrued[rows]), 0)),
        "children": pa.array(pop.children[rows].astype(np.int64)),
        "education": pa.array(np.array(EDUCATION_LEVELS)[pop.education[rows]]),
        "veteran_months": pa.array(
            np.where(is_open, acc.service_months[rows], pop.veteran_months[rows]).astype(np.int64)
        ),
        "consecutive_months": pa.array(np.clip(run, 0, months_come)),
        "last_withdrawal_month": _months(np.where(withdrew, acc.clean_since[rows] - 1, NO_MONTH)),
    }
    book = sim.fund.book
    a = book.active()
    value = np.floor(
        book.collateral[a] * (sim.fund.house_price_index / book.hpi_at_start[a])
    ).astype(np.int64)
    loans = {
        "account_id": pa.array(book.person[a] + 1),
        "principal": _yuan(book.principal[a]),
        "rate": pa.array(book.rate[a]),
        "remaining_months": pa.array(book.months_left[a].astype(np.int64)),
        "home": pa.array(np.where(book.first_home[a], "first", "second")),
        "arrears_months": pa.array(book.arrears[a].astype(np.int64)),
        "overdue_interest": _yuan(book.overdue_interest[a]),
        "overdue_principal": _yuan(book.overdue_principal[a]),
        "installment": _yuan(book.installment[a]),
        "term": pa.array(book.term[a].astype(np.int64)),
        "original": _yuan(book.original[a]),
        "home_value": _yuan(value),
        "disbursed_month": _months(book.disbursed_month[a]),
    }
    lines = {
        "accounts": len(rows),
        "balance": int(acc.balance[rows].sum()),
        "interest_accrued": int(interest.sum()),
        "loans": len(a),
        "principal": int(book.principal[a].sum()),
    }
    return pa.table(columns), pa.table(loans), lines


def book_toml(sim: Simulation, month: int, source: str, lines: dict) -> str:
    """``book.toml`` of an exported book."""
    reserve = sim.fund.money.segment.reserve.balance
    return "\n".join(
        [
            "# A synthetic book: simulated by hpfsim, not a fund centre's data.",
            "[book]",
            f'date = "{format_month(month)}"',
            f'policy = "{sim.fund.policy.id}"',
            f"source = {json.dumps(source, ensure_ascii=False)}",
            "synthetic = true",
            'fund_file = "fund.toml"',
            f"segment_reserve = {fen_to_yuan(reserve)}",
            "",
            "[totals]",
            f"accounts = {lines['accounts']}",
            f"balance = {fen_to_yuan(lines['balance'])}",
            f"interest_accrued = {fen_to_yuan(lines['interest_accrued'])}",
            f"loans = {lines['loans']}",
            f"principal = {fen_to_yuan(lines['principal'])}",
            "",
        ]
    )


def fund_toml(sim: Simulation, month: int, lines: dict) -> str:
    """The pool's other lines at the end of ``month``, balancing with the book (F3)."""
    pool, emp, sc = sim.fund.money.pool, sim.fund.money.employee, sim.scenario
    fund, employee = sc.pool.fund, sc.pool.employee
    years = (month + 1 - sc.start) / 12.0
    equity = (
        pool.cash
        + emp.loan_balance
        + lines["principal"]
        - emp.deposit_balance
        - lines["balance"]
        - lines["interest_accrued"]
        - sim.fund.money.reserve.balance
        - sim.fund.money.segment.reserve.balance
        - pool.credit_line
    )
    values = {
        "fund": {f.name: getattr(fund, f.name) for f in fields(fund)}
        | {
            "start_cash": pool.cash / 100,
            "start_reserve": sim.fund.money.reserve.balance / 100,
            "start_credit_line": pool.credit_line / 100,
            "start_equity": equity / 100,
        },
        "employee": {f.name: getattr(employee, f.name) for f in fields(employee)}
        | {
            "deposit_balance": emp.deposit_balance / 100,
            "loan_balance": emp.loan_balance / 100,
            "monthly_deposits": round(
                employee.monthly_deposits * (1 + employee.deposit_growth) ** years, 2
            ),
            "monthly_loan_demand": round(
                employee.monthly_loan_demand * (1 + employee.loan_demand_growth) ** years, 2
            ),
        },
    }
    out = [f"# The pool's lines at the end of {format_month(month)}, exported with the book."]
    for table, items in values.items():
        out += ["", f"[{table}]", f'basis = "hpfsim book export at {format_month(month)}"']
        for key, v in items.items():
            shown = "true" if v is True else "false" if v is False else repr(v)
            out.append(f"{key} = {shown}")
    return "\n".join(out) + "\n"


def _yuan(fen: np.ndarray) -> pa.Array:
    """Fen as yuan text with two decimals, vectorised (``12345`` → ``"123.45"``)."""
    fen = np.asarray(fen, np.int64)
    whole = pc.cast(pa.array(np.abs(fen) // 100), pa.string())
    part = pc.utf8_lpad(pc.cast(pa.array(np.abs(fen) % 100), pa.string()), 2, "0")
    text = pc.binary_join_element_wise(whole, part, ".")
    return pc.if_else(pa.array(fen < 0), pc.binary_join_element_wise("-", text, ""), text)


def _months(months: np.ndarray) -> pa.Array:
    """Month indices as ``YYYY-MM`` (empty for :data:`NO_MONTH`)."""
    months = np.asarray(months, np.int64)
    year = pc.utf8_lpad(pc.cast(pa.array(months // 12), pa.string()), 4, "0")
    cal = pc.utf8_lpad(pc.cast(pa.array(months % 12 + 1), pa.string()), 2, "0")
    text = pc.binary_join_element_wise(year, cal, "-")
    return pc.if_else(pa.array(months == NO_MONTH), pa.scalar(None, pa.string()), text)
