"""Many variants of a scenario × the same paths: the work under every decision analysis.

A *sample* is one set of ``--set`` values (a point of an uncertainty design,
a candidate subsidy rate under one draw of the assumptions, …). Every sample
runs the same path numbers under the same root seed, so samples differ only
in their values, never in their luck (common random numbers). The paths go
through the Monte Carlo executor (:mod:`sim.engine.montecarlo`: in this process, a
local process pool, or Dask); a worker reduces each path to its decision
figures (:mod:`sim.decide.outputs`) before sending it back, so a design of
thousands of runs moves a few numbers each.

Resumable: each finished sample is written atomically to
``FOLDER/sample-NNNNN.json`` (its values and each path's figures); a rerun
into the same folder computes only the samples not yet there, and refuses a
folder whose samples hold other values.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from concurrent.futures import as_completed
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from sim.core.errors import InputError
from sim.decide.outputs import OUTPUTS, path_outputs
from sim.engine import results
from sim.engine.montecarlo import batch_size, executor_workers, open_executor, run_batch
from sim.engine.simulation import people_of
from sim.scenario.files import load_scenario


def batch_figures(
    scenario_file: str, sets: dict[str, Any], paths: list[int]
) -> list[tuple[int, dict[str, float]]]:
    """Some paths' decision figures, run as one batch (the task sent to a worker)."""
    return [(p, path_outputs(series)) for p, series in run_batch(scenario_file, sets, paths)]


def _batch(
    scenario_file: str, samples: list[dict[str, Any]], paths: int, todo: list[int], workers: int
) -> int:
    """Paths per batch (``montecarlo.batch_size``) over all the samples' paths; the
    largest population a sample asks for sets the memory limit."""
    if not todo:
        return 1
    first = load_scenario(scenario_file, sets=samples[todo[0]])
    book = people_of(first) - first.population_size
    people = book + max(
        first.population_size, *(int(samples[i].get("population.size", 0)) for i in todo)
    )
    return min(paths, batch_size(len(todo) * paths, people, workers))


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
            results.write_atomic(_file(folder, i), json.dumps(body, default=float).encode())
            done[i] = outputs
        if progress:
            progress(finished, total)

    todo = [i for i in range(len(samples)) if i not in done]
    with open_executor(workers, dask) as executor:
        size = _batch(scenario_file, samples, paths, todo, executor_workers(executor, workers))
        tasks = [
            (i, list(range(k, min(k + size, paths)))) for i in todo for k in range(0, paths, size)
        ]
        if executor is None:
            for i, group in tasks:
                for p, figures in batch_figures(scenario_file, samples[i], group):
                    record(i, p, figures)
        else:
            futures = {
                executor.submit(batch_figures, scenario_file, samples[i], group): i
                for i, group in tasks
            }
            for future in as_completed(futures):
                for p, figures in future.result():
                    record(futures[future], p, figures)
    names = [n for n in OUTPUTS if n in done[0]] if samples else []
    return {n: np.array([done[i][n] for i in range(len(samples))], dtype=float) for n in names}


def open_folder(out: Path, manifest: dict, *, resume: bool | None = None) -> None:
    """Start a run folder and write its manifest. A folder already holding files is resumed
    if its manifest is this run's (``resume`` None: whenever it matches; True: it must exist
    and match) and refused otherwise (always, with ``resume`` False)."""
    out = Path(out)
    busy = out.exists() and any(out.iterdir())
    if busy or resume:
        f = out / "manifest.json"
        old = results.read_manifest(out) if f.exists() else {}
        same = bool(old) and all(
            old.get(k) == json.loads(json.dumps(v)) for k, v in manifest.items() if k != "complete"
        )
        if resume is False or not same:
            hint = (
                "a new folder, or the same command with --resume"
                if resume is not None
                else ("a new folder, or the same command to resume")
            )
            raise InputError(
                out, "--out", "folder holds another run or none to resume", allowed=hint
            )
    out.mkdir(parents=True, exist_ok=True)
    results.write_manifest(out, manifest)


def write_csv(path: Path, rows: list[dict]) -> None:
    """Rows (dicts with the same keys) as a CSV file, atomically."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    results.write_atomic(path, buf.getvalue().encode())


def write_parquet(path: Path, columns: dict) -> None:
    """Columns as a Parquet file, atomically."""
    buf = io.BytesIO()
    pq.write_table(pa.table(columns), buf)
    results.write_atomic(path, buf.getvalue())
