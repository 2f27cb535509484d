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

    def __init__(self, file: str | Path, key: str, problem: str, allowed: str | None = None):
        self.file = str(file)
        self.key = key
        self.problem = problem
        self.allowed = allowed
        # the args rebuild the error: SimPy re-raises a process's error as
        # ``type(e)(*e.args)``, and pickling (worker processes) does the same
        super().__init__(self.file, key, problem, allowed)

    def __str__(self) -> str:
        tail = f"; allowed: {self.allowed}" if self.allowed else ""
        return f"{self.file}: {self.key}: {self.problem}{tail}"


class Interrupted(KeyboardInterrupt):
    """Ctrl-C during a run: the paths saved so far stay, and ``--resume`` finishes it."""

    def __init__(self, run_dir: str | Path):
        self.run_dir = str(run_dir)
        super().__init__(self.run_dir)


def read_toml(path: str | Path) -> dict[str, Any]:
    """Parse a TOML file with ``tomllib`` (UTF-8, with or without a byte-order mark); a file
    that cannot be read or parsed becomes an :class:`InputError`."""
    path = Path(path)
    try:
        data = path.read_bytes()
        # Notepad on Windows starts a UTF-8 file with a byte-order mark: TOML does not
        return tomllib.loads(data.removeprefix(b"\xef\xbb\xbf").decode("utf-8"))
    except FileNotFoundError:
        raise InputError(path, "(file)", "no such file") from None
    except IsADirectoryError:
        raise InputError(path, "(file)", "a folder, not a file", allowed="a TOML file") from None
    except OSError as exc:
        raise InputError(path, "(file)", f"cannot be read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise InputError(path, "(file)", "not UTF-8 text", allowed="a TOML file in UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(path, "(syntax)", f"not valid TOML: {exc}") from None
