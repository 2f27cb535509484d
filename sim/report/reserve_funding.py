"""How the pilot's loan risk reserve is funded, fund year by fund year (issue 22; A §3(6)2, F2–F4).

The pilot's reserve is provisioned each June from its own fund year's value-added income
(:func:`sim.fund.value_added.provision`: the policy's ``reserve.vai_share`` of the income, or
more to reach ``reserve.target_ratio`` of its loans, never more than the income), and that
income is counted **after** the holding subsidy and opening bonus are charged to it (F2: a
subsidy is a business expense). So the subsidy comes first and the reserve gets a share of
what is left. This table puts the pieces side by side, per fund year (July–June), median over
paths, in yuan:

- the pilot's value-added income before the subsidy, the subsidy, and the income after it;
- its credit losses (defaulted principal the collateral did not recover);
- the provision made (from the income after the subsidy), and the provision the same rule would
  have made from the income before it;
- the reserve at the year's end, and the losses it could not cover, to date.

The provision made is read off the series exactly: the reserve changes only by provisions and by
the losses it covers, so provision = reserve at the end − at the start + losses covered. The
provision before the subsidy applies the same rule to the larger income, with the reserve before
June's provision and the loans at June. The pilot starts with no reserve of its own
(:meth:`sim.fund.segment.SegmentBooks.start`).
"""

from __future__ import annotations

import numpy as np

from sim.core.months import fund_year
from sim.report.labels import number
from sim.report.terminal import table

COLUMNS = {
    "income_before": ("补贴前增值收益", "value-added income before the subsidy"),
    "subsidy": ("补贴成本", "subsidy cost"),
    "income_after": ("补贴后增值收益", "value-added income after the subsidy"),
    "losses": ("贷款损失", "credit losses"),
    "provision": ("实际计提（补贴后）", "provision made (after the subsidy)"),
    "provision_before": ("若先计提（补贴前）", "provision had it come before the subsidy"),
    "reserve": ("年末准备金", "reserve at year end"),
    "uncovered": ("累计未覆盖损失", "losses not covered, to date"),
}  # fmt: skip
TITLE = {"zh": "灵活就业风险准备金的资金来源（按公积金年度，中位数，万元）",
         "en": "How the pilot's loan risk reserve is funded "
               "(by fund year, median, m yuan)"}  # fmt: skip


def _path_years(s, scenario) -> dict[int, dict[str, float]]:
    months = np.arange(len(s["segment_reserve"])) + scenario.start
    years = np.array([fund_year(int(m)) for m in months])
    out = {}
    for fy in dict.fromkeys(years.tolist()):
        idx = np.flatnonzero(years == fy)
        i0, i1 = idx[0], idx[-1]
        after = float(s["segment_value_added_income"][idx].sum())
        subsidy = float(s["segment_subsidy_cost"][idx].sum())
        losses = float(s["credit_losses"][idx].sum())
        unc0 = float(s["reserve_uncovered"][i0 - 1]) if i0 else 0.0
        res0 = float(s["segment_reserve"][i0 - 1]) if i0 else 0.0
        res1, unc1 = float(s["segment_reserve"][i1]), float(s["reserve_uncovered"][i1])
        provision = res1 - res0 + (losses - (unc1 - unc0))
        june = [i for i in idx if (months[i] % 12) + 1 == 6]
        before = after + subsidy
        if june and before > 0:
            policy = scenario.policy_in(int(months[june[0]]))
            share, target = policy["reserve.vai_share"], policy["reserve.target_ratio"]
            loans = float(s["loan_balance"][june[0]])
            reserve_before = res1 - provision
            would = min(before, max(share * before, target * loans - reserve_before))
        else:
            would = float("nan") if not june else 0.0
        out[fy] = {
            "income_before": before,
            "subsidy": subsidy,
            "income_after": after,
            "losses": losses,
            "provision": provision,
            "provision_before": would,
            "reserve": res1,
            "uncovered": unc1,
        }
    return out


def reserve_funding(by_path, scenario) -> dict[int, dict[str, float]]:
    """Fund year → column → median over paths (see the module docstring), yuan."""
    rows: dict[int, dict[str, list[float]]] = {}
    for s in by_path.values():
        for fy, values in _path_years(s, scenario).items():
            for k, v in values.items():
                rows.setdefault(fy, {}).setdefault(k, []).append(v)
    return {
        fy: {
            k: float(np.nanmedian(v)) if not np.isnan(v).all() else float("nan")
            for k, v in cols.items()
        }
        for fy, cols in rows.items()
    }


def reserve_funding_rows(by_path, scenario, *, lang: str = "en") -> tuple[list, list]:
    """The table's head and rows (strings), one row per fund year."""
    years = reserve_funding(by_path, scenario)
    head = [
        "公积金年度" if lang == "zh" else "fund year",
        *(COLUMNS[k][0 if lang == "zh" else 1] for k in COLUMNS),
    ]
    body = [
        [f"{fy}–{(fy + 1) % 100:02d}", *(number(v[k], "money", lang) for k in COLUMNS)]
        for fy, v in years.items()
    ]
    return head, body


def reserve_funding_table(by_path, scenario, *, lang: str = "en") -> str:
    """The terminal table (:func:`reserve_funding_rows`) under its title."""
    return TITLE[lang] + "\n" + table(*reserve_funding_rows(by_path, scenario, lang=lang))
