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
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from sim.core.errors import InputError
from sim.engine import montecarlo, results
from sim.engine.simulation import people_of
from sim.report.figures import write_figures
from sim.scenario.files import Scenario, load_scenario


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
    """Hold the run folder's lock, or refuse at once if another run holds it."""
    run_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(run_dir / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise InputError(run_dir, "--out", "another run is writing into this folder",
                             allowed="another --out, or wait for it to end") from None  # fmt: skip
        yield
    finally:
        os.close(fd)


def execute(
    scenario_file: str,
    variants: list[Variant],
    *,
    out: Path | None = None,
    workers: int = 1,
    dask: str | None = None,
    resume: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[Path, dict[str, dict[int, dict[str, np.ndarray]]]]:
    """Run every variant's paths; return the run folder and the series by label and path."""
    first = load_scenario(scenario_file, sets=variants[0].sets)
    scenarios = {v.label: load_scenario(scenario_file, sets=v.sets) for v in variants}
    run_dir = Path(out) if out else results.RESULTS_DIR / run_id(first)
    with locked(run_dir):
        return _execute_locked(run_dir, scenario_file, variants, first, scenarios, workers=workers,
                               dask=dask, resume=resume, progress=progress)  # fmt: skip


def _execute_locked(run_dir, scenario_file, variants, first, scenarios, *, workers, dask, resume,
                    progress):  # fmt: skip
    if resume:
        if not (run_dir / "manifest.json").exists():
            raise InputError(run_dir, "manifest.json", "no run to resume here")
        old = results.read_manifest(run_dir)
        if (
            old.get("variants") != [v.__dict__ for v in variants]
            or old.get("digest") != first.digest
        ):
            raise InputError(run_dir, "manifest.json", "a different scenario or variants",
                             allowed="the same scenario file and --set values")  # fmt: skip
    elif any(f.name != LOCK for f in run_dir.iterdir()):
        raise InputError(run_dir, "--out", "folder exists and is not empty", allowed="a new folder")
    manifest = {
        "complete": False, "scenario_file": str(Path(scenario_file).resolve()),
        "digest": first.digest, "variants": [v.__dict__ for v in variants],
        "resolved": {label: s.resolved for label, s in scenarios.items()},
        "seed": first.seed, "paths": first.paths, "start": first.start,
        "horizon_months": first.horizon, "versions": results.versions(),
        "git_commit": results.git_commit(),
    }  # fmt: skip
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
            montecarlo.run_paths(scenario_file, v.sets, missing, executor=executor,
                                 on_done=finished, batch=size)  # fmt: skip
    runs = {label: dict(sorted(r.items())) for label, r in runs.items()}
    results.write_series(run_dir, results.series_table(runs, first.start))
    results.write_summary(run_dir, results.summary_rows(runs))
    write_figures(run_dir, runs, first.start)
    manifest.update(complete=True, wall_seconds=round(time.perf_counter() - t0, 3),
                    finished=datetime.now(UTC).isoformat())  # fmt: skip
    results.write_manifest(run_dir, manifest)
    return run_dir, runs
