"""Issue 22, what a risk officer can act on: a survival horizon that counts cash, stresses that
stay in force through the scenario's policy switch, breaches by kind and size, stress effects in
their window paired path by path."""

import numpy as np
import pytest

from sim.core.months import parse_month
from sim.engine.simulation import Simulation
from sim.scenario.files import load_scenario
from sim.scenario.stress_files import stress_path

START = parse_month("2023-09")
SWITCH = parse_month("2026-07")  # the baseline's switch to lyg-draft


def _stressed(name, **sets):
    return load_scenario(sets={"population.size": 800, "horizon.months": 40, **sets,
                               "stress": str(stress_path(name))})  # fmt: skip


def _run(scenario, path=0):
    sim = Simulation(scenario, path)
    sim.env.run()
    return sim


def test_policy_reversal_holds_the_holding_rate_through_the_switch_to_lyg_draft():
    sim = _run(_stressed("policy_reversal"))
    policy = sim.fund.policy
    # the switch happened: lyg-draft's opening bonus (200 yuan) is in force …
    assert policy["subsidy.opening_bonus"] == 200.0
    # … and the stress's 0.5% holding rate held, not lyg-draft's 1.2%
    assert policy["subsidy.holding_rate"] == 0.005
    held = sim.scenario.resolved["held_policy"]
    assert held == [{"shock": "subsidy cut", "key": "subsidy.holding_rate", "value": 0.005,
                     "from": "2025-07", "until": "the horizon",
                     "holds_through_switch": "lyg-draft on 2026-07"}]  # fmt: skip


def test_the_loan_rate_cut_holds_through_the_switch():
    base = _run(load_scenario(sets={"population.size": 800, "horizon.months": 40}))
    cut = _run(_stressed("loan_rate_cut"))
    later = SWITCH + 2
    for key in ("loan.rate_first_long", "loan.rate_second_short"):
        # lyg-draft's rate after the switch, less the stress's 0.5 point
        assert cut.fund.policy.at(key, later) == pytest.approx(
            base.fund.policy.at(key, later) - 0.005
        )
    assert cut.scenario.resolved["held_policy"][0]["value"] == pytest.approx(0.005)


def test_without_a_stress_nothing_is_held():
    sim = _run(load_scenario(sets={"population.size": 800, "horizon.months": 36}))
    assert sim.fund.held == []
    assert sim.fund.policy["subsidy.holding_rate"] == 0.012
    assert sim.scenario.resolved["held_policy"] == []


@pytest.mark.parametrize("name", ["combined_severe", "employee_outflow"])
def test_the_survival_horizon_is_zero_only_where_the_cash_is_gone(name):
    out = _run(_stressed(name, **{"horizon.months": 48})).out
    cash, survival, queued = out["cash"], out["survival_months"], out["loan_queue_amount"]
    np.testing.assert_array_equal(survival == 0, cash <= 0)
    # the case that read zero before: loans queued while cash remains, now a positive horizon
    waiting = (queued > 0) & (cash > 0)
    assert waiting.any()
    assert (survival[waiting] > 0).all()
    # the undrawn credit line is a second layer, never less than cash alone
    assert (out["survival_months_with_line"] >= survival).all()


def _quiet(**kw):
    """A path's metrics with no breach of any kind."""
    m = {"max_unmet_withdrawals": 0.0, "min_survival_months": 30.0, "months_under_survival": 0.0,
         "months_ltd_above_85": 0.0, "months_ltd_above_90": 0.0, "months_ltd_above_95": 0.0,
         "peak_pool_loan_to_deposit": 0.8, "reserve_shortfall": 0.0,
         "reserve_shortfall_share": float("nan"), "reserve_short_year": float("nan"),
         "min_pool_reserve": 2.5e9}  # fmt: skip
    return m | kw


def test_breaches_are_named_by_kind_with_their_size():
    from sim.stress.breaches import kind_stats, sentences

    # the pilot's reserve short on 2 of 4 paths: 100,000 yuan (1% of 10 m peak loans, 2028)
    # and 2,300,000 yuan (2.3% of 100 m, 2030); nothing else
    paths = [_quiet(), _quiet(),
             _quiet(reserve_shortfall=1e5, reserve_shortfall_share=0.01, reserve_short_year=2028),
             _quiet(reserve_shortfall=2.3e6, reserve_shortfall_share=0.023,
                    reserve_short_year=2030)]  # fmt: skip
    stats = kind_stats(paths)
    assert stats["reserve"]["count"] == 2
    assert stats["reserve"]["size_lo"] == 1e5
    assert stats["reserve"]["size_hi"] == 2.3e6
    assert stats["reserve"]["size_median"] == pytest.approx((1e5 + 2.3e6) / 2)
    assert stats["survival"]["count"] == 0
    en = sentences(stats, "en")
    assert en.startswith("the pilot's own reserve short of its losses on 2 of 4 paths")
    assert "short by 100 thousand yuan to 2.3 million yuan" in en
    assert "(1.0% to 2.3% of its peak loans), first in 2028 to 2030" in en
    assert "no liquidity breach" in en
    assert "the pool's reserve never ran out" in en
    zh = sentences(stats, "zh")
    assert "4 条路径中 2 条" in zh
    assert "缺口 10 万元–230 万元（其贷款峰值的 1.0%–2.3%），首次出现在 2028–2030 年" in zh


