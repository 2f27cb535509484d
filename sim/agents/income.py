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
the policy or on who else is simulated. A person's month takes one hash (purpose
``income.chain``): its top 20 bits are the chain's uniform, the rest two normals of 22
bits each (:func:`sim.core.random.uniform_normal_pair_at`). The kernel is float32 and
branch-free, so that LLVM vectorizes it (issue 26: 3.2 ns a person-month, from 12.5).
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
from sim.core.errors import InputError
from sim.core.months import calendar_month
from sim.core.random import (
    NORMAL_CELLS,
    NORMAL_TABLE,
    Draws,
    normal_at,
    path_keys,
    uniform_at,
    uniform_normal_pair_at,
)
from sim.core.stack import fits, on_stack


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


COHORT_ROWS = ("p_leave", "p_ia", "rho", "sd_p", "sd_e", "shift")
"""The rows of :attr:`IncomeParams.cohorts`: the chance an active person falls idle (the
shock's multiplier in), an idle one becomes active, the AR(1)'s persistence and innovation
sd, the transitory sd, and the log level's shift (season + common shock - correction)."""
MAX_COHORTS = 64  # the kernel's stack copy of the cohorts' parameters holds this many
_TABLE_ITEMS = len(COHORT_ROWS) * MAX_COHORTS  # the copies' sizes (a kernel sees constants)
_CELLS_ITEMS = len(NORMAL_CELLS)


class IncomeParams(NamedTuple):
    """The income process for one month, as the kernel takes it (see the module docstring)."""

    cohorts: np.ndarray  # float32 (len(COHORT_ROWS), cohorts): the process, the shock in
    cells: np.ndarray  # the normal's cells (sim.core.random.NORMAL_CELLS)


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
        """The stationary distribution: active with the chain's long-run share, the
        persistent shock from its stationary normal. One pass (:func:`_start_rows`) over
        per-cohort tables, the same numbers as the whole-array arithmetic it replaced
        (``tests/test_income_start.py`` keeps that and checks them to the bit)."""
        table = config.cohort_array
        p_ai, p_ia, rho = (
            table("p_active_to_idle"),
            table("p_idle_to_active"),
            table("persistent_rho"),
        )
        sd = table("persistent_sd") / np.sqrt(1 - rho**2 + 1e-12)
        n, level = len(pop.cohort), pop.income_level
        avg = np.exp(level).astype(np.float32, copy=False)  # numpy's exp, not exp32
        st = cls(np.empty(n, bool), np.empty(n, np.float32), np.empty(n, np.float32),
                 np.empty(n, np.float32), avg)  # fmt: skip
        keys = (rng.key(purposes.INCOME_START_ACTIVE, 0),
                rng.key(purposes.INCOME_START_PERSISTENT, 0))  # fmt: skip
        _start_rows(*keys, NORMAL_TABLE, p_ai + p_ia, p_ia, sd, pop.cohort, level, avg,
                    st.active, st.persistent, st.income, st.log_income)  # fmt: skip
        return st

    def arrays(self) -> IncomeArrays:
        """The state's arrays as one record for a kernel."""
        return IncomeArrays(
            active=self.active,
            persistent=self.persistent,
            income=self.income,
            log_income=self.log_income,
            income_avg=self.income_avg,
        )


@numba.njit(cache=True)
def _start_rows(k_active, k_persistent, table, leave_or_join, join, sd, cohort, level, exp_level,
                active, persistent, income, log_income):  # fmt: skip
    """:meth:`IncomeState.start` a person at a time, with the cohorts' values in tables."""
    for i in range(len(cohort)):
        c = cohort[i]
        a = uniform_at(k_active, i) * leave_or_join[c] < join[c]
        active[i] = a
        persistent[i] = sd[c] * normal_at(k_persistent, i, table)
        income[i] = np.float64(exp_level[i]) * (1.0 if a else 0.0)
        log_income[i] = level[i] if a else 0.0


_LOG2E = np.float32(1.4426950408889634)
_LN2_HI = np.float32(0.693359375)  # ln 2 in two parts (Cody and Waite): n * _LN2_HI is exact
_LN2_LO = np.float32(-2.12194440e-4)
_EXP_POLY = tuple(
    np.float32(c)
    for c in (1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2,
              1.6666665459e-1, 5.0000001201e-1)
)  # fmt: skip


