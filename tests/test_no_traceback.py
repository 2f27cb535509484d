"""Bad input and bad luck end in one line, never a traceback (issue 25): an error raised inside
the event loop keeps its message, a run's start is checked against its policy's dates before
anything runs, an ``--out`` that cannot be written is one line and leaves nothing behind, a full
disk is one line naming the ``--resume`` that finishes the run, a run too large for the machine
is refused after an estimate, Ctrl-C ends with one line, and the sweep at the end tries the
malformed inputs a user can type."""

from __future__ import annotations

import errno
import os
import pickle
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import simpy

from sim.cli.main import main
from sim.core.errors import InputError
from sim.engine import results, runs
from sim.scenario.files import load_scenario

ROOT = Path(__file__).resolve().parents[1]
SMALL = ["--set", "population.size=200", "--set", "horizon.months=12", "--paths", "1",
         "--workers", "1"]  # fmt: skip


def _one_line(capsys) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.count("\n") == 1, err
    return err


def test_an_input_error_keeps_its_message_through_the_event_loop_and_a_pickle():
    error = InputError("policy.toml", "deposit.floor", "no value in force", allowed="2023-07 on")
    env = simpy.Environment()

    def month(env):
        yield env.timeout(1)
        raise error

    env.process(month(env))
    with pytest.raises(InputError) as caught:
        env.run()  # SimPy re-raises as type(e)(*e.args)
    assert str(caught.value) == "policy.toml: deposit.floor: no value in force; allowed: 2023-07 on"
    assert caught.value.allowed == "2023-07 on"
    assert str(pickle.loads(pickle.dumps(error))) == str(error)


def test_a_start_before_the_policy_has_values_is_refused_before_anything_runs(tmp_path, capsys):
    with pytest.raises(InputError) as err:
        load_scenario(sets={"scenario.start": "2020-01"})
    assert err.value.key == "scenario.start"
    assert "allowed: 2023-07 or later" in str(err.value)  # lyg-2023's first dated values
    out = tmp_path / "run"
    assert main(["run", *SMALL, "--set", "scenario.start=2020-01", "--out", str(out)]) == 2
    assert "2020-01 is before lyg-2023 gives" in _one_line(capsys)
    assert not out.exists()


def test_a_start_decades_after_the_figures_is_refused():
    # the newest dated figure of lyg-draft is 2025-06; ten years on is 2035-06
    sets = {"policy.switch_on": "2099-07", "scenario.start": "2099-01"}
    with pytest.raises(InputError, match=r"allowed: up to 2035-06"):
        load_scenario(sets=sets)
    load_scenario(sets={"policy.switch_on": "2035-06", "scenario.start": "2035-01"})


@pytest.mark.parametrize("where", ["file", "proc"])
def test_an_out_that_cannot_be_a_folder_is_one_line(tmp_path, capsys, where):
    out = tmp_path / "a-file" if where == "file" else Path("/proc/hpfsim-test/run")
    if where == "file":
        out.write_text("not a folder")
    assert main(["run", *SMALL, "--out", str(out)]) == 2
    assert "--out" in _one_line(capsys)
    assert where != "proc" or not out.parent.exists()


def test_a_read_only_out_is_one_line_and_leaves_nothing(tmp_path, capsys, monkeypatch):
    real = os.open

    def read_only(path, *args, **kwargs):
        if str(path).endswith(runs.LOCK):
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(runs.os, "open", read_only)
    out = tmp_path / "new" / "run"
    assert main(["run", *SMALL, "--out", str(out)]) == 2
    assert "cannot be made: Read-only file system" in _one_line(capsys)
    assert not (tmp_path / "new").exists()


def test_a_refused_out_leaves_no_lock(tmp_path, capsys):
    full = tmp_path / "full"
    full.mkdir()
    (full / "mine.txt").write_text("someone's file")
    assert main(["run", *SMALL, "--out", str(full)]) == 2
    assert "folder exists and is not empty" in _one_line(capsys)
    assert sorted(p.name for p in full.iterdir()) == ["mine.txt"]


def test_a_full_disk_is_one_line_naming_the_resume(tmp_path, capsys, monkeypatch):
    real = results.write_atomic

    def full(path, data):
        if path.suffix == ".npz":
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        real(path, data)

    monkeypatch.setattr(results, "write_atomic", full)
    out = tmp_path / "run"
    assert main(["run", *SMALL, "--out", str(out)]) == 2
    err = _one_line(capsys)
    assert "No space left on device" in err
    assert f"hpfsim run --resume --out {out}" in err
    monkeypatch.setattr(results, "write_atomic", real)
    assert main(["run", "--resume", "--out", str(out), "--workers", "1"]) == 0  # room again


