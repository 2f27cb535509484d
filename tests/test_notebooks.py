"""Every notebook runs in a real Jupyter kernel (at a tiny size) and every chart cell draws.

A chart cell is one tagged ``chart``; it must leave a PNG among its outputs — not
``<Figure size 800x400 with 1 Axes>``, which is what a notebook shows when the
package it imports has forced matplotlib onto a non-interactive backend.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).parents[1] / "notebooks").glob("*.ipynb"))


def test_one_notebook_per_user():
    assert {p.stem for p in NOTEBOOKS} == {"committee", "risk_officer", "researcher", "decisions"}


def test_importing_sim_leaves_matplotlibs_backend_alone():
    modules = [
        "sim.cli.main",
        "sim.engine.runs",
        "sim.report.figures",
        "sim.report.html",
        "sim.cli.stress",
    ]
    code = (
        "import matplotlib\n"
        f"for m in {modules!r}: __import__(m)\n"
        "from sim.report.figures import fan_chart\n"
        "print(matplotlib.get_backend())\n"
    )
    env = {**os.environ, "MPLBACKEND": "svg"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True, timeout=120)  # fmt: skip
    assert out.stdout.strip() == "svg"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_and_each_chart_cell_draws_an_image(path, tmp_path, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    monkeypatch.setenv("HPFSIM_NB_SIZE", "800")
    monkeypatch.setenv("HPFSIM_NB_MONTHS", "24")
    monkeypatch.setenv("HPFSIM_NB_PATHS", "2")
    monkeypatch.setenv("HPFSIM_NB_OUT", str(tmp_path))
    monkeypatch.setenv("NUMBA_NUM_THREADS", "1")
    nb = nbformat.read(path, as_version=4)
    assert nb.cells[0].cell_type == "markdown"
    nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}}).execute()  # fmt: skip
    charts = [c for c in nb.cells if "chart" in c.metadata.get("tags", [])]
    assert charts, "each notebook draws at least one chart"
    for cell in charts:
        images = [o for o in cell.outputs if "image/png" in o.get("data", {})]
        assert len(images) == 1, cell.source[:80]
    bare = [o for c in nb.cells for o in c.get("outputs", [])
            if "image/png" not in o.get("data", {})
            and o.get("data", {}).get("text/plain", "").startswith("<Figure size")]  # fmt: skip
    assert not bare, "a figure shown as text, not drawn"
    assert os.listdir(tmp_path)
