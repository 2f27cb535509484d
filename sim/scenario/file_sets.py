"""``--set`` on the population and fund files: key paths as they are written in those files.

A scenario names a population file and a fund file; their parameters are
assumptions as much as the policy's (see ``scenarios/uncertainty/``), so the
command line and the uncertainty analyses must reach them too. A key path is
the one in the file:

- population file: ``population.KEY`` (except ``population.size``, the
  scenario's own), ``cohort_defaults.KEY`` (every cohort that takes the
  default, i.e. does not set KEY itself), ``cohorts.NAME.KEY`` (one cohort),
  ``behaviour.MODEL.KEY`` (also ``behaviour.financing.KEY``), and the rate
  response: ``behaviour.response.setting`` (none, low, central, high) and
  ``behaviour.response.SETTING.KEY``;
- fund file: ``fund.KEY`` and ``employee.KEY``.

A value is checked against the same range as in the file, and an error names
the key and the allowed range in one line. Cohort shares cannot be set (they
must sum to 1 across the file).

The fund's opening balance sheet must still balance (cash + loans = deposits
+ reserve + credit line + equity). Cash is its balancing item, as in the fund
file: a ``--set`` of another opening balance without ``fund.start_cash``
moves the cash by the difference (recorded in the scenario's resolved
values); opening figures that leave negative cash, or that are all set and do
not balance, are refused.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sim.agents.config import (
    BEHAVIOUR_SPECS,
    COHORT_SPECS,
    COHORTS,
    FINANCING_SPECS,
    POPULATION_SPECS,
    RESPONSE_SETTINGS,
    RESPONSE_SPECS,
    AgentConfig,
)
from sim.core.checks import check_value
from sim.core.errors import InputError, read_toml
from sim.fund.pool_config import (
    EMPLOYEE_SPECS,
    FUND_SPECS,
    BookLines,
    PoolConfig,
    balancing_cash,
    check_opening_balance,
)

ORIGIN = "(command line)"
ALLOWED = (
    "population.KEY, cohort_defaults.KEY, cohorts.NAME.KEY, behaviour.MODEL.KEY, "
    "behaviour.response.setting, behaviour.response.SETTING.KEY (population file); "
    "fund.KEY, employee.KEY (fund file)"
)
OPENING = ("employee.deposit_balance", "employee.loan_balance", "fund.start_reserve",
           "fund.start_credit_line", "fund.start_equity")  # fmt: skip
_PREFIXES = ("population.", "cohort_defaults.", "cohorts.", "behaviour.", "fund.", "employee.")


def is_file_key(key: str) -> bool:
    """Whether ``key`` is meant for the population or fund file (checked later)."""
    return key.startswith(_PREFIXES) and key != "population.size"


def file_spec(key: str, origin: str = ORIGIN) -> tuple[Any, Any, type]:
    """``(low, high, kind)`` of a population- or fund-file key path; one-line error if unknown."""
    parts = key.split(".")
    spec = None
    if len(parts) == 2:
        table = {
            "population": POPULATION_SPECS,
            "fund": FUND_SPECS,
            "employee": EMPLOYEE_SPECS,
            "cohort_defaults": COHORT_SPECS,
        }.get(parts[0], {})
        spec = table.get(parts[1])
    elif len(parts) == 3 and parts[0] == "cohorts" and parts[1] in COHORTS:
        spec = COHORT_SPECS.get(parts[2])
    elif len(parts) == 3 and parts[0] == "behaviour" and parts[1] in BEHAVIOUR_SPECS:
        spec = BEHAVIOUR_SPECS[parts[1]][1].get(parts[2])
    elif len(parts) == 3 and parts[:2] == ["behaviour", "financing"]:
        spec = FINANCING_SPECS.get(parts[2])
    elif key == "behaviour.response.setting":
        spec = (RESPONSE_SETTINGS, None, str)
    elif len(parts) == 4 and parts[:2] == ["behaviour", "response"]:
        spec = RESPONSE_SPECS.get(parts[3]) if parts[2] in RESPONSE_SETTINGS else None
    if spec is None or parts[-1] == "share":
        raise InputError(origin, key, "unknown population or fund key path", allowed=ALLOWED)
    return spec


def apply_file_sets(
    agents: AgentConfig,
    pool: PoolConfig,
    sets: dict[str, Any],
    *,
    origin: str = ORIGIN,
    book: BookLines | None = None,
) -> tuple[AgentConfig, PoolConfig]:
    """The configs with ``sets`` applied, every value checked against its file's range; the
    opening books must still balance (with the ``book``'s lines when projecting from one)."""
    raw_cohorts = None
    for key, value in sets.items():
        low, high, kind = file_spec(key, origin)
        if kind is str:
            if value not in low:
                raise InputError(origin, key, f"got {value!r}", allowed=", ".join(low))
            agents = replace(agents, response=replace(agents.response, setting=value))
            continue
        v = check_value(origin, key, value, low, high, kind)
        head, *rest = key.split(".")
        if key.startswith("behaviour.response."):
            settings = tuple(
                (name, replace(st, **{rest[2]: v}) if name == rest[1] else st)
                for name, st in agents.response.settings
            )
            agents = replace(agents, response=replace(agents.response, settings=settings))
        elif head in ("fund", "employee"):
            part = getattr(pool, head)
            pool = replace(pool, **{head: replace(part, **{rest[0]: v})})
        elif head == "population":
            agents = replace(agents, population=replace(agents.population, **{rest[0]: v}))
        elif head == "behaviour":
            model = getattr(agents, rest[0])
            agents = replace(agents, **{rest[0]: replace(model, **{rest[1]: v})})
        else:
            if head == "cohort_defaults" and raw_cohorts is None:
                raw_cohorts = read_toml(agents.path).get("cohorts", {})
            name = rest[-1]
            chosen = (
                {rest[0]}
                if head == "cohorts"
                else {c for c in COHORTS if name not in raw_cohorts.get(c, {})}
            )
            agents = replace(
                agents,
                cohorts=tuple(
                    replace(c, **{name: v}) if c.name in chosen else c for c in agents.cohorts
                ),
            )
    if any(k in sets for k in OPENING) and "fund.start_cash" not in sets:
        cash = balancing_cash(pool.fund, pool.employee, book)
        if cash < 0:
            raise InputError(
                origin,
                "fund.start_cash",
                f"the opening figures leave {cash:,.2f}",
                allowed="deposits + reserve + credit line + equity >= loans",
            )
        pool = replace(pool, fund=replace(pool.fund, start_cash=cash))
    if any(k.startswith(("fund.", "employee.")) for k in sets):
        check_opening_balance(origin, pool.fund, pool.employee, book=book)
    return agents, pool