def test_no_breach_is_said_plainly():
    from sim.stress.breaches import kind_stats, sentences

    stats = kind_stats([_quiet(), _quiet()])
    assert sentences(stats, "en").startswith("no breach of any kind on any of the 2 paths")
    assert "均未出现任何突破" in sentences(stats, "zh")


def test_liquidity_lines_count_the_months_above_each():
    from sim.stress.breaches import kind_stats, sentences

    # 个贷率 above 90% for 5 months (peak 93%) on one path of two; above 85% on both (7 and 12)
    a = _quiet(months_ltd_above_85=7.0, months_ltd_above_90=5.0, peak_pool_loan_to_deposit=0.93)
    b = _quiet(months_ltd_above_85=12.0, peak_pool_loan_to_deposit=0.88)
    stats = kind_stats([a, b])
    assert (stats["ltd_85"]["count"], stats["ltd_90"]["count"], stats["ltd_95"]["count"]) == (
        2,
        1,
        0,
    )
    en = sentences(stats, "en")
    assert (
        "the pool's loan-to-deposit above 85% on 2 of 2 paths, for 7 to 12 months, peaking at 93.0%"
        in en
    )
    assert "above 90% on 1 of 2 paths, for 5 months" in en
    assert "above 95%" not in en


def test_the_committee_summary_says_when_every_rate_breaches_alike():
    from sim.report.committee import summary_text
    from sim.stress.breaches import kind_stats

    def short(x):
        return _quiet(reserve_shortfall=x, reserve_shortfall_share=0.01, reserve_short_year=2029)

    # every rate: the pilot's reserve short on every path, by 1.0–1.2 m yuan (within 25%)
    by_rate = {r: kind_stats([short(1.0e6 * k), short(1.2e6 * k)])
               for r, k in ((0.01, 1.0), (0.015, 1.05))}  # fmt: skip
    n = {"rate_low": 0.01, "rate_high": 0.015, "year": 5, "paths": 2, "extra_members": 100.0,
         "extra_deposits": 2e6, "extra_subsidy": 5e4, "breaches": by_rate}  # fmt: skip
    en = summary_text(n, "en", None)
    assert (
        "every rate has the same breaches of a similar size, so they do not tell the rates apart"
        in en
    )
    assert (
        "the pilot's own reserve short of its losses on 2 of 2 paths, short by 1.0 million yuan to 1.2 million yuan"
        in en
    )
    assert "breached liquidity or the reserve" not in en
    zh = summary_text(n, "zh", None)
    assert "不能用来区分补贴率" in zh
    assert "灵活就业风险准备金不足以抵补损失：2 条路径中 2 条" in zh
    # rates that differ are listed one by one
    by_rate[0.015] = kind_stats([_quiet(), _quiet()])
    en = summary_text({**n, "breaches": by_rate}, "en", None)
    assert "at 1.0%: the pilot's own reserve short" in en
    assert "at 1.5%: no breach of any kind" in en


@pytest.fixture(scope="module")
def paired_runs():
    """Baseline, recession and combined severe at 300,000 people, 4 paths, the same cohort."""
    from sim.engine.simulation import simulate

    sets = {"population.size": 300_000, "horizon.months": 72, "stress.window_start": "2025-07"}
    runs = {"baseline": {p: simulate(load_scenario(sets=sets), p) for p in range(4)}}
    # fund loans default rarely (a few tenths of a percent of the balance a year, with the
    # borrowers' repayment buffer and their balance before arrears): at this size the library's
    # severities leave too few defaults to compare, so the test triples them; after the refit
    # on Lianyungang's pool (fewer, later loans before the window) 100,000 people leave none in
    # the window, and 300,000 a handful (by month 72: 1 cohort default in the baseline over 4
    # paths, 3 under the recession, 5 under combined severe)
    for name, severity in (("recession", 3.0), ("combined_severe", 3.0)):
        stressed = {**sets, "stress": str(stress_path(name)), "stress.severity": severity}
        runs[name] = {p: simulate(load_scenario(sets=stressed), p) for p in range(4)}
    return runs


