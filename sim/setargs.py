"""``--set KEY=VALUE`` arguments, checked one by one against a scenario file.

The scenario file is checked whole first (a bad value in it is reported even
where a ``--set`` replaces it), then each ``--set`` on its own, so an error
names the ``--set`` argument that caused it — an unknown key path with the
nearest known key paths as "did you mean" (difflib), a bad value with what is
allowed — rather than blaming the scenario file.
"""

from __future__ import annotations

import difflib
from typing import Any

from sim.errors import InputError


def known_keys() -> list[str]:
    """Every key path ``--set`` accepts."""
    from sim.fund.params import SPEC_BY_KEY
    from sim.scenario import SECTIONS

    keys = [f"{s}.{k}" for s, names in SECTIONS.items() if names for k in names]
    return sorted({*keys, *SPEC_BY_KEY, "stress", "stress.severity", "stress.effects", "book"})


def suggest(key: str) -> str | None:
    """``did you mean …`` for a near-miss key path, else None."""
    close = difflib.get_close_matches(key, known_keys(), n=3, cutoff=0.6)
    return "did you mean " + " or ".join(close) + "?" if close else None


def checked_sets(scenario_file: str, texts: list[str]) -> dict[str, Any]:
    """The ``--set`` values by key path, each checked against the scenario file."""
    from sim.scenario import load_scenario, parse_set

    load_scenario(scenario_file)  # the file on its own, whole
    sets: dict[str, Any] = {}
    for text in texts:
        where = f"--set {text}"
        if "=" not in text:
            raise InputError("(command line)", where, "expected KEY=VALUE")
        key, value = parse_set(text)
        if key not in known_keys():
            hint = suggest(key)
            problem = f"unknown key path; {hint}" if hint else "unknown key path"
            raise InputError("(command line)", where, problem,
                             allowed=None if hint else "a scenario or policy key path "
                             "(hpfsim assumptions lists the policy's)")  # fmt: skip
        try:
            load_scenario(scenario_file, sets={**sets, key: value})
        except InputError as exc:
            raise InputError("(command line)", where, exc.problem, allowed=exc.allowed) from None
        sets[key] = value
    return sets
