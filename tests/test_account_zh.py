"""``hpfsim account --lang zh``: the same statement, to the fen, in Chinese (issue 25)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sim.cli.main import main
from sim.fund.policy import POLICY_DIR

CASES = sorted((Path(__file__).resolve().parents[1] / "scenarios/accounts").glob("*.toml"))


def _figures(text: str) -> list[str]:
    return re.findall(r"-?\d+\.\d\d", text)


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_the_chinese_statement_has_the_english_figures_and_no_english(case, capsys, monkeypatch):
    monkeypatch.setenv("NUMBA_DISABLE_JIT", "1")
    assert main(["account", str(case), "--lang", "en", "--trace"]) == 0
    english = capsys.readouterr().out
    assert main(["account", str(case), "--lang", "zh", "--trace"]) == 0
    chinese = capsys.readouterr().out
    assert _figures(chinese) == _figures(english)
    ids = {w for f in POLICY_DIR.glob("*.toml") for w in re.findall(r"[A-Za-z_]{3,}", f.stem)}
    words = set(re.findall(r"[A-Za-z_]{3,}", chinese)) - ids
    assert not words, words  # rule IDs (D1, S7, X1) and the policy's id are all that stay
    assert chinese.splitlines()[0].split()[:3] == ["月份", "缴存", "提取"]


def test_a_refusal_is_worded_in_chinese(capsys, monkeypatch):
    monkeypatch.setenv("NUMBA_DISABLE_JIT", "1")
    case = next(c for c in CASES if c.stem == "03_renter_lifo")
    assert main(["account", str(case), "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert "第 8 项（租房提取）：超过租房提取限额（W1）" in out