@numba.njit(inline="always")
def exp32(x: np.float32) -> np.float32:
    """``exp`` in float32 by Cephes' ``expf`` (within 1 ulp on [-87, 88]), written out: a
    call to ``exp`` would keep the loop that uses it scalar, this vectorizes. ``x`` is
    clipped to [-87, 88] (log income is about 9)."""
    x = min(max(x, np.float32(-87.0)), np.float32(88.0))
    n = np.floor(x * _LOG2E + np.float32(0.5))
    r = x - n * _LN2_HI - n * _LN2_LO
    c0, c1, c2, c3, c4, c5 = _EXP_POLY
    y = (((((c0 * r + c1) * r + c2) * r + c3) * r + c4) * r + c5) * (r * r) + r + np.float32(1.0)
    scale = np.int32((np.int32(n) + 127) << 23).view(np.float32)
    return y * scale


@numba.njit(cache=True, fastmath=False)  # exact IEEE: vector and scalar rows agree, bit for bit
def income_rows(lo, hi, offset, cohort, level, alive, state, p, key):
    """One month of income for rows ``lo … hi - 1`` (one chunk of one path, its rows
    ``i - offset`` keying the draws, all three from one hash under ``key``): ``state`` an
    :class:`IncomeArrays`, ``p`` the process (:class:`IncomeParams`). Branch-free float32
    with its tables on the stack (:mod:`sim.core.stack`), so that it vectorizes; the dead
    earn nothing and keep the rest of their state. Serial: the kernels call it once a chunk
    (here, and ``sim.agents.monthly`` before the same chunk's choices)."""
    if lo < 0 or not fits(p.cohorts, _TABLE_ITEMS) or not fits(p.cells, _CELLS_ITEMS):
        raise ValueError("income_rows: a negative row or a table too large for its copy")
    active = state.active
    persistent = state.persistent
    income = state.income
    log_income = state.log_income
    income_avg = state.income_avg
    table = on_stack(p.cohorts, _TABLE_ITEMS)
    cells = on_stack(p.cells, _CELLS_ITEMS)
    zero, keep, add = np.float32(0.0), np.float32(0.9), np.float32(0.1)
    for i in range(np.uint64(lo), np.uint64(hi)):  # unsigned: no test for negative indices
        c = np.uint64(cohort[i])
        u, z_p, z_e = uniform_normal_pair_at(key, np.int64(i) - offset, cells)
        live, was = alive[i], active[i]
        old_p, old_log, old_avg = persistent[i], log_income[i], income_avg[i]
        leave, join = u >= table[0, c], u < table[1, c]  # both read: no branch
        now = (was & leave) | (~was & join)
        shock = table[2, c] * old_p + table[3, c] * z_p
        x = level[i] + shock + table[4, c] * z_e + table[5, c]
        y = exp32(x)
        earned = y if (now & live) else zero
        active[i] = now if live else was
        persistent[i] = shock if live else old_p
        log_income[i] = (x if now else zero) if live else old_log
        income[i] = earned
        income_avg[i] = keep * old_avg + add * earned if live else old_avg


@numba.njit(parallel=True, cache=True, fastmath=True)
def _step(plan, cohort, level, alive, state, p, keys):
    """One month of everyone's income: the rows of ``plan``'s paths (:mod:`sim.core.chunks`),
    each path's draws under its own key, a chunk at a time (:func:`income_rows`)."""
    for chunk in numba.prange(len(plan)):
        path, lo, hi, offset = plan[chunk, 0], plan[chunk, 1], plan[chunk, 2], plan[chunk, 3]
        income_rows(lo, hi, offset, cohort, level, alive, state, p, keys[path])


def income_params(config: AgentConfig, month: int, shock: CommonShock | None) -> IncomeParams:
    """The income process in ``month`` under ``shock`` (none: no shock)."""
    shock = shock or CommonShock.none(len(config.cohorts))
    arr = config.cohort_array
    rho, sd_p, sd_e = arr("persistent_rho"), arr("persistent_sd"), arr("transitory_sd")
    correction = sd_e**2 / 2 + sd_p**2 / (2 * (1 - rho**2 + 1e-12))
    phase = 2 * np.pi * (calendar_month(month) - arr("season_peak")) / 12
    season = arr("season_amplitude") * np.cos(phase)
    if len(config.cohorts) > MAX_COHORTS:
        allowed = f"at most {MAX_COHORTS} (the income kernel's copy of their parameters)"
        raise InputError(config.path, "cohorts", f"{len(config.cohorts)} cohorts", allowed)
    rows = {
        "p_leave": np.minimum(arr("p_active_to_idle") * shock.idle_multiplier, 1.0),
        "p_ia": arr("p_idle_to_active"),
        "rho": rho,
        "sd_p": sd_p,
        "sd_e": sd_e,
        "shift": season + np.asarray(shock.level, float) - correction,
    }
    cohorts = np.array([rows[name] for name in COHORT_ROWS], dtype=np.float32)
    return IncomeParams(cohorts=cohorts, cells=NORMAL_CELLS)


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
    )
