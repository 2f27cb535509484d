"""How behaviour responds to the subsidy rate: the sourced response and its settings.

**The response.** The holding subsidy is a small match paid late (FACTS.md,
"How strongly people respond to a saving subsidy"). A setting of the rate
response (``[behaviour.response]`` in the population file) has three
numbers:

- ``participation_elasticity`` ε: the elasticity of participation to an
  immediate match (Engelhardt & Kumar 2007: 0.02–0.07; zero is a plausible
  floor);
- ``delay_weight`` w: what a subsidy paid a year after the money has been
  held is worth against an immediate match (Duflo et al. 2006: the same
  value as a later tax credit had about a fifth of the match's effect);
- ``amount_ratio`` a: how much of the participation response carries over to
  how much and how often members deposit (amounts respond less than
  participation: Hinz et al. 2013; Duflo et al. 2006).

At a holding rate s against the reference rate s₀ the participation shift is
``δ = ε·w·(s − s₀)/s₀`` (a relative change in the match, as the elasticity is
defined) and the contribution shift ``a·δ``. They act on every margin, each
in the direction a higher subsidy pulls:

- joining hazard × (1 + δ) (``joining``); exit hazard ÷ (1 + δ)
  (``withdrawing``);
- deposit odds, restart hazard and amounts × (1 + a·δ), stop hazard
  ÷ (1 + a·δ) (``depositing``, ``dormancy``).

Multipliers never go below zero. The setting ``none`` switches the response
off; ``low``, ``central`` and ``high`` span the evidence; ``setting`` names
the one in force.

**Measuring it.** :func:`rate_response` runs the same people, with the same
incomes and the same luck, under each rate (``sim.agents.world``): every
draw is keyed by person and month (``sim.core.random``), so the differences are
the rate's effect, not sampling noise.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sim.agents.config import AgentConfig, RateResponse
from sim.fund.policy import Policy


@dataclass(frozen=True)
class Pull:
    """The rate response's multipliers at one holding rate (see the module docstring)."""

    participation: float  # joining × this, exit ÷ this
    contribution: float  # deposit odds, restarts, amounts × this, stops ÷ this


def rate_pull(response: RateResponse, rate: float) -> Pull:
    """The multipliers of the setting in force at holding rate ``rate``."""
    s = response.active
    delta = s.participation_elasticity * s.delay_weight
    delta *= (rate - response.reference_rate) / response.reference_rate
    return Pull(max(1.0 + delta, 0.0), max(1.0 + s.amount_ratio * delta, 0.0))


def with_setting(config: AgentConfig, setting: str) -> AgentConfig:
    """The same population under another named setting of the rate response."""
    if setting not in dict(config.response.settings):
        raise ValueError(f"no rate-response setting {setting!r}")
    return replace(config, response=replace(config.response, setting=setting))


@dataclass(frozen=True)
class Response:
    """Participation, deposits, exits and subsidy cost over a run at one holding rate."""

    setting: str
    rate: float
    members_end: int
    active_end: int
    joined: int
    member_months: int
    deposits_yuan: float
    subsidy_yuan: float
    exits: int

    @property
    def exit_rate(self) -> float:
        """Exits per member-year."""
        return 12.0 * self.exits / max(self.member_months, 1)


def rate_response(
    config: AgentConfig,
    policy: Policy,
    rates,
    *,
    n: int,
    months: int,
    seed: int,
    start_month: int,
    path: int = 0,
    settings=None,
) -> list[Response]:
    """Run the same population under each setting and rate; one :class:`Response` each.

    ``settings`` defaults to the setting in force.
    """
    from sim.agents.world import AgentWorld  # the world runs behaviour, which reads rate_pull

    out = []
    for setting in settings or (config.response.setting,):
        cfg = with_setting(config, setting)
        for rate in rates:
            varied = policy.with_overrides({"subsidy.holding_rate": rate}, origin="rate_response")
            world = AgentWorld(cfg, varied, n, seed=seed, path=path, start_month=start_month)
            stats = world.run(months)
            out.append(
                Response(
                    setting=setting,
                    rate=rate,
                    members_end=stats[-1].members,
                    active_end=stats[-1].active_depositors,
                    joined=sum(s.new_members for s in stats),
                    member_months=sum(s.members for s in stats),
                    deposits_yuan=sum(s.deposits_fen for s in stats) / 100,
                    subsidy_yuan=sum(s.subsidy_fen for s in stats) / 100,
                    exits=sum(s.exits for s in stats),
                )
            )
    return out


def format_response(rows: list[Response]) -> str:
    """The decision table: per setting and rate, members, deposits, subsidy cost and the cost
    per extra yuan deposited against the first rate of the same setting."""
    head = (
        f"{'setting':<8} {'rate':>6} {'members':>8} {'active':>8} {'Δ active':>9} "
        f"{'deposits (yuan)':>16} {'subsidy cost':>13} {'cost/extra yuan':>16}"
    )
    lines = [head]
    base = {}
    for r in rows:
        b = base.setdefault(r.setting, r)
        change = r.active_end / b.active_end - 1 if b.active_end else 0.0
        extra = r.deposits_yuan - b.deposits_yuan
        cost = f"{(r.subsidy_yuan - b.subsidy_yuan) / extra:16.3f}" if extra > 0 else f"{'-':>16}"
        lines.append(
            f"{r.setting:<8} {r.rate:6.2%} {r.members_end:8d} {r.active_end:8d} {change:+9.2%} "
            f"{r.deposits_yuan:16,.0f} {r.subsidy_yuan:13,.0f} {cost}"
        )
    return "\n".join(lines)
