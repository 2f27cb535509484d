"""Many variants of a scenario × the same paths: the work under every decision analysis.

A *sample* is one set of ``--set`` values (a point of an uncertainty design,
a candidate subsidy rate under one draw of the assumptions, …). Every sample
runs the same path numbers under the same root seed, so samples differ only
in their values, never in their luck (common random numbers). The paths go
through the Monte Carlo executor (:mod:`sim.montecarlo`: in this process, a
local process pool, or Dask); a worker reduces each path to its decision
figures (:mod:`sim.decision_outputs`) before sending it back, so a design of
thousands of runs moves a few numbers each.

Resumable: each finished sample is written atomically to
``FOLDER/sample-NNNNN.json`` (its values and each path's figures); a rerun
into the same folder computes only the samples not yet there, and refuses a
folder whose samples hold other values.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import as_completed
from pathlib import Path
from typing import Any

import numpy as np

from sim.decision_outputs import OUTPUTS, path_outputs
from sim.errors import InputError
from sim.montecarlo import open_executor, run_path
from sim.results import write_atomic


def path_figures(scenario_file: str, sets: dict[str, Any], path: int) -> dict[str, float]:
    """One path's decision figures (the task sent to a worker)."""
    return path_outputs(run_path(scenario_file, sets, path)[1])


def _file(folder: Path, i: int) -> Path:
    return folder / f"sample-{i:05d}.json"


def _same(a: dict, b: dict) -> bool:
    return json.loads(json.dumps(a, sort_keys=True)) == json.loads(json.dumps(b, sort_keys=True))


def load_done(folder: Path, samples: list[dict[str, Any]], paths: int) -> dict[int, dict]:
    """Samples already finished in ``folder``; a sample file with other values is refused."""
    done = {}
    for i, sets in enumerate(samples):
        f = _file(folder, i)
        if not f.exists():
            continue
        saved = json.loads(f.read_text())
        if not _same(saved["sets"], sets) or saved["paths"] != paths:
            raise InputError(
                folder,
                f.name,
                "holds a different sample",
                allowed="the same scenario, design, seed and paths, or a new --out",
            )
        done[i] = saved["outputs"]
    return done


def run_samples(
    scenario_file: str,
    samples: list[dict[str, Any]],
    *,
    paths: int,
    folder: Path,
    workers: int = 1,
    dask: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, np.ndarray]:
    """Every sample's decision figures: ``{output: array[sample, path]}``.

    Each sample's sets should carry the root seed (``montecarlo.seed``) so
    every sample sees the same paths.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    done = load_done(folder, samples, paths)
    total, finished = len(samples) * paths, len(done) * paths
    if progress:
        progress(finished, total)
    partial: dict[int, dict[int, dict[str, float]]] = {}

    def record(i: int, p: int, figures: dict[str, float]) -> None:
        nonlocal finished
        partial.setdefault(i, {})[p] = figures
        finished += 1
        if len(partial[i]) == paths:
            got = partial.pop(i)
            by_path = [got[q] for q in range(paths)]
            outputs = {name: [f[name] for f in by_path] for name in by_path[0]}
            body = {"sets": samples[i], "paths": paths, "outputs": outputs}
            write_atomic(_file(folder, i), json.dumps(body, default=float).encode())
            done[i] = outputs
        if progress:
            progress(finished, total)

    todo = [(i, p) for i in range(len(samples)) if i not in done for p in range(paths)]
    with open_executor(workers, dask) as executor:
        if executor is None:
            for i, p in todo:
                record(i, p, path_figures(scenario_file, samples[i], p))
        else:
            futures = {
                executor.submit(path_figures, scenario_file, samples[i], p): (i, p) for i, p in todo
            }
            for future in as_completed(futures):
                record(*futures[future], future.result())
    names = [n for n in OUTPUTS if n in done[0]] if samples else []
    return {n: np.array([done[i][n] for i in range(len(samples))], dtype=float) for n in names}
