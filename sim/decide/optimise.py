"""A policy optimiser: the levers that maximise an objective under chance constraints.

The problem (``scenarios/uncertainty/optimise.toml``, :func:`load_problem`)
names the levers and their ranges (the holding-subsidy rate; optionally the
opening bonus, the loan balance multiple and the ceiling), the objective
(:data:`sim.decide.outputs.OBJECTIVES`) and chance constraints such as
P(minimum survival horizon < 6 months) ≤ 5%, each probability taken over
every draw of the uncertain inputs and every path.

**The search** (:func:`optimise`) is a successive box-shrinking search, a
Luus–Jaakola-type pattern search: a first round spreads ``points`` candidates
over the whole box (evenly for one lever, a scrambled Halton sequence plus
the centre for several); each later round puts ``points`` new candidates in a
box around the best so far, ``shrink`` times the previous box's width. Every
candidate is evaluated on the same draws and paths (common random numbers),
so the objective is a deterministic function of the levers and candidates
are compared on the same luck; a gradient method would chase the simulation's
discreteness (whole people, whole loans), which a pattern search ignores.
The best candidate is the feasible one (every constraint met) with the
highest mean objective; if none is feasible, the one that breaks the
constraints least.

**Its uncertainty** (:func:`bootstrap`): the draws are resampled with
replacement; the 90% interval of the best candidate's mean objective, and
the share of resamples in which it stays the best feasible candidate.
Constraint probabilities carry Wilson 90% intervals.

**The Pareto front** (:func:`pareto_front`): among feasible candidates (all
of them if none is), those that no other beats on both subsidy cost (lower)
and deposits (higher).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.stats import qmc

from sim.core.checks import only_keys, table_at
from sim.core.errors import InputError, read_toml
from sim.decide.outputs import OBJECTIVES, OUTPUTS, Objective, objective_of
from sim.decide.robust import draw_means, objective_matrix
from sim.decide.uncertainty import UNCERTAINTY_DIR, key_range
from sim.stress.reverse import wilson

DEFAULT_PROBLEM = UNCERTAINTY_DIR / "optimise.toml"
Values = dict[str, np.ndarray]  # output -> [candidate, draw, path]


@dataclass(frozen=True)
class Lever:
    """A decision the optimiser may move, within a range."""

    key: str
    low: float
    high: float
    basis: str
    integer: bool = False
    fen: bool = False

    def snap(self, x: float) -> float:
        """A value the files accept (whole numbers, whole fen)."""
        x = min(max(x, self.low), self.high)
        return float(round(x)) if self.integer else round(x, 2) if self.fen else round(x, 6)


@dataclass(frozen=True)
class Constraint:
    """P(``output`` below ``below`` or above ``above``) ≤ ``max_probability``."""

    output: str
    max_probability: float
    below: float | None = None
    above: float | None = None

    def breached(self, v: np.ndarray) -> np.ndarray:
        return v < self.below if self.below is not None else v > self.above

    def describe(self) -> str:
        side = f"< {self.below:g}" if self.below is not None else f"> {self.above:g}"
        return f"P({self.output} {side}) <= {self.max_probability:.0%}"


@dataclass(frozen=True)
class Problem:
    """A checked optimisation problem file."""

    path: str
    objective: Objective
    levers: dict[str, Lever]
    constraints: tuple[Constraint, ...]
    draws: int


def load_problem(path: str | Path = DEFAULT_PROBLEM) -> Problem:
    """Read and check a problem file; one line per problem naming the file and key."""
    origin = str(path)
    data = read_toml(path)
    only_keys(origin, "", data, {"optimise", "levers", "constraint"})
    head = table_at(origin, "optimise", data.get("optimise"))
    only_keys(origin, "optimise.", head, {"objective", "draws"})
    name = head.get("objective")
    if name not in OBJECTIVES:
        raise InputError(origin, "optimise.objective", f"{name!r}", allowed=", ".join(OBJECTIVES))
    draws = head.get("draws", 8)
    if isinstance(draws, bool) or not isinstance(draws, int) or not 1 <= draws <= 10_000:
        raise InputError(origin, "optimise.draws", f"{draws!r}", allowed="a whole number 1-10000")
    levers = {}
    for key, raw in table_at(origin, "levers", data.get("levers")).items():
        raw = table_at(origin, f"levers.{key}", raw)
        only_keys(origin, f"levers.{key}.", raw, {"low", "high", "basis"})
        low, high, integer, fen = key_range(origin, key)
        lo, hi = raw.get("low"), raw.get("high")
        ok = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (lo, hi))
        if not ok or not low <= lo < hi <= high:
            raise InputError(
                origin,
                f"levers.{key}.low/high",
                f"[{lo!r}, {hi!r}]",
                allowed=f"low < high within {low:g} to {high:g}",
            )
        if not isinstance(raw.get("basis"), str) or not raw["basis"].strip():
            raise InputError(origin, f"levers.{key}.basis", "missing", allowed="why this range")
        levers[key] = Lever(key, float(lo), float(hi), raw["basis"], integer, fen)
    if not levers:
        raise InputError(origin, "levers", "no lever", allowed="one or more key paths")
    constraints = []
    for i, raw in enumerate(data.get("constraint", []), start=1):
        where = f"constraint[{i}]"
        raw = table_at(origin, where, raw)
        only_keys(origin, f"{where}.", raw, {"output", "below", "above", "max_probability"})
        if raw.get("output") not in OUTPUTS:
            raise InputError(
                origin, f"{where}.output", f"{raw.get('output')!r}", allowed=", ".join(OUTPUTS)
            )
        if ("below" in raw) == ("above" in raw):
            raise InputError(origin, where, "needs exactly one of below, above")
        p = raw.get("max_probability")
        if isinstance(p, bool) or not isinstance(p, int | float) or not 0 <= p < 1:
            raise InputError(origin, f"{where}.max_probability", f"{p!r}", allowed="0 to 1")
        constraints.append(Constraint(raw["output"], float(p), raw.get("below"), raw.get("above")))
    return Problem(origin, objective_of(name), levers, tuple(constraints), draws)


@dataclass(frozen=True)
class Scored:
    """Every candidate evaluated so far, scored."""

    settings: np.ndarray  # [candidate, lever]
    values: Values  # output -> [candidate, draw, path]
    objective: np.ndarray  # mean over draws, [candidate]
    probability: np.ndarray  # [candidate, constraint]
    feasible: np.ndarray  # [candidate]
    best: int


def score(
    settings: np.ndarray,
    values: Values,
    *,
    objective: Objective,
    constraints: tuple[Constraint, ...],
) -> Scored:
    """Mean objective, constraint probabilities, feasibility and the best candidate."""
    per_draw = objective_matrix(draw_means(values), objective)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an objective undefined in every draw
        mean = np.nanmean(per_draw, axis=1)
    prob = np.array(
        [
            [float(c.breached(values[c.output][i]).mean()) for c in constraints]
            for i in range(len(settings))
        ]
    ).reshape(len(settings), len(constraints))
    limits = np.array([c.max_probability for c in constraints])
    feasible = (prob <= limits + 1e-12).all(axis=1)
    if feasible.any():
        best = int(np.argmax(np.where(feasible & ~np.isnan(mean), mean, -np.inf)))
    else:
        best = int(np.argmin(np.clip(prob - limits, 0, None).sum(axis=1)))
    return Scored(settings, values, mean, prob, feasible, best)


def _candidates(
    levers: list[Lever], lo: np.ndarray, hi: np.ndarray, points: int, rng: np.random.Generator
) -> np.ndarray:
    if len(levers) == 1:
        grid = np.linspace(lo, hi, points)
    else:
        unit = qmc.Halton(d=len(levers), scramble=True, seed=rng).random(max(points - 1, 1))
        grid = np.vstack([(lo + hi) / 2, lo + unit * (hi - lo)])
    return np.array([[lv.snap(x) for lv, x in zip(levers, row, strict=True)] for row in grid])


def optimise(
    levers: list[Lever],
    evaluate: Callable[[np.ndarray], Values],
    *,
    objective: Objective,
    constraints: tuple[Constraint, ...],
    points: int = 6,
    rounds: int = 3,
    shrink: float = 0.5,
    seed: int,
) -> Scored:
    """The successive box-shrinking search (see the module docstring).

    ``evaluate(settings)`` returns the decision figures ``[candidate, draw, path]`` of the
    candidates (rows of lever values), all on the same draws and paths.
    """
    rng = np.random.default_rng(seed)
    low = np.array([lv.low for lv in levers])
    high = np.array([lv.high for lv in levers])
    lo, hi = low.copy(), high.copy()
    settings = np.empty((0, len(levers)))
    values: Values = {}
    scored = None
    for _ in range(rounds):
        new = _candidates(levers, lo, hi, points, rng)
        seen = {tuple(r) for r in settings}
        new = np.array([r for r in dict.fromkeys(map(tuple, new)) if r not in seen])
        if len(new):
            got = evaluate(new)
            settings = np.vstack([settings, new])
            values = {
                k: np.concatenate([values[k], v]) if k in values else v for k, v in got.items()
            }
        scored = score(settings, values, objective=objective, constraints=constraints)
        half = (hi - lo) * shrink / 2
        centre = settings[scored.best]
        lo, hi = np.maximum(low, centre - half), np.minimum(high, centre + half)
    return scored


def bootstrap(
    scored: Scored,
    *,
    objective: Objective,
    resamples: int = 1000,
    seed: int,
) -> dict:
    """The best candidate's 90% interval and how often it stays best, resampling the draws;
    Wilson 90% intervals of its constraint probabilities."""
    rng = np.random.default_rng(seed)
    per_draw = objective_matrix(draw_means(scored.values), objective)
    n_draws = per_draw.shape[1]
    b = scored.best
    means, stays = [], 0
    for _ in range(resamples):
        pick = rng.integers(0, n_draws, n_draws)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            m = np.nanmean(per_draw[:, pick], axis=1)
        means.append(m[b])
        stays += int(np.argmax(np.where(scored.feasible & ~np.isnan(m), m, -np.inf)) == b)
    n = next(iter(scored.values.values())).shape[1] * next(iter(scored.values.values())).shape[2]
    return {
        "objective_interval": tuple(float(q) for q in np.quantile(means, [0.05, 0.95])),
        # with no feasible candidate the best breaks the constraints least: not an objective rank
        "share_still_best": stays / resamples if scored.feasible.any() else float("nan"),
        "constraint_intervals": [wilson(float(p), n) for p in scored.probability[b]],
    }


def pareto_front(cost: np.ndarray, gain: np.ndarray, feasible: np.ndarray) -> np.ndarray:
    """Feasible candidates no other feasible one beats on both lower cost and higher gain."""
    front = np.zeros(len(cost), dtype=bool)
    for i in np.flatnonzero(feasible):
        others = feasible & (cost <= cost[i]) & (gain >= gain[i])
        others &= (cost < cost[i]) | (gain > gain[i])
        front[i] = not others.any()
    return front
