"""Reading and checking a population file (the contract is :mod:`sim.agents.config`).

Every key is checked against its range in the contract; an unknown key, a
wrong type, a value out of range, cohort shares that do not sum to 1, a
missing ``basis`` or response setting each raise a one-line
:class:`~sim.core.errors.InputError` naming the file, the key path and what is
allowed.
"""

from __future__ import annotations

import math
from pathlib import Path

from sim.agents.config import (
    BEHAVIOUR_SPECS,
    COHORT_SPECS,
    COHORTS,
    DEFAULT_POPULATION,
    FINANCING_SPECS,
    POPULATION_SPECS,
    RESPONSE_SETTINGS,
    RESPONSE_SPECS,
    AgentConfig,
    Cohort,
    Financing,
    PopulationParams,
    RateResponse,
    ResponseSetting,
)
from sim.agents.retirement import FEMALE_RETIREMENT_BASES
from sim.core.checks import check_table, check_value, only_keys, table_at
from sim.core.errors import InputError, read_toml
from sim.core.months import parse_month


def load_agent_config(path: str | Path = DEFAULT_POPULATION) -> AgentConfig:
    """Read and check a population file; see the module docstring."""
    origin = str(path)
    data = read_toml(path)
    only_keys(origin, "", data, {"population", "cohort_defaults", "cohorts", "behaviour"})
    pop = table_at(origin, "population", data.get("population"))
    population = PopulationParams(**check_table(origin, "population", pop, POPULATION_SPECS))
    if population.female_retirement_base not in FEMALE_RETIREMENT_BASES:  # E1, W4
        raise InputError(origin, "population.female_retirement_base",
                         str(population.female_retirement_base),
                         allowed="50 or 55 (women's pre-reform retirement ages)")  # fmt: skip
    defaults = table_at(origin, "cohort_defaults", data.get("cohort_defaults", {}))
    only_keys(origin, "cohort_defaults.", defaults, {*COHORT_SPECS, "basis"} - {"share"})
    for key, value in defaults.items():  # named as written, whether or not a cohort inherits it
        if key in COHORT_SPECS:
            check_value(origin, f"cohort_defaults.{key}", value, *COHORT_SPECS[key])
    cohorts_raw = table_at(origin, "cohorts", data.get("cohorts"))
    only_keys(origin, "cohorts.", cohorts_raw, set(COHORTS))
    cohorts = []
    for name in COHORTS:
        if name not in cohorts_raw:
            continue
        raw = table_at(origin, f"cohorts.{name}", cohorts_raw[name])
        merged = {**{k: v for k, v in defaults.items() if k != "basis"}, **raw}
        if not isinstance(merged.get("label"), str):
            raise InputError(origin, f"cohorts.{name}.label", "missing", allowed="a string")
        values = check_table(origin, f"cohorts.{name}", merged, COHORT_SPECS, extra={"label"})
        cohorts.append(Cohort(name=name, label=merged["label"], **values))
    if not cohorts:
        raise InputError(origin, "cohorts", "no cohort", allowed=", ".join(COHORTS))
    total = sum(c.share for c in cohorts)
    if not math.isclose(total, 1.0, abs_tol=1e-9):
        raise InputError(
            origin, "cohorts.*.share", f"shares sum to {total:.6g}", allowed="shares summing to 1"
        )
    behaviour = table_at(origin, "behaviour", data.get("behaviour"))
    only_keys(origin, "behaviour.", behaviour, {*BEHAVIOUR_SPECS, "financing", "response"})
    models = {}
    for name, (cls, specs) in BEHAVIOUR_SPECS.items():
        raw = table_at(origin, f"behaviour.{name}", behaviour.get(name))
        if name == "joining":  # with its optional dated pace
            values = check_table(origin, f"behaviour.{name}", raw, specs, extra={"pace"})
            pace = _dated(origin, "behaviour.joining.pace", raw.get("pace", {}), 0.0, 100.0)
            models[name] = cls(**values, pace=pace)
            continue
        models[name] = cls(**check_table(origin, f"behaviour.{name}", raw, specs))
    models["financing"] = _financing(origin, behaviour.get("financing"))
    models["response"] = _response(origin, behaviour.get("response"))
    return AgentConfig(origin, population, tuple(cohorts), **models)


def _financing(origin: str, raw) -> Financing:
    where = "behaviour.financing"
    raw = table_at(origin, where, raw)
    values = check_table(origin, where, raw, FINANCING_SPECS, extra={"commercial_rate"})
    if not raw.get("commercial_rate"):
        raise InputError(origin, f"{where}.commercial_rate", "empty", allowed='"YYYY-MM" = rate')
    path = _dated(origin, f"{where}.commercial_rate", raw.get("commercial_rate"), 0, 0.2)
    return Financing(commercial_rate=path, **values)


def _dated(origin: str, where: str, raw, low: float, high: float) -> tuple[tuple[int, float], ...]:
    """A dated table ``"YYYY-MM" = value``, checked, in month order."""
    table = table_at(origin, where, raw)
    path = []
    for when, value in sorted(table.items()):
        try:
            month = parse_month(when)
        except ValueError:
            raise InputError(origin, f"{where}.{when}", "not a month", allowed="YYYY-MM") from None
        path.append((month, check_value(origin, f"{where}.{when}", value, low, high, float)))
    return tuple(path)


def _response(origin: str, raw) -> RateResponse:
    where = "behaviour.response"
    raw = table_at(origin, where, raw)
    only_keys(origin, f"{where}.", raw, {"basis", "setting", "reference_rate", *RESPONSE_SETTINGS})
    if not isinstance(raw.get("basis"), str) or not raw["basis"].strip():
        raise InputError(origin, f"{where}.basis", "missing", allowed="a string naming the source")
    if raw.get("setting") not in RESPONSE_SETTINGS:
        raise InputError(
            origin,
            f"{where}.setting",
            f"got {raw.get('setting')!r}",
            allowed=", ".join(RESPONSE_SETTINGS),
        )
    reference = check_value(
        origin, f"{where}.reference_rate", raw.get("reference_rate"), 0.0001, 0.05, float
    )
    settings = []
    for name in RESPONSE_SETTINGS:
        table = table_at(origin, f"{where}.{name}", raw.get(name))
        values = check_table(origin, f"{where}.{name}", table, RESPONSE_SPECS)
        settings.append((name, ResponseSetting(**values)))
    return RateResponse(raw["setting"], reference, tuple(settings))