def test_a_scenario_that_is_a_folder_is_one_line(capsys):
    assert main(["run", str(ROOT / "scenarios"), *SMALL]) == 2
    assert "a folder, not a file" in _one_line(capsys)


def test_a_scenario_saved_with_a_byte_order_mark_loads(tmp_path):
    folder = tmp_path / "sc"
    shutil.copytree(ROOT / "scenarios", folder)
    path = folder / "baseline.toml"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())  # as Notepad saves it
    assert load_scenario(path).name == "baseline"


def test_memory_estimate_by_hand():
    # 1,000 people, 8 paths, 120 months, 2 workers: batch_size(8, 1000, 2) = ceil(8 / 8) = 1
    # path a batch, so 1,000 people a worker: 250 MiB + 1,000 × 1,024 = 263,168,000 bytes;
    # the run's process: 250 MiB + 8 × 120 months × 2,400 bytes = 264,448,000
    sc = load_scenario(sets={"population.size": 1000, "montecarlo.paths": 8})
    assert sc.horizon == 120
    assert runs.memory_needed({"a": sc}, 2) == 2 * 263_168_000 + 264_448_000


@pytest.mark.parametrize(
    "sets",
    [["--set", "population.size=50000000", "--workers", "2"],  # the documented maximum
     ["--set", "population.size=1000", "--paths", "100000"]],
)  # fmt: skip
def test_a_run_beyond_the_machines_memory_is_refused_first(tmp_path, capsys, monkeypatch, sets):
    monkeypatch.setattr(runs, "machine_memory", lambda: 8 * 2**30)
    out = tmp_path / "run"
    assert main(["run", *sets, "--out", str(out)]) == 2
    err = _one_line(capsys)
    assert "GB of memory (8.0 GB on this machine)" in err
    assert "--force" in err
    assert not out.exists()


def test_force_runs_past_the_estimate_and_says_it():
    sc = load_scenario(sets={"population.size": 1000, "montecarlo.paths": 100_000})
    said = []
    runs.check_memory({"a": sc}, 1, force=True, say=said.append)
    assert said
    assert said[0].startswith("the run needs about")


def test_a_stress_outside_the_run_is_said(tmp_path, capsys):
    stress = ROOT / "scenarios/stress/recession.toml"  # 2025-07 to 2027-06
    out = tmp_path / "run"
    assert main(["run", *SMALL, "--set", f"stress={stress}", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "hpfsim: warning: shock 'income recession' (2025-07 to 2027-06) falls outside the " \
           "run (2023-09 to 2024-08): it changes nothing" in err  # fmt: skip


def test_a_population_default_out_of_range_names_the_key_edited(tmp_path, capsys):
    folder = tmp_path / "sc"
    shutil.copytree(ROOT / "scenarios", folder)
    pop = folder / "population/lianyungang-calibrated.toml"
    text = pop.read_text()
    assert "\nincome_mean = 5000.0\n" in text  # [cohort_defaults]; every cohort sets its own
    pop.write_text(text.replace("\nincome_mean = 5000.0\n", "\nincome_mean = -5000.0\n", 1))
    assert main(["run", str(folder / "baseline.toml"), *SMALL]) == 2
    assert "lianyungang-calibrated.toml: cohort_defaults.income_mean: out of range" in _one_line(
        capsys
    )
    assert main(["run", *SMALL, "--set", "cohort_defaults.income_mean=-5000"]) == 2
    assert "--set cohort_defaults.income_mean=-5000: out of range" in _one_line(capsys)


def test_population_and_fund_keys_are_accepted_by_set(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["run", *SMALL, "--set", "behaviour.response.setting=central",
                 "--set", "cohort_defaults.income_mean=6000", "--out", str(out)]) == 0  # fmt: skip


def test_a_run_shorter_than_a_year_prints_its_summary(tmp_path, capsys):
    args = ["run", "--set", "population.size=200", "--set", "horizon.months=3", "--paths", "1",
            "--workers", "1", "--lang", "en", "--out", str(tmp_path / "run")]  # fmt: skip
    assert main(args) == 0
    assert "first 3 months" in capsys.readouterr().out


def test_ctrl_c_ends_in_one_line_and_resume_finishes(tmp_path):
    out = tmp_path / "run"
    # 40 paths: the run cannot finish between its first path on disk and the Ctrl-C
    cmd = [sys.executable, "-m", "sim", "run", "--set", "population.size=2000", "--paths", "40",
           "--workers", "2", "--out", str(out)]  # fmt: skip
    env = {**os.environ, "NUMBA_NUM_THREADS": "1"}
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)  # fmt: skip
    t0 = time.monotonic()
    while not list(out.glob("paths/*/path-*.npz")) and time.monotonic() - t0 < 240:
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGINT)  # as a terminal's Ctrl-C: the run and its workers
    _, err = proc.communicate(timeout=60)
    err = err.decode()
    assert proc.returncode == 130, err
    assert err == f"interrupted: finish with `hpfsim run --resume --out {out}`\n"
    done = subprocess.run([sys.executable, "-m", "sim", "run", "--resume", "--out", str(out),
                           "--workers", "1"], cwd=ROOT, env=env, capture_output=True,
                          timeout=600)  # fmt: skip
    assert done.returncode == 0, done.stderr.decode()
    assert results.read_manifest(out)["complete"] is True
    assert len(list(out.glob("paths/*/path-*.npz"))) == 40


