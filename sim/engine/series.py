"""The record's schema: every monthly series, in the order ``series.parquet`` writes it, with
its unit and kind.

A path's record (:meth:`sim.engine.simulation.Simulation._record`) holds one number per series
per month. What each number measures is said here once, and read by the engine (which series
are money, held in fen and written in yuan: :data:`FEN_SERIES`), the results (how a year is
summarised: :func:`summaries`), the report's labels (the unit a figure is shown in) and the
decision figures (what may be summed over the horizon). F7: the centre monitors deposits,
withdrawals and loans, by cohort.

- **unit** — what one unit of the number is: ``yuan`` (money: held in integer fen by the
  books, written in yuan), a count of ``people``, ``accounts``, ``loans``, ``applications``
  or ``requests``, ``months``, a ``ratio``, an ``index`` (1 at the start) or a ``level`` (a
  code);
- **kind** — ``stock``: a balance or a count at the month's end, read at a year's end;
  ``flow``: what happened during the month, summed over a year; ``level``: a ratio, an
  index or a state of the month, neither a balance nor additive (read at a year's end, or
  its peak or low).

The columns of ``series.parquet`` and their order are a promise to users: a new series goes
at the end. ``docs/series.md`` is this table written out (:func:`markdown`; a test keeps it
current).
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.agents.config import COHORTS
from sim.fund.figures import COHORT_SERIES, WITHDRAWAL_KINDS
from sim.fund.liquidity import CASH_IN, CASH_OUT

STOCK, FLOW, LEVEL = "stock", "flow", "level"
KINDS = (STOCK, FLOW, LEVEL)
MONEY_UNITS = ("yuan",)
COUNT_UNITS = ("people", "accounts", "loans", "applications", "requests")
UNITS = (*MONEY_UNITS, *COUNT_UNITS, "months", "ratio", "index", "level")


@dataclass(frozen=True)
class Series:
    """One monthly series: its column name, unit, kind and what it measures."""

    name: str
    unit: str
    kind: str
    meaning: str

    def __post_init__(self):
        if self.unit not in UNITS or self.kind not in KINDS or not self.meaning:
            raise ValueError(f"series {self.name}: unit {self.unit!r}, kind {self.kind!r}")
        if self.kind == FLOW and self.unit in ("ratio", "index", "level"):
            raise ValueError(f"series {self.name}: a {self.unit} is not a flow")

    @property
    def money(self) -> bool:
        """Money: held in integer fen by the books, written in yuan."""
        return self.unit in MONEY_UNITS

    @property
    def count(self) -> bool:
        """A whole count of people, accounts, loans, applications or requests."""
        return self.unit in COUNT_UNITS


def _s(name: str, unit: str, kind: str, meaning: str) -> Series:
    return Series(name, unit, kind, meaning)


_COHORT_MEANINGS = {
    "cohort_loan_balance": ("yuan", STOCK, "the stress cohort's outstanding principal"),
    "cohort_written_off_to_date": ("yuan", STOCK, "the stress cohort's principal written off"),
    "cohort_losses_to_date": ("yuan", STOCK, "the stress cohort's losses"),
    "cohort_defaults_to_date": ("loans", STOCK, "the stress cohort's loans defaulted"),
}  # fmt: skip
"""The stress cohort (:data:`sim.fund.figures.COHORT_SERIES`: the flexible loans granted before
the stress window's start, issue 22); the written-off, losses and defaults add up from then."""

_WITHDRAWN = {
    "rent": "for rent (W1)", "purchase": "for a purchase (W1)",
    "repayment": "for loan repayments (W1)", "exit": "on leaving (W3)",
    "retirement": "at retirement, death or emigration (W4)",
}  # fmt: skip
"""The withdrawals by kind (:data:`sim.fund.figures.WITHDRAWAL_KINDS`); they sum to
``withdrawals``."""

SCHEMA: tuple[Series, ...] = (
    _s("members", "people", STOCK, "open accounts of the pilot at the month's end"),
    _s("new_members", "people", FLOW, "accounts opened (E1–E5)"),
    _s("exits", "people", FLOW, "accounts closed by their holders (W3)"),
    _s("deposits", "yuan", FLOW, "the pilot's deposits (D1–D3)"),
    _s("withdrawals", "yuan", FLOW, "the pilot's withdrawals, every kind"),
    _s("subsidy_paid", "yuan", FLOW, "deposit subsidy credited (S1–S2)"),
    _s("bonus_paid", "yuan", FLOW, "opening bonus credited (S6)"),
    _s("interest_credited", "yuan", FLOW, "interest credited to the pilot's accounts"),
    _s("tax_forgone", "yuan", FLOW, "income tax saved by depositors (D3)"),
    _s("deposit_refusals", "requests", FLOW, "deposits refused"),
    _s("loan_applications", "applications", FLOW, "the pilot's loan applications"),
    _s("loan_refusals", "applications", FLOW, "the pilot's loan applications refused"),
    _s("loans_disbursed", "loans", FLOW, "the pilot's loans granted"),
    _s("loans_disbursed_amount", "yuan", FLOW, "the pilot's loans granted, principal"),
    _s("loan_queue_length", "applications", STOCK, "applications waiting at the desk (F5)"),
    _s("loan_queue_wait_months", "months", LEVEL, "mean wait of the month's pilot loans granted"),
    _s("loan_balance", "yuan", STOCK, "the pilot's outstanding loan principal"),
    _s("deposit_balance", "yuan", STOCK, "the pilot's deposit balance"),
    _s("loan_to_deposit", "ratio", LEVEL, "the pilot's loans ÷ its deposits (个贷率)"),
    _s("pool_deposit_balance", "yuan", STOCK, "the pool's deposit balance (pilot and employees)"),
    _s("pool_loan_balance", "yuan", STOCK, "the pool's outstanding loan principal"),
    _s("pool_loan_to_deposit", "ratio", LEVEL, "the pool's loans ÷ its deposits (个贷率)"),
    _s("cash", "yuan", STOCK, "the pool's cash"),
    _s("survival_months", "months", LEVEL, "months the cash lasts at the projected net outflow"),
    _s("survival_months_with_line", "months", LEVEL, "the same with the undrawn credit line"),
    _s("loan_queue_amount", "yuan", STOCK, "amount of the applications waiting"),
    _s("credit_line_balance", "yuan", STOCK, "the credit line drawn and not repaid"),
    _s("credit_line_drawn", "yuan", FLOW, "drawn on the credit line"),
    _s("value_added_income", "yuan", FLOW, "the pool's value-added income"),
    _s("risk_reserve", "yuan", STOCK, "the pool's loan risk reserve"),
    _s("reserve_to_loans", "ratio", LEVEL, "the risk reserve ÷ the pool's loans"),
    _s("reserve_to_stressed_loss", "ratio", LEVEL, "the pilot's reserve ÷ its stressed loss"),
    _s("reserve_uncovered", "yuan", STOCK, "the pilot's losses beyond its reserve, so far"),
    _s("defaults_amount", "yuan", FLOW, "the pilot's principal written off"),
    _s("credit_losses", "yuan", FLOW, "the pilot's losses on defaults"),
    _s("defaults", "loans", FLOW, "the pilot's loans defaulted"),
    _s("arrears_3plus", "loans", STOCK, "the pilot's loans three or more months in arrears"),
    _s("rationing_level", "level", LEVEL, "the desk's rationing level (0 none)"),
    _s("house_price_index", "index", LEVEL, "house prices, 1 at the start"),
    _s("members_at_cap", "people", STOCK, "open accounts at the subsidy's lifetime cap (S2)"),
    *(_s(n, *_COHORT_MEANINGS[n]) for n in COHORT_SERIES),
    *(_s(f"members.{c}", "people", STOCK, f"open accounts of the cohort {c}") for c in COHORTS),
    *(_s(f"deposits.{c}", "yuan", FLOW, f"deposits of the cohort {c}") for c in COHORTS),
    *(_s(f"cash_in.{k}", "yuan", FLOW, f"the pool's cash received: {k}") for k in CASH_IN),
    *(_s(f"cash_out.{k}", "yuan", FLOW, f"the pool's cash paid: {k}") for k in CASH_OUT),
    _s("pool_equity", "yuan", STOCK, "value-added income not yet distributed"),
    _s("interest_payable", "yuan", STOCK, "interest accrued on accounts, not yet credited"),
    _s("unmet_withdrawals", "yuan", STOCK, "withdrawals waiting for cash"),
    _s("unpaid_costs", "yuan", STOCK, "costs waiting for cash"),
    _s("employee_reserve", "yuan", STOCK, "the employees' loan risk reserve"),
    _s("segment_value_added_income", "yuan", FLOW, "the pilot's own value-added income"),
    _s("segment_subsidy_cost", "yuan", FLOW, "the pilot's subsidy cost"),
    _s("segment_margin", "yuan", FLOW, "the pilot's income less its subsidy and losses"),
    _s("segment_reserve", "yuan", STOCK, "the pilot's loan risk reserve"),
    _s("segment_reserve_to_loans", "ratio", LEVEL, "the pilot's reserve ÷ its loans"),
    _s("segment_net_funding", "yuan", STOCK, "the pilot's deposits less its loans"),
    _s("segment_loan_interest", "yuan", FLOW, "interest on the pilot's loans"),
    _s("segment_funding_income", "yuan", FLOW, "income on the pilot's net funding"),
    _s("segment_interest_cost", "yuan", FLOW, "interest owed to the pilot's depositors"),
    _s("segment_costs", "yuan", FLOW, "the pilot's share of the centre's costs"),
    _s("active_depositors", "people", STOCK, "open accounts not dormant"),
    _s("dormant_accounts", "accounts", STOCK, "open accounts dormant"),
    _s("ever_members", "people", STOCK, "accounts ever opened"),
    _s("housing_users", "people", STOCK, "members who have used the fund for housing"),
    *(_s(f"withdrawals.{k}", "yuan", FLOW, f"the pilot's withdrawals {_WITHDRAWN[k]}")
      for k in WITHDRAWAL_KINDS),
    _s("pool_deposits", "yuan", FLOW, "the pool's deposits as the annual report counts them"),
    _s("pool_withdrawals", "yuan", FLOW, "the pool's withdrawals"),
    _s("pool_withdrawers", "people", FLOW, "employees who withdrew"),
    _s("pool_loans_issued", "loans", FLOW, "the pool's loans granted"),
    _s("pool_loans_issued_amount", "yuan", FLOW, "the pool's loans granted, principal"),
    _s("pool_principal_repaid", "yuan", FLOW, "the pool's principal repaid and prepaid"),
    _s("pool_prepaid", "yuan", FLOW, "the pool's principal prepaid"),
    _s("pool_loans_rationed", "yuan", FLOW, "employee loans cut by rationing"),
    _s("pool_withdrawals_stopped", "yuan", FLOW, "employee purchase withdrawals stopped"),
    _s("employee_loans_asked", "loans", FLOW, "employee loans asked for"),
    _s("employee_defaults_amount", "yuan", FLOW, "employee principal defaulted"),
    _s("liquidity_level", "level", LEVEL, "the centre's liquidity line (0 normal)"),
)  # fmt: skip
"""Every monthly series in ``series.parquet`` order."""

BY_NAME: dict[str, Series] = {s.name: s for s in SCHEMA}
SERIES: tuple[str, ...] = tuple(s.name for s in SCHEMA)
"""The names, in order (the columns of ``series.parquet`` after scenario, path and month)."""
FEN_SERIES: frozenset[str] = frozenset(s.name for s in SCHEMA if s.money)
"""Series held in fen and written in yuan."""
if len(BY_NAME) != len(SCHEMA):
    raise ValueError("a series is declared twice")


def summaries(*figures: str | tuple[str, str]) -> dict[str, str]:
    """How each figure is summarised over a year (:func:`sim.engine.results.yearly`): a
    flow summed (``flow``), anything else read at the year's end (``stock``), unless the
    figure comes as ``(name, "max" | "min")``, its peak or low within the year."""
    out = {}
    for f in figures:
        name, how = f if isinstance(f, tuple) else (f, year_summary(f))
        if isinstance(f, tuple) and how not in ("max", "min"):
            raise ValueError(f"{name}: summarised as {how!r}, allowed: its kind's, max, min")
        out[name] = how
    return out


def year_summary(name: str) -> str:
    """A series over a year by its kind: a flow summed (``flow``), a stock or a level read at
    the year's end (``stock``)."""
    return FLOW if BY_NAME[name].kind == FLOW else STOCK


def markdown() -> str:
    """``docs/series.md``: the schema as a table."""
    lines = [
        "# The monthly series",
        "",
        "The columns of `series.parquet` after `scenario`, `path` and `month`, in order",
        "(`sim/engine/series.py`; this page is written by `sim.engine.series.markdown()` and a",
        "test keeps it current). Money is in yuan (the books hold it in fen). A *stock* is a",
        "balance or a count at the month's end, a *flow* what happened during the month (sum",
        "it over a year), a *level* a ratio, an index or a state (neither).",
        "",
        "| series | unit | kind | what it measures |",
        "|---|---|---|---|",
    ]
    lines += [f"| `{s.name}` | {s.unit} | {s.kind} | {s.meaning} |" for s in SCHEMA]
    return "\n".join(lines) + "\n"
