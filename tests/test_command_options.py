"""The decision and stress commands read their options as ``hpfsim run`` does: a misspelt
``--set`` key path gets "did you mean", ``--workers 0`` is refused, progress is the terminal's
bar (time left), tables come in ``--lang``, and ``compare --robust --report`` writes the
committee report with the robust table in it."""

import io
import re

import pytest

from sim.cli.main import main

TINY = ["--set", "population.size=1200", "--set", "horizon.months=24", "--paths", "1",
        "--workers", "1", "--seed", "5"]  # fmt: skip
TINIER = ["--set", "population.size=300", "--set", "horizon.months=6", "--paths", "1"]

COMMANDS = {
    "sensitivity": ["sensitivity", "--samples", "1"],
    "compare --robust": ["compare", "scenarios/baseline.toml", "--robust", "--draws", "2"],
    "optimise": ["optimise", "--draws", "2", "--points", "2", "--rounds", "1"],
    "stress": ["stress", "recession"],
    "reverse-stress": ["reverse-stress", "recession", "--breach", "survival",
                       "--max-severity", "0.5", "--tolerance", "0.5"],
}  # fmt: skip


@pytest.mark.parametrize("command", COMMANDS)
def test_a_misspelt_set_key_is_named_with_the_key_it_was_meant_to_be(command, tmp_path, capsys):
    out = tmp_path / "x"
    argv = [*COMMANDS[command], "--set", "subsidy.holdng_rate=0.012", "--out", str(out)]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("hpfsim: error: (command line): --set subsidy.holdng_rate=0.012: "
                          "unknown key path; did you mean subsidy.holding_rate")  # fmt: skip
    assert "\n" not in err
    assert not out.exists()


SWEPT = [
    ("subsidy.holdng_rate=0.010,0.015", "did you mean subsidy.holding_rate"),
    ("subsidy.holding_rate=0.010,lots", "lots"),
]


@pytest.mark.parametrize(("swept", "named"), SWEPT)
def test_compare_robust_checks_each_swept_value_before_running(swept, named, tmp_path, capsys):
    out = tmp_path / "x"
    assert main([*COMMANDS["compare --robust"], "--set", swept, "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("hpfsim: error: (command line): --set subsidy.hold")
    assert named in err
    assert "\n" not in err
    assert not out.exists()


@pytest.mark.parametrize("command", COMMANDS)
def test_the_decision_and_stress_commands_refuse_zero_workers(command, tmp_path, capsys):
    out = tmp_path / "x"
    assert main([*COMMANDS[command], *TINIER, "--workers", "0", "--out", str(out)]) == 2
    assert capsys.readouterr().err.strip() == (
        "hpfsim: error: (command line): --workers: 0; allowed: 1 or more"
    )
    assert not out.exists()


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_sensitivity_prints_in_chinese_and_draws_the_terminals_progress_bar(
    tmp_path, capsys, monkeypatch
):
    from sim.decide.uncertainty import load_uncertainty

    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    argv = [*COMMANDS["sensitivity"], "--out", str(tmp_path / "sa"), "--lang", "zh", *TINY]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert "期末缴存人数：影响最大的参数（mu_star ± 95% 区间）" in printed
    assert "参数" in printed.splitlines()[3]
    assert "most influential" not in printed
    assert "members at the horizon" not in printed
    assert not re.search(r"\b[a-z_]+\.[a-z_]+\.[a-z_]+", printed), "parameters by name, not key"
    assert "参加行为·" in printed or "补贴反应" in printed
    runs = len(load_uncertainty().names) + 1
    drawn = terminal.getvalue()
    assert "samples" in drawn
    assert f"{runs}/{runs}" in drawn
    assert "left" in drawn


def test_compare_robust_with_report_writes_the_report_with_the_robust_table(tmp_path, capsys):
    out = tmp_path / "rb"
    argv = [*COMMANDS["compare --robust"], "--set", "subsidy.holding_rate=0.010,0.015",
            "--report", "--lang", "zh", "--out", str(out), *TINY]  # fmt: skip
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert "遗憾值：平均 / 最大" in printed
    assert "最大遗憾值最小的方案：持有补贴率 1.0%。" in printed
    assert "subsidy.holding_rate" not in printed
    assert "regret" not in printed
    assert f"report: {out / 'compare' / 'report.html'}" in printed
    page = (out / "compare" / "report.html").read_text(encoding="utf-8")
    assert "<section id='uncertainty'>" in page
    assert "各补贴率在 2 组不确定输入下的表现" in page
    assert "持有补贴率 1.5%<" in page
    # the same command again finishes (here: finds) both runs instead of refusing the folder
    assert main(argv) == 0


def test_compare_robust_refuses_stress_without_report(tmp_path, capsys):
    argv = [*COMMANDS["compare --robust"], "--stress", "recession", "--out", str(tmp_path / "x")]
    assert main(argv) == 2
    assert "--stress: with --robust it is only for the report" in capsys.readouterr().err


def test_optimise_prints_in_chinese(tmp_path, capsys):
    argv = [*COMMANDS["optimise"], "--out", str(tmp_path / "op"), "--lang", "zh", *TINY]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("最优：补贴·持有补贴率 = ")
    assert "subsidy.holding_rate" not in printed
    assert "P(" not in printed, "constraints in Chinese: P（最短流动性生存期 < 6）"
    assert "每元补贴带来的缴存额：" in printed
    assert "帕累托前沿（成本与缴存额）" in printed
    assert "best" not in printed


def test_reverse_stress_prints_in_chinese(tmp_path, capsys):
    argv = [*COMMANDS["reverse-stress"], "--out", str(tmp_path / "rv"), "--lang", "zh",
            *TINIER, "--workers", "1"]  # fmt: skip
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert "生存期不足 12 个月的概率" in printed
    assert "severity" not in printed


@pytest.mark.parametrize(("x", "shown"), [(8.92e-13, "0"), (0.0123, "0.0123"), (95.44, "95.4"),
                                          (3467.2, "3,467"), (float("nan"), "–"),
                                          (999.7, "1,000"), (99.97, "100"), (9.996, "10.0"),
                                          (-0.04567, "-0.0457"), (54_640.3, "54,640")])  # fmt: skip
def test_tables_show_three_digits_and_never_scientific_notation(x, shown):
    from sim.report.terminal import significant

    assert significant(x) == shown


@pytest.mark.parametrize("command", ["run", "stress", "sensitivity", "optimise"])
@pytest.mark.parametrize(("option", "value"), [("--paths", "0"), ("--seed", "-1")])
def test_paths_and_seed_out_of_range_are_refused_as_the_command_lines(command, option, value,
                                                                      tmp_path, capsys):  # fmt: skip
    out = tmp_path / "x"
    assert main([command, option, value, "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"hpfsim: error: (command line): {option}: {value}")
    assert not out.exists()
