"""What the terminal shows: aligned columns, whole people, fixed decimals, human names,
a progress bar on a terminal and none in a pipe, and a quiet end when the pipe closes."""

import os
import pty
import select
import subprocess
import sys

import pytest
from rich.cells import cell_len

from sim.cli.main import main
from sim.report.labels import METRICS, label, money_text, number, value
from sim.report.terminal import default_lang, table

TINY = ["--set", "population.size=1500", "--set", "horizon.months=24"]


def test_columns_line_up_by_display_width_with_chinese_text():
    from rich.cells import cell_len

    text = table(["指标", "第 1 年"], [["缴存人数", "1,234"], ["个贷率（资金池）", "0.880"]])
    lines = text.splitlines()
    assert len({cell_len(line) for line in lines if not line.startswith("-")}) == 1
    assert lines[2].endswith("1,234")
    assert lines[3].startswith("个贷率（资金池）")


def test_people_are_whole_and_nothing_is_in_scientific_notation():
    assert value("members", 196.0, "en") == "196"
    assert value("members", 45.75, "en", sign=True) == "+46"
    assert value("pool_loan_to_deposit", -4.509e-08, "en", sign=True) == "0.000"
    assert value("deposit_balance", 5.433e04, "zh") == "5.4"  # 万元, one decimal
    assert value("deposit_balance", 5.433e04, "en") == "0.05"  # million yuan, two decimals
    assert value("P(survival breach)", 0.125, "zh") == "12%"
    assert number(1_234_567.0, "people", "en") == "1,234,567"
    for name in METRICS:
        assert "e+" not in value(name, 5.433e9, "en")
        assert "e-" not in value(name, 1e-9, "en")


def test_metric_names_are_human_in_both_languages():
    assert label("deposit_balance", "zh") == "缴存余额（万元）"
    assert label("deposit_balance", "en") == "deposit balance (m yuan)"
    assert label("min_survival_months", "en") == "shortest survival horizon (months)"
    assert all(m.zh and m.en and m.zh != m.en for m in METRICS.values())


def test_money_in_prose_reads_naturally():
    assert money_text(8_600, "zh") == "0.9 万元"  # under 10 万元: one decimal, never "1 万元"
    assert money_text(13_430_000, "zh") == "1,343 万元"
    assert money_text(250_000_000, "zh") == "2.50 亿元"
    assert money_text(13_430_000, "en") == "13.4 million yuan"
    assert money_text(86_000, "en") == "86 thousand yuan"
    assert money_text(2.5e9, "en") == "2.50 billion yuan"


def test_the_language_follows_the_locale(monkeypatch):
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert default_lang() == "zh"
    monkeypatch.setenv("LC_ALL", "en_GB.UTF-8")
    assert default_lang() == "en"


def test_run_prints_an_aligned_table_in_the_chosen_language(tmp_path, capsys):
    assert main(["run", *TINY, "--paths", "2", "--workers", "1", "--lang", "zh",
                 "--out", str(tmp_path / "r")]) == 0  # fmt: skip
    printed = capsys.readouterr().out
    assert "缴存人数" in printed
    assert "members" not in printed.split("results:")[0].split("\n", 1)[1]
    assert "e+0" not in printed
    assert "e-0" not in printed


def _run_on_a_terminal(args, tmp_path) -> str:
    """Run hpfsim with its standard error on a pseudo-terminal; return what it drew."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "sim", *args], stdout=subprocess.DEVNULL,
                            stderr=slave, env={**os.environ, "COLUMNS": "100"})  # fmt: skip
    os.close(slave)
    chunks = []
    while True:
        ready, _, _ = select.select([master], [], [], 120)
        if not ready:
            break
        try:
            data = os.read(master, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=120)
    os.close(master)
    return b"".join(chunks).decode("utf-8", "replace")


def test_a_progress_bar_with_time_left_on_a_terminal_and_none_in_a_pipe(tmp_path):
    args = ["run", *TINY, "--paths", "3", "--workers", "1"]
    drawn = _run_on_a_terminal([*args, "--out", str(tmp_path / "tty")], tmp_path)
    assert "paths" in drawn
    assert "3/3" in drawn
    assert "left" in drawn
    piped = subprocess.run([sys.executable, "-m", "sim", *args, "--out", str(tmp_path / "pipe")],
                           capture_output=True, text=True, timeout=300)  # fmt: skip
    assert piped.returncode == 0
    assert "3/3" not in piped.stderr
    assert "\r" not in piped.stderr
    assert "left" not in piped.stderr


def test_a_closed_pipe_ends_the_command_quietly():
    proc = subprocess.Popen([sys.executable, "-m", "sim", "assumptions"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)  # fmt: skip
    proc.stdout.close()  # the reader (say, head) has gone before anything is written
    err = proc.stderr.read().decode()
    proc.wait(timeout=60)
    assert "Traceback" not in err
    assert "BrokenPipeError" not in err
    assert proc.returncode == 141


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--workers", "0"], "--workers: 0; allowed: 1 or more"),
        (["--set", "subsidy.holdng_rate=0.012"],
         "--set subsidy.holdng_rate=0.012: unknown key path; did you mean subsidy.holding_rate"),
        (["--set", "subsidy.holding_rate=0.5"],
         "(command line): --set subsidy.holding_rate=0.5: out of range"),
        (["--set", "population.size=0"], "(command line): --set population.size=0: out of range"),
    ],
)  # fmt: skip
def test_bad_command_line_values_are_named_as_typed(args, expected, capsys, tmp_path):
    assert main(["run", *args, "--out", str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err
    assert expected in err
    assert not (tmp_path / "x").exists(), "nothing runs"


WIDE = 130
"""A terminal's width that every line a command prints must fit (two of a laptop's panes)."""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_what_run_and_stress_print_fits_a_terminal(tmp_path, capsys, lang):
    small = ["--set", "population.size=300", "--set", "horizon.months=120", "--paths", "2",
             "--workers", "1", "--lang", lang]  # fmt: skip
    assert main(["run", *small, "--out", str(tmp_path / "run")]) == 0
    assert main(["stress", "combined_severe", *small, "--out", str(tmp_path / "st")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any("----" in line for line in lines)  # the tables were printed
    too_wide = [line for line in lines if cell_len(line) > WIDE]
    assert not too_wide, "\n".join(too_wide)


def test_a_long_header_wraps_over_lines_and_the_columns_stay_aligned():
    header = ["year", "value-added income before the subsidy", "短", "实际计提（补贴后）"]
    assert len(table(header, [["2024", "1.00", "2", "3.0"]]).splitlines()) == 3  # it fits
    text = table(header, [["2024", "1.00", "2", "3.0"]], width=30)  # it does not
    # English at spaces within 12 cells, bottom-aligned; Chinese only before its bracket
    assert text.splitlines() == [
        "       value-added",
        "            income",
        "        before the          实际计提",
        "year       subsidy   短   （补贴后）",
        "-" * 36,
        "2024          1.00    2          3.0",
    ]
