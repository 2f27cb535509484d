"""Monte Carlo: many independent paths of a scenario, on any executor.

Each path is one task: it reloads the scenario from its file (a task carries
only the file name, the ``--set`` values and the path number, so it pickles
and travels to any worker) and runs :func:`sim.engine.simulation.simulate`. The path's
randomness comes from a child of the root ``SeedSequence``
(:func:`sim.engine.simulation.path_seed`), keyed further by purpose, month and person
(``sim.core.random``), so:

- the same seed gives bit-identical paths whatever the number of workers or
  the order they finish in;
- two scenarios that differ only in policy levers see the same people and
  the same incomes (common random numbers).

The runner takes any ``concurrent.futures.Executor``. By default it runs in
this process for one worker and on a local process pool (``spawn`` start
method: numba's OpenMP threads make ``fork`` unsafe) for more;
:func:`open_executor` also gives a Dask distributed cluster's executor.

Workers × threads never exceed the cores: with several workers each one runs
numba on a single thread (``NUMBA_NUM_THREADS=1`` in its environment before
numba loads, and :func:`one_thread` again as it starts), so a 2-core machine
runs 2 busy threads, not 2 workers × 2 threads fighting for the same cores.
``--dask local`` starts a local cluster configured the same way.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from typing import Any

import numpy as np

from sim.engine.simulation import simulate, simulate_batch
from sim.scenario.files import load_scenario


def run_path(
    scenario_file: str, sets: dict[str, Any], path: int
) -> tuple[int, dict[str, np.ndarray]]:
    """One path of a scenario (the unit of work sent to an executor).

    A failed reconciliation aborts the run, naming the path as well as the
    month and amounts (:class:`~sim.engine.simulation.Simulation`).
    """
    return path, simulate(load_scenario(scenario_file, sets=sets), path)


def run_batch(
    scenario_file: str, sets: dict[str, Any], paths: list[int]
) -> list[tuple[int, dict[str, np.ndarray]]]:
    """Several paths of a scenario as one batch (:mod:`sim.engine.batch`): each path's series are
    bit-identical to :func:`run_path`'s, the per-person kernels run once for all of them."""
    return list(
        zip(paths, simulate_batch(load_scenario(scenario_file, sets=sets), paths), strict=True)
    )


BATCH_PEOPLE = 200_000
"""The most people, all its paths together, one batch holds (about 70 MB of state): past
about 50,000 people a path the kernels' work per person dominates and a batch saves
nothing measurable (``benchmarks/bench_compare.py --mc``), so large paths run few to a batch."""
BATCH_PATHS = 16
"""The most paths one batch holds: past this the shared kernel calls save little more."""


