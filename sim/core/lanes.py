"""A batch's per-person arrays, laid end to end before its paths are built.

A batch (:mod:`sim.engine.batch`) runs several paths of one scenario with one
kernel call a month for all of them. For that, every per-person array of path
``p`` must be rows ``p * n … (p + 1) * n - 1`` of one joined array
(:mod:`sim.core.chunks`). The joined arrays are allocated here, *before* the
paths' objects exist, and each path builds its records over its own rows —
its **lane**:

- :meth:`Lane.zeros` / :meth:`Lane.full` give a path its rows of a fresh
  array (the accounts are allocated straight into them);
- :meth:`Lane.hold` builds a record (a dataclass or named tuple of arrays
  drawn at synthesis) over the path's rows, its values copied there once.

Nothing is swapped into a path's objects afterwards: the batch reads the
joined arrays (:meth:`Lanes.whole`, :meth:`Lanes.joined`) and each path its
own rows, and both see every write. A path alone has no lane: its records hold
their own arrays, and every constructor that takes ``lane=None`` behaves as
before.

Arrays are allocated zeroed (:func:`numpy.zeros`), so the rows no path has
written yet take no memory (the ageing ring relies on this: :mod:`sim.fund.ring`).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np


class Lanes:
    """The joined per-person arrays of ``paths`` paths of ``n`` people each."""

    def __init__(self, paths: int, n: int) -> None:
        if paths < 1 or n < 0:
            raise ValueError(f"lanes for {paths} paths of {n} people")
        self.paths, self.n = int(paths), int(n)
        self._whole: dict[str, np.ndarray] = {}

    def lane(self, path: int) -> Lane:
        """Path ``path``'s rows (``0 … paths - 1``)."""
        if not 0 <= path < self.paths:
            raise ValueError(f"lane {path} of a batch of {self.paths} paths")
        return Lane(self, path)

    def whole(self, key: str) -> np.ndarray:
        """The joined array ``key`` over every path's rows."""
        try:
            return self._whole[key]
        except KeyError:
            raise KeyError(f"no path has laid out {key!r} in this batch") from None

    def joined(self, key: str, record: Any) -> Any:
        """``record`` (one path's, held with :meth:`Lane.hold` under ``key``) with every laid
        out field replaced by its joined array; other fields are the record's own."""
        fields = {
            name: self._whole[f"{key}.{name}"]
            for name in _field_names(record)
            if f"{key}.{name}" in self._whole
        }
        return _replace(record, fields)

    def _rows(self, key: str, path: int, shape: tuple, dtype) -> np.ndarray:
        """Path ``path``'s rows of the joined array ``key`` (allocated zeroed by the first
        path to ask): ``shape[0]`` rows a path — a row a person, or a chunk — and every
        path asks for the same shape and type."""
        dtype, shape = np.dtype(dtype), tuple(shape)
        whole = self._whole.get(key)
        if whole is None:
            whole = self._whole[key] = np.zeros((self.paths * shape[0], *shape[1:]), dtype)
        elif (len(whole) // self.paths, *whole.shape[1:]) != shape or whole.dtype != dtype:
            raise ValueError(
                f"{key}: the paths' arrays differ in shape or type "
                f"({(len(whole) // self.paths, *whole.shape[1:])} {whole.dtype} and "
                f"{shape} {dtype})"
            )
        return whole[path * shape[0] : (path + 1) * shape[0]]


@dataclasses.dataclass(frozen=True)
class Lane:
    """One path's rows of a batch's joined arrays (see the module docstring)."""

    lanes: Lanes
    path: int

    def zeros(self, key: str, dtype, shape: tuple = ()) -> np.ndarray:
        """This path's rows of the joined array ``key`` (one a person, each of ``shape``),
        zero (not yet written)."""
        return self.lanes._rows(key, self.path, (self.lanes.n, *shape), dtype)

    def full(self, key: str, value, dtype) -> np.ndarray:
        """This path's rows of the joined array ``key``, set to ``value``."""
        rows = self.zeros(key, dtype)
        rows[:] = value
        return rows

    def place(self, key: str, values: np.ndarray) -> np.ndarray:
        """``values`` copied into this path's rows of ``key``: one a person, or any number
        the same for every path (a row a chunk of people: :mod:`sim.core.chunks`)."""
        values = np.asarray(values)
        if values.ndim == 0:
            raise ValueError(f"{key}: a single value, not rows")
        rows = self.lanes._rows(key, self.path, values.shape, values.dtype)
        rows[:] = values
        return rows

    def hold(self, key: str, record: Any) -> Any:
        """``record`` built over this path's rows: every field that is an array is copied
        into the joined array ``key.<field>`` (:meth:`place`); the rest are kept."""
        fields = {
            name: self.place(f"{key}.{name}", value)
            for name in _field_names(record)
            if isinstance(value := getattr(record, name), np.ndarray) and value.ndim
        }
        return _replace(record, fields)


def _field_names(record: Any) -> tuple[str, ...]:
    if dataclasses.is_dataclass(record):
        return tuple(f.name for f in dataclasses.fields(record))
    return tuple(record._fields)  # a named tuple


def _replace(record: Any, fields: dict[str, Any]) -> Any:
    if dataclasses.is_dataclass(record):
        return dataclasses.replace(record, **fields)
    return record._replace(**fields)
