"""Every assumption a run rests on, with its key path, value and basis.

The committee's Methods section and the spreadsheet list them all: the
policy's assumption parameters (``Policy.assumptions``), the scenario's own
numbers (population size, horizon, paths, seed — their basis is the comment
beside them in the scenario file), and every number in the population and
behaviour file and the fund file (their basis is the ``basis`` of the table
they sit in; a table without one inherits its parent's). Files are walked
generically, so a key added to a file appears here without a code change.

The assumptions that drive the subsidy-rate decision — how many people might
join and how joining, depositing and leaving respond to the rate — come first
(:data:`DRIVERS`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sim.core.errors import read_toml

DRIVERS = (
    "population.size",
    "behaviour.response.setting",
    "behaviour.response.central.participation_elasticity",
    "behaviour.response.central.delay_weight",
    "behaviour.response.central.amount_ratio",
    "behaviour.response.reference_rate",
    "behaviour.joining.base_annual_rate",
    "behaviour.joining.return_semi_elasticity",
    "behaviour.joining.reference_return",
    "behaviour.dormancy.stop_annual_rate",
    "behaviour.dormancy.restart_annual_rate",
    "behaviour.withdrawing.exit_annual_rate",
    "subsidy.holding_rate",
    "fund.bank_rate",
)
"""Key paths that set how members and costs respond to the holding-subsidy rate."""

SCENARIO_KEYS = ("population.size", "horizon.months", "montecarlo.paths", "montecarlo.seed",
                 "policy.switch_on")  # fmt: skip


@dataclass(frozen=True)
class Assumption:
    """One assumption in force: where it comes from, its key path, value and basis."""

    source: str  # "policy", "scenario", "population", "fund"
    file: str
    key: str
    value: str
    basis: str
    drives: bool
    raw: Any = None  # the value itself (a number for the workbook), when it is one


def _shown(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.6g}" if abs(value) < 1e6 else f"{value:,.0f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,d}"
    return str(value)


def _walk(table: dict, prefix: str, basis: str, out: list[tuple[str, Any, str]]) -> None:
    basis = table.get("basis", basis)
    for key, value in table.items():
        if key in ("basis", "label", "description"):
            continue
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            _walk(value, path + ".", basis, out)
        elif isinstance(value, (int, float, list)) and not isinstance(value, bool):
            out.append((path, value, basis))


def file_assumptions(path: str | Path, source: str) -> list[Assumption]:
    """Every number in a population or fund file, with its table's basis."""
    rows: list[tuple[str, Any, str]] = []
    _walk(read_toml(path), "", "", rows)
    return [Assumption(source, str(path), k, _shown(v), b, k in DRIVERS, v) for k, v, b in rows]


def _comment_of(text: str, section: str, name: str) -> str:
    """The comment beside ``name =`` in ``[section]`` of a TOML text."""
    current = None
    for line in text.splitlines():
        head = re.match(r"\s*\[([^\]]+)\]", line)
        if head:
            current = head.group(1).strip()
        elif current == section and re.match(rf"\s*{re.escape(name)}\s*=", line) and "#" in line:
            return line.split("#", 1)[1].strip()
    return ""


def scenario_assumptions(scenario) -> list[Assumption]:
    """The scenario's own numbers, with the comment beside each as its basis."""
    text = Path(scenario.path).read_text(encoding="utf-8")
    values = {
        "population.size": scenario.population_size,
        "horizon.months": scenario.horizon,
        "montecarlo.paths": scenario.paths,
        "montecarlo.seed": scenario.seed,
        "policy.switch_on": scenario.resolved["policy"]["switch_on"],
    }
    out = []
    for key in SCENARIO_KEYS:
        if values[key] is None:
            continue
        section, name = key.split(".")
        out.append(
            Assumption(
                "scenario",
                scenario.path,
                key,
                _shown(values[key]),
                _comment_of(text, section, name),
                key in DRIVERS,
                values[key],
            )
        )
    return out


def policy_assumptions(scenario) -> list[Assumption]:
    """The assumption parameters of the policy (and the policy switched to)."""
    policies = [scenario.policy] + ([scenario.switch_policy] if scenario.switch_policy else [])
    return [
        Assumption(
            "policy",
            p.id,
            param.spec.key,
            param.shown(),
            param.assumption,
            param.spec.key in DRIVERS,
            None if param.dated else param.value,
        )
        for p in policies
        for param in p.assumptions()
    ]


def in_force(scenario, sets: dict[str, Any] | None = None) -> list[Assumption]:
    """Every assumption of a scenario; the decision's drivers first, in :data:`DRIVERS` order.

    A value given by ``--set`` (``sets``) says so in its basis.
    """
    rows = (
        policy_assumptions(scenario)
        + scenario_assumptions(scenario)
        + file_assumptions(scenario.agents.path, "population")
        + file_assumptions(scenario.pool.path, "fund")
    )
    sets = sets or {}
    rows = [
        replace(a, basis=f"--set {a.key}={sets[a.key]} (the file: {a.basis})")
        if a.key in sets
        else a
        for a in rows
    ]
    order = {k: i for i, k in enumerate(DRIVERS)}
    return sorted(rows, key=lambda a: (not a.drives, order.get(a.key, 0)))
