"""A run: one or more scenario variants × N paths, into one results folder.

:func:`execute` is what ``hpfsim run`` and ``hpfsim compare`` call. It writes
an incomplete manifest first, saves each path as it finishes (so an
interrupted run loses only the paths in flight), and with ``resume=True``
computes only the paths not yet on disk — a run resumed after a kill gives
the same files as one never interrupted. It then writes the series, the
summary, the figures and, last, the complete manifest.

A run holds an exclusive lock on ``<out>/.lock`` (``flock``) from its first
check to its last write, so two runs started into one folder cannot both
proceed; the lock dies with its process, so a killed run can be resumed.
"""

from __future__ import annotations

import fcntl
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from sim.core.errors import InputError, Interrupted
from sim.engine import montecarlo, results
from sim.engine.simulation import people_of
from sim.report.figures import write_figures
from sim.scenario.files import Scenario, idle_shocks, load_scenario


@dataclass(frozen=True)
class Variant:
    """One scenario of a run: a label and the ``--set`` values that make it."""

    label: str
    sets: dict[str, Any]


def run_id(scenario: Scenario) -> str:
    """A folder name: scenario, UTC time, scenario hash."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    return f"{scenario.name}-{stamp}-{scenario.digest[:6]}"


LOCK = ".lock"


@contextmanager
def locked(run_dir: Path) -> Iterator[None]:
    """Hold the run folder's lock, or refuse at once if another run holds it.

    A folder that cannot be made or written is one line; a run refused (or
    failed) here leaves nothing it made behind: its lock file, and the
    folders it created if they are still empty."""
    if run_dir.exists() and not run_dir.is_dir():
        raise InputError(run_dir, "--out", "is a file", allowed="a new folder")
    made = [p for p in (run_dir, *run_dir.parents) if not p.exists()]
    lock = run_dir / LOCK
    had_lock = lock.exists()
    try:
        run_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        _tidy(made, None)
        raise InputError(
            run_dir,
            "--out",
            f"cannot be made: {exc.strerror or exc}",
            allowed="a new folder you can write to",
        ) from None
    held = done = False
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            held = True
        except BlockingIOError:
            raise InputError(
                run_dir,
                "--out",
                "another run is writing into this folder",
                allowed="another --out, or wait for it to end",
            ) from None
        yield
        done = True
    finally:
        if held and not done and not had_lock:
            _tidy(made, lock)
        os.close(fd)


def _tidy(made: list[Path], lock: Path | None) -> None:
    """Remove the lock file and the folders a refused run made (if still empty)."""
    try:
        if lock is not None:
            lock.unlink(missing_ok=True)
        for folder in made:
            folder.rmdir()
    except OSError:
        pass


MEMORY_BASE = 250 * 2**20
"""A worker's memory before its people (the interpreter, numpy, the kernels), bytes."""
PERSON_BYTES = (1024, 344)
"""Bytes a person in a batch: up to 200,000 people (the batch's paths' own tables), and above
(344 at the peak of one path of 1,000,000 people; README, benchmarks)."""
SERIES_BYTES = 3 * 8 * 100
"""Bytes a path-month kept in the run's process: 100 series of float64, held in the paths,
the series table and the summary (three copies at the end)."""


def memory_needed(scenarios: dict[str, Scenario], workers: int) -> int:
    """A run's memory at its peak, roughly: ``workers`` workers each holding a batch of
    people, and the run's process holding every path's series."""
    worst = max(scenarios.values(), key=people_of)
    people = people_of(worst)
    batch = people * montecarlo.batch_size(worst.paths, people, workers)
    small = min(batch, 200_000)
    per_worker = MEMORY_BASE + small * PERSON_BYTES[0] + (batch - small) * PERSON_BYTES[1]
    series = sum(s.paths * s.horizon for s in scenarios.values()) * SERIES_BYTES
    return workers * per_worker + MEMORY_BASE + series


def machine_memory() -> int:
    """The memory this process may use: the machine's, or its control group's limit."""
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    try:
        limit = Path("/sys/fs/cgroup/memory.max").read_text().strip()
        return min(total, int(limit)) if limit.isdigit() else total
    except OSError:
        return total


def check_memory(scenarios: dict[str, Scenario], workers: int, *, force: bool, say) -> None:
    """Say a run's memory before it starts when it would take more than half the machine's;
    refuse one beyond the machine's unless ``force``."""
    need, have = memory_needed(scenarios, workers), machine_memory()
    if need <= have / 2:
        return
    text = f"about {need / 2**30:.1f} GB of memory ({have / 2**30:.1f} GB on this machine)"
    if need > have and not force:
        raise InputError(
            "(command line)",
            "population.size, --paths, --workers",
            f"the run needs {text}",
            allowed="fewer people, paths or workers, or --force",
        )
    if say:
        say(f"the run needs {text}")


