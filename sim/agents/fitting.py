"""Calibration by fitting: behaviour parameters estimated by the simulated method of moments.

**What is fitted.** The parameters listed in ``scenarios/calibration/parameters.toml`` (key
path in the population file, bounds, basis), against the targets of
``scenarios/calibration/targets.toml`` (``sim.agents.calibration``) whose ``fit`` is true.

**Objective.** The distance is the weighted sum of squares of ``(simulated - target) / sd``
over the fitted targets, ``sd`` a quarter of each target's band. A target the model cannot
meet has ``fit = false`` in the targets file: reported beside the fit, never in the distance,
so it cannot bend the rest.

**Identification.** Before the search, each parameter's 95% interval at its starting value
(below) tells whether the fitted targets pin it down (``sim.agents.fit_stats``); one they do
not keeps the population file's value, is not searched over, and is listed as fixed.

**How.** The distance is minimised by ``scipy.optimize.least_squares``
(trust-region reflective, within the bounds) over the parameters rescaled to [0, 1]. Every
evaluation runs the same ``paths`` populations with the same seeds (common random numbers,
``sim.core.random``), so two parameter vectors differ only by the parameters, and the Jacobian
is a forward difference of ``step`` of each parameter's range — a step large enough to see
through the small jumps of a simulated moment. It stops after ``iterations`` evaluations
of the distance, or when a step moves the parameters by under 0.1% of their range or the
distance by under 0.01% (below that, moves are simulation noise); the report states which
(**convergence**: scipy's message).

**Intervals.** By the delta method (the sandwich of the minimum-distance estimator)::

    V = A S A',  A = (G' W G)^-1 G' W,  S = diag(sd^2) + Sigma_sim

with ``G`` the Jacobian at the fit and ``W = diag(1 / sd^2)``. ``Sigma_sim``, the simulated
moments' own noise, comes from a bootstrap over paths: the paths are resampled with
replacement ``bootstrap`` times and the moments recomputed from each resample (no refit).
The 95% interval is the fit ± 1.96 sd, cut to the bounds; a parameter no target moves
gets its whole bounds. Each target's simulated value gets the 2.5%-97.5% percentiles of
the same resamples.

**Resuming.** Each evaluation's monthly series are saved in ``OUT/evaluations/`` under the
sha256 of everything that determines them (the simulator's source, the population file, the
policy's terms, size, paths, months, seed, start, the parameter vector), written to a
temporary file and renamed into place. A rerun with the same folder takes every evaluation
it has from disk; the optimiser is deterministic, so it retraces its path at once and
carries on where it stopped.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import os
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.optimize import least_squares

from sim.agents.calibration import DEFAULT_TARGETS, Target, moment
from sim.agents.config import BEHAVIOUR_SPECS, AgentConfig
from sim.agents.engine_month import record_paths
from sim.agents.fit_stats import bootstrap, half_widths, identified, jacobian
from sim.agents.fit_stats import conditional_half_widths as conditional
from sim.core.errors import InputError, read_toml
from sim.core.months import parse_month
from sim.fund.policy import Policy

DEFAULT_PARAMETERS = DEFAULT_TARGETS.with_name("parameters.toml")
METHOD = (
    "simulated method of moments, common random numbers, scipy least_squares (trf); "
    "intervals: delta method, simulation noise from a bootstrap over paths"
)
_SETTINGS = {
    "n": (1, 10_000_000, int),
    "paths": (2, 1000, int),
    "months": (1, 1200, int),
    "seed": (0, 2**62, int),
    "start": (None, None, str),
    "policy": (None, None, str),
    "step": (1e-4, 0.5, float),
    "iterations": (1, 10_000, int),
    "bootstrap": (10, 100_000, int),
}


@dataclass(frozen=True)
class Parameter:
    """One fitted parameter: its key path in the population file, bounds and basis."""

    key: str
    low: float
    high: float
    basis: str

    def value(self, config: AgentConfig) -> float:
        """The parameter's value in ``config``."""
        _, model, name = self.key.split(".")
        return float(getattr(getattr(config, model), name))


