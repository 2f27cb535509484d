"""Every notebook's code runs (at a tiny size), so the notebooks cannot rot."""

import json
import os
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).parents[1] / "notebooks").glob("*.ipynb"))


def test_one_notebook_per_user():
    assert {p.stem for p in NOTEBOOKS} == {"committee", "risk_officer", "researcher", "decisions"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_code_runs(path, tmp_path, monkeypatch):
    monkeypatch.setenv("HPFSIM_NB_SIZE", "800")
    monkeypatch.setenv("HPFSIM_NB_MONTHS", "24")
    monkeypatch.setenv("HPFSIM_NB_PATHS", "2")
    monkeypatch.setenv("HPFSIM_NB_OUT", str(tmp_path))
    monkeypatch.chdir(path.parent)
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    assert cells[0]["cell_type"] == "markdown"
    namespace: dict = {}
    for cell in cells:
        if cell["cell_type"] == "code":
            exec(compile("".join(cell["source"]), f"{path.name}", "exec"), namespace)
    assert os.listdir(tmp_path)
