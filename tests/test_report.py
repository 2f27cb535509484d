"""The committee's report: the table, the summary's numbers, refusals, and a real browser."""

import re
import shutil
import subprocess

import pytest

from sim.cli import main
from sim.errors import InputError
from sim.report.committee import decision_table, summary_numbers, summary_text
from sim.report.html import load_complete, render
from sim.report.labels import money_text
from sim.scenario import BASELINE, load_scenario

RATES = "0.010,0.012,0.015"


@pytest.fixture(scope="module")
def compare_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "run"
    code = main(["compare", str(BASELINE), "--set", "population.size=2500", "--set",
                 "horizon.months=66", "--set", f"subsidy.holding_rate={RATES}", "--paths", "3",
                 "--workers", "2", "--stress", "employee_outflow", "--report", "--lang", "zh", "--out", str(out)])  # fmt: skip
    assert code == 0
    return out


def test_decision_table_has_one_row_per_rate_and_costs_against_the_lower_rate(compare_run):
    manifest, runs = load_complete(compare_run)
    fund = load_scenario(manifest["scenario_file"]).pool.fund
    rows = decision_table(runs, fund)
    assert [r.rate for r in rows] == [0.010, 0.012, 0.015]
    assert rows[0].cost_per_deposit_yuan is None
    assert rows[1].cost_per_deposit_yuan is not None
    assert rows[2].members[5].median >= rows[0].members[5].median
    assert rows[2].subsidy_total.median > rows[0].subsidy_total.median
    assert all(r.breach_stress is not None for r in rows)


def test_the_summary_states_the_tables_numbers(compare_run):
    manifest, runs = load_complete(compare_run)
    rows = decision_table(runs, load_scenario(manifest["scenario_file"]).pool.fund)
    n = summary_numbers(rows)
    assert n["extra_members"] == rows[-1].members[5].median - rows[0].members[5].median
    assert n["extra_subsidy"] == rows[-1].subsidy_total.median - rows[0].subsidy_total.median
    for lang in ("en", "zh"):
        text = summary_text(n, lang, "employee_outflow")
        assert f"{round(n['extra_members']):,}" in text
        assert money_text(n["extra_deposits"], lang) in text
        assert money_text(n["extra_subsidy"], lang) in text
        assert not re.search(r"(?<![\d.])0%", text), "no '0%' where no path breached"
        assert "ten-thousand" not in text
        assert "1.0%" in text
        assert "1.5%" in text
    html = (compare_run / "report.html").read_text(encoding="utf-8")
    assert summary_text(n, "zh", "employee_outflow") in html


def test_the_report_shows_the_pilots_own_books_beside_the_pools(compare_run):
    manifest, runs = load_complete(compare_run)
    rows = decision_table(runs, load_scenario(manifest["scenario_file"]).pool.fund)
    n = summary_numbers(rows)
    assert n["margin_low"] == rows[0].segment_margin.median
    assert rows[-1].segment_margin.median != rows[0].segment_margin.median, "CRN: rates differ"
    html = (compare_run / "report.html").read_text(encoding="utf-8")
    for head in ("灵活就业分账收益合计（扣除损失）", "灵活就业准备金/贷款（期末）", "灵活就业净融出（期末）",
                 "资金池增值收益合计"):  # fmt: skip
        assert head in html
    for lang, words in (("zh", "灵活就业分账户自身的增值收益"), ("en", "The pilot's own margin")):
        text = summary_text(n, lang, None)
        assert words in text
        assert money_text(n["margin_high"], lang) in text


def test_the_summary_says_when_pool_figures_cannot_tell_the_rates_apart():
    n = {"rate_low": 0.01, "rate_high": 0.015, "year": 5, "paths": 8, "extra_members": 100.0,
         "extra_deposits": 2e6, "extra_subsidy": 5e4, "max_breach": 0.0,
         "max_breach_stress": float("nan"), "margin_low": 3e6, "margin_high": 1e6}  # fmt: skip
    for flag, expect in ((1.0, True), (0.0, False)):
        zh = summary_text({**n, "pool_indistinct": flag}, "zh", None)
        en = summary_text({**n, "pool_indistinct": flag}, "en", None)
        assert ("不能用来区分补贴率" in zh) is expect
        assert ("cannot tell the rates apart" in en) is expect


