"""Months as whole numbers, and the fund year.

The simulator's clock ticks in months. A month is stored as one integer,
``year * 12 + (month - 1)``, so that month arithmetic is integer arithmetic and
arrays of months are cheap. The fund year (F1) runs 1 July – 30 June and is
named here by the calendar year in which it *starts*: fund year 2023 is
July 2023 – June 2024. Interest and the holding subsidy are settled on
30 June, the last day of a fund year.
"""

from __future__ import annotations

import datetime as _dt
import re

import numpy as np

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")

MONTH_TYPE = np.int16
"""The type of a per-person month (an account's opening, last deposit, a birth, a planned
purchase …; issue 26's compact state): every month of a run fits, see :data:`LAST_RUN_MONTH`."""
LAST_STORED_MONTH = int(np.iinfo(MONTH_TYPE).max)
"""The last month :data:`MONTH_TYPE` holds: 32,767, August 2730."""
MONTHS_AHEAD = 100 * 12
"""How far past a run's last month a person's months may lie: a retirement (16-year-olds
retire within 55 years), a mortgage's end (L2: 40 years at most), a planned purchase
(60 months) or the months a deposit prepays (D2: 12) — all well within a century."""
LAST_RUN_MONTH = LAST_STORED_MONTH - MONTHS_AHEAD
"""The last month a run may simulate (August 2630): a scenario that ends later is refused
(:mod:`sim.scenario.files`), so every per-person month of a run fits :data:`MONTH_TYPE`.
The first is January of year 0 (a four-digit year: the month numbers are ``≥ 0``)."""


def month_index(year: int, month: int) -> int:
    """The integer of calendar month ``month`` (1–12) of ``year``."""
    if not 1 <= month <= 12:
        raise ValueError(f"month must be 1-12, got {month}")
    return year * 12 + (month - 1)


def parse_month(text: str) -> int:
    """Parse ``"YYYY-MM"`` into a month integer; raise ``ValueError`` otherwise."""
    m = _MONTH.match(text) if isinstance(text, str) else None
    if m is None or not 1 <= int(m.group(2)) <= 12:
        raise ValueError(f"expected a month as 'YYYY-MM', got {text!r}")
    return month_index(int(m.group(1)), int(m.group(2)))


def format_month(m: int) -> str:
    """``"YYYY-MM"`` for a month integer."""
    return f"{m // 12:04d}-{m % 12 + 1:02d}"


def calendar_month(m: int) -> int:
    """The calendar month, 1–12, of a month integer."""
    return m % 12 + 1


def month_of_date(d: _dt.date) -> int:
    """The month integer a date falls in."""
    return month_index(d.year, d.month)


def first_month_in_force(d: _dt.date) -> int:
    """The first month whose first day is on or after ``d``.

    A dated parameter takes effect on a date; the simulator works in whole
    months, so a value applies to every month whose first day it covers. A
    change dated 2016-02-21 applies from March 2016; one dated 2024-07-01,
    from July 2024.
    """
    m = month_of_date(d)
    return m if d.day == 1 else m + 1


def fund_year(m: int, settlement_month: int = 6) -> int:
    """The fund year of month ``m``, named by the year it starts (F1).

    With settlement in June, July 2023 – June 2024 is fund year 2023.
    """
    year, cal = divmod(m, 12)
    return year if cal + 1 > settlement_month else year - 1


def is_settlement_month(m: int, settlement_month: int = 6) -> bool:
    """True in the month whose last day is the annual settlement date (F1)."""
    return calendar_month(m) == settlement_month