SWEEP = {
    # what a user typed: (arguments, words in the one line)
    "unknown command option": (["run", "--set", "nonsense"], "expected KEY=VALUE"),
    "unknown key": (["run", "--set", "subsidy.holdin_rate=0.01"], "did you mean"),
    "a value of the wrong type": (["run", "--set", "subsidy.holding_rate=abc"], "holding_rate"),
    "a rate out of range": (["run", "--set", "subsidy.holding_rate=5"], "out of range"),
    "zero paths": (["run", "--paths", "0"], "--paths"),
    "zero workers": (["run", "--workers", "0"], "--workers"),
    "no such scenario": (["run", "no-such.toml"], "no such file"),
    "a scenario folder": (["run", "scenarios"], "a folder, not a file"),
    "a binary scenario": (["run", "BINARY"], "not UTF-8 text"),
    "a scenario that is not TOML": (["run", "README.md"], "not valid TOML"),
    "a start that is no month": (["run", "--set", "scenario.start=2023-13"], "scenario.start"),
    "a start before the policy": (["run", "--set", "scenario.start=2019-01"], "2023-07 or later"),
    "a horizon of zero": (["run", "--set", "horizon.months=0"], "horizon.months"),
    "a population too large": (["run", "--set", "population.size=50000001"], "out of range"),
    "a negative income": (["run", "--set", "cohort_defaults.income_mean=-5000"], "out of range"),
    "an unknown stress": (["stress", "no-such-stress", "--workers", "1"], "no-such-stress"),
    "an out that is a file": (["run", "--out", "README.md"], "is a file"),
    "an out under /proc": (["run", "--out", "/proc/hpfsim/x"], "cannot be made"),
    "a resume with nothing to resume": (["run", "--resume", "--out", "EMPTY"], "no run to resume"),
    "compare with nothing swept": (["compare", "scenarios/baseline.toml"], "compare needs"),
    "a report of no run": (["report", "EMPTY"], "EMPTY"),
    "a missing book": (["book", "check", "no-such-book"], "no such book folder"),
    "a book with a binary file": (["book", "check", "BINARY_BOOK"], "a binary file"),
    "a template into a file": (["book", "template", "--out", "README.md"], "not an empty folder"),
    "an export of no run": (["book", "export", "EMPTY", "--out", "x"], "manifest.json"),
    "a missing account case": (["account", "no-such-case.toml"], "no such file"),
    "a book that is no folder": (["run", "--book", "README.md"], "no such book folder"),
    "a switch the accounts cannot follow": (["run", "--set", "policy.id=suzhou-2025"],
                                            "cannot change mid-run"),
}  # fmt: skip


@pytest.mark.parametrize(
    ("args", "words"),
    [(["run", "--lang", "fr"], "invalid choice"), (["run", "--seed", "abc"], "invalid int"),
     (["run", "--no-such-option"], "unrecognized arguments"),
     (["reverse-stress"], "the following arguments are required")],
)  # fmt: skip
def test_a_command_line_argparse_refuses_is_one_line(capsys, args, words):
    with pytest.raises(SystemExit) as stop:
        main(args)
    assert stop.value.code == 2
    err = _one_line(capsys)
    assert words in err
    assert err.rstrip().endswith("--help")


@pytest.mark.parametrize("case", list(SWEEP))
def test_sweep_of_malformed_inputs_gives_one_line_and_status_2(case, tmp_path, capsys,
                                                               monkeypatch):  # fmt: skip
    args, words = SWEEP[case]
    monkeypatch.chdir(ROOT)
    (tmp_path / "empty").mkdir()
    (tmp_path / "binary.toml").write_bytes(b"\x00\xff\xfe binary \x81")
    book = tmp_path / "book"
    shutil.copytree(ROOT / "scenarios/books/example", book)
    (book / "accounts.csv").write_bytes(b"\x00\x01\x02" * 100)
    names = {"EMPTY": tmp_path / "empty", "BINARY": tmp_path / "binary.toml",
             "BINARY_BOOK": book}  # fmt: skip
    args = [str(names.get(a, a)) for a in args]
    words = str(names.get(words, words))
    assert main(args) == 2
    err = _one_line(capsys)
    assert err.startswith("hpfsim: error: ")
    assert words in err
