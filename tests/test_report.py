"""The committee's report: the table, the summary's numbers, refusals, and a real browser."""

import re
import shutil
import subprocess

import pytest

from sim.cli import main
from sim.errors import InputError
from sim.report.committee import decision_table, summary_numbers, summary_text
from sim.report.html import load_complete, render
from sim.scenario import BASELINE, load_scenario

RATES = "0.010,0.012,0.015"


@pytest.fixture(scope="module")
def compare_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "run"
    code = main(["compare", str(BASELINE), "--set", "population.size=2500", "--set",
                 "horizon.months=66", "--set", f"subsidy.holding_rate={RATES}", "--paths", "3",
                 "--workers", "2", "--stress", "employee_outflow", "--report", "--out", str(out)])  # fmt: skip
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
        assert f"{n['extra_members']:,.0f}" in text
        assert f"{n['extra_deposits'] / 1e4:,.0f}" in text
        assert f"{n['extra_subsidy'] / 1e4:,.0f}" in text
        assert f"{n['max_breach']:.0%}" in text
        assert "1.0%" in text
        assert "1.5%" in text
    html = (compare_run / "report.html").read_text(encoding="utf-8")
    assert summary_text(n, "zh", "employee_outflow") in html


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