@dataclass(frozen=True)
class FitSettings:
    """How the fit runs (the ``[fit]`` table)."""

    n: int
    paths: int
    months: int
    seed: int
    start: str
    policy: str
    step: float
    iterations: int
    bootstrap: int


def load_parameters(path: str | Path = DEFAULT_PARAMETERS) -> tuple[list[Parameter], FitSettings]:
    """Read and check a parameters file: a ``[fit]`` table and ``[parameters."KEY"]`` tables."""
    origin = str(path)
    data = read_toml(path)
    if set(data) != {"fit", "parameters"}:
        raise InputError(origin, "(top)", f"tables {sorted(data)}", allowed="[fit], [parameters]")
    fit = data["fit"]
    for key in fit:
        if key not in _SETTINGS:
            raise InputError(origin, f"fit.{key}", "unknown key", allowed=", ".join(_SETTINGS))
    values = {}
    for key, (low, high, kind) in _SETTINGS.items():
        v = fit.get(key)
        ok = isinstance(v, kind) and not isinstance(v, bool)
        if kind is float:
            ok = isinstance(v, int | float) and not isinstance(v, bool)
        if not ok or (low is not None and not low <= v <= high):
            allowed = f"a {kind.__name__}" + (f" {low}-{high}" if low is not None else "")
            raise InputError(origin, f"fit.{key}", f"got {v!r}", allowed=allowed)
        values[key] = v
    try:
        parse_month(values["start"])
    except ValueError as exc:
        raise InputError(origin, "fit.start", str(exc), allowed="YYYY-MM") from None
    params = data["parameters"]
    if not isinstance(params, dict) or not params:
        raise InputError(origin, "parameters", "no parameter", allowed='[parameters."KEY"] tables')
    return [_parameter(origin, k, v) for k, v in params.items()], FitSettings(**values)


def _parameter(origin: str, key: str, table) -> Parameter:
    where = f"parameters.{key}"
    parts = key.split(".")
    specs = (
        BEHAVIOUR_SPECS.get(parts[1])[1] if len(parts) == 3 and parts[1] in BEHAVIOUR_SPECS else {}
    )
    if parts[0] != "behaviour" or len(parts) != 3 or parts[2] not in specs:
        known = [f"behaviour.{m}.{f}" for m, (_, s) in BEHAVIOUR_SPECS.items() for f in s]
        raise InputError(origin, where, "not a behaviour parameter", allowed=", ".join(known))
    if not isinstance(table, dict) or set(table) != {"low", "high", "basis"}:
        raise InputError(origin, where, "wrong keys", allowed="low, high, basis")
    lo, hi, _ = specs[parts[2]]
    bounds = table["low"], table["high"]
    if not all(isinstance(b, int | float) and not isinstance(b, bool) for b in bounds) or not (
        lo <= bounds[0] < bounds[1] <= hi
    ):
        raise InputError(origin, where, f"bounds {bounds!r}", allowed=f"{lo} <= low < high <= {hi}")
    if not isinstance(table["basis"], str) or not table["basis"].strip():
        raise InputError(origin, f"{where}.basis", "missing", allowed="the targets that pin it")
    return Parameter(key, float(bounds[0]), float(bounds[1]), table["basis"])


def apply(config: AgentConfig, params: list[Parameter], values) -> AgentConfig:
    """``config`` with each parameter set to its value (the behaviour tables are frozen)."""
    models: dict[str, dict[str, float]] = {}
    for p, v in zip(params, values, strict=True):
        _, model, name = p.key.split(".")
        models.setdefault(model, {})[name] = float(v)
    return dataclasses.replace(
        config,
        **{m: dataclasses.replace(getattr(config, m), **kw) for m, kw in models.items()},
    )


@dataclass(frozen=True)
class Estimate:
    """A fitted parameter with its 95% interval."""

    parameter: Parameter
    start: float
    value: float
    low: float
    high: float
    identified: bool = True  # False: the targets do not pin it; kept at the file's value


@dataclass(frozen=True)
class Fitted:
    """A target beside the fitted model's value and the value's bootstrap 95% interval."""

    target: Target
    simulated: float
    low: float
    high: float

    @property
    def within(self) -> bool:
        """True if the fitted model's value lies within the target's band."""
        return self.target.band[0] <= self.simulated <= self.target.band[1]


