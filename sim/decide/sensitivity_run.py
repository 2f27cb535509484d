"""A sensitivity run on the simulator: its folder, its samples and the files it writes.

``hpfsim sensitivity`` calls :func:`run_sensitivity`. The folder holds:

- ``samples/sample-NNNNN.json``: each finished sample (resumable, see
  :mod:`sim.decide.samples`);
- ``samples.parquet``: one row per sample, one column per parameter value;
- ``outputs.parquet``: one row per sample and path, one column per decision
  figure (:mod:`sim.decide.outputs`);
- ``sensitivity.csv``: one row per parameter and output (a ``parameter``
  column; Morris: μ, μ*, its interval, σ, μ* share; Sobol': S1, ST and their
  interval half-widths);
- ``figures/<method>-<output>.png``: μ*–σ for Morris, ranked bars for Sobol';
- ``manifest.json``: what was run (complete only at the end).

A Sobol' run first needs the Morris screen: from ``screen`` (a Morris run's
folder) or, if none is given, a Morris run of ``screen_samples`` trajectories
made in ``FOLDER/morris``. Each sample's output is the mean of its paths'
figures; all samples share the paths (common random numbers).
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from sim.core.errors import InputError
from sim.decide.figures import morris_figure, sobol_figure
from sim.decide.outputs import OUTPUTS
from sim.decide.samples import open_folder, run_samples, write_csv, write_parquet
from sim.decide.sensitivity import Analysis, analyse, kept_by_morris
from sim.decide.uncertainty import Space
from sim.engine import results


def simulation_evaluator(
    scenario_file: str,
    sets: dict[str, Any],
    *,
    paths: int,
    folder: Path,
    workers: int,
    dask: str | None,
    progress,
    store: dict,
):
    """An ``evaluate`` for :func:`sim.decide.sensitivity.analyse` that runs the simulator; the
    per-path figures are left in ``store["by_path"]``."""

    def evaluate(space: Space, values: np.ndarray) -> dict[str, np.ndarray]:
        samples = [{**sets, **s} for s in space.sets(values)]
        by_path = run_samples(
            scenario_file,
            samples,
            paths=paths,
            folder=folder / "samples",
            workers=workers,
            dask=dask,
            progress=progress,
        )
        store["by_path"] = by_path
        return {name: y.mean(axis=1) for name, y in by_path.items()}

    return evaluate


def read_rows(folder: Path) -> list[dict]:
    """The rows of a finished run's ``sensitivity.csv``, numbers as floats."""
    f = Path(folder) / "sensitivity.csv"
    if not f.exists():
        raise InputError(folder, "sensitivity.csv", "no finished sensitivity run here")
    with f.open() as fh:
        text = {"parameter", "output", "method"}
        return [
            {k: (v if k in text else float(v)) for k, v in r.items()} for r in csv.DictReader(fh)
        ]


def run_sensitivity(
    scenario_file: str,
    sets: dict[str, Any],
    space: Space,
    *,
    method: str,
    samples: int,
    paths: int,
    seed: int,
    out: Path,
    workers: int = 1,
    dask: str | None = None,
    resume: bool = False,
    screen: Path | None = None,
    screen_samples: int = 10,
    keep_threshold: float = 0.1,
    keep_at_most: int = 8,
    progress: Callable[[int, int], None] | None = None,
) -> Analysis:
    """Run the design through the simulator and write the folder (see the module docstring)."""
    out = Path(out)
    manifest = {
        "complete": False,
        "method": method,
        "samples": samples,
        "paths": paths,
        "seed": seed,
        "scenario_file": str(Path(scenario_file).resolve()),
        "sets": sets,
        "uncertainty_file": space.path,
        "parameters": space.names,
    }
    open_folder(out, manifest, resume=resume)
    kept = None
    if method == "sobol":
        if screen is None:
            morris = run_sensitivity(
                scenario_file,
                sets,
                space,
                method="morris",
                samples=screen_samples,
                paths=paths,
                seed=seed,
                out=out / "morris",
                workers=workers,
                dask=dask,
                resume=resume,
                progress=progress,
            )
            screen_rows = morris.rows
        else:
            screen_rows = read_rows(screen)
        kept = kept_by_morris(screen_rows, threshold=keep_threshold, at_most=keep_at_most)
        unknown = [k for k in kept if k not in space.names]
        if unknown:
            raise InputError(
                screen, "sensitivity.csv", f"screens {unknown[0]}, not in {space.path}"
            )
        space = space.subset(kept)
        manifest.update(kept=space.names, screen=str(screen or out / "morris"))
        results.write_manifest(out, manifest)
    store: dict = {}
    evaluate = simulation_evaluator(
        scenario_file,
        {**sets, "montecarlo.seed": seed},
        paths=paths,
        folder=out,
        workers=workers,
        dask=dask,
        progress=progress,
        store=store,
    )
    analysis = analyse(space, evaluate, method=method, samples=samples, seed=seed)
    _write(out, analysis, store["by_path"])
    manifest["complete"] = True
    results.write_manifest(out, manifest)
    return analysis


def _write(out: Path, a: Analysis, by_path: dict[str, np.ndarray]) -> None:
    samples = {"sample": np.arange(len(a.values))}
    samples |= {key: a.values[:, j] for j, key in enumerate(a.space.names)}
    write_parquet(out / "samples.parquet", samples)
    n, paths = next(iter(by_path.values())).shape
    table = {"sample": np.repeat(np.arange(n), paths), "path": np.tile(np.arange(paths), n)}
    table |= {name: y.reshape(-1) for name, y in by_path.items()}
    write_parquet(out / "outputs.parquet", table)
    write_csv(out / "sensitivity.csv", a.rows)
    draw = morris_figure if a.method == "morris" else sobol_figure
    for name in a.outputs:
        rows = [r for r in a.rows if r["output"] == name]
        png = draw(rows, OUTPUTS[name].en)
        results.write_atomic(out / "figures" / f"{a.method}-{name}.png", png)
