"""numba's compiled kernels are kept per version of the sources: an edit to a function a
kernel inlines from another module (a rule's scalar function) can never leave a stale
kernel running the old rule (``sim/__init__.py``)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

SIM = Path(__file__).parents[1] / "sim"


def _cache_dir(package_parent: Path, env: dict) -> str:
    code = "import sim, os; print(os.environ['NUMBA_CACHE_DIR'])"
    out = subprocess.run([sys.executable, "-c", code], cwd=package_parent, env=env,
                         capture_output=True, text=True, check=True)  # fmt: skip
    return out.stdout.strip()


def test_an_edit_anywhere_in_sim_gives_the_kernels_a_fresh_cache(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    copy = tmp_path / "src"
    shutil.copytree(SIM, copy / "sim", ignore=shutil.ignore_patterns("__pycache__"))
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
