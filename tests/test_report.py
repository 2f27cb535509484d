"""The committee's report: the table, the summary's numbers, refusals, and a real browser."""

import re
import shutil
import subprocess

import pytest

from sim.cli.main import main
from sim.core.errors import InputError
from sim.report.committee import decision_table, summary_numbers, summary_text
from sim.report.html import load_complete, render
from sim.report.labels import money_text
from sim.scenario.files import BASELINE, load_scenario

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
    rows = decision_table(
        runs, load_scenario(manifest["scenario_file"]).pool.fund, start=manifest["start"]
    )
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
    assert summary_text(n, "zh", "职工资金外流") in html  # the stress by its Chinese name


def test_the_report_shows_the_pilots_own_books_beside_the_pools(compare_run):
    manifest, runs = load_complete(compare_run)
    rows = decision_table(
        runs, load_scenario(manifest["scenario_file"]).pool.fund, start=manifest["start"]
    )
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
    """Headless Chromium from the system's packages (``make test`` installs it where it can)."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    return found or pytest.skip("Chromium is not installed (make browser installs it on Debian)")


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
    assert "职工资金外流" in table.group(1)
    assert "employee_outflow" not in table.group(1)


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
    assert "命令行设定为 2500（文件中的依据：假设：可能参加的人数" in methods
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
    # the stress table's note whole: the terminal prints it on two lines (found in review)
    assert (
        "in brackets: the change as a share of the baseline&#x27;s value; &#x27;unchanged&#x27;"
        in page
    )
    methods = page[page.index("<table class='assumptions'>") :]
    assert "<th class='l'>Basis</th>" in methods
    assert "--set population.size=2500 (the file: assumption: the people who might join" in methods
    assert "（原文）" not in page
    assert "假设" not in methods


def test_the_chinese_methods_show_each_basis_in_chinese(compare_run):
    page = (compare_run / "report.html").read_text(encoding="utf-8")
    methods = page[page.index("<table class='assumptions'>") :]
    assert "<th class='l'>依据</th>" in methods
    row = re.search(r"<tr(?:(?!</tr>).)*<code>behaviour.response.central.participation_elasticity"
                    r"</code></td></tr>", methods)  # fmt: skip
    assert (
        "Engelhardt &amp; Kumar 的 0.02-0.07 的中值 0.045；假设：每年6月自动入账的补贴"
        in row.group()
    )
    fund = re.search(r"<tr(?:(?!</tr>).)*<code>fund.bank_rate</code></td></tr>", methods).group()
    assert "闲置资金按约一年期存款利率计息（公开资料汇编 1.5%）" in fund
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
    rows = decision_table(runs, scenario.pool.fund, start=scenario.start)
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
    assert summary == summary_text(summary_numbers(rows), "zh", "职工资金外流")
    sheet = book["假设"]
    keys = [r[2] for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert keys == [a.key for a in in_force(scenario)]
    size = next(
        r for r in sheet.iter_rows(min_row=2, values_only=True) if r[2] == "population.size"
    )
    assert size[3] == 2500  # a number, not the text "2,500"
    flags = [r[3] for r in sheet.iter_rows(min_row=2, values_only=True)
             if r[2] == "eligibility.admits_hmt_and_foreign_residents"]  # fmt: skip
    assert flags == [False], "a boolean, not the text 'false'"
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
    table = decision_table(runs, scenario.pool.fund, start=scenario.start)
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
    from sim.core.months import parse_month
    from sim.report.figures import year_ticks

    assert year_ticks(parse_month("2023-09"), 30) == ([4, 16, 28], ["2024", "2025", "2026"])
    assert year_ticks(parse_month("2024-01"), 13) == ([0, 12], ["2024", "2025"])


def _printed(chromium, page, tmp_path):
    pypdf = pytest.importorskip("pypdf")
    pdf = tmp_path / f"{page.stem}.pdf"
    subprocess.run([chromium, *FLAGS, f"--user-data-dir={tmp_path / page.stem}",
                    "--no-pdf-header-footer", "--virtual-time-budget=5000",
                    f"--print-to-pdf={pdf}", page.as_uri()],
                   capture_output=True, timeout=120, check=True)  # fmt: skip
    return pypdf.PdfReader(pdf)


def _tokens(text: str) -> set[str]:
    """The words and numbers of printed text, a word split at a line-end hyphen joined again."""
    import unicodedata

    text = re.sub(r"-\s*\n\s*", "-", unicodedata.normalize("NFKC", text))
    return {w.strip("[]–()（）,;:") for w in text.split()}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_decision_tables_print_on_page_one_with_no_broken_number_or_word(compare_run, tmp_path,
                                                                             lang):  # fmt: skip
    from sim.report.decision_html import columns

    chromium = _chromium()
    page = render(compare_run, lang=lang)
    reader = _printed(chromium, page, tmp_path)
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert (round(width), round(height)) == (842, 595), "A4 landscape in points"
    first = reader.pages[0].extract_text()
    words = _tokens(first)
    doc = page.read_text(encoding="utf-8")
    start = doc.index("<table class='decision'>")
    tables = doc[start : doc.index("<p class='band'>", start)]
    numbers = {n.strip("[]–") for n in re.findall(r"<span class='n'>([^<]*)</span>", tables)}
    numbers.discard("")
    assert numbers, "the tables hold numbers"
    broken = sorted(n for n in numbers if n not in words)
    assert not broken, f"numbers broken or off page 1: {broken}"
    manifest, runs = load_complete(compare_run)
    rows = decision_table(runs, load_scenario(manifest["scenario_file"]).pool.fund)
    if lang == "en":
        heads = {w for _, name, unit, _ in columns(rows, "en", "employee_outflow")
                 for w in f"{name} {unit}".split()}  # fmt: skip
        cut = sorted(w for w in heads if w.strip("[]–()（）,;:") not in words)
        assert not cut, f"heading words broken or off page 1: {cut}"
    pages = len(reader.pages)
    # the summary and decision tables, the stress, liquidity and reserve-funding sections, the
    # fan charts and the appendix of assumptions: 19 pages in Chinese, 21 in English at this size (34 before
    # the appendix was shortened)
    assert pages <= 24, f"{pages} pages: the appendix should stay short"


def test_the_report_shows_breaches_by_kind_the_window_and_how_the_reserve_is_funded(compare_run):
    html = (compare_run / "report.html").read_text(encoding="utf-8")
    assert "灵活就业风险准备金的资金来源" in html  # per fund year, per rate
    assert "补贴前增值收益" in html
    assert "压力期内外的配对影响" in html  # the stress's paired effects in its window
    assert "职工资金外流 会影响资金池的流动性" in html
    assert "1,000,000.000" not in html  # the old placeholder for reserve / loans with no loans
    assert "突破流动性或风险准备金" not in html  # the old undifferentiated breach sentence


def test_the_decision_tables_fit_a_1366_pixel_screen(compare_run, tmp_path):
    chromium = _chromium()
    dom = subprocess.run(
        [chromium, *FLAGS, f"--user-data-dir={tmp_path / 'w'}", "--window-size=1366,900",
         "--virtual-time-budget=5000", "--dump-dom", (compare_run / "report.html").as_uri()],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    wide = re.search(r'data-decision-overflow="(\d+)"', dom.stdout)
    assert wide, "the page's script did not run"
    assert wide.group(1) == "0", "a decision table scrolls sideways at 1,366 px"


def test_the_workbook_stores_numbers_with_their_units_and_fills_every_column(compare_run):
    openpyxl = pytest.importorskip("openpyxl")
    from sim.report.xlsx import wilson

    manifest, runs = load_complete(compare_run)
    rows = decision_table(runs, load_scenario(manifest["scenario_file"]).pool.fund)
    table = openpyxl.load_workbook(compare_run / "report.xlsx")["补贴率比较表"]
    head = [c.value for c in table[1]]
    money = head.index("补贴合计（万元）") + 1
    assert table.cell(3, money).number_format == '#,##0.0" 万元"'
    assert table.cell(3, 1).number_format == "0.0%"
    breach = next(i for i, h in enumerate(head) if h and h.startswith("流动性突破概率（基准）")) + 1
    cells = [table.cell(3, breach + k) for k in range(3)]
    assert [c.number_format for c in cells] == ["0%"] * 3
    # every cell of the table is filled, breach probabilities included (their 90% interval)
    width = len(head)
    for r in range(3, 3 + len(rows)):
        filled = [table.cell(r, c).value for c in range(1, width + 1)]
        cost_cols = [i for i, h in enumerate(head) if h and h.startswith("每增加")]
        assert all(v is not None for i, v in enumerate(filled)
                   if not (r == 3 and any(c <= i < c + 3 for c in cost_cols))), filled  # fmt: skip
        assert all(isinstance(v, int | float) for v in filled if v is not None)
    p = rows[0].breach_baseline
    lo, hi = wilson(p, rows[0].paths)
    assert [c.value for c in cells] == [round(p, 2), round(lo, 2), round(hi, 2)]


def test_wilson_interval_by_hand():
    from sim.report.xlsx import wilson

    # p = 0 over 3 paths, z = 1.645: centre = (z²/6) / (1 + z²/3) = 0.45096 / 1.90192 = 0.23711,
    # half = z·sqrt(z²/36) / (1 + z²/3) = 1.64485 × 0.27414 / 1.90192 = 0.23708 → [0, 0.47419]
    lo, hi = wilson(0.0, 3)
    assert lo == 0.0
    assert hi == pytest.approx(0.47419, abs=1e-4)
    lo, hi = wilson(0.5, 100)  # ≈ 0.5 ± 1.645 × 0.05 = [0.4181, 0.5819]
    assert (lo, hi) == (pytest.approx(0.4185, abs=1e-3), pytest.approx(0.5815, abs=1e-3))


def test_the_workbook_names_no_local_path_and_keeps_formulas_as_text(compare_run, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    import zipfile
    from dataclasses import replace

    from sim.report.assumptions import in_force
    from sim.report.xlsx import write_workbook

    manifest, runs = load_complete(compare_run)
    scenario = load_scenario(manifest["scenario_file"])
    rows = in_force(scenario)
    attack = '=HYPERLINK("http://example.com/x","click")'
    own = [
        replace(rows[0], basis=attack),
        replace(rows[1], basis="+1+1"),
        replace(rows[2], basis="@SUM(A1)"),
        replace(rows[3], basis="-2+3"),
        *rows[4:],
    ]
    table = decision_table(runs, scenario.pool.fund)
    path = write_workbook(tmp_path / "x.xlsx", table, "=1+1", own, lang="en", stress_name=None)
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[2]
    for r, text in zip(range(2, 6), (attack, "+1+1", "@SUM(A1)", "-2+3"), strict=True):
        cell = sheet.cell(r, 5)
        assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True)
    assert book.worksheets[1]["A1"].data_type == "s"
    with zipfile.ZipFile(path) as z:
        xml = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets"))
    assert "<f>" not in xml  # no formula anywhere in the workbook
    files = {r[1] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert not any(str(f).startswith("/") for f in files), files
    assert "scenarios/fund/lianyungang.toml" in files


def test_report_html_is_written_whatever_the_locale(tmp_path, monkeypatch, capsys):
    for var in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    out = tmp_path / "run"
    args = ["compare", str(BASELINE), "--set", "population.size=200", "--set",
            "horizon.months=12", "--set", "subsidy.holding_rate=0.010,0.015", "--paths", "2",
            "--workers", "1", "--report", "--out", str(out)]  # fmt: skip
    assert main(args) == 0
    assert (out / "report.html").exists()
    assert not (out / "report.en.html").exists()
    assert "<html lang='zh-CN'>" in (out / "report.html").read_text(encoding="utf-8")
    assert main(["report", str(out), "--lang", "en"]) == 0
    printed = capsys.readouterr().out
    assert f"report: {out / 'report.html'}" in printed
    assert f"report: {out / 'report.en.html'}" in printed
    assert "<html lang='en'>" in (out / "report.en.html").read_text(encoding="utf-8")


def test_every_parameter_of_the_baseline_has_a_chinese_name():
    from sim.decide.uncertainty import load_uncertainty
    from sim.report.assumptions import in_force
    from sim.report.params_zh import param_name

    unnamed = [a.key for a in in_force(load_scenario()) if param_name(a.key) == a.key]
    unnamed += [p.key for p in load_uncertainty().parameters if param_name(p.key) == p.key]
    assert not unnamed, unnamed
    assert param_name("cohorts.gig.income_mean") == "零工·月收入均值"
    assert param_name("behaviour.joining.base_annual_rate") == "参加行为·基础年参加率"


def test_the_chinese_report_shows_no_key_path_file_or_command_outside_the_key_column(compare_run):
    from html.parser import HTMLParser

    class Text(HTMLParser):
        def __init__(self):
            super().__init__()
            self.pieces, self.hidden = [], 0

        def handle_starttag(self, tag, attrs):
            self.hidden += tag in ("style", "script", "code")

        def handle_endtag(self, tag):
            self.hidden -= tag in ("style", "script", "code")

        def handle_data(self, data):
            if not self.hidden and data.strip():
                self.pieces.append(data.strip())

    parser = Text()
    parser.feed((compare_run / "report.html").read_text(encoding="utf-8"))
    text = "\n".join(parser.pieces)
    assert not re.findall(r"\b[a-z_]+\.[a-z_]+\.[a-z_.]+\b", text)  # no key path
    assert "--set" not in text
    assert "FACTS.md" not in text
    assert not re.findall(r"(?<![\w.])/[\w.-]+/[\w./-]+", text)  # no file path
    assert ".toml" not in text
    assert ".py" not in text
    assert "employee_outflow" not in text
