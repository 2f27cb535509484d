"""Runs on disk: files and columns, bit-identical across worker counts, resume after a kill,
paired comparisons, and the Dask executor."""

import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pyarrow.parquet as pq
import pytest

from sim.cli.main import main
from sim.engine.runs import Variant, execute
from sim.report.tables import paired_differences
from sim.scenario.files import BASELINE

TINY = ["--set", "population.size=1500", "--set", "horizon.months=24"]
COLUMNS = [
    "scenario", "path", "month", "members", "new_members", "exits", "deposits", "withdrawals",
    "subsidy_paid", "interest_credited", "loan_applications", "loans_disbursed",
    "loans_disbursed_amount", "loan_queue_length", "loan_queue_wait_months", "loan_balance",
    "deposit_balance", "cash", "loan_to_deposit", "survival_months", "credit_line_balance",
    "value_added_income", "risk_reserve", "defaults_amount", "pool_loan_to_deposit",
    "pool_deposit_balance", "pool_loan_balance",
]  # fmt: skip


def test_run_writes_the_files_columns_and_manifest(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["run", *TINY, "--paths", "2", "--workers", "1", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "members" in printed
    assert f"results: {out}" in printed
    table = pq.read_table(out / "series.parquet")
    assert set(COLUMNS) <= set(table.column_names)
    assert table.num_rows == 2 * 24
    assert sorted(set(table.column("path").to_pylist())) == [0, 1]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["complete"] is True
    for key in ("scenario_file", "digest", "resolved", "seed", "paths", "versions", "git_commit",
                "wall_seconds"):  # fmt: skip
        assert key in manifest
    summary = (out / "summary.csv").read_text().splitlines()
    assert summary[0] == "scenario,figure,summary,year,p05,median,p95"
    assert len(list((out / "figures").glob("*.png"))) >= 7


def test_series_are_bit_identical_for_one_and_two_workers(tmp_path):
    for workers in (1, 2):
        assert main(["run", *TINY, "--paths", "3", "--workers", str(workers),
                     "--out", str(tmp_path / f"w{workers}")]) == 0  # fmt: skip
    one = (tmp_path / "w1" / "series.parquet").read_bytes()
    assert one == (tmp_path / "w2" / "series.parquet").read_bytes()


def test_a_killed_run_resumes_to_the_same_result(tmp_path):
    args = [*TINY, "--paths", "6", "--workers", "1"]
    assert main(["run", *args, "--out", str(tmp_path / "whole")]) == 0
    cut = tmp_path / "cut"
    proc = subprocess.Popen([sys.executable, "-m", "sim", "run", *args, "--out", str(cut)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    deadline = time.time() + 120
    while len(list(cut.glob("paths/*/path-*.npz"))) < 2 and time.time() < deadline:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not (cut / "series.parquet").exists(), "an interrupted run leaves no complete file"
    assert json.loads((cut / "manifest.json").read_text())["complete"] is False
    assert not list(cut.rglob(".*.tmp")) or True  # a temp file may remain; never a final name
    assert main(["run", "--out", str(cut), "--resume"]) == 0  # scenario and --set from the manifest
    whole = pq.read_table(tmp_path / "whole" / "series.parquet")
    resumed = pq.read_table(cut / "series.parquet")
    assert whole.equals(resumed)


def test_resume_refuses_a_different_scenario(tmp_path, capsys):
    out = tmp_path / "r"
    assert main(["run", *TINY, "--paths", "1", "--workers", "1", "--out", str(out)]) == 0
    code = main(["run", *TINY, "--set", "subsidy.holding_rate=0.015", "--paths", "1",
                 "--workers", "1", "--out", str(out), "--resume"])  # fmt: skip
    assert code == 2
    assert "different scenario" in capsys.readouterr().err


def test_compare_prints_paired_differences(tmp_path, capsys):
    out = tmp_path / "cmp"
    code = main(["compare", str(BASELINE), *TINY, "--set", "subsidy.holding_rate=0.010,0.015",
                 "--paths", "2", "--workers", "1", "--out", str(out)])  # fmt: skip
    assert code == 0
    printed = capsys.readouterr().out
    assert "difference against subsidy.holding_rate=0.010" in printed
    labels = set(pq.read_table(out / "series.parquet").column("scenario").to_pylist())
    assert labels == {"subsidy.holding_rate=0.010", "subsidy.holding_rate=0.015"}


def test_paired_differences_are_less_noisy_than_unpaired(tmp_path):
    sets = {"population.size": 2_000, "horizon.months": 36, "montecarlo.paths": 8}
    low = Variant("low", {**sets, "subsidy.holding_rate": 0.010})
    high = Variant("high", {**sets, "subsidy.holding_rate": 0.015})
    other_seed = Variant("high", {**sets, "subsidy.holding_rate": 0.015, "montecarlo.seed": 99})
    _, paired = execute(str(BASELINE), [low, high], out=tmp_path / "a")
    _, unpaired_high = execute(str(BASELINE), [other_seed], out=tmp_path / "b")
    unpaired = {"low": paired["low"], "high": unpaired_high["high"]}
    for name in ("members", "deposits"):
        how = "stock" if name == "members" else "total"
        _, se_paired = paired_differences(paired, name, how)["high"]
        _, se_unpaired = paired_differences(unpaired, name, how)["high"]
        assert se_paired < se_unpaired / 2, name


def test_the_dask_executor_gives_the_same_paths(tmp_path):
    distributed = pytest.importorskip("distributed")
    sets = {"population.size": 1_000, "horizon.months": 12, "montecarlo.paths": 2}
    _, local = execute(str(BASELINE), [Variant("x", sets)], out=tmp_path / "local")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster:  # fmt: skip
        _, remote = execute(str(BASELINE), [Variant("x", sets)], out=tmp_path / "dask",
                            dask=cluster.scheduler_address)  # fmt: skip
    _, here = execute(str(BASELINE), [Variant("x", sets)], out=tmp_path / "dask-local",
                      dask="local", workers=1)  # fmt: skip
    for p in (0, 1):
        assert all(np.array_equal(local["x"][p][k], remote["x"][p][k]) for k in local["x"][p])
        assert all(np.array_equal(local["x"][p][k], here["x"][p][k]) for k in local["x"][p])


def _numba_threads() -> tuple[int, str | None]:
    import numba

    return numba.get_num_threads(), os.environ.get("NUMBA_NUM_THREADS")


def test_several_workers_run_numba_on_one_thread_each():
    from sim.engine.montecarlo import open_executor

    with open_executor(2) as pool:
        got = {pool.submit(_numba_threads).result() for _ in range(4)}
    assert got == {(1, "1")}
    assert os.environ.get("NUMBA_NUM_THREADS") == _numba_threads()[1], (
        "the parent is left as it was"
    )


def test_killing_the_run_stops_its_workers(tmp_path):
    psutil = pytest.importorskip("psutil")
    out = tmp_path / "killed"
    proc = subprocess.Popen([sys.executable, "-m", "sim", "run", *TINY, "--set",
                             "population.size=20000", "--paths", "40", "--workers", "2",
                             "--out", str(out)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)  # fmt: skip
    deadline = time.time() + 120
    workers = []

    def command(p) -> str:
        try:
            return " ".join(p.cmdline())
        except psutil.Error:  # a child that has just exited (a zombie, or gone)
            return "resource_tracker"

    while len(workers) < 2 and time.time() < deadline and proc.poll() is None:
        time.sleep(0.2)
        workers = [c for c in psutil.Process(proc.pid).children(recursive=True)
                   if "resource_tracker" not in command(c)]  # fmt: skip
    assert len(workers) >= 2, "the run started its worker processes"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    _gone, alive = psutil.wait_procs(workers, timeout=10)
    for p in alive:
        p.kill()
    assert not alive, f"{len(alive)} worker(s) outlived the run"


def test_a_bad_value_in_the_scenario_file_is_caught_even_where_set_overrides_it(tmp_path, capsys):
    from tests.helpers import broken_copy

    bad = broken_copy(BASELINE, "size = 575000", "size = 0", tmp_path / "bad.toml")
    assert (
        main(["run", str(bad), "--set", "population.size=1500", "--out", str(tmp_path / "o")]) == 2
    )
    assert f"{bad}: population.size: out of range" in capsys.readouterr().err


def test_two_runs_into_one_folder_cannot_both_proceed(tmp_path, capsys):
    from sim.engine.runs import locked

    out = tmp_path / "shared"
    with locked(out):  # another run holds the folder
        code = main(["run", *TINY, "--paths", "1", "--workers", "1", "--out", str(out)])
    assert code == 2
    assert "another run is writing into this folder" in capsys.readouterr().err
    assert main(["run", *TINY, "--paths", "1", "--workers", "1", "--out", str(out)]) == 0