def test_in_the_window_the_stress_cohorts_default_rate_is_above_the_baseline_path_by_path(
    paired_runs,
):
    from sim.scenario.stress_files import load_stress
    from sim.stress.window import effects, stress_window

    windows = {n: stress_window(load_stress(n, start=START).shocks, START, 72)
               for n in ("recession", "combined_severe")}  # fmt: skip
    # the library's windows: July 2025 (month 22 of a run from September 2023) for two years
    assert windows["recession"] == (22, 46)
    e = effects(paired_runs, windows)
    for name in windows:
        rate = e[name]["figures"]["cohort_default_rate"]["in"]
        base, hit = np.array(rate["base_paths"]), np.array(rate["stress_paths"])
        # defaults are rare events: never fewer under the stress, on any path, and more in all
        assert (hit >= base).all(), name
        assert hit.sum() > base.sum(), name
        # losses on the same loans: never below the baseline's, above it in all
        loss = e[name]["figures"]["cohort_losses"]["in"]
        base, hit = np.array(loss["base_paths"]), np.array(loss["stress_paths"])
        assert (hit >= base).all(), name
        # a defaulted loan loses money only where its home is worth less than it owes: under a
        # recession alone (prices flat) the small flexible loans are covered; with the house-price
        # fall of combined_severe they are not
        if name == "combined_severe":
            assert hit.sum() > base.sum(), name
        # a drain on the employees' book moves the pool; so does a recession, through wages
    # a recession reaches the employees' wages too (sim.scenario.shocks), so it moves the pool
    assert e["recession"]["moves_pool"]
    assert e["combined_severe"]["moves_pool"]
    assert 0 < e["recession"]["pilot_share"] < 0.01


def test_the_stress_cohorts_rate_is_its_written_off_principal_over_its_balance(paired_runs):
    from sim.stress.window import FIGURES

    s = paired_runs["recession"][0]
    rate = next(f for f in FIGURES if f.name == "cohort_default_rate")
    w = slice(22, 46)
    by_hand = (s["cohort_written_off_to_date"][45] - s["cohort_written_off_to_date"][21]) / s[
        "cohort_loan_balance"
    ][21]
    assert rate.reduce(s, w) == pytest.approx(by_hand)
    # before the window the runs are the same (common random numbers): the same cohort
    np.testing.assert_array_equal(
        paired_runs["baseline"][0]["cohort_loan_balance"][:22], s["cohort_loan_balance"][:22]
    )


def test_the_pilots_reserve_funding_by_fund_year_by_hand():
    """Two fund years from July 2023; in each June the reserve takes 60% of the year's income
    after the subsidy, or tops up to 1% of loans (lyg-2023: reserve.vai_share 0.6,
    reserve.target_ratio 0.01)."""
    from types import SimpleNamespace

    from sim.report.reserve_funding import reserve_funding

    start = parse_month("2023-07")
    scenario = SimpleNamespace(start=start, policy_in=load_scenario().policy_in)
    z = np.zeros(24)
    s = {"segment_value_added_income": z + 100.0, "segment_subsidy_cost": z + 50.0,
         "credit_losses": z.copy(), "segment_reserve": z.copy(), "reserve_uncovered": z.copy(),
         "loan_balance": z + 10_000.0}  # fmt: skip
    # year 1: income after the subsidy 12 × 100 = 1,200; provision in June (month 11):
    # max(0.6 × 1,200, 0.01 × 10,000 − 0) = 720
    s["segment_reserve"][11:] = 720.0
    # year 2: a loss of 1,000 in March (month 20) takes the 720 and leaves 280 uncovered;
    # June's provision: max(0.6 × 1,200, 100 − 0) = 720
    s["credit_losses"][20] = 1_000.0
    s["reserve_uncovered"][20:] = 280.0
    s["segment_reserve"][20:23] = 0.0
    s["segment_reserve"][23] = 720.0
    years = reserve_funding({0: s}, scenario)
    assert list(years) == [2023, 2024]
    y1, y2 = years[2023], years[2024]
    assert y1["income_before"] == 12 * 150.0
    assert y1["subsidy"] == 600.0
    assert y1["provision"] == 720.0
    # before the subsidy: max(0.6 × 1,800, 100) = 1,080
    assert y1["provision_before"] == pytest.approx(1_080.0)
    # provision = reserve at the end − at the start + losses covered = 720 − 720 + 720
    assert y2["provision"] == 720.0
    assert y2["losses"] == 1_000.0
    assert y2["uncovered"] == 280.0
    assert y2["reserve"] == 720.0


