"""Irregular monthly income: what makes flexible work different.

A person's income in month *t* is zero in an idle month and otherwise::

    income = exp(level + p_t + e_t + season_c(t) + shock_c(t) - corrections)

- ``level``: the person's persistent log level (drawn at synthesis, log-normal
  around the cohort's mean active income);
- ``p_t = rho * p_{t-1} + sd_p * eta_t``: persistent shocks (AR(1));
- ``e_t ~ N(0, sd_e)``: transitory shocks;
- ``season_c(t) = amplitude_c * cos(2 pi (month - peak_c) / 12)``: e-commerce
  peaks in November, agriculture and tourism in August, farm businesses in
  October;
- ``shock_c(t)``: a common log-level shock per cohort, the hook that stress
  scenarios drive (see :class:`CommonShock`).

Whether a month is active follows a two-state Markov chain per person, so idle
months cluster into spells: active → idle with ``p_active_to_idle`` (times the
shock's idle multiplier), idle → active with ``p_idle_to_active``. The
stationary active share is ``p_ia / (p_ai + p_ia)`` and the mean idle spell
``1 / p_ia`` months. The corrections (``sd_e²/2`` and the stationary variance
of ``p``) keep the cohort's mean active income at ``income_mean``.

The monthly step is one numba kernel over people; draws come from
``sim.core.random`` keyed by person and month, so an income path never depends on
the policy or on who else is simulated.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numba
import numpy as np

from sim.agents import purposes
from sim.agents.config import AgentConfig
from sim.agents.population import Population
from sim.core.chunks import chunk_plan, rows_per_path
from sim.core.months import calendar_month
from sim.core.random import NORMAL_TABLE, Draws, normal_pair_at, path_keys, uniform_at


@dataclass(frozen=True)
class CommonShock:
    """A shock to every person of some cohorts in one month (the stress hook).

    ``level`` is added to log income (``log(0.8)`` is a 20% cut);
    ``idle_multiplier`` multiplies the chance of falling idle.
    Both are arrays with one value per cohort.
    """

    level: np.ndarray
    idle_multiplier: np.ndarray

    @classmethod
    def none(cls, n_cohorts: int) -> CommonShock:
        """No shock."""
        return cls(np.zeros(n_cohorts), np.ones(n_cohorts))

    @classmethod
    def uniform(cls, n_cohorts: int, *, income_cut: float = 0.0, idle_multiplier: float = 1.0):
        """The same shock to every cohort: cut income by ``income_cut`` (0.2 = 20%)."""
        return cls(
            np.full(n_cohorts, np.log1p(-income_cut)), np.full(n_cohorts, float(idle_multiplier))
        )


class IncomeArrays(NamedTuple):
    """An :class:`IncomeState`'s arrays, as the kernels take them (not copies)."""

    active: np.ndarray  # bool: working this month
    persistent: np.ndarray  # float32: the AR(1) persistent shock
    income: np.ndarray  # float32 yuan this month (0 when idle)
    log_income: np.ndarray  # float32 log of this month's income (0 when idle)
    income_avg: np.ndarray  # float32 yuan, exponential average over about 10 months


class IncomeParams(NamedTuple):
    """The income process for one month: one value per cohort (see the module docstring)."""

    p_ai: np.ndarray  # chance an active person falls idle
    p_ia: np.ndarray  # chance an idle person becomes active
    rho: np.ndarray  # persistence of the AR(1) shock
    sd_p: np.ndarray  # sd of its innovation
    sd_e: np.ndarray  # sd of the transitory shock
    correction: np.ndarray  # keeps the mean active income at income_mean
    season: np.ndarray  # this month's seasonal log level
    shock_level: np.ndarray  # common shock added to log income
    shock_idle: np.ndarray  # common shock multiplying the chance of falling idle


@dataclass
class IncomeState:
    """Income state per person: the chain, the persistent shock, this month's income."""

    active: np.ndarray  # bool
    persistent: np.ndarray  # float32
    income: np.ndarray  # float32 yuan this month
    log_income: np.ndarray  # float32 log of this month's income (0 when idle)
    income_avg: np.ndarray  # float32 yuan, exponential average over about 10 months

    @classmethod
    def start(cls, config: AgentConfig, pop: Population, rng: Draws) -> IncomeState:
        """The stationary distribution: active with the chain's long-run share."""
        p_ai = config.cohort_array("p_active_to_idle")[pop.cohort]
        p_ia = config.cohort_array("p_idle_to_active")[pop.cohort]
        active = rng.uniform(purposes.INCOME_START_ACTIVE, 0) * (p_ai + p_ia) < p_ia
        rho = config.cohort_array("persistent_rho")[pop.cohort]
        sd = config.cohort_array("persistent_sd")[pop.cohort] / np.sqrt(1 - rho**2 + 1e-12)
        persistent = (sd * rng.normal(purposes.INCOME_START_PERSISTENT, 0)).astype(np.float32)
        mean = np.exp(pop.income_level) * np.where(active, 1.0, 0.0)
        log_income = np.where(active, pop.income_level, 0.0).astype(np.float32)
        avg = np.exp(pop.income_level).astype(np.float32)
        return cls(active, persistent, mean.astype(np.float32), log_income, avg)

    def arrays(self) -> IncomeArrays:
        """The state's arrays as one record for a kernel."""
        return IncomeArrays(
            active=self.active,
            persistent=self.persistent,
            income=self.income,
            log_income=self.log_income,
            income_avg=self.income_avg,
        )


