"""hpfsim: simulate a housing provident fund's flexible-employment pilot.

The package is split the way the fund itself is: ``sim.fund`` holds the rules
(what the fund allows and pays, one module per rule group of RULES.md),
``sim.agents`` holds behaviour (what people choose). ``sim.core.months`` and
``sim.core.money`` are the two conventions everything shares: time is a whole
number of months, money is a whole number of fen.
"""

import hashlib
import os
import shutil
import sys
import time
from pathlib import Path

# numba's parallel kernels run on GNU OpenMP threads, which by default spin between
# kernels: on 2 cores shared with other work that doubled or tripled a 1M-person run's
# wall and CPU time (docs/benchmarks.md). Idle threads sleep instead unless the user says
# otherwise; read when OpenMP starts, at the first parallel kernel.
os.environ.setdefault("OMP_WAIT_POLICY", "passive")


def _numba_cache_dir() -> None:
    """Keep numba's compiled kernels in a folder named by a hash of every source file here.

    numba's on-disk cache (``cache=True``) checks a kernel's own file for changes, not the
    files of the functions it inlines (``agents/depositing.py`` into the behaviour kernel,
    ``fund/subsidy.py`` into the month end): after an edit to one of those alone, a stale
    kernel would run the old rule, silently. A new hash is a new, empty folder, so an edit
    anywhere recompiles. A user's own ``NUMBA_CACHE_DIR`` is kept; one this function set in a
    parent process is made again (the sources may have changed since). Without a cache folder
    it can make, numba's default is left (and the edit-and-recompile guarantee with it).
    """
    ours = os.environ.get(_CHOSEN)
    if "NUMBA_CACHE_DIR" in os.environ and os.environ["NUMBA_CACHE_DIR"] != ours:
        return
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.rglob("*.py")):
        digest.update(path.read_bytes())
    try:
        xdg = Path(os.environ.get("XDG_CACHE_HOME", ""))
        home = xdg if xdg.is_absolute() else Path.home() / ".cache"  # XDG: relative ignored
        folder = home / "hpfsim" / "numba" / digest.hexdigest()[:16]
        folder.mkdir(parents=True, exist_ok=True)
        os.utime(folder)  # in use: folders unused for a fortnight are old sources' kernels
    except (OSError, RuntimeError):  # no home, or a folder not ours to write
        if ours:  # not the parent's folder either: numba's default
            os.environ.pop("NUMBA_CACHE_DIR", None)
        return
    for old in folder.parent.iterdir():
        try:
            if old != folder and time.time() - old.stat().st_mtime > 14 * 86400:
                shutil.rmtree(old, ignore_errors=True)
        except OSError:  # another process removed it first
            pass
    os.environ["NUMBA_CACHE_DIR"] = os.environ[_CHOSEN] = str(folder)
    if "numba" in sys.modules:  # imported before sim: its configuration is already read
        sys.modules["numba"].config.CACHE_DIR = str(folder)


_CHOSEN = "HPFSIM_NUMBA_CACHE_DIR"
"""Where :func:`_numba_cache_dir` put the kernels, so that a child process tells its own
choice from a user's ``NUMBA_CACHE_DIR``."""

_numba_cache_dir()

__version__ = "0.1.0"
