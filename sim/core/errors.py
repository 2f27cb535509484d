"""The one error users see for bad input.

Every file a user writes (policy, scenario, account case) is checked before
anything runs. A problem is reported as one line that names the file, the key
path inside it, the bad value and what would have been allowed, so it can be
fixed without reading a traceback.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any


class InputError(ValueError):
    """A user's file holds something the simulator cannot accept."""

    def __init__(self, file: str | Path, key: str, problem: str, *, allowed: str | None = None):
        self.file = str(file)
        self.key = key
        self.problem = problem
        self.allowed = allowed
        tail = f"; allowed: {allowed}" if allowed else ""
        super().__init__(f"{self.file}: {key}: {problem}{tail}")


def read_toml(path: str | Path) -> dict[str, Any]:
    """Parse a TOML file with ``tomllib``; syntax errors become an :class:`InputError`."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise InputError(path, "(file)", "no such file") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(path, "(syntax)", f"not valid TOML: {exc}") from None
