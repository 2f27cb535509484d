"""Scenarios: everything one run needs, from a TOML file, checked before anything runs.

A scenario names its policy (and an optional switch to another on a date),
policy overrides by key path, the population and fund files, the population
size, the horizon, the number of Monte Carlo paths and the seed, and any
shocks. ``scenarios/baseline.toml`` is the built-in default. Key paths that
tests and ``--set`` rely on: ``population.size`` and ``horizon.months``
(also ``montecarlo.paths``, ``montecarlo.seed``, ``policy.switch_on``); any
policy key path (``subsidy.holding_rate``) set on the command line becomes an
override; so do key paths of the population and fund files
(``behaviour.joining.base_annual_rate``, ``employee.other_rate``: see
``sim.scenario.file_sets``).

A shock (``[[shock]]``) changes incomes or behaviour over a window
(``start``, ``months``): an income cut and a rise in idleness for all or
chosen cohorts, multipliers on the exit or purchase hazard, on the employee
segment's deposits, withdrawals or loan demand, a fall in house prices
(permanent from ``start``), or a new holding-subsidy rate from ``start`` (a
policy reversal). ``severity`` scales every effect at once (0 = none,
1 = as written, 2 = twice as far from no effect). Income and employee effects
fade out linearly over ``recovery_months`` after the window.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sim.agents.config import AgentConfig
from sim.agents.population_file import load_agent_config
from sim.core.checks import check_int, check_month, check_str, only_keys, table_at
from sim.core.errors import InputError, read_toml
from sim.core.months import LAST_RUN_MONTH, format_month
from sim.fund.ledger import UNSWITCHABLE
from sim.fund.params import SPEC_BY_KEY
from sim.fund.policy import Policy, policy_named_in
from sim.fund.pool_config import PoolConfig, load_pool_config
from sim.scenario.file_sets import ALLOWED, apply_file_sets, is_file_key
from sim.scenario.shock import Shock, parse_shock

SCENARIO_DIR = Path(__file__).resolve().parents[2] / "scenarios"
BASELINE = SCENARIO_DIR / "baseline.toml"

SECTIONS = {
    "scenario": {"name", "description", "start", "population_file", "fund_file"},
    "policy": {"id", "switch_to", "switch_on"},
    "overrides": None,  # policy key paths
    "population": {"size"},
    "horizon": {"months"},
    "montecarlo": {"paths", "seed"},
    "engine": {"repay_from_balance"},
    "shock": None,  # array of tables
}


@dataclass(frozen=True)
class Scenario:
    """A checked scenario."""

    path: str
    name: str
    description: str
    start: int
    policy: Policy
    switch_on: int | None
    switch_policy: Policy | None
    population_size: int
    horizon: int
    paths: int
    seed: int
    agents: AgentConfig
    pool: PoolConfig
    repay_from_balance: bool
    shocks: tuple[Shock, ...]
    resolved: dict[str, Any]
    digest: str
    book: str | None = None  # a book folder to project from (sim.book)
    cohort_month: int | None = None  # loans granted before it are the stress cohort (figures)

    def policy_in(self, month: int) -> Policy:
        """The policy in force in ``month``."""
        if self.switch_on is not None and month >= self.switch_on:
            return self.switch_policy
        return self.policy

    def with_sets(self, sets: dict[str, Any]) -> Scenario:
        """A copy with ``--set`` values applied (reloaded, so everything is checked)."""
        return load_scenario(self.path, sets=sets)


def parse_set(text: str) -> tuple[str, Any]:
    """``KEY=VALUE`` from the command line; the value is read as TOML, else as a string."""
    if "=" not in text:
        raise InputError("(command line)", text, "expected KEY=VALUE")
    key, raw = text.split("=", 1)
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw
    return key.strip(), value


def load_scenario(path: str | Path = BASELINE, *, sets: dict[str, Any] | None = None) -> Scenario:
    """Read and check a scenario; ``sets`` are ``--set`` values by key path."""
    origin = str(path)
    data = read_toml(path)
    only_keys(origin, "", data, set(SECTIONS))
    for section, keys in SECTIONS.items():
        if keys is not None and section in data:
            only_keys(origin, f"{section}.", table_at(origin, section, data[section]), keys)
    data = {k: (dict(v) if isinstance(v, dict) else v) for k, v in data.items()}
    overrides = dict(table_at(origin, "overrides", data.get("overrides", {})))
    stress, severity, effects, book, window_start = None, None, None, None, None
    file_sets = {}
    for key, value in (sets or {}).items():
        section, _, name = key.partition(".")
        if key == "stress":
            stress = value
        elif key == "stress.severity":
            severity = value
        elif key == "stress.effects":
            effects = value
        elif key == "stress.window_start":
            window_start = check_month("(command line)", key, value)
        elif key == "book":
            book = str(value)
        elif SECTIONS.get(section) and name in SECTIONS[section]:
            data.setdefault(section, {})[name] = value
        elif key in SPEC_BY_KEY:
            overrides[key] = value
        elif is_file_key(key):
            file_sets[key] = value
        else:
            raise InputError(
                "(command line)",
                key,
                "unknown key for --set",
                allowed=f"a scenario or policy key path, or {ALLOWED}",
            )
    sc = table_at(origin, "scenario", data.get("scenario"))
    name = check_str(origin, "scenario.name", sc.get("name"))
    start = check_month(origin, "scenario.start", sc.get("start"))
    base = Path(origin).parent
    agents = load_agent_config(_file(origin, "scenario.population_file", sc, base))
    fund_file = _file(origin, "scenario.fund_file", sc, base)
    pool = load_pool_config(fund_file) if book is None else None  # with a book: below
    pol = table_at(origin, "policy", data.get("policy"))
    policy = _policy(origin, "policy.id", pol.get("id"), base).with_overrides(
        overrides, origin=origin
    )
    switch_on = switch_policy = None
    if "switch_to" in pol or "switch_on" in pol:
        switch_on = check_month(origin, "policy.switch_on", pol.get("switch_on"))
        if switch_on <= start:
            raise InputError(
                origin, "policy.switch_on", f"{pol['switch_on']} is not after the start"
            )
        switch_policy = _policy(origin, "policy.switch_to", pol.get("switch_to"), base)
        switch_policy = switch_policy.with_overrides(overrides, origin=origin)
        for key in UNSWITCHABLE:  # the accounts' ageing is laid out for one window
            if switch_policy[key] != policy[key]:
                raise InputError(
                    origin,
                    "policy.switch_to",
                    f"{pol.get('switch_to')} has {key} = {switch_policy[key]}, "
                    f"{pol.get('id')} {policy[key]}: it cannot change mid-run",
                    allowed=f"a policy with the same {key}, or no switch",
                )
    size = check_int(
        origin, "population.size", data.get("population", {}).get("size"), 1, 50_000_000
    )
    horizon = check_int(origin, "horizon.months", data.get("horizon", {}).get("months"), 1, 600)
    mc = data.get("montecarlo", {})
    paths = check_int(origin, "montecarlo.paths", mc.get("paths", 8), 1, 100_000)
    seed = check_int(origin, "montecarlo.seed", mc.get("seed", 1), 0, 2**63 - 1)
    repay = data.get("engine", {}).get("repay_from_balance", True)
    if not isinstance(repay, bool):
        raise InputError(
            origin, "engine.repay_from_balance", f"got {repay!r}", allowed="true | false"
        )
    raw_shocks = data.get("shock", [])
    if not isinstance(raw_shocks, list):
        raise InputError(origin, "shock", "must be an array of tables ([[shock]])")
    lines = None
    if book is not None:
        from sim.book.load import book_lines, shift_scenario

        header, start, policy, switch_on, switch_policy, pool = shift_scenario(
            origin,
            book,
            start=start,
            policy=policy,
            switch_on=switch_on,
            switch_policy=switch_policy,
            fund_file=fund_file,
        )
        lines = book_lines(header)
    agents, pool = apply_file_sets(agents, pool, file_sets, book=lines)
    _in_force(origin, "scenario.start", policy, start)
    if start + horizon - 1 > LAST_RUN_MONTH:  # a person's months are int16 (issue 26)
        raise InputError(origin, "horizon.months", f"the run ends in "
                         f"{format_month(start + horizon - 1)}, after the last month a run may "
                         "simulate (sim.core.months.LAST_RUN_MONTH)",
                         allowed=f"a run that ends by {format_month(LAST_RUN_MONTH)}")  # fmt: skip
    if switch_policy is not None:
        _in_force(origin, "policy.switch_on", switch_policy, switch_on)
    shocks = tuple(parse_shock(origin, i, s, start) for i, s in enumerate(raw_shocks, start=1))
    if stress is not None:
        from sim.scenario.stress_files import load_stress

        shocks += load_stress(stress, start=start, severity=severity, effects=effects).shocks
    cohort = (
        window_start if window_start is not None else min((s.start for s in shocks), default=None)
    )
    resolved = {
        "scenario": {"name": name, "start": format_month(start), "file": origin},
        "policy": {
            "id": policy.id,
            "switch_to": switch_policy.id if switch_policy else None,
            "switch_on": format_month(switch_on) if switch_on else None,
        },
        "overrides": overrides,
        "population.size": size,
        "horizon.months": horizon,
        "montecarlo": {"paths": paths, "seed": seed},
        "engine.repay_from_balance": repay,
        "population_file": agents.path,
        "fund_file": pool.path,
        "shocks": [s.name for s in shocks],
        "stress": stress,
        "stress.severity": severity,
        "stress.effects": effects,
        "book": book,
        "file_sets": file_sets,
        "fund.start_cash": pool.fund.start_cash,
        "held_policy": held_policy(shocks, switch_on, switch_policy),
        "stress.window_start": format_month(cohort) if cohort is not None else None,
    }
    digest = hashlib.sha256(
        Path(origin).read_bytes()
        + repr(sorted(overrides.items())).encode()
        + (repr(sorted(file_sets.items())).encode() if file_sets else b"")
        + (f"book={Path(book).resolve()}".encode() if book else b"")
    )
    return Scenario(
        origin,
        name,
        str(sc.get("description", "")),
        start,
        policy,
        switch_on,
        switch_policy,
        size,
        horizon,
        paths,
        seed,
        agents,
        pool,
        repay,
        shocks,
        resolved,
        digest.hexdigest(),
        book,
        cohort,
    )


def held_policy(shocks, switch_on: int | None, switch_policy: Policy | None) -> list[dict]:
    """The policy keys the shocks set, and the scheduled switch each holds through (the
    manifest's record; :meth:`sim.fund.fund.Fund.switch_policy` does it)."""
    out = []
    for s in shocks:
        keys = []
        if s.holding_rate is not None:
            keys.append(("subsidy.holding_rate", s.holding_rate))
        if "loan_rate_cut" in s.effects:
            keys.append(("loan rates cut by", s.effect("loan_rate_cut", s.start)))
        for key, value in keys:
            through = switch_on is not None and switch_on > s.start
            out.append(
                {
                    "shock": s.name,
                    "key": key,
                    "value": value,
                    "from": format_month(s.start),
                    "until": "the horizon",
                    "holds_through_switch": (
                        f"{switch_policy.id} on {format_month(switch_on)}" if through else None
                    ),
                }
            )
    return out


def idle_shocks(scenario: Scenario) -> list[str]:
    """A line for each shock that falls wholly outside the run (it would change nothing)."""
    first, end = scenario.start, scenario.start + scenario.horizon
    out = []
    for s in scenario.shocks:
        lasting = s.holding_rate is not None or {"house_prices", "loan_rate_cut"} & set(s.effects)
        over = s.start + s.months + s.recovery_months
        if s.start >= end or (over <= first and not lasting):
            out.append(
                f"shock {s.name!r} ({format_month(s.start)} to {format_month(over - 1)}) "
                f"falls outside the run ({format_month(first)} to "
                f"{format_month(end - 1)}): it changes nothing"
            )
    return out


def with_shocks(scenario: Scenario, shocks: tuple[Shock, ...]) -> Scenario:
    """The same scenario with other shocks (used by the stress library)."""
    return replace(scenario, shocks=shocks)


def _policy(origin: str, key: str, name: Any, base: Path) -> Policy:
    return policy_named_in(origin, key, check_str(origin, key, name), base)


def _file(origin: str, key: str, table: dict, base: Path) -> Path:
    name = check_str(origin, key, table.get(key.split(".")[1]))
    for candidate in (base / name, SCENARIO_DIR / name, Path(name)):
        if candidate.exists():
            return candidate
    raise InputError(origin, key, f"no file {name!r}", allowed="a path relative to the scenario")


def _in_force(origin: str, key: str, policy: Policy, month: int) -> None:
    """Refuse a run that starts (or switches) before a dated parameter of its policy has a
    value, here rather than in a worker in the run's first month."""
    dates = [(p.dated[0][0], p.dated[-1][0], name) for name, p in policy.params.items() if p.dated]
    if not dates:
        return
    first, name = max((d[0], d[2]) for d in dates)
    if first > month:
        raise InputError(
            origin,
            key,
            f"{format_month(month)} is before {policy.id} gives "
            f"{name} a value (from {format_month(first)})",
            allowed=f"{format_month(first)} or later",
        )
    newest = max(d[1] for d in dates)
    if month > newest + 12 * FIGURES_YEARS:
        raise InputError(
            origin,
            key,
            f"{format_month(month)} is more than {FIGURES_YEARS} "
            f"years after the newest dated figure of {policy.id} "
            f"({format_month(newest)}): the policy, fund and population figures "
            "describe the pilot's first years",
            allowed=f"up to {format_month(newest + 12 * FIGURES_YEARS)}, or "
            "figures for the later years",
        )


FIGURES_YEARS = 10
"""How far past its policy's newest dated figure a run may start (its fund and population
figures are of the same years: a start in 2099 on the 2023 figures is a typo)."""
