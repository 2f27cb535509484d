"""Measuring the rate response: the same people under each holding rate, in the engine's month.

:func:`rate_response` runs the same population, with the same incomes and the same luck,
under each setting of the response (``sim.agents.response``) and each rate, through the
engine's own month (:mod:`sim.agents.engine_month`: the counter, the loan desk and book,
the pool): every draw is keyed by person and month (``sim.core.random``), so the differences are
the rate's effect, not sampling noise. :func:`format_response` is ``hpfsim response``'s table.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.agents.config import AgentConfig
from sim.agents.engine_month import record_paths
from sim.agents.response import with_setting
from sim.fund.policy import Policy


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
    out = []
    for setting in settings or (config.response.setting,):
        cfg = with_setting(config, setting)
        for rate in rates:
            varied = policy.with_overrides({"subsidy.holding_rate": rate}, origin="rate_response")
            (run,) = record_paths(
                cfg, varied, n=n, months=months, seed=seed, start_month=start_month, paths=[path]
            )
            out.append(
                Response(
                    setting=setting,
                    rate=rate,
                    members_end=int(run["members"][-1]),
                    active_end=int(run["active_depositors"][-1]),
                    joined=int(run["new_members"].sum()),
                    member_months=int(run["members"].sum()),
                    deposits_yuan=float(run["deposits_fen"].sum()) / 100,
                    subsidy_yuan=float(run["subsidy_fen"].sum()) / 100,
                    exits=int(run["exits"].sum()),
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