def test_no_placeholder_reaches_the_terminal_when_the_pilot_has_no_loans(tmp_path, capsys):
    from sim.cli.main import main

    out = tmp_path / "run"
    code = main(["run", "--set", "population.size=300", "--set", "horizon.months=12",
                 "--paths", "2", "--workers", "1", "--out", str(out), "--lang", "en"])  # fmt: skip
    assert code == 0
    printed = capsys.readouterr().out
    assert "1,000,000" not in printed
    # the pilot's reserve / loans with no pilot loans: not applicable, said so
    line = next(x for x in printed.splitlines() if x.startswith("pilot's reserve / loans"))
    assert line.split()[-1] == "–"
    assert "'–': does not apply (no loans yet)" in printed
    assert "How the pilot's loan risk reserve is funded" in printed


def test_the_summary_compares_gains_and_costs_over_the_same_years():
    from sim.report.committee import summary_text

    n = {"rate_low": 0.01, "rate_high": 0.015, "year": 5, "paths": 2, "extra_members": 100.0,
         "extra_deposits": 2e6, "extra_subsidy": 5e5, "extra_subsidy_to_year": 2e5}  # fmt: skip
    en = summary_text(n, "en", None)
    assert "by year 5, for 200 thousand yuan more subsidy over the same 5 years" in en
    assert "500 thousand yuan over the whole projection" in en
    assert "(the subsidy credited included)" in en
    zh = summary_text(n, "zh", None)
    assert "同样 5 年内多支出补贴 20 万元" in zh


def test_discovery_finds_each_liquidity_lines_box_and_its_smallest_break():
    from sim.stress.discovery import discover_kinds, discovery_table
    from sim.stress.reverse import latin_hypercube

    ranges = {"employee_withdrawals": (1.0, 4.0), "exit_multiplier": (1.0, 10.0)}
    names = list(ranges)
    x = latin_hypercube(ranges, 200, seed=7)
    # a known answer: the cash horizon breaks once employee withdrawals pass ×2.5; the credit
    # line only when they pass ×3.5 and exits pass ×6; nothing else ever breaks
    probs = [{"survival": float(w > 2.5), "credit_line": float(w > 3.5 and e > 6.0)}
             | dict.fromkeys(("ltd_85", "ltd_90", "ltd_95", "reserve", "pool_reserve"), 0.0)
             for w, e in x]  # fmt: skip
    rows = {r["breach"]: r for r in discover_kinds(x, names, ranges, probs, level=0.05)}
    survival = rows["survival"]
    assert survival["breaching"] == int((x[:, 0] > 2.5).sum())
    lo, _ = survival["box"].bounds["employee_withdrawals"]
    assert 2.3 < lo <= 2.6
    assert survival["density"] == 1.0
    # the smallest breaking combination: withdrawals just past ×2.5, exits near ×1
    w, e = survival["smallest"]
    assert 2.5 < w < 2.8
    assert e < 3.0
    line = rows["credit_line"]
    assert line["box"].bounds["exit_multiplier"][0] > 5.0
    assert rows["reserve"]["breaching"] == 0
    _, body = discovery_table(list(rows.values()), names, ranges, "en")
    text = {b[0]: b for b in body}
    assert "employee withdrawals ×" in text["the cash survival horizon under 12 months"][2]
    assert "exits ×" not in text["the cash survival horizon under 12 months"][2]
    assert text["the pilot's own reserve short of its losses"][2] == "none in the ranges"


def test_hpfsim_stress_prints_the_window_table_and_writes_it(tmp_path, capsys):
    import json

    from sim.cli.main import main

    out = tmp_path / "stress"
    code = main(["stress", "exit_run", "employee_outflow", "--set", "population.size=1500",
                 "--set", "horizon.months=40", "--paths", "2", "--workers", "1", "--out",
                 str(out), "--lang", "en"])  # fmt: skip
    assert code == 0
    printed = capsys.readouterr().out
    assert "breaches, by kind and size" in printed
    assert "change against the baseline (paired path by path, median)" in printed
    assert "stresses that move the pool's liquidity: employee outflow" in printed
    assert "stresses that cannot move the pool's liquidity" in printed
    paired = json.loads((out / "stress_window.json").read_text())
    assert set(paired) == {"run of exits", "employee outflow"}
    assert paired["run of exits"]["window"] == [22, 28]  # July to December 2025
    manifest = json.loads((out / "manifest.json").read_text())
    assert all(v["sets"]["stress.window_start"] == "2025-07" for v in manifest["variants"])
