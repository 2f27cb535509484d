"""The Chinese report's bases: every shipped basis has a faithful Chinese rendering."""

import re
from pathlib import Path

import pytest

from sim.core.errors import InputError, read_toml
from sim.report.assumptions import in_force
from sim.report.bases import ORIGINAL, shown, translated, zh_table
from sim.scenario.files import BASELINE, load_scenario

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
DATA_FILES = sorted(
    [*SCENARIOS.glob("policies/*.toml"), *SCENARIOS.glob("population/*.toml"),
     *SCENARIOS.glob("fund/*.toml"), *SCENARIOS.glob("uncertainty/*.toml"),
     *SCENARIOS.glob("stress/*.toml"), SCENARIOS / "books/example/fund.toml"]
)  # fmt: skip
SCENARIO_FILES = (BASELINE, SCENARIOS / "recession_example.toml")


def _bases_in(table, out: list[str]) -> list[str]:
    """Every ``basis`` and policy ``assumption`` string anywhere in a parsed TOML file."""
    if isinstance(table, dict):
        for key, value in table.items():
            if key in ("basis", "assumption") and isinstance(value, str):
                out.append(value)
            else:
                _bases_in(value, out)
    elif isinstance(table, list):
        for value in table:
            _bases_in(value, out)
    return out


def shipped_bases() -> dict[str, str]:
    """Each basis text the shipped files carry -> one file it comes from."""
    found = {}
    for path in SCENARIO_FILES:
        for a in in_force(load_scenario(path)):
            found.setdefault(a.basis, f"{path.name} ({a.key})")
    for path in DATA_FILES:
        for basis in _bases_in(read_toml(path), []):
            found.setdefault(basis, path.relative_to(SCENARIOS).as_posix())
    found.pop("", None)
    return found


def test_every_shipped_basis_has_a_chinese_rendering():
    bases = shipped_bases()
    assert len(bases) >= 90, "the walk finds the policy, population, fund and stress bases"
    missing = [f"{where}: {text!r}" for text, where in bases.items() if translated(text) is None]
    assert not missing, "no Chinese rendering in sim/report/bases_zh.toml for:\n" + "\n".join(
        missing
    )


def test_the_translation_table_holds_no_basis_that_no_shipped_file_carries():
    stale = set(zh_table()) - set(shipped_bases())
    assert not stale, f"bases_zh.toml renders texts no shipped file has: {sorted(stale)}"


def test_the_calibrated_population_file_carries_the_source_files_bases_or_names_the_fit():
    """``hpfsim calibrate --fit`` rewrites the values, and a fitted table's basis so that it
    names the fitted values before the source's own (``FITTED_BASIS``): each still rendered."""
    source = _bases_in(read_toml(SCENARIOS / "population/lianyungang.toml"), [])
    calibrated = _bases_in(read_toml(SCENARIOS / "population/lianyungang-calibrated.toml"), [])
    assert len(calibrated) == len(source)
    fitted = 0
    for c, s in zip(calibrated, source, strict=True):
        if c != s:
            assert c.startswith("Fitted by hpfsim calibrate --fit (")
            assert c.endswith(f"Starting values: {s}")
            fitted += 1
        assert not shown(c, "zh").startswith(ORIGINAL), c
    assert fitted >= 4, "joining, depositing, dormancy, withdrawing and buying are fitted"


_NUMBER = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")
_SCALED = re.compile(r"\s?(?:bn|m|k|million)\b")


def test_every_rendering_keeps_the_numbers_of_its_english_text():
    """Numbers pass through unchanged, bar bn/m/k/million yuan written as 亿/万 (checked by hand)."""
    for en, zh in zh_table().items():
        kept = {m.group() for m in _NUMBER.finditer(en) if not _SCALED.match(en, m.end())}
        assert kept <= set(_NUMBER.findall(zh)), (en, kept - set(_NUMBER.findall(zh)))


def test_scaled_amounts_are_converted_to_yi_and_wan():
    table = zh_table()
    fund = next(
        zh for en, zh in table.items() if en.startswith("FACTS.md Lianyungang's own fund (2023")
    )
    assert "银行授信 20 亿元，利率 3.5%" in fund  # 2 bn yuan
    employees = next(zh for en, zh in table.items() if "ceilings 600k/1m" in en)
    assert "60 万元/100 万元，阶段性提高到 80 万元/120 万元" in employees
    ceilings = table["FACTS.md loans: ceilings 400k (Chengdu flexible workers) to 800k (Chongqing)"]
    assert ceilings == "FACTS.md 贷款：最高额度 40 万元（成都灵活就业人员）至 80 万元（重庆）"


def test_an_english_assumption_is_rendered_as_jiashe():
    for en, zh in zh_table().items():
        if "assumption" in en.lower():
            assert "假设" in zh, en


def test_every_chinese_basis_has_every_glyph_in_the_bundled_font():
    from sim.report.fonts import missing_glyphs

    assert missing_glyphs("".join(zh_table().values())) == set()


def test_a_set_basis_translates_the_wrapper_and_looks_up_the_files_basis():
    basis = "--set population.size=2500 (the file: assumption: the people who might join, " \
            "Lianyungang's flexibly-employed: about 2.5 million workers x 23% (FACTS.md), " \
            "derived above)"  # fmt: skip
    assert shown(basis, "zh") == (
        "--set population.size=2500（文件中的依据：假设：可能参加的人数，即连云港的灵活就业人员："
        "约 250 万就业人员 × 23%（FACTS.md），推算见上）"
    )
    assert shown("--set fund.bank_rate=0.02 (the file: my guess)", "zh") == (
        f"--set fund.bank_rate=0.02（文件中的依据：{ORIGINAL}my guess）"
    )
    assert shown("--set fund.bank_rate=0.02 (the file: )", "zh") == (
        "--set fund.bank_rate=0.02（文件中的依据：无）"
    )


def test_a_book_exports_basis_is_rendered_for_any_month():
    assert translated("hpfsim book export at 2026-08") == "hpfsim 账务导出，截至 2026-08"
    assert shown("hpfsim book export at 2031-01", "zh") == "hpfsim 账务导出，截至 2031-01"


def test_a_basis_with_no_rendering_is_shown_in_the_original_and_marked():
    assert shown("Our own survey of 2025", "zh") == "（原文）Our own survey of 2025"
    assert shown("", "zh") == ""


def test_the_english_report_shows_the_basis_as_written():
    text = "Judgement: a tenth of income refills the reserve, +-5 pp; households save about a " \
           "third of disposable income (NBS, not in FACTS.md)"  # fmt: skip
    assert shown(text, "en") == text
    assert shown(text, "zh").startswith("判断：以收入的十分之一补充还款储备")


def test_a_table_giving_one_english_text_twice_is_refused(tmp_path):
    bad = tmp_path / "bases_zh.toml"
    bad.write_text('[[basis]]\nen = "a"\nzh = "甲"\n[[basis]]\nen = "a"\nzh = "乙"\n', "utf-8")
    with pytest.raises(InputError, match="given twice"):
        zh_table(bad)
