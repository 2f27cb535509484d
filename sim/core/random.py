"""Counter-based random numbers: every draw is a hash of what it is for.

A draw is keyed by ``(seed, path, purpose, month, person)`` and computed by
hashing that key (the splitmix64 finaliser), never by advancing a stream. So
person 17's income shock in March 2026 on path 3 is the same number whatever
the subsidy rate, whoever else joined before them, however large the
population after them, and however many processes or threads share the work.
Two scenarios that differ only in a policy lever therefore see the same people
and the same luck (common random numbers): their difference is the policy's
effect, not noise. A sequential generator cannot promise this — a draw taken
only by members shifts every later draw as soon as membership changes.

Usage from numpy code::

    rng = Draws(seed=42, path=0, n=1_000_000)
    u = rng.uniform("income.transitory", month)           # one per person, [0, 1)
    z = rng.normal("income.persistent", month, who=idx)   # only for people idx

Inside numba kernels, take ``key = rng.key(purpose, month)`` outside the loop
and call :func:`uniform_at` / :func:`normal_at` with ``(key, person)`` inside:
the same numbers, with no array of draws in memory.

Each purpose names one decision; a new decision takes a new purpose, or two
decisions would be correlated. The model's purposes are declared, each once,
in ``sim.agents.purposes``.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Sequence
from statistics import NormalDist

import numba
import numpy as np

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_C1 = np.uint64(0xBF58476D1CE4E5B9)
_C2 = np.uint64(0x94D049BB133111EB)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S11 = np.uint64(11)
_S32 = np.uint64(32)
_LOW32 = np.uint64(0xFFFFFFFF)
TWO_32 = 2.0**-32
_MASK = (1 << 64) - 1
TWO_53 = 2.0**-53


def _mix_int(z: int) -> int:
    """splitmix64 finaliser on a Python int (for keys)."""
    z &= _MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return z ^ (z >> 31)


@functools.cache
def purpose_code(purpose: str) -> int:
    """A stable 64-bit code for a purpose name (the same on every machine and run)."""
    return int.from_bytes(hashlib.blake2b(purpose.encode(), digest_size=8).digest(), "little")


def stream_key(seed: int, path: int, purpose: str, month: int) -> int:
    """The 64-bit key of one (seed, path, purpose, month)."""
    return _mix_int(_purpose_key(seed, path, purpose) ^ ((month + (1 << 40)) * 0x8CB92BA72F3D8DD7))


@functools.lru_cache(maxsize=8192)
def _purpose_key(seed: int, path: int, purpose: str) -> int:
    """The key's first three mixes, which do not change from month to month (a path asks
    for some forty keys a month)."""
    z = _mix_int(seed)
    z = _mix_int(z ^ (path * 0xD1B54A32D192ED03))
    return _mix_int(z ^ purpose_code(purpose))


@numba.njit(inline="always")
def bits_at(key: np.uint64, person: np.int64) -> np.uint64:
    """64 random bits for one person under one key."""
    z = np.uint64(person) * _GOLDEN + key
    z = (z ^ (z >> _S30)) * _C1
    z = (z ^ (z >> _S27)) * _C2
    return z ^ (z >> _S31)


@numba.njit(inline="always")
def uniform_at(key: np.uint64, person: np.int64) -> float:
    """Uniform on [0, 1), 53 bits."""
    return float(bits_at(key, person) >> _S11) * TWO_53


def _normal_table(cells: int = 1 << 14, eps: float = 2.0**-22) -> np.ndarray:
    """Standard normal quantiles at ``j / cells``; the ends are cut at ``eps`` (±5.0 σ)."""
    inv = NormalDist().inv_cdf
    return np.array([inv(min(max(j / cells, eps), 1 - eps)) for j in range(cells + 1)])


NORMAL_TABLE = _normal_table()
"""Quantile table for :func:`normal_at`; pass it into kernels as an argument."""
_TABLE = NORMAL_TABLE.tolist()  # the same float64 values, as Python floats


@numba.njit(inline="always")
def normal_at(key: np.uint64, person: np.int64, table: np.ndarray) -> float:
    """Standard normal by inverting the CDF: a table of 16,384 cells, interpolated.

    Eight times faster than Box–Muller's log and cosine in a kernel (the
    table, 128 KiB, stays in cache); exact to interpolation error inside the
    cells, cut at about ±5 σ (the population's draws; the income shocks use
    :func:`uniform_normal_pair_at`).
    """
    pos = float(bits_at(key, person) >> _S11) * TWO_53 * (len(table) - 1)
    j = int(pos)
    return table[j] + (pos - j) * (table[j + 1] - table[j])


@numba.njit(inline="always")
def uniform_pair_of(bits: np.uint64):
    """:func:`uniform_pair_at`'s two uniforms from the hash :func:`bits_at` gave: a kernel may
    hash a list of people first, in a loop the compiler vectorises, and split them later."""
    return float(bits >> _S32) * TWO_32, float(bits & _LOW32) * TWO_32


@numba.njit(inline="always")
def uniform_pair_at(key: np.uint64, person: np.int64):
    """Two independent uniforms on [0, 1), 32 bits each, from one hash."""
    return uniform_pair_of(bits_at(key, person))


def _normal_cells(cells: int = 4096) -> np.ndarray:
    """The standard normal cut into ``cells`` cells of equal chance, each drawn as a uniform
    on ``[a, a + d]`` with the cell's exact mean and variance: ``a`` in the first
    ``cells`` values, ``d`` in the next, float32. A draw from it has mean 0 and variance 1
    exactly (to float32 rounding) and a kurtosis 0.0002 short of 3; it reaches ±4.15 σ."""
    inv, pdf = NormalDist().inv_cdf, NormalDist().pdf
    q = [-np.inf] + [inv(j / cells) for j in range(1, cells)] + [np.inf]
    phi = np.array([pdf(x) if np.isfinite(x) else 0.0 for x in q])
    q_phi = np.array([x * pdf(x) if np.isfinite(x) else 0.0 for x in q])
    mean = (phi[:-1] - phi[1:]) * cells
    var = 1 + (q_phi[:-1] - q_phi[1:]) * cells - mean**2
    width = np.sqrt(12 * var)
    return np.concatenate([mean - width / 2, width]).astype(np.float32)


NORMAL_CELLS = _normal_cells()
"""Cells for :func:`normal_of_bits` (32 KiB); pass it into kernels as an argument."""
_HALF = np.float32(0.5)
_TWO_10 = np.float32(2.0**-10)
_TWO_20 = np.float32(2.0**-20)
_S10 = np.uint64(10)
_S22 = np.uint64(22)
_S44 = np.uint64(44)
_LOW10 = np.uint64(0x3FF)
_LOW22 = np.uint64(0x3FFFFF)


@numba.njit(inline="always")
def normal_of_bits(k: np.uint64, cells: np.ndarray) -> np.float32:
    """A float32 standard normal from 22 random bits ``k`` (below 2**22) and
    :data:`NORMAL_CELLS`: the high 12 bits pick the cell, the low 10 the point in it (the
    middle of one of 1,024 steps). No branch, two table reads: it vectorizes."""
    j = k >> _S10
    f = (np.float32(k & _LOW10) + _HALF) * _TWO_10
    return cells[j] + f * cells[j + np.uint64(len(cells) // 2)]


@numba.njit(inline="always")
def uniform_normal_pair_at(key: np.uint64, person: np.int64, cells: np.ndarray):
    """From one hash: a float32 uniform on [0, 1) of 20 bits and two independent float32
    standard normals of 22 bits each (:func:`normal_of_bits`)."""
    z = bits_at(key, person)
    u = np.float32(z >> _S44) * _TWO_20
    return u, normal_of_bits((z >> _S22) & _LOW22, cells), normal_of_bits(z & _LOW22, cells)


@numba.njit(parallel=True, cache=True)
def _fill(key: np.uint64, who: np.ndarray, table: np.ndarray, normal: bool) -> np.ndarray:
    out = np.empty(len(who), dtype=np.float64)
    for i in numba.prange(len(who)):
        out[i] = normal_at(key, who[i], table) if normal else uniform_at(key, who[i])
    return out


@numba.njit(cache=True)
def _fill_few(key: np.uint64, who: np.ndarray, table: np.ndarray, normal: bool) -> np.ndarray:
    """:func:`_fill` on one thread. Its own function, not ``njit(_fill.py_func)``: numba's
    disk cache is named by the Python function and does not tell parallel from serial."""
    out = np.empty(len(who), dtype=np.float64)
    for i in range(len(who)):
        out[i] = normal_at(key, who[i], table) if normal else uniform_at(key, who[i])
    return out


def _fill_for(people: np.ndarray):
    """The parallel fill for many people, the serial one for a few (a month's buyers): a
    parallel region's start costs more than a few draws, and wakes numba's sleeping
    threads; each draw is the same number either way."""
    return _fill if len(people) > 4096 else _fill_few


class Draws:
    """Random draws for persons ``0 … n-1`` of one path of one run."""

    def __init__(self, seed: int, path: int, n: int):
        if seed < 0 or path < 0 or n < 0:
            raise ValueError("seed, path and n must be non-negative integers")
        self.seed = int(seed)
        self.path = int(path)
        self.n = int(n)

    def key(self, purpose: str, month: int) -> np.uint64:
        """The key to pass to :func:`uniform_at` / :func:`normal_at` in a kernel."""
        return np.uint64(stream_key(self.seed, self.path, purpose, month))

    def uniform(self, purpose: str, month: int, who: np.ndarray | None = None) -> np.ndarray:
        """Uniform on [0, 1), one per person (all, or those in ``who``)."""
        people = np.arange(self.n) if who is None else np.asarray(who, dtype=np.int64)
        return _fill_for(people)(self.key(purpose, month), people, NORMAL_TABLE, False)

    def normal(self, purpose: str, month: int, who: np.ndarray | None = None) -> np.ndarray:
        """Standard normal, one per person (all, or those in ``who``)."""
        people = np.arange(self.n) if who is None else np.asarray(who, dtype=np.int64)
        return _fill_for(people)(self.key(purpose, month), people, NORMAL_TABLE, True)

    def normal_one(self, purpose: str, month: int, person: int = 0) -> float:
        """One person's standard normal: ``normal(purpose, month, [person])[0]``, the same
        number, computed in Python (no kernel launch: a path's one monthly draw, e.g. the
        employees' housing activity, costs 2 µs instead of 15)."""
        return normal_one(stream_key(self.seed, self.path, purpose, month), person)


def normal_one(key: int, person: int) -> float:
    """:func:`normal_at` for one draw, in Python integers and floats: the same operations in
    the same order (``tests/test_random.py`` checks it against the kernel)."""
    z = (person * 0x9E3779B97F4A7C15 + key) & _MASK
    z = _mix_int(z)
    pos = float(z >> 11) * TWO_53 * (len(_TABLE) - 1)
    j = int(pos)
    return _TABLE[j] + (pos - j) * (_TABLE[j + 1] - _TABLE[j])


def path_keys(draws: Sequence[Draws], purpose: str, month: int) -> np.ndarray:
    """One key per path, for a kernel over paths laid end to end (:mod:`sim.core.chunks`): path
    ``p``'s people draw under ``draws[p]``, by their row within the path."""
    return np.array([d.key(purpose, month) for d in draws], dtype=np.uint64)
