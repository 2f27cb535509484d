"""numba's compiled kernels are kept per version of the sources: an edit to a function a
kernel inlines from another module (a rule's scalar function) can never leave a stale
kernel running the old rule (``sim/__init__.py``)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numba

import sim

SIM = Path(__file__).parents[1] / "sim"


def _cache_dir(package_parent: Path, env: dict) -> str:
    code = "import sim, os; print(os.environ['NUMBA_CACHE_DIR'])"
    out = subprocess.run([sys.executable, "-c", code], cwd=package_parent, env=env,
                         capture_output=True, text=True, check=True)  # fmt: skip
    return out.stdout.strip()


def _copy_of_sim(tmp_path: Path) -> tuple[Path, dict]:
    """A copy of the package to edit, and an environment with no cache folder chosen."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("NUMBA_CACHE_DIR", "HPFSIM_NUMBA_CACHE_DIR")
    }
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    copy = tmp_path / "src"
    shutil.copytree(SIM, copy / "sim", ignore=shutil.ignore_patterns("__pycache__"))
    return copy, env


def test_an_edit_anywhere_in_sim_gives_the_kernels_a_fresh_cache(tmp_path):
    copy, env = _copy_of_sim(tmp_path)
    before = _cache_dir(copy, env)
    assert Path(before).parent == tmp_path / "cache" / "hpfsim" / "numba"
    assert Path(before).is_dir()
    assert _cache_dir(copy, env) == before  # the same sources: the same kernels
    rule = copy / "sim" / "fund" / "subsidy.py"
    rule.write_text(rule.read_text() + "\n# an edit to a rule a kernel inlines\n")
    assert _cache_dir(copy, env) != before


def test_a_users_own_numba_cache_dir_is_kept(tmp_path):
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "mine")}
    assert _cache_dir(SIM.parent, env) == str(tmp_path / "mine")


def test_a_child_remakes_the_folder_its_parent_chose_and_keeps_a_users(tmp_path):
    copy, env = _copy_of_sim(tmp_path)
    parent = _cache_dir(copy, env)
    rule = copy / "sim" / "fund" / "subsidy.py"
    rule.write_text(rule.read_text() + "\n# edited after the parent's import\n")
    inherited = {**env, "NUMBA_CACHE_DIR": parent, "HPFSIM_NUMBA_CACHE_DIR": parent}
    assert _cache_dir(copy, inherited) not in (parent, "")  # the sources changed: a new one
    assert _cache_dir(copy, {**inherited, "NUMBA_CACHE_DIR": "/mine"}) == "/mine"


def _fresh_cache_dir(monkeypatch, tmp_path):
    monkeypatch.delenv("NUMBA_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(numba.config, "CACHE_DIR", numba.config.CACHE_DIR)


def test_import_survives_a_cache_folder_it_may_not_touch(monkeypatch, tmp_path):
    """A shared or read-only cache (the hash folder exists, owned by another user, or on a
    read-only mount): os.utime raises and ``import sim`` dies with a traceback.
    Real reproduction (as root): make the folder as root, then
    ``setpriv --reuid=54321 --regid=54321 --clear-groups python -c 'import sim'`` with
    XDG_CACHE_HOME pointing at it -> PermissionError at sim/__init__.py os.utime."""
    _fresh_cache_dir(monkeypatch, tmp_path)

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(sim.os, "utime", denied)
    sim._numba_cache_dir()  # must not raise: fall back as when mkdir fails


def test_import_survives_no_home_directory(monkeypatch, tmp_path):
    """HOME unset and no passwd entry (a container run under an arbitrary uid):
    Path.home() raises RuntimeError and ``import sim`` dies. Real reproduction (as root):
    ``env -i PATH=/usr/bin:/bin setpriv --reuid=54321 --regid=54321 --clear-groups
    python -c 'import sim'``."""
    _fresh_cache_dir(monkeypatch, tmp_path)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)

    def no_home():
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(sim.Path, "home", staticmethod(no_home))
    sim._numba_cache_dir()  # must not raise
