"""How behaviour responds to the subsidy rate, with common random numbers.

The committee's question — what does a higher rate buy? — in its simplest
form: the same people, with the same incomes and the same luck, under each
rate, answered by the real ledger and the stand-in loan desk
(``sim.agents.world``). Because every draw is keyed by person and month
(``sim.random``), the differences between rates are the rate's effect, not
sampling noise.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.agents.config import AgentConfig
from sim.agents.world import AgentWorld
from sim.fund.policy import Policy


@dataclass(frozen=True)
class Response:
    """Participation, deposits and exits over a run at one holding-subsidy rate."""

    rate: float
    members_end: int
    joined: int
    member_months: int
    deposits_yuan: float
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
) -> list[Response]:
    """Run the same population under each holding-subsidy rate; one :class:`Response` each."""
    out = []
    for rate in rates:
        varied = policy.with_overrides({"subsidy.holding_rate": rate}, origin="rate_response")
        world = AgentWorld(config, varied, n, seed=seed, path=path, start_month=start_month)
        stats = world.run(months)
        out.append(
            Response(
                rate=rate,
                members_end=stats[-1].members,
                joined=sum(s.new_members for s in stats),
                member_months=sum(s.members for s in stats),
                deposits_yuan=sum(s.deposits_fen for s in stats) / 100,
                exits=sum(s.exits for s in stats),
            )
        )
    return out