@dataclass(frozen=True)
class FitResult:
    """What :func:`fit` found, and how."""

    estimates: list[Estimate]
    moments: list[Fitted]
    distance: float
    evaluations: int
    from_cache: int
    seconds: float
    settings: FitSettings
    status: str


class Evaluator:
    """Moments at a parameter vector: every path run once, saved on disk, read back on resume."""

    def __init__(
        self, config: AgentConfig, policy: Policy, params: list[Parameter], settings: FitSettings,
        start_month: int, out: Path, progress: Callable[[str], None] | None = None,
    ):  # fmt: skip
        self.config, self.policy, self.params, self.s = config, policy, params, settings
        self.start_month, self.progress = start_month, progress
        self.folder = Path(out) / "evaluations"
        self.folder.mkdir(parents=True, exist_ok=True)
        population = Path(config.path).read_bytes() if Path(config.path).is_file() else b""
        terms = repr(sorted((k, repr(p.value), p.dated) for k, p in policy.params.items()))
        self._base = {
            "code": _code_digest(),
            "population": hashlib.sha256(population).hexdigest(),
            "policy": hashlib.sha256(terms.encode()).hexdigest(),
            **{k: getattr(settings, k) for k in ("n", "paths", "months", "seed")},
            "start_month": start_month,
            "keys": [p.key for p in params],
        }
        self.count = self.cached = 0
        self.last = ""
        self._memo: dict[tuple, list[dict[str, np.ndarray]]] = {}

    def theta(self, u) -> np.ndarray:
        """Parameter values from the unit cube."""
        lo = np.array([p.low for p in self.params])
        hi = np.array([p.high for p in self.params])
        return lo + np.clip(u, 0.0, 1.0) * (hi - lo)

    def paths(self, theta) -> list[dict[str, np.ndarray]]:
        """Each path's monthly series at ``theta`` (from memory, disk, or a run)."""
        key = tuple(round(float(t), 12) for t in theta)
        if key in self._memo:
            return self._memo[key]
        digest = hashlib.sha256(json.dumps({**self._base, "theta": key}).encode()).hexdigest()
        file = self.folder / f"{digest}.npz"
        self.count += 1
        if file.is_file():
            self.cached += 1
            with np.load(file) as z:
                runs = _unflatten(z, self.s.paths)
            how = "cached"
        else:
            cfg = apply(self.config, self.params, key)
            runs = record_paths(cfg, self.policy, n=self.s.n, months=self.s.months,
                                seed=self.s.seed, start_month=self.start_month,
                                paths=range(self.s.paths))  # fmt: skip
            _save_atomic(file, runs)
            how = "run"
        self._memo[key] = runs
        self.last = f"evaluation {self.count} ({how})"
        return runs


def _code_digest() -> str:
    """sha256 of the source the engine's month runs: a changed behaviour or rule never
    reads a stale evaluation (the fitting and reporting code is left out)."""
    root = Path(__file__).resolve().parents[1]
    files = [*root.glob("*.py"), *(root / "agents").glob("*.py"), *(root / "fund").glob("*.py")]
    h = hashlib.sha256()
    for file in sorted(files):
        if file.name not in {"fitting.py", "calibrated.py", "cli.py"}:
            h.update(file.read_bytes())
    return h.hexdigest()


def _flatten(runs) -> dict[str, np.ndarray]:
    return {f"{p}|{k}": v for p, run in enumerate(runs) for k, v in run.items()}


def _unflatten(z, paths: int) -> list[dict[str, np.ndarray]]:
    runs: list[dict[str, np.ndarray]] = [{} for _ in range(paths)]
    for name in z.files:
        p, _, k = name.partition("|")
        runs[int(p)][k] = z[name]
    return runs


def _save_atomic(file: Path, runs) -> None:
    tmp = file.with_suffix(f".tmp{os.getpid()}.npz")
    np.savez(tmp, **_flatten(runs))
    os.replace(tmp, file)


def _show(params, theta) -> str:
    return ", ".join(
        f"{p.key.rsplit('.', 1)[1]}={t:.4g}" for p, t in zip(params, theta, strict=True)
    )