@numba.njit(cache=True, fastmath=True)
def income_rows(lo, hi, offset, cohort, level, alive, state, p, key_chain, key_shocks, table):
    """One month of income for rows ``lo … hi - 1`` (one chunk of one path, its rows
    ``i - offset`` keying the draws): ``state`` an :class:`IncomeArrays`, ``p`` the process.
    Serial: the kernels call it once a chunk (here, and ``sim.agents.monthly`` before the
    same chunk's choices)."""
    active = state.active
    persistent = state.persistent
    income = state.income
    log_income = state.log_income
    income_avg = state.income_avg
    for i in range(lo, hi):
        if not alive[i]:
            income[i] = 0.0
            continue
        c = cohort[i]
        u = uniform_at(key_chain, i - offset)  # keyed by the row within the path
        if active[i]:
            active[i] = u >= min(p.p_ai[c] * p.shock_idle[c], 1.0)
        else:
            active[i] = u < p.p_ia[c]
        z_p, z_e = normal_pair_at(key_shocks, i - offset, table)
        shock = p.rho[c] * persistent[i] + p.sd_p[c] * z_p
        persistent[i] = shock
        if active[i]:
            e = p.sd_e[c] * z_e
            x = level[i] + shock + e + p.season[c] + p.shock_level[c] - p.correction[c]
            log_income[i] = x
            income[i] = np.exp(np.float32(x))  # single precision: twice as fast
        else:
            log_income[i] = 0.0
            income[i] = 0.0
        income_avg[i] = 0.9 * income_avg[i] + 0.1 * income[i]


@numba.njit(parallel=True, cache=True, fastmath=True)
def _step(plan, cohort, level, alive, state, p, k_chain, k_shocks, table):
    """One month of everyone's income: the rows of ``plan``'s paths (:mod:`sim.core.chunks`),
    each path's draws under its own keys, a chunk at a time (:func:`income_rows`)."""
    for chunk in numba.prange(len(plan)):
        path, lo, hi, offset = plan[chunk, 0], plan[chunk, 1], plan[chunk, 2], plan[chunk, 3]
        income_rows(
            lo, hi, offset, cohort, level, alive, state, p, k_chain[path], k_shocks[path], table
        )


def income_params(config: AgentConfig, month: int, shock: CommonShock | None) -> IncomeParams:
    """The income process in ``month`` under ``shock`` (none: no shock)."""
    shock = shock or CommonShock.none(len(config.cohorts))
    arr = config.cohort_array
    rho, sd_p, sd_e = arr("persistent_rho"), arr("persistent_sd"), arr("transitory_sd")
    correction = sd_e**2 / 2 + sd_p**2 / (2 * (1 - rho**2 + 1e-12))
    phase = 2 * np.pi * (calendar_month(month) - arr("season_peak")) / 12
    season = arr("season_amplitude") * np.cos(phase)
    return IncomeParams(
        p_ai=arr("p_active_to_idle"),
        p_ia=arr("p_idle_to_active"),
        rho=rho,
        sd_p=sd_p,
        sd_e=sd_e,
        correction=correction,
        season=season,
        shock_level=np.asarray(shock.level, float),
        shock_idle=np.asarray(shock.idle_multiplier, float),
    )


def step_income(
    config: AgentConfig,
    pop: Population,
    state: IncomeState,
    rng: Draws | Sequence[Draws],
    month: int,
    alive: np.ndarray,
    shock: CommonShock | None = None,
) -> None:
    """Advance every living person's income by one month (in place).

    ``rng`` is the path's draws; a sequence of draws, one per path, runs that
    many paths laid end to end in the arrays (:mod:`sim.core.chunks`), each as it
    would run alone.
    """
    draws = [rng] if isinstance(rng, Draws) else list(rng)
    _step(
        chunk_plan(rows_per_path(pop.n, len(draws)), len(draws)),
        pop.cohort,
        pop.income_level,
        alive,
        state.arrays(),
        income_params(config, month, shock),
        path_keys(draws, purposes.INCOME_CHAIN, month),
        path_keys(draws, purposes.INCOME_SHOCKS, month),
        NORMAL_TABLE,
    )
