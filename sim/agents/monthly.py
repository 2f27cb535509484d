"""The people's month in one pass: each chunk's income, then its choices (issue 26).

The income step (:mod:`sim.agents.income`) and the choices (:mod:`sim.agents.behaviour`)
each walk every person; run one after the other over a million people, the second finds
none of the first's rows in cache. Here one kernel takes a chunk of people
(:mod:`sim.core.chunks`, 16,384 rows: their income arrays, about 380 KB, fit in a core's
L2 cache), computes its income (:func:`sim.agents.income.income_rows`) and then, while
those rows are still in cache, its choices (:func:`sim.agents.behaviour.choice_rows`).
Every draw and every value is the one the two kernels give (the same serial code on the
same rows, in the same order: a person's choices read only their own income), so a path
is bit-identical whichever way it runs.
"""

from __future__ import annotations

import numba

from sim.agents import purposes
from sim.agents.behaviour import Behaviour, choice_rows
from sim.agents.income import CommonShock, IncomeState, income_params, income_rows
from sim.agents.kernel_params import Choices
from sim.agents.memory import BehaviourState
from sim.core.random import path_keys
from sim.fund.requests import FundView


@numba.njit(parallel=True, cache=True, fastmath=True)
def _live(plan, cohort, level, income_p, k_income, month, cal, people,
          earned, state, fund, p, keys, out):  # fmt: skip
    """Each chunk of ``plan``: its income, then its choices."""
    counts = out.counts  # written in the prange: a local (numba#5872)
    for chunk in numba.prange(len(plan)):
        path, lo, hi, offset = plan[chunk, 0], plan[chunk, 1], plan[chunk, 2], plan[chunk, 3]
        income_rows(lo, hi, offset, cohort, level, state.alive, earned, income_p, k_income[path])
        counts[chunk] = choice_rows(
            lo, hi, offset, path, month, cal, people, earned, state, fund, p, keys, out
        )


def earn_and_choose(
    behaviour: Behaviour,
    income: IncomeState,
    state: BehaviourState,
    month: int,
    shock: CommonShock | None,
    fund: FundView,
    *,
    exit_multiplier: float = 1.0,
    purchase_multiplier: float = 1.0,
) -> Choices:
    """This month's income of everyone alive, then their choices, in one kernel call: what
    :func:`sim.agents.income.step_income` then :meth:`Behaviour.choose` do (the same
    numbers), for ``behaviour``'s people (one path, or paths laid end to end)."""
    args = behaviour.kernel_args(
        month,
        income,
        state,
        fund,
        exit_multiplier=exit_multiplier,
        purchase_multiplier=purchase_multiplier,
    )
    draws, pop = behaviour.draws, behaviour.pop
    _live(
        args[0],
        pop.cohort,
        pop.income_level,
        income_params(behaviour.config, month, shock),
        path_keys(draws, purposes.INCOME_CHAIN, month),
        *args[1:],
    )
    return behaviour.outputs