def moments_of(targets: list[Target], runs) -> np.ndarray:
    """The targets' simulated values over ``runs`` (NaN where the run cannot measure one)."""
    return np.array([moment(t, runs) for t in targets])


def fit(
    config: AgentConfig,
    policy: Policy,
    params: list[Parameter],
    settings: FitSettings,
    *,
    targets: dict[str, Target],
    start_month: int,
    out: str | Path,
    progress: Callable[[str], None] | None = None,
) -> FitResult:
    """Estimate ``params`` against the fitted ``targets``; see the module docstring."""
    began = time.perf_counter()
    fitted = [t for t in targets.values() if t.fit]
    if not fitted:
        raise InputError("(targets)", "moments.*.fit", "no target is fitted", allowed="fit = true")
    ev = Evaluator(config, policy, params, settings, start_month, Path(out), progress)
    value = np.array([t.value for t in fitted])
    sd = np.array([t.sd for t in fitted])

    best = [math.inf]

    def residuals(u) -> np.ndarray:
        count = ev.count
        r = (moments_of(fitted, ev.paths(ev.theta(u))) - value) / sd
        r = np.where(np.isfinite(r), r, 10.0)
        if ev.count > count and ev.progress:
            best[0] = min(best[0], float(r @ r))
            ev.progress(f"{ev.last}: distance {r @ r:.4g} (best {best[0]:.4g}); "
                        + _show(params, ev.theta(u)))  # fmt: skip
        return r

    span = np.array([p.high - p.low for p in params])
    u0 = np.clip([(p.value(config) - p.low) / (p.high - p.low) for p in params], 0.0, 1.0)
    free = np.ones(len(params), bool)  # identification at the start (fit_stats)

    def full(u_free) -> np.ndarray:
        u = np.array(u0, float)
        u[free] = u_free
        return u

    def slopes(u) -> np.ndarray:
        """d moment / d parameter of the free parameters at ``u`` (the others fixed)."""
        g = jacobian(lambda w: residuals(full(w)), u[free], settings.step)
        return g * sd[:, None] / span[None, free]

    def intervals(u) -> np.ndarray:
        """Half-widths of the free parameters' joint 95% intervals at ``u``."""
        boot = bootstrap(moments_of, fitted, ev.paths(ev.theta(u)), settings.bootstrap,
                         settings.seed)  # fmt: skip
        return half_widths(slopes(u), sd, boot)

    free = identified(conditional(slopes(u0), sd), span)
    sol = least_squares(
        lambda v: residuals(full(v)), u0[free], bounds=(0.0, 1.0), method="trf", x_scale=1.0,
        jac=lambda v: jacobian(lambda w: residuals(full(w)), v, settings.step),
        max_nfev=settings.iterations, xtol=1e-3, ftol=1e-4, gtol=1e-6,
    ) if free.any() else None  # fmt: skip
    u_hat = full(np.clip(sol.x, 0.0, 1.0)) if sol is not None else u0
    theta = ev.theta(u_hat)
    runs = ev.paths(theta)
    half = np.zeros(len(params))
    half[free] = intervals(u_hat) if free.any() else 0.0
    estimates = [
        Estimate(p, p.value(config), float(t), max(p.low, t - h), min(p.high, t + h), bool(f))
        for p, t, h, f in zip(params, theta, half, free, strict=True)
    ]
    every = list(targets.values())
    all_boot = bootstrap(moments_of, every, runs, settings.bootstrap, settings.seed)
    sims = moments_of(every, runs)
    with warnings.catch_warnings():  # a target past the run's end is NaN on every resample
        warnings.simplefilter("ignore", RuntimeWarning)
        lo, hi = np.nanpercentile(all_boot, [2.5, 97.5], axis=0)
    moments = [Fitted(t, *map(float, x)) for t, *x in zip(every, sims, lo, hi, strict=True)]
    return FitResult(
        estimates, moments, float(np.sum(residuals(u_hat) ** 2)), ev.count, ev.cached,
        time.perf_counter() - began, settings,
        str(sol.message) if sol is not None else "no parameter identified: nothing fitted",
    )  # fmt: skip