def batch_size(paths: int, people: int, workers: int) -> int:
    """Paths per batch for ``paths`` paths of ``people`` people on ``workers`` workers:
    every worker gets four batches or more (the progress stays smooth and no worker
    idles while another runs a long batch), within the limits above."""
    share = -(-paths // (4 * max(workers, 1)))
    return max(1, min(share, BATCH_PATHS, BATCH_PEOPLE // max(people, 1)))


def default_workers() -> int:
    """Worker processes: the machine's cores."""
    return os.cpu_count() or 1


def one_thread() -> None:
    """Make numba use one thread in this process (a worker among several)."""
    os.environ["NUMBA_NUM_THREADS"] = "1"
    import numba

    numba.set_num_threads(1)


@contextmanager
def _env(**values: str) -> Iterator[None]:
    """Environment values for processes started inside the block (spawned workers)."""
    old = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _exit_with_parent(parent: int, every: float = 0.5) -> None:
    """Leave as soon as ``parent`` is gone (killed: no chance to stop us itself)."""
    while os.getppid() == parent:
        time.sleep(every)
    os._exit(1)


def _worker_start(parent: int) -> None:
    """A pool worker's start: one numba thread, and stop when the run's process dies."""
    one_thread()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the run's to handle, once
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()


def local_executor(workers: int) -> Executor:
    """A local process pool whose workers are spawned, not forked, one numba thread each;
    a worker stops by itself when the process that started it dies."""
    return ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_worker_start,
        initargs=(os.getpid(),),
    )


@contextmanager
def open_executor(workers: int = 1, dask: str | None = None) -> Iterator[Executor | None]:
    """The executor for a run, closed afterwards: a Dask cluster's (``hpfsim[dask]``), a
    local spawned process pool for several workers, or None (run here) for one."""
    if dask:
        try:
            from distributed import Client, LocalCluster
        except ImportError:  # pragma: no cover - depends on the optional extra
            raise SystemExit(
                "--dask needs the optional extra: pip install 'hpfsim[dask]'"
            ) from None
        if dask == "local":
            with (
                _env(NUMBA_NUM_THREADS="1"),
                LocalCluster(
                    n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
                ) as cluster,
                Client(cluster) as client,
            ):
                client.run(one_thread)
                with _counted(client) as executor:
                    yield executor
            return
        with Client(dask) as client, _counted(client) as executor:
            yield executor
        return
    if workers > 1:
        with _env(NUMBA_NUM_THREADS="1"), local_executor(workers) as pool:
            try:
                yield pool
            except KeyboardInterrupt:  # stop the workers now, not after their batches
                _stop_now(pool)
                raise
        return
    yield None


def _stop_now(pool: ProcessPoolExecutor) -> None:
    """Terminate the pool's workers and let its manager thread end.

    A worker killed while it sends a result leaves half a message in the result pipe; the
    pool's manager thread then waits for the rest for ever, and the interpreter, which joins
    that thread at exit, hangs after printing "interrupted" (seen once in the suite). The
    pipe's write end this process holds is closed once the workers are gone, so the
    manager reads the end of the pipe, finds the pool broken and stops.
    """
    procs = list((getattr(pool, "_processes", None) or {}).values())
    # taken first: shutdown() forgets the result queue
    writer = getattr(getattr(pool, "_result_queue", None), "_writer", None)
    for proc in procs:
        proc.terminate()
    for proc in procs:
        proc.join(timeout=10)
        if proc.is_alive():  # a worker that ignored SIGTERM (a loaded machine)
            proc.kill()
            proc.join(timeout=10)
    pool.shutdown(wait=False, cancel_futures=True)
    if writer is not None:  # this process never writes results: its copy is only a hazard
        writer.close()


_CLUSTER_WORKERS: dict[int, int] = {}
"""Worker counts of the open Dask executors, by ``id`` (:func:`executor_workers`)."""


@contextmanager
def _counted(client) -> Iterator[Executor]:
    """The client's executor, with the cluster's worker count noted while it is open."""
    executor = client.get_executor()
    _CLUSTER_WORKERS[id(executor)] = max(1, len(client.scheduler_info().get("workers", {})))
    try:
        yield executor
    finally:
        _CLUSTER_WORKERS.pop(id(executor), None)


def executor_workers(executor: Executor | None, workers: int) -> int:
    """How many tasks ``executor`` runs at once: a Dask cluster's workers (counted when it
    was opened), else ``workers`` (the local pool's size, or 1 with no executor)."""
    if executor is None:
        return 1
    return _CLUSTER_WORKERS.get(id(executor), workers)


def run_paths(
    scenario_file: str,
    sets: dict[str, Any],
    paths: Iterable[int],
    *,
    executor: Executor | None = None,
    on_done: Callable[[int, dict[str, np.ndarray]], None] | None = None,
    batch: int = 1,
) -> dict[int, dict[str, np.ndarray]]:
    """Run the given paths, ``batch`` at a time (:func:`run_batch`); ``on_done(path,
    series)`` is called as each finishes. With no executor the paths run here.
    """
    if isinstance(batch, bool) or not isinstance(batch, int) or batch < 1:
        raise ValueError(f"paths per batch must be a whole number >= 1, not {batch!r}")
    results: dict[int, dict[str, np.ndarray]] = {}
    paths = list(paths)
    groups = [paths[k : k + batch] for k in range(0, len(paths), batch)]

    def done(finished: list[tuple[int, dict[str, np.ndarray]]]) -> None:
        for p, series in finished:
            results[p] = series
            if on_done:
                on_done(p, series)

    if executor is None:
        for group in groups:
            done(run_batch(scenario_file, sets, group))
        return results
    futures = [executor.submit(run_batch, scenario_file, sets, group) for group in groups]
    for future in as_completed(futures):
        done(future.result())
    return results
