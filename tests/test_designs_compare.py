"""``hpfsim compare scenarios/designs.toml --designs --report`` (issue 24): every design on
the same people and paths, its table, and designs.html in both languages."""

from pathlib import Path

from sim.cli.main import main
from sim.cli.runs import design_ids
from sim.engine.results import load_paths, stack

SMALL = ["--set", "population.size=800", "--set", "horizon.months=24", "--paths", "1",
         "--workers", "1"]  # fmt: skip


def test_designs_lists_lianyungang_first_then_every_design_file():
    ids = design_ids()
    assert ids[:2] == ["lyg-2023", "lyg-draft"]
    assert {"suzhou-2025", "chongqing-2025", "chengdu-2025", "hainan-2025", "jinan-2025"} <= set(
        ids
    )


def test_compare_designs_writes_the_table_and_both_pages(tmp_path, capsys):
    out = tmp_path / "run"
    code = main(["compare", "scenarios/designs.toml", "--designs", *SMALL, "--out", str(out),
                 "--report", "--lang", "en"])  # fmt: skip
    assert code == 0
    printed = capsys.readouterr().out
    table = (out / "designs.en.md").read_text(encoding="utf-8").splitlines()
    assert len(table) == 2 + len(design_ids())
    assert "| Design | Members (end) |" in printed
    zh = (out / "designs.html").read_text(encoding="utf-8")
    en = (out / "designs.en.html").read_text(encoding="utf-8")
    assert "苏州3.0" in zh  # one line per design, in each language
    assert "Suzhou 3.0" in en
    assert "http://" not in zh.replace("http://www.w3.org", "")  # self-contained
    runs = {d: load_paths(out, f"policy.id={d}") for d in ("lyg-2023", "suzhou-2025",
                                                             "shenzhen-2025")}  # fmt: skip
    # common random numbers: the same people are drawn; month 1 joins differ only by the rules
    first = {d: stack(r, "new_members")[0, 0] for d, r in runs.items()}
    assert first["lyg-2023"] == first["suzhou-2025"]
    # X1 reaches the engine: Suzhou pays an interest subsidy with a holding rate of 0
    assert stack(runs["suzhou-2025"], "subsidy_paid").sum() > 0
    # X3 reaches the engine: Shenzhen lends nothing before 36 months of deposits
    assert stack(runs["shenzhen-2025"], "loans_disbursed").sum() == 0
    assert Path(out / "manifest.json").exists()
    (out / "designs.html").unlink()
    assert main(["report", str(out)]) == 0  # hpfsim report rewrites the designs page
    assert (out / "designs.html").exists()


def test_comparing_designs_refuses_a_scenario_that_switches_policy(capsys):
    code = main(["compare", "scenarios/baseline.toml", "--designs", *SMALL])
    assert code != 0
    err = capsys.readouterr().err
    assert "policy.switch_to" in err
    assert "scenarios/designs.toml" in err
