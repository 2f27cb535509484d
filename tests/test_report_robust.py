"""The report's section on decisions under uncertainty: drivers from a sensitivity run and the
robust table from a compare --robust run, as an HTML fragment in either language."""

import csv
from html import escape

import pytest

from sim.cli.main import main
from sim.decide.uncertainty import DEFAULT_UNCERTAINTY, load_uncertainty
from sim.report.bases import shown
from sim.report.params_zh import basis_text, param_name
from sim.report.robust import robust_section

TINY = ["--set", "population.size=1200", "--set", "horizon.months=18", "--paths", "1",
        "--workers", "1", "--seed", "5"]  # fmt: skip


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    base = tmp_path_factory.mktemp("decisions")
    assert main(["sensitivity", "--samples", "1", "--out", str(base / "sa"), *TINY]) == 0
    assert main(["compare", "scenarios/baseline.toml", "--robust", "--draws", "2", "--set",
                 "subsidy.holding_rate=0.010,0.012,0.015", "--out", str(base / "rb"),
                 *TINY]) == 0  # fmt: skip
    return base


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_section_names_the_top_assumptions_and_has_one_row_per_rate(runs, lang):
    html = robust_section(runs / "rb", sensitivity_dir=runs / "sa", lang=lang)
    assert html.startswith("<section id='uncertainty'>")
    assert html.endswith("</section>")
    assert html.count("<tr>") >= 1 + 3 + 1  # robust header, 3 rates, drivers header
    for rate, zh in (("0.01", "1.0%"), ("0.012", "1.2%"), ("0.015", "1.5%")):
        shown_rate = f"持有补贴率 {zh}" if lang == "zh" else f"subsidy.holding_rate={rate}"
        assert f"{shown_rate}<" in html
    with (runs / "sa" / "sensitivity.csv").open() as fh:
        rows = [r for r in csv.DictReader(fh) if r["output"] == "members"]
    top = max(rows, key=lambda r: float(r["mu_star"]))["parameter"]
    basis = next(p.basis for p in load_uncertainty(DEFAULT_UNCERTAINTY).parameters if p.key == top)
    if lang == "zh":  # the parameter by its Chinese name; the key path only in the appendix
        assert escape(param_name(top)) in html
        assert top not in html
        assert escape(basis_text(shown(basis, lang))) in html
    else:
        assert f"<code>{top}</code>" in html
        assert escape(shown(basis, lang)) in html
    assert "（原文）" not in html, "every shipped uncertainty basis has a rendering"
    assert ("对决策影响最大的假设" in html) == (lang == "zh")
    assert "<script" not in html


def test_without_a_sensitivity_run_the_section_is_the_robust_table_alone(runs):
    html = robust_section(runs / "rb", lang="en")
    assert "The assumptions that move the decision most" not in html
    assert "Least worst-case regret" in html


def test_the_committee_report_carries_the_section_when_given_a_robust_run(runs, tmp_path):
    from sim.report.html import render

    run = tmp_path / "cmp"
    assert main(["compare", "scenarios/baseline.toml", "--set",
                 "subsidy.holding_rate=0.010,0.015", "--out", str(run), *TINY]) == 0  # fmt: skip
    page = render(run, lang="en", robust_dir=runs / "rb", sensitivity_dir=runs / "sa")
    text = page.read_text(encoding="utf-8")
    assert "<section id='uncertainty'>" in text
    assert text.index("id='uncertainty'") < text.index("<table class='assumptions'>")


def test_a_report_pointed_at_a_folder_without_a_robust_run_fails_in_one_line(
    runs, tmp_path, capsys
):
    run = tmp_path / "cmp"
    assert main(["compare", "scenarios/baseline.toml", "--set",
                 "subsidy.holding_rate=0.010,0.015", "--out", str(run), *TINY]) == 0  # fmt: skip
    capsys.readouterr()
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["report", str(run), "--robust", str(empty)]) == 2
    err = capsys.readouterr().err.strip()
    assert "robust.csv" in err
    assert str(empty) in err
    assert "\n" not in err
    assert main(["report", str(run), "--sensitivity", str(runs / "sa")]) == 2
    assert "--sensitivity" in capsys.readouterr().err
