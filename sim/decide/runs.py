"""Robust-table and optimiser runs on the simulator: their folders and files.

Both evaluate candidates (values of a swept key, or lever settings) under the
same draws of the uncertain inputs and the same paths: sample
``candidate × D + draw`` runs the scenario with the draw's values, then the
candidate's, under the one root seed. Samples go through
:func:`sim.decide.samples.run_samples` (resumable, on the Monte Carlo executor).

``hpfsim compare --robust`` writes ``robust.csv`` (one row per candidate,
:func:`sim.decide.robust.robust_rows`), ``draws.parquet`` (the draws' values) and
``outputs.parquet`` (candidate, draw, path and each decision figure).
Rerunning the same command into the same ``--out`` resumes it.
``hpfsim optimise`` writes ``pareto.csv`` (every candidate evaluated: its
levers, mean cost and deposits, objective, constraint probabilities,
feasibility, whether it is on the Pareto front and whether it was chosen)
and ``pareto.png``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from sim.decide.figures import pareto_figure
from sim.decide.optimise import Problem, Scored, bootstrap, optimise, pareto_front
from sim.decide.outputs import Objective
from sim.decide.robust import draws as draw_inputs
from sim.decide.robust import robust_rows
from sim.decide.samples import open_folder, run_samples, write_csv, write_parquet
from sim.decide.uncertainty import Space
from sim.engine import results


class _Grid:
    """Candidates × draws as samples, appended round by round (indices never move)."""

    def __init__(
        self, scenario_file, sets, space, draw_values, *, paths, folder, workers, dask, progress
    ):
        self.args = (scenario_file, paths, folder, workers, dask, progress)
        self.base = sets
        self.draw_sets = space.sets(draw_values) if len(space.names) else [{}] * len(draw_values)
        self.samples: list[dict[str, Any]] = []

    def evaluate(self, candidates: list[dict[str, Any]]) -> dict[str, np.ndarray]:
        """Decision figures ``[candidate, draw, path]`` of new candidates."""
        first = len(self.samples)
        for cand in candidates:
            self.samples += [{**self.base, **d, **cand} for d in self.draw_sets]
        scenario_file, paths, folder, workers, dask, progress = self.args
        by_path = run_samples(
            scenario_file,
            self.samples,
            paths=paths,
            folder=folder,
            workers=workers,
            dask=dask,
            progress=progress,
        )
        n = len(self.draw_sets)
        return {k: v[first:].reshape(len(candidates), n, paths) for k, v in by_path.items()}


def _draws(space: Space, n: int, seed: int) -> np.ndarray:
    return draw_inputs(space, n=n, seed=seed) if space.names else np.zeros((n, 0))


def run_robust(
    scenario_file: str,
    sets: dict[str, Any],
    space: Space,
    *,
    key: str,
    values: list[Any],
    draws: int,
    paths: int,
    seed: int,
    objective: Objective,
    out: Path,
    workers: int = 1,
    dask: str | None = None,
    progress=None,
) -> list[dict]:
    """The robust table of ``key`` = each of ``values`` (see :mod:`sim.decide.robust`)."""
    out = Path(out)
    space = space.without([key])
    open_folder(
        out,
        {
            "kind": "robust",
            "key": key,
            "values": values,
            "draws": draws,
            "paths": paths,
            "seed": seed,
            "objective": objective.name,
            "uncertainty_file": space.path,
            "scenario_file": str(Path(scenario_file).resolve()),
            "sets": sets,
        },
    )
    draw_values = _draws(space, draws, seed)
    grid = _Grid(
        scenario_file,
        {**sets, "montecarlo.seed": seed},
        space,
        draw_values,
        paths=paths,
        folder=out / "samples",
        workers=workers,
        dask=dask,
        progress=progress,
    )
    got = grid.evaluate([{key: v} for v in values])
    labels = [f"{key}={v}" for v in values]
    rows = robust_rows(got, labels, objective=objective)
    write_csv(out / "robust.csv", rows)
    write_parquet(
        out / "draws.parquet",
        {"draw": np.arange(draws)} | {k: draw_values[:, j] for j, k in enumerate(space.names)},
    )
    c, d, p = next(iter(got.values())).shape
    table = {
        "candidate": np.repeat(labels, d * p),
        "draw": np.tile(np.repeat(np.arange(d), p), c),
        "path": np.tile(np.arange(p), c * d),
    }
    write_parquet(out / "outputs.parquet", table | {k: v.reshape(-1) for k, v in got.items()})
    return rows


def run_optimise(
    scenario_file: str,
    sets: dict[str, Any],
    space: Space,
    problem: Problem,
    *,
    levers: list[str],
    paths: int,
    seed: int,
    out: Path,
    points: int = 6,
    rounds: int = 3,
    workers: int = 1,
    dask: str | None = None,
    progress=None,
) -> tuple[Scored, dict, list[dict]]:
    """Optimise the chosen levers; return the scored candidates, the best's uncertainty and
    the rows of ``pareto.csv``."""
    out = Path(out)
    chosen = [problem.levers[k] for k in levers]
    space = space.without(levers)
    open_folder(
        out,
        {
            "kind": "optimise",
            "problem_file": problem.path,
            "levers": levers,
            "points": points,
            "rounds": rounds,
            "draws": problem.draws,
            "paths": paths,
            "seed": seed,
            "uncertainty_file": space.path,
            "sets": sets,
            "scenario_file": str(Path(scenario_file).resolve()),
        },
    )
    grid = _Grid(
        scenario_file,
        {**sets, "montecarlo.seed": seed},
        space,
        _draws(space, problem.draws, seed),
        paths=paths,
        folder=out / "samples",
        workers=workers,
        dask=dask,
        progress=progress,
    )

    def evaluate(settings: np.ndarray) -> dict[str, np.ndarray]:
        return grid.evaluate([_setting(chosen, row) for row in settings])

    scored = optimise(
        chosen,
        evaluate,
        objective=problem.objective,
        constraints=problem.constraints,
        points=points,
        rounds=rounds,
        seed=seed,
    )
    sure = bootstrap(scored, objective=problem.objective, seed=seed)
    cost = scored.values["subsidy_cost"].mean(axis=(1, 2))
    gain = scored.values["deposits"].mean(axis=(1, 2))
    # with no feasible candidate the front is drawn over all of them (and says so)
    front = pareto_front(cost, gain, scored.feasible if scored.feasible.any() else cost == cost)
    rows = []
    for i, row in enumerate(scored.settings):
        r: dict[str, Any] = _setting(chosen, row)
        r |= {
            "subsidy_cost": cost[i],
            "deposits": gain[i],
            problem.objective.name: scored.objective[i],
        }
        r |= {c.describe(): scored.probability[i, j] for j, c in enumerate(problem.constraints)}
        r |= {
            "feasible": bool(scored.feasible[i]),
            "pareto": bool(front[i]),
            "chosen": i == scored.best,
        }
        rows.append(r)
    rows.sort(key=lambda r: r["subsidy_cost"])
    write_csv(out / "pareto.csv", rows)
    png = pareto_figure(
        cost,
        gain,
        scored.feasible,
        front,
        scored.best,
        xlabel="subsidy cost over the horizon (yuan)",
        ylabel="deposits over the horizon (yuan)",
    )
    results.write_atomic(out / "pareto.png", png)
    return scored, sure, rows


def _setting(levers, row) -> dict[str, Any]:
    return {lv.key: (int(x) if lv.integer else float(x)) for lv, x in zip(levers, row, strict=True)}
