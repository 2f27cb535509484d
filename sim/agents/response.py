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

**Measuring it.** :func:`sim.agents.rate_response.rate_response` runs the
same people, with the same incomes and the same luck, under each rate, through
the engine's month.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sim.agents.config import AgentConfig, RateResponse


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