def test_the_report_is_self_contained(compare_run):
    html = (compare_run / "report.html").read_text(encoding="utf-8")
    assert "http://" not in html
    assert "https://" not in html
    assert html.count("data:image/png;base64,") == 6
    assert "deposit.monthly_cap" in html  # assumptions in force
    assert "20230831" in html  # the seed


def test_a_report_of_an_incomplete_run_is_refused(compare_run, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(compare_run, broken)
    next(broken.glob("paths/*/path-00001.npz")).unlink()
    with pytest.raises(InputError, match="2 of 3 paths on disk"):
        render(broken)
    (broken / "manifest.json").write_text((broken / "manifest.json").read_text().replace(
        '"complete": true', '"complete": false'))  # fmt: skip
    with pytest.raises(InputError, match="incomplete"):
        render(broken)


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    if shutil.which("apt-get") is None:
        pytest.skip("Chromium is not installed and this system has no apt-get to install it")
    try:
        subprocess.run(["apt-get", "update", "-qq"], check=True, capture_output=True, timeout=600)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=True,
                       capture_output=True, timeout=900)  # fmt: skip
    except (subprocess.SubprocessError, OSError) as exc:
        pytest.skip(f"Chromium could not be installed from the system's packages: {exc}")
    return shutil.which("chromium") or pytest.skip("Chromium installed but not on PATH")


FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip


