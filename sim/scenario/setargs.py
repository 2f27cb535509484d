"""``--set KEY=VALUE`` arguments, checked one by one against a scenario file (and
``--workers``, checked the same way by every command that runs the simulator).

The scenario file is checked whole first (a bad value in it is reported even
where a ``--set`` replaces it), then each ``--set`` on its own, so an error
names the ``--set`` argument that caused it — an unknown key path with the
nearest known key paths as "did you mean" (difflib), a bad value with what is
allowed — rather than blaming the scenario file.
"""

from __future__ import annotations

import difflib
from typing import Any

from sim.core.errors import InputError


def known_keys() -> list[str]:
    """Every key path ``--set`` accepts."""
    from sim.fund.params import SPEC_BY_KEY
    from sim.scenario.files import SECTIONS

    keys = [f"{s}.{k}" for s, names in SECTIONS.items() if names for k in names]
    return sorted({*keys, *SPEC_BY_KEY, "stress", "stress.severity", "stress.effects", "book"})


def suggest(key: str) -> str | None:
    """``did you mean …`` for a near-miss key path, else None."""
    close = difflib.get_close_matches(key, known_keys(), n=3, cutoff=0.6)
    return "did you mean " + " or ".join(close) + "?" if close else None


def checked_sets(scenario_file: str, texts: list[str]) -> dict[str, Any]:
    """The ``--set`` values by key path, each checked against the scenario file."""
    from sim.scenario.file_sets import is_file_key
    from sim.scenario.files import load_scenario, parse_set

    load_scenario(scenario_file)  # the file on its own, whole
    sets: dict[str, Any] = {}
    for text in texts:
        where = f"--set {text}"
        if "=" not in text:
            raise InputError("(command line)", where, "expected KEY=VALUE")
        key, value = parse_set(text)
        if key not in known_keys() and not is_file_key(key):
            hint = suggest(key)
            problem = f"unknown key path; {hint}" if hint else "unknown key path"
            raise InputError(
                "(command line)",
                where,
                problem,
                allowed=None
                if hint
                else "a scenario or policy key path (hpfsim assumptions lists the policy's)",
            )
        try:
            load_scenario(scenario_file, sets={**sets, key: value})
        except InputError as exc:
            raise InputError("(command line)", where, exc.problem, allowed=exc.allowed) from None
        sets[key] = value
    return sets


def swept_sets(
    scenario_file: str, texts: list[str]
) -> tuple[dict[str, Any], tuple[str, list[tuple[str, Any]]] | None]:
    """``compare``'s ``--set``: the fixed values, and the one key given several values
    (``KEY=V1,V2,...``) with each value as typed and as read — all checked as
    :func:`checked_sets` checks them (``compare`` and ``compare --robust`` alike)."""
    fixed, swept = [], None
    for text in texts:
        key, _, raw = text.partition("=")
        if "," in raw:
            if swept:
                raise InputError(
                    "(command line)", f"--set {text}", "only one --set may list several values"
                )
            swept = (key.strip(), [v.strip() for v in raw.split(",")])
        else:
            fixed.append(text)
    sets = checked_sets(scenario_file, fixed)
    if swept is None:
        return sets, None
    key, values = swept
    return sets, (key, [(v, checked_sets(scenario_file, [f"{key}={v}"])[key]) for v in values])


PATHS = (1, 100_000)
SEED = (0, 2**63 - 1)
"""The ranges of ``--paths`` and ``--seed`` (the scenario file's ``montecarlo.paths``/``seed``)."""


def checked_runs(paths: int | None, seed: int | None) -> None:
    """``--paths`` and ``--seed`` on the command line, refused there (not as the scenario
    file's fault) before anything runs or any folder is made; none given: the file's."""
    for name, value, (low, high) in (("--paths", paths, PATHS), ("--seed", seed, SEED)):
        if value is not None and not low <= value <= high:
            raise InputError("(command line)", name, f"{value}", allowed=f"{low} to {high:,}")


def checked_workers(workers: int | None) -> int:
    """``--workers``: 1 or more; none given means one per core (every run-like command)."""
    from sim.engine.montecarlo import default_workers

    if workers is not None and workers < 1:
        raise InputError("(command line)", "--workers", f"{workers}", allowed="1 or more")
    return workers or default_workers()
