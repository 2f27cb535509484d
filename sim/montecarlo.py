"""Monte Carlo: many independent paths of a scenario, on any executor.

Each path is one task: it reloads the scenario from its file (a task carries
only the file name, the ``--set`` values and the path number, so it pickles
and travels to any worker) and runs :func:`sim.engine.simulate`. The path's
randomness comes from a child of the root ``SeedSequence``
(:func:`sim.engine.path_seed`), keyed further by purpose, month and person
(``sim.random``), so:

- the same seed gives bit-identical paths whatever the number of workers or
  the order they finish in;
- two scenarios that differ only in policy levers see the same people and
  the same incomes (common random numbers).

The runner takes any ``concurrent.futures.Executor``. By default it runs in
this process for one worker and on a local process pool (``spawn`` start
method: numba's OpenMP threads make ``fork`` unsafe) for more;
:func:`open_executor` also gives a Dask distributed cluster's executor.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from typing import Any

import numpy as np

from sim.engine import simulate
from sim.fund.books import BooksError
from sim.scenario import load_scenario


def run_path(
    scenario_file: str, sets: dict[str, Any], path: int
) -> tuple[int, dict[str, np.ndarray]]:
    """One path of a scenario (the unit of work sent to an executor).

    A failed reconciliation aborts the run, naming the path as well as the
    month and amounts.
    """
    try:
        return path, simulate(load_scenario(scenario_file, sets=sets), path)
    except BooksError as exc:
        raise BooksError(f"path {path}: {exc}") from exc


def default_workers() -> int:
    """Worker processes: the machine's cores."""
    return os.cpu_count() or 1


def local_executor(workers: int) -> Executor:
    """A local process pool whose workers are spawned, not forked."""
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))


@contextmanager
def open_executor(workers: int = 1, dask: str | None = None) -> Iterator[Executor | None]:
    """The executor for a run, closed afterwards: a Dask cluster's (``hpfsim[dask]``), a
    local spawned process pool for several workers, or None (run here) for one."""
    if dask:
        try:
            from distributed import Client
        except ImportError:  # pragma: no cover - depends on the optional extra
            raise SystemExit(
                "--dask needs the optional extra: pip install 'hpfsim[dask]'"
            ) from None
        with Client(dask) as client:
            yield client.get_executor()
        return
    if workers > 1:
        with local_executor(workers) as pool:
            yield pool
        return
    yield None


def run_paths(
    scenario_file: str,
    sets: dict[str, Any],
    paths: Iterable[int],
    *,
    executor: Executor | None = None,
    on_done: Callable[[int, dict[str, np.ndarray]], None] | None = None,
) -> dict[int, dict[str, np.ndarray]]:
    """Run the given paths; ``on_done(path, series)`` is called as each finishes.

    With no executor the paths run here, one after another.
    """
    results: dict[int, dict[str, np.ndarray]] = {}
    paths = list(paths)
    if executor is None:
        for p in paths:
            _, series = run_path(scenario_file, sets, p)
            results[p] = series
            if on_done:
                on_done(p, series)
        return results
    futures = [executor.submit(run_path, scenario_file, sets, p) for p in paths]
    for future in as_completed(futures):
        p, series = future.result()
        results[p] = series
        if on_done:
            on_done(p, series)
    return results
