"""Rows in fixed chunks, path by path: how the kernels split their work.

Every per-person kernel (income, the behaviour choices, the ledger's month
end) runs over the rows of one or more paths laid end to end: path ``p`` owns
rows ``p * n … (p + 1) * n - 1`` (issue 11: many paths per kernel call). The
work is cut into chunks of :data:`CHUNK` rows that never straddle two paths,
each path cut from its own first row, so

- a person's draws are keyed by their path and their row *within* it
  (``row - offset``): the same numbers whether the path runs alone or in a
  batch;
- a float total is summed chunk by chunk in order and the chunks of a path
  added in order (:func:`add_in_order`): the same last bits alone, in a
  batch, and on any number of threads.
"""

from __future__ import annotations

import functools

import numpy as np

CHUNK = 1 << 14
"""Rows per chunk: each chunk is summed in order, then the chunks in order."""


@functools.lru_cache(maxsize=64)
def chunk_plan(n: int, paths: int = 1) -> np.ndarray:
    """The chunks of ``paths`` paths of ``n`` rows each: one row ``(path, lo, hi, offset)``
    per chunk, rows ``lo … hi - 1``, ``offset = path * n`` (int64, read-only: one plan
    serves every month of a run)."""
    if n < 0 or paths < 1:
        raise ValueError(f"chunk_plan: {paths} paths of {n} rows")
    starts = np.arange(0, n, CHUNK, dtype=np.int64)
    per_path = len(starts)
    path = np.repeat(np.arange(paths, dtype=np.int64), per_path)
    offset = path * n
    lo = offset + np.tile(starts, paths)
    hi = np.minimum(lo + CHUNK, offset + n)
    plan = np.stack([path, lo, hi, offset], axis=1)
    plan.flags.writeable = False
    return plan


def rows_per_path(rows: int, paths: int) -> int:
    """The rows of each of ``paths`` paths laid end to end in ``rows`` rows (they must split
    evenly: a kernel would otherwise leave the last rows untouched)."""
    if paths < 1 or rows % paths:
        raise ValueError(f"{rows} rows do not split into {paths} equal paths")
    return rows // paths


def path_rows(plan: np.ndarray, path: int) -> np.ndarray:
    """Which of the plan's chunks belong to ``path`` (a boolean mask over chunks)."""
    return plan[:, 0] == path


def add_in_order(parts: np.ndarray) -> float:
    """Sum per-chunk float totals one after another (the order fixes the last bits)."""
    total = 0.0
    for x in parts.tolist():
        total += x
    return total