def test_the_report_renders_in_a_real_browser(compare_run, tmp_path):
    chromium = _chromium()
    url = (compare_run / "report.html").as_uri()
    dom = subprocess.run(
        [chromium, *FLAGS, f"--user-data-dir={tmp_path / 'a'}", "--enable-logging=stderr", "--v=1",
         "--virtual-time-budget=5000", "--dump-dom", url],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert dom.returncode == 0, dom.stderr[-2000:]
    # the report logs nothing: any console line is an error or a warning
    console = [line for line in dom.stderr.splitlines() if "CONSOLE" in line]
    assert not console, console
    figures = re.search(r'data-figures="(\d+)"', dom.stdout)
    ok = re.search(r'data-figures-ok="(\d+)"', dom.stdout)
    assert figures, "the page's script did not run"
    assert ok, "the page's script did not run"
    assert int(figures.group(1)) == 6
    assert ok.group(1) == figures.group(1), "every figure rendered with a non-zero size"
    body = re.search(r"<table class=\"decision\">.*?<tbody>(.*?)</tbody>", dom.stdout, re.S)
    assert body.group(1).count("<tr>") == len(RATES.split(","))
    shot = tmp_path / "report.png"
    subprocess.run([chromium, *FLAGS, f"--user-data-dir={tmp_path / 'b'}", "--window-size=1200,1800",
                    f"--screenshot={shot}", url], capture_output=True, timeout=120, check=True)  # fmt: skip
    assert shot.stat().st_size > 10_000


def test_the_report_has_the_stress_table_per_rate(compare_run):
    html = (compare_run / "report.html").read_text(encoding="utf-8")
    table = re.search(r"<table class='stress'>(.*?)</table>", html, re.S)
    assert table, "a compare run with --stress shows the stress table"
    rates = len(RATES.split(","))
    assert (
        table.group(1).count("<tr>") == 1 + 2 * rates
    )  # the header, then base and stress per rate
    assert "employee_outflow" in table.group(1)


def test_methods_list_behaviour_and_fund_assumptions_drivers_first(compare_run):
    from sim.report.assumptions import DRIVERS, in_force

    page = (compare_run / "report.html").read_text(encoding="utf-8")
    methods = page[page.index("<table class='assumptions'>") :]
    for key in ("population.size", "behaviour.joining.return_semi_elasticity",
                "behaviour.response.central.participation_elasticity", "fund.bank_rate", "employee.loan_rate",
                "deposit.monthly_cap", "cohorts.gig.share"):  # fmt: skip
        assert f"<code>{key}</code>" in methods, key
    assert methods.index("behaviour.joining.return_semi_elasticity") < methods.index(
        "deposit.monthly_cap"
    ), "the assumptions that drive the decision come first"
    assert "--set population.size=2500（文件中的依据：假设：可能参加的人数" in methods
    manifest, _ = load_complete(compare_run)
    first = manifest["variants"][0]["sets"]
    rows = in_force(load_scenario(manifest["scenario_file"], sets=first), first)
    drivers = [a for a in rows if a.drives]
    assert rows[: len(drivers)] == drivers
    assert {a.key for a in drivers} <= set(DRIVERS)
    assert methods.count("<tr") == 1 + len(rows)


def test_report_lang_en_writes_report_en_html_beside_report_html(compare_run):
    out = render(compare_run, lang="en")
    assert out == compare_run / "report.en.html"
    assert (compare_run / "report.html").exists()
    page = out.read_text(encoding="utf-8")
    assert "<html lang='en'>" in page
    assert "Decision table" in page
    assert "ten-thousand" not in page
    methods = page[page.index("<table class='assumptions'>") :]
    assert "<th class='l'>Basis</th>" in methods
    assert "--set population.size=2500 (the file: assumption: the people who might join" in methods
    assert "（原文）" not in page
    assert "假设" not in methods


def test_the_chinese_methods_show_each_basis_in_chinese(compare_run):
    page = (compare_run / "report.html").read_text(encoding="utf-8")
    methods = page[page.index("<table class='assumptions'>") :]
    assert "<th class='l'>依据</th>" in methods
    row = re.search(r"<code>behaviour.response.central.participation_elasticity</code>.*?</tr>",
                    methods)  # fmt: skip
    assert (
        "Engelhardt &amp; Kumar 的 0.02-0.07 的中值 0.045；假设：每年6月自动入账的补贴"
        in row.group()
    )
    fund = re.search(r"<code>fund.bank_rate</code>.*?</tr>", methods).group()
    assert "闲置资金收益约为一年期存款利率（FACTS.md 1.5%）" in fund
    table = methods[: methods.index("</table>")]
    assert "（原文）" not in table, "every shipped basis has a rendering"
    assert "尚无译文的依据" in page, "the note says how an untranslated basis is shown"


def test_a_basis_with_no_chinese_rendering_shows_in_the_original_marked(compare_run):
    from dataclasses import replace

    from sim.report.assumptions import in_force
    from sim.report.html import _methods

    manifest, _ = load_complete(compare_run)
    rows = in_force(load_scenario(manifest["scenario_file"]))
    own = [replace(rows[0], basis="Our survey: 3,000 would join"), *rows[1:]]
    page = _methods(manifest, load_scenario(manifest["scenario_file"]), own, "zh", None)
    assert "<td class='l'>（原文）Our survey: 3,000 would join</td>" in page
    english = _methods(manifest, load_scenario(manifest["scenario_file"]), own, "en", None)
    assert "<td class='l'>Our survey: 3,000 would join</td>" in english


def test_the_spreadsheet_holds_the_decision_table_summary_and_assumptions(compare_run):
    openpyxl = pytest.importorskip("openpyxl")
    from sim.report.assumptions import in_force

    manifest, runs = load_complete(compare_run)
    scenario = load_scenario(manifest["scenario_file"])
    rows = decision_table(runs, scenario.pool.fund)
    book = openpyxl.load_workbook(compare_run / "report.xlsx")
    assert book.sheetnames == ["补贴率比较表", "结论摘要", "假设"]
    table = book["补贴率比较表"]
    assert [table.cell(3 + i, 1).value for i in range(3)] == [0.010, 0.012, 0.015]
    head = [c.value for c in table[1]]
    col = head.index("缴存人数 第5年") + 1
    assert table.cell(2, col).value == "中位数"
    assert table.cell(5, col).value == round(rows[2].members[5].median)
    assert table.cell(5, col + 1).value == round(rows[2].members[5].lo)
    money = head.index("补贴合计（万元）") + 1
    assert table.cell(3, money).value == round(rows[0].subsidy_total.median / 1e4, 1)
    summary = book["结论摘要"]["A1"].value
    assert summary == summary_text(summary_numbers(rows), "zh", "employee_outflow")
    sheet = book["假设"]
    keys = [r[2] for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert keys == [a.key for a in in_force(scenario)]
    size = next(
        r for r in sheet.iter_rows(min_row=2, values_only=True) if r[2] == "population.size"
    )
    assert size[3] == "2,500"
    assert (
        size[4]
        == "--set population.size=2500（文件中的依据：假设：可能参加的人数，即连云港的灵活就业人员："
        "约 250 万就业人员 × 23%（FACTS.md），推算见上）"
    )
    assert sheet["E1"].value == "依据"


def test_the_spreadsheet_marks_a_basis_with_no_chinese_rendering(compare_run, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    from dataclasses import replace

    from sim.report.assumptions import in_force
    from sim.report.xlsx import write_workbook

    manifest, runs = load_complete(compare_run)
    scenario = load_scenario(manifest["scenario_file"])
    rows = in_force(scenario)
    own = [replace(rows[0], basis="Our survey: 3,000 would join"), *rows[1:]]
    table = decision_table(runs, scenario.pool.fund)
    for lang, want in (
        ("zh", "（原文）Our survey: 3,000 would join"),
        ("en", "Our survey: 3,000 would join"),
    ):
        path = write_workbook(
            tmp_path / f"{lang}.xlsx", table, "", own, lang=lang, stress_name=None
        )
        sheet = openpyxl.load_workbook(path).worksheets[2]
        assert sheet["E2"].value == want
        assert sheet["E3"].value == (shown_zh(rows[1].basis) if lang == "zh" else rows[1].basis)


def shown_zh(basis: str) -> str:
    from sim.report.bases import zh_table

    return zh_table()[basis]


def test_chinese_labels_have_every_glyph_in_the_bundled_font():
    import warnings

    import numpy as np

    from sim.report.committee import DECISION_COLUMNS
    from sim.report.figures import FIGURES, fan_chart
    from sim.report.fonts import missing_glyphs
    from sim.report.html import TEXT
    from sim.report.labels import METRICS

    text = "".join(str(v) for v in TEXT["zh"].values())
    text += "".join(m.zh for m in METRICS.values()) + "".join(c.zh for c in DECISION_COLUMNS)
    text += "".join(t for f in FIGURES.values() for t in f["zh"])
    assert missing_glyphs(text) == set()
    runs = {"1.2%": {0: {"members": np.arange(24.0)}}}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph ... missing from font(s)"
        assert fan_chart(runs, "members", 2023 * 12 + 8, lang="zh").startswith(b"\x89PNG")
    assert missing_glyphs("缴存人数क") == {"क"}, "the check itself can fail"


def test_year_ticks_sit_at_each_january_and_read_as_calendar_years():
    from sim.months import parse_month
    from sim.report.figures import year_ticks

    assert year_ticks(parse_month("2023-09"), 30) == ([4, 16, 28], ["2024", "2025", "2026"])
    assert year_ticks(parse_month("2024-01"), 13) == ([0, 12], ["2024", "2025"])


def test_the_decision_table_fits_a4_landscape_when_printed(compare_run, tmp_path):
    import unicodedata

    pypdf = pytest.importorskip("pypdf")
    from sim.report.html import column_heads

    chromium = _chromium()
    page = render(compare_run, lang="en")
    pdf = tmp_path / "report.pdf"
    subprocess.run([chromium, *FLAGS, f"--user-data-dir={tmp_path / 'p'}", "--no-pdf-header-footer",
                    "--virtual-time-budget=5000", f"--print-to-pdf={pdf}", page.as_uri()],
                   capture_output=True, timeout=120, check=True)  # fmt: skip
    reader = pypdf.PdfReader(pdf)
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert (round(width), round(height)) == (842, 595), "A4 landscape in points"

    def squeeze(s):
        return "".join(unicodedata.normalize("NFKC", s).split())

    pages = [squeeze(p.extract_text()) for p in reader.pages]
    table_page = next(p for p in pages if squeeze("Decision table") in p)
    manifest, runs = load_complete(compare_run)
    rows = decision_table(runs, load_scenario(manifest["scenario_file"]).pool.fund)
    for _, head, _ in column_heads(rows, "en", "employee_outflow"):
        assert squeeze(head) in table_page, f"column {head!r} is cut off the printed page"
    assert table_page.count("100%") == len(rows), "the last column of every row is on the page"
