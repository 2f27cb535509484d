"""Calibration: the agents' simulated moments beside their targets.

Targets are data (``scenarios/calibration/targets.toml``), each with its
source. :func:`calibrate` synthesises a population, runs the agents alone
against the real ledger and the stand-in loan desk (``sim.agents.world``),
and measures each moment the same way the target defines it, so a reader
sees at once where the defaults sit against what is published.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.agents.config import AgentConfig
from sim.agents.world import AgentWorld
from sim.errors import InputError, read_toml
from sim.fund.policy import Policy

DEFAULT_TARGETS = Path(__file__).resolve().parents[2] / "scenarios/calibration/targets.toml"
_KEYS = {"description", "target", "tolerance", "source"}


@dataclass(frozen=True)
class Moment:
    """One moment: its target and what the run gave."""

    name: str
    description: str
    target: float
    tolerance: float
    source: str
    simulated: float

    @property
    def within(self) -> bool:
        """True if the simulated value is within the tolerance of the target."""
        return abs(self.simulated - self.target) <= self.tolerance


def load_targets(path: str | Path = DEFAULT_TARGETS) -> dict[str, dict]:
    """Read the targets file; every moment needs a number target, tolerance and a source."""
    origin = str(path)
    data = read_toml(path)
    moments = data.get("moments")
    if not isinstance(moments, dict) or set(data) != {"moments"}:
        raise InputError(origin, "moments", "the file holds one table of [moments.NAME]")
    for name, m in moments.items():
        if not isinstance(m, dict) or set(m) != _KEYS:
            raise InputError(origin, f"moments.{name}", "wrong keys", allowed=", ".join(_KEYS))
        for key in ("target", "tolerance"):
            if isinstance(m[key], bool) or not isinstance(m[key], int | float):
                raise InputError(
                    origin, f"moments.{name}.{key}", f"got {m[key]!r}", allowed="a number"
                )
        if name not in MEASURES:
            raise InputError(
                origin, f"moments.{name}", "no such moment", allowed=", ".join(MEASURES)
            )
    return moments


def _measure(config: AgentConfig, policy: Policy, n: int, months: int, seed: int, start: int):
    world = AgentWorld(config, policy, n, seed=seed, start_month=start)
    gig = [i for i, c in enumerate(config.cohorts) if c.name == "gig"]
    is_gig = np.isin(world.pop.cohort, gig)
    active, idle_prev, spells, spell_months = [], np.zeros(n, bool), 0, 0
    income_sum, person_months, gig_active, gig_months, below, active_months = 0.0, 0, 0, 0, 0, 0
    stats = []
    for _ in range(months):
        s = world.step()
        stats.append(s)
        alive, inc = world.state.alive, world.income
        idle = alive & ~inc.active
        spells += int((idle & ~idle_prev).sum())
        spell_months += int(idle.sum())
        idle_prev = idle
        income_sum += float(inc.income[alive].sum())
        person_months += int(alive.sum())
        act = alive & inc.active
        active_months += int(act.sum())
        below += int((act & (inc.income < 2260)).sum())
        gig_active += int((act & is_gig).sum())
        gig_months += int((alive & is_gig).sum())
        active.append(act.mean())
    year2 = stats[12:24] if len(stats) >= 24 else stats
    member_months = sum(s.members for s in stats)
    requests = sum(s.deposit_requests for s in stats)
    exits_paid = sum(s.exits for s in stats)
    deposits_year2 = sum(s.deposits_fen for s in year2)
    withdrawn_year2 = sum(s.rent_fen + s.exit_fen for s in year2)
    return {
        "income.mean_annual_yuan": 12 * income_sum / max(person_months, 1),
        "income.active_share": active_months / max(person_months, 1),
        "income.gig_active_share": gig_active / max(gig_months, 1),
        "income.mean_idle_spell_months": spell_months / max(spells, 1),
        "income.active_below_min_wage": below / max(active_months, 1),
        "joining.first_year_rate": sum(s.new_members for s in stats[:12]) / n,
        "deposits.mean_amount_yuan": _mean_deposit(stats),
        "deposits.member_months_depositing": sum(s.deposits for s in stats) / max(member_months, 1),
        "withdrawals.to_deposits": withdrawn_year2 / max(deposits_year2, 1),
        "exits.annual_rate": 12 * exits_paid / max(member_months, 1),
        "refusals.deposit_share": (requests - sum(s.deposits for s in stats)) / max(requests, 1),
    }


def _mean_deposit(stats) -> float:
    return sum(s.deposits_fen for s in stats) / 100 / max(sum(s.deposits for s in stats), 1)


MEASURES = (
    "income.mean_annual_yuan",
    "income.active_share",
    "income.gig_active_share",
    "income.mean_idle_spell_months",
    "income.active_below_min_wage",
    "joining.first_year_rate",
    "deposits.mean_amount_yuan",
    "deposits.member_months_depositing",
    "withdrawals.to_deposits",
    "exits.annual_rate",
    "refusals.deposit_share",
)


def calibrate(
    config: AgentConfig,
    policy: Policy,
    *,
    targets: str | Path = DEFAULT_TARGETS,
    n: int = 20_000,
    months: int = 36,
    seed: int = 1,
    start_month: int,
) -> list[Moment]:
    """Simulated moments beside their targets, in the targets file's order."""
    wanted = load_targets(targets)
    got = _measure(config, policy, n, months, seed, start_month)
    return [
        Moment(name, m["description"], m["target"], m["tolerance"], m["source"], got[name])
        for name, m in wanted.items()
    ]


def format_moments(moments: list[Moment]) -> str:
    """A plain table: moment, simulated, target ± tolerance, within or not."""
    lines = [f"{'moment':36} {'simulated':>12} {'target':>12} {'± tol':>9}  ok"]
    for m in moments:
        lines.append(
            f"{m.name:36} {m.simulated:12.4g} {m.target:12.4g} {m.tolerance:9.3g}  "
            f"{'yes' if m.within else 'NO'}"
        )
    return "\n".join(lines)