def execute(
    scenario_file: str,
    variants: list[Variant],
    *,
    out: Path | None = None,
    workers: int = 1,
    dask: str | None = None,
    resume: bool = False,
    progress: Callable[[int, int], None] | None = None,
    force: bool = False,
    say: Callable[[str], None] | None = None,
) -> tuple[Path, dict[str, dict[int, dict[str, np.ndarray]]]]:
    """Run every variant's paths; return the run folder and the series by label and path.

    Before anything is written: a stress that falls outside the run is said (``say``, a
    function of one line; default stderr), and the run's memory is estimated and refused
    beyond the machine's unless ``force``. Ctrl-C ends with :class:`~sim.core.errors.Interrupted`
    (the folder to resume), a write that fails (a full disk) with one line."""
    first = load_scenario(scenario_file, sets=variants[0].sets)
    scenarios = {v.label: load_scenario(scenario_file, sets=v.sets) for v in variants}
    say = say or _stderr
    for text in dict.fromkeys(t for s in scenarios.values() for t in idle_shocks(s)):
        say(text)
    check_memory(scenarios, 1 if dask else workers, force=force, say=say)
    run_dir = Path(out) if out else results.RESULTS_DIR / run_id(first)
    try:
        with locked(run_dir):
            return _execute_locked(
                run_dir,
                scenario_file,
                variants,
                first,
                scenarios,
                workers=workers,
                dask=dask,
                resume=resume,
                progress=progress,
            )
    except KeyboardInterrupt:
        if not (run_dir / "manifest.json").exists():  # stopped before it began: nothing to finish
            raise
        raise Interrupted(run_dir) from None
    except OSError as exc:
        where = exc.filename or run_dir
        raise InputError(
            run_dir,
            "--out",
            f"cannot write {where}: {exc.strerror or exc}",
            allowed=f"a folder with room on its disk; then hpfsim run --resume --out {run_dir}",
        ) from None


def _stderr(text: str) -> None:
    print(f"hpfsim: warning: {text}", file=sys.stderr)


def _execute_locked(
    run_dir, scenario_file, variants, first, scenarios, *, workers, dask, resume, progress
):
    if resume:
        if not (run_dir / "manifest.json").exists():
            raise InputError(run_dir, "manifest.json", "no run to resume here")
        old = results.read_manifest(run_dir)
        if (
            old.get("variants") != [v.__dict__ for v in variants]
            or old.get("digest") != first.digest
        ):
            raise InputError(
                run_dir,
                "manifest.json",
                "a different scenario or variants",
                allowed="the same scenario file and --set values",
            )
    elif any(f.name != LOCK for f in run_dir.iterdir()):
        raise InputError(run_dir, "--out", "folder exists and is not empty", allowed="a new folder")
    manifest = {
        "complete": False,
        "scenario_file": str(Path(scenario_file).resolve()),
        "digest": first.digest,
        "variants": [v.__dict__ for v in variants],
        "resolved": {label: s.resolved for label, s in scenarios.items()},
        "seed": first.seed,
        "paths": first.paths,
        "start": first.start,
        "horizon_months": first.horizon,
        "versions": results.versions(),
        "git_commit": results.git_commit(),
    }
    results.write_manifest(run_dir, manifest)
    t0 = time.perf_counter()
    runs = {v.label: results.load_paths(run_dir, v.label) if resume else {} for v in variants}
    total = sum(scenarios[v.label].paths for v in variants)
    done = sum(len(r) for r in runs.values())
    with montecarlo.open_executor(workers, dask) as executor:
        for v in variants:
            missing = [p for p in range(scenarios[v.label].paths) if p not in runs[v.label]]

            def finished(p, series, label=v.label):
                nonlocal done
                results.save_path(run_dir, label, p, series)
                runs[label][p] = series
                done += 1
                if progress:
                    progress(done, total)

            at_once = montecarlo.executor_workers(executor, workers)
            size = montecarlo.batch_size(len(missing), people_of(scenarios[v.label]), at_once)
            montecarlo.run_paths(
                scenario_file, v.sets, missing, executor=executor, on_done=finished, batch=size
            )
    runs = {label: dict(sorted(r.items())) for label, r in runs.items()}
    results.write_series(run_dir, results.series_table(runs, first.start))
    results.write_summary(run_dir, results.summary_rows(runs))
    write_figures(run_dir, runs, first.start)
    manifest.update(
        complete=True,
        wall_seconds=round(time.perf_counter() - t0, 3),
        finished=datetime.now(UTC).isoformat(),
    )
    results.write_manifest(run_dir, manifest)
    return run_dir, runs
