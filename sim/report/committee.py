"""The committee's decision table: what each subsidy rate buys and costs.

Built from a ``compare`` run over ``subsidy.holding_rate`` (common random
numbers: every rate sees the same people and luck). Each figure is the
median across paths with its 90% Monte Carlo band (5%–95%); differences
between rates are computed path by path before taking quantiles, so the
bands of the marginal costs are those of the *paired* differences.

A run made with ``--stress NAME`` also holds each rate under that stress
(labels ending ``|stress``), which gives the breach probability under stress.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.engine.results import stack, yearly
from sim.report.labels import money_text
from sim.stress.breaches import BY_NAME, kind_stats, sentences, similar
from sim.stress.metrics import path_metrics

RATE_KEY = "subsidy.holding_rate"
STRESS_SUFFIX = "|stress"


@dataclass(frozen=True)
class Band:
    """Median and 90% band across paths."""

    median: float
    lo: float
    hi: float

    @classmethod
    def of(cls, x: np.ndarray) -> Band:
        """Over the paths where the figure applies (NaN: not applicable, e.g. no loans)."""
        x = np.asarray(x, float)
        if np.isnan(x).all():
            return cls(float("nan"), float("nan"), float("nan"))
        lo, mid, hi = np.nanquantile(x, [0.05, 0.5, 0.95])
        return cls(float(mid), float(lo), float(hi))


@dataclass(frozen=True)
class RateRow:
    """One row of the decision table (money in yuan)."""

    rate: float
    members: dict[int, Band]  # by year
    deposit_balance: dict[int, Band]
    subsidy_per_year: Band
    subsidy_total: Band
    share_at_cap: Band
    cost_per_deposit_yuan: Band | None  # extra subsidy per extra yuan of balance vs the lower rate
    cost_per_member: Band | None
    tax_forgone: Band
    value_added_income: Band
    peak_loan_to_deposit: Band
    min_survival_months: Band
    reserve_to_loans: Band
    segment_margin: Band  # the pilot's value-added income less its credit losses, in all
    segment_reserve_to_loans: Band  # the pilot's own reserve / its loans, at the end
    segment_net_funding: Band  # the pilot's deposits − its loans, at the end
    breach_baseline: (
        float  # P(a liquidity breach: the credit line used up, or cash under 12 months)
    )
    breach_stress: float | None
    reserve_short: float = 0.0  # P(the pilot's reserve short of its losses)
    reserve_shortfall: Band | None = None  # the shortfall in yuan, over the paths
    paths: int = 0
    breaches: dict | None = None  # kind → stats (sim.stress.breaches.kind_stats), baseline
    breaches_stress: dict | None = None
    subsidy_to_year: dict | None = None  # {year: Band}: subsidy and bonus paid up to that year


@dataclass(frozen=True)
class Column:
    """A decision-table column: a :class:`RateRow` attribute, its names, its kind.

    The attribute holds a :class:`Band`, a ``{year: Band}`` (one column per year) or
    a probability; ``kind`` is a :data:`sim.report.labels.KINDS` key (unit, decimals).
    A new column is one line in :data:`DECISION_COLUMNS` (and its field in RateRow).
    """

    attr: str
    zh: str
    en: str
    kind: str


DECISION_COLUMNS = (
    Column("members", "缴存人数", "Members", "people"),
    Column("deposit_balance", "缴存余额", "Deposit balance", "money"),
    Column("subsidy_per_year", "年均补贴", "Subsidy a year", "money"),
    Column("subsidy_total", "补贴合计", "Subsidy in all", "money"),
    Column("share_at_cap", "达到 1 万元上限的比例", "Share at the 10,000-yuan cap", "share"),
    Column("cost_per_deposit_yuan", "每增加 1 元余额多付的补贴（元；余额含记入账户的补贴，与低一档补贴率比）", "Extra subsidy per extra yuan of balance (the balance includes the subsidy credited; against the next lower rate)", "ratio"),
    Column("cost_per_member", "每增加 1 名缴存人多付的补贴（全部缴存人整个预测期多得的补贴 ÷ 期末多出的缴存人）", "Extra subsidy per extra member (all members' extra subsidy over the projection ÷ the extra members at its end)", "yuan"),
    Column("tax_forgone", "个税减免合计", "Tax forgone", "money"),
    Column("segment_margin", "灵活就业分账收益合计（扣除损失）", "Pilot's margin in all", "money"),
    Column("segment_reserve_to_loans", "灵活就业准备金/贷款（期末）", "Pilot's reserve / its loans (end)", "ratio"),
    Column("segment_net_funding", "灵活就业净融出（期末）", "Pilot's net funding (end)", "money"),
    Column("value_added_income", "资金池增值收益合计", "Pool's value-added income", "money"),
    Column("peak_loan_to_deposit", "个贷率峰值", "Peak loan-to-deposit", "ratio"),
    Column("min_survival_months", "最短流动性生存期", "Shortest survival horizon", "months"),
    Column("reserve_to_loans", "风险准备金/贷款余额（期末）", "Reserve / loans (end)", "ratio"),
    Column("breach_baseline", "流动性突破概率（基准）", "Liquidity breach probability (baseline)", "probability"),
    Column("breach_stress", "流动性突破概率（压力：{s}）", "Liquidity breach probability (stress: {s})", "probability"),
    Column("reserve_short", "灵活就业准备金不足的概率", "P(pilot's reserve short of its losses)", "probability"),
    Column("reserve_shortfall", "灵活就业准备金缺口", "Pilot's reserve shortfall", "money"),
)  # fmt: skip


def rate_of(label: str) -> float:
    """The holding rate in a compare label ``subsidy.holding_rate=0.012``."""
    return float(label.split("|")[0].split("=", 1)[1])


def _final(by_path, name: str) -> np.ndarray:
    return stack(by_path, name)[:, -1]


def _total(by_path, name: str) -> np.ndarray:
    return stack(by_path, name).sum(axis=1)


LIQUIDITY = ("credit_line", "survival")
"""The liquidity breaches of the decision table's column: withdrawals waiting unpaid, or the
cash horizon under 12 months (the 个贷率 lines are in the summary, with their months)."""


def _metrics(by_path, fund, start=None) -> list[dict[str, float]]:
    return [
        path_metrics(s, fund.credit_line_rate, fund.credit_line_limit, start)
        for s in by_path.values()
    ]


def _liquidity(metrics) -> float:
    tests = [BY_NAME[k].test for k in LIQUIDITY]
    return float(np.mean([any(t(m) for t in tests) for m in metrics]))


def decision_table(runs, fund, *, years=(1, 3, 5), start: int | None = None) -> list[RateRow]:
    """One row per rate, lowest first; see the module docstring."""
    base = {rate_of(k): v for k, v in runs.items() if RATE_KEY in k and STRESS_SUFFIX not in k}
    stressed = {rate_of(k): v for k, v in runs.items() if k.endswith(STRESS_SUFFIX)}
    if len(base) < 1:
        raise ValueError(f"the run holds no {RATE_KEY} variants to compare")
    rows, previous = [], None
    for rate in sorted(base):
        by_path = base[rate]
        horizon_years = len(by_path[next(iter(by_path))]["members"]) // 12
        members = {
            y: Band.of(yearly(stack(by_path, "members"), "stock")[:, y - 1])
            for y in years
            if y <= horizon_years
        }
        balance = {
            y: Band.of(yearly(stack(by_path, "deposit_balance"), "stock")[:, y - 1])
            for y in years
            if y <= horizon_years
        }
        subsidy = _total(by_path, "subsidy_paid") + _total(by_path, "bonus_paid")
        paid = stack(by_path, "subsidy_paid") + stack(by_path, "bonus_paid")
        to_year = {y: Band.of(paid[:, : 12 * y].sum(axis=1)) for y in years if y <= horizon_years}
        cost_dep = cost_member = None
        if previous is not None:
            p_sub = _total(previous, "subsidy_paid") + _total(previous, "bonus_paid")
            d_sub = subsidy - p_sub
            d_bal = _final(by_path, "deposit_balance") - _final(previous, "deposit_balance")
            d_mem = _final(by_path, "members") - _final(previous, "members")
            with np.errstate(divide="ignore", invalid="ignore"):
                cost_dep = Band.of(np.where(d_bal > 0, d_sub / d_bal, np.nan))
                cost_member = Band.of(np.where(d_mem > 0, d_sub / d_mem, np.nan))
        metrics = _metrics(by_path, fund, start)
        stress_metrics = _metrics(stressed[rate], fund, start) if rate in stressed else None
        shortfall = np.array([m["reserve_shortfall"] for m in metrics])
        members_end = _final(by_path, "members")
        at_cap = np.where(members_end > 0, _final(by_path, "members_at_cap") / members_end, 0.0)
        rows.append(
            RateRow(
                rate=rate,
                members=members,
                deposit_balance=balance,
                subsidy_per_year=Band.of(subsidy / max(horizon_years, 1)),
                subsidy_total=Band.of(subsidy),
                share_at_cap=Band.of(at_cap),
                cost_per_deposit_yuan=cost_dep,
                cost_per_member=cost_member,
                tax_forgone=Band.of(_total(by_path, "tax_forgone")),
                value_added_income=Band.of(_total(by_path, "value_added_income")),
                peak_loan_to_deposit=Band.of(stack(by_path, "pool_loan_to_deposit").max(axis=1)),
                min_survival_months=Band.of(stack(by_path, "survival_months").min(axis=1)),
                reserve_to_loans=Band.of(_final(by_path, "reserve_to_loans")),
                segment_margin=Band.of(_total(by_path, "segment_margin")),
                segment_reserve_to_loans=Band.of(
                    np.where(
                        _final(by_path, "loan_balance") > 0,
                        _final(by_path, "segment_reserve_to_loans"),
                        np.nan,
                    )
                ),  # no placeholder where the pilot has no loans
                segment_net_funding=Band.of(_final(by_path, "segment_net_funding")),
                breach_baseline=_liquidity(metrics),
                breach_stress=_liquidity(stress_metrics) if stress_metrics else None,
                reserve_short=float(np.mean(shortfall > 0)),
                reserve_shortfall=Band.of(shortfall),
                paths=len(by_path),
                breaches=kind_stats(metrics),
                subsidy_to_year=to_year,
                breaches_stress=kind_stats(stress_metrics) if stress_metrics else None,
            )
        )
        previous = by_path
    return rows


def summary_numbers(rows: list[RateRow], *, year: int = 5) -> dict[str, float]:
    """The numbers the plain-language summary states, taken from the table itself."""
    low, high = rows[0], rows[-1]
    y = max(k for k in low.members if k <= year) if low.members else 0
    return {
        "rate_low": low.rate,
        "rate_high": high.rate,
        "year": y,
        "paths": low.paths,
        "extra_members": high.members[y].median - low.members[y].median if y else 0.0,
        "extra_deposits": high.deposit_balance[y].median - low.deposit_balance[y].median
        if y
        else 0.0,
        "extra_subsidy": high.subsidy_total.median - low.subsidy_total.median,
        "extra_subsidy_to_year": high.subsidy_to_year[y].median - low.subsidy_to_year[y].median
        if y and high.subsidy_to_year
        else high.subsidy_total.median - low.subsidy_total.median,
        "margin_low": low.segment_margin.median,
        "margin_high": high.segment_margin.median,
        "pool_indistinct": float(
            len(rows) > 1
            and all(
                _indistinct([getattr(r, name).median for r in rows])
                for name in ("peak_loan_to_deposit", "min_survival_months", "reserve_to_loans")
            )
        ),
        "max_breach": max(r.breach_baseline for r in rows),
        "max_breach_stress": max(
            (r.breach_stress for r in rows if r.breach_stress is not None), default=float("nan")
        ),
        "breaches": {r.rate: r.breaches for r in rows if r.breaches is not None},
        "breaches_stress": {r.rate: r.breaches_stress for r in rows if r.breaches_stress},
    }


def _indistinct(medians: list[float], *, within: float = 0.01) -> bool:
    """True when the rates' medians of a figure lie within 1% of each other."""
    top = max(abs(m) for m in medians)
    return top == 0 or (max(medians) - min(medians)) <= within * top


def _segment_clause(n: dict[str, float], lang: str) -> str:
    """The pilot's own books, and a word on the pool-level figures that cannot tell rates apart."""
    low, high = money_text(n["margin_low"], lang), money_text(n["margin_high"], lang)
    if lang == "zh":
        text = (
            f"灵活就业分账户自身的增值收益（扣除贷款损失）在整个预测期为：{n['rate_low']:.1%} 时 {low}，"
            f"{n['rate_high']:.1%} 时 {high}"
        )
        if n.get("pool_indistinct"):
            text += (
                "。个贷率、流动性生存期和风险准备金/贷款是整个资金池的指标，职工缴存占资金池绝大部分，"
                "各补贴率下几乎相同，不能用来区分补贴率；补贴率的成本与效果请看灵活就业分账户各列"
            )
        return text + "。"
    text = (
        f"The pilot's own margin (its value-added income less credit losses) over the projection "
        f"is {low} at {n['rate_low']:.1%} and {high} at {n['rate_high']:.1%}"
    )
    if n.get("pool_indistinct"):
        text += (
            ". Loan-to-deposit, the survival horizon and reserve / loans are figures of the "
            "whole pool, which the employees' deposits dominate: they are nearly the same at "
            "every rate and cannot tell the rates apart — read the pilot's columns for what "
            "a rate costs and brings"
        )
    return text + "."


def _breach_clause(by_rate: dict, lang: str, where: str) -> str:
    """The breaches by kind and size at each rate (:mod:`sim.stress.breaches`); when every rate
    has the same kinds of a similar size, said once, with that they cannot tell rates apart."""
    if not by_rate:
        return ""
    rates = sorted(by_rate)
    if len(rates) == 1 or similar([by_rate[r] for r in rates]):
        alike = len(rates) > 1
        body = sentences(by_rate[rates[0]], lang)
        if lang == "zh":
            lead = (
                f"{where}，各补贴率的突破情况相同、规模相近，不能用来区分补贴率（以下为 {rates[0]:.1%} 时）："
                if alike
                else f"{where}："
            )
            return lead + body
        lead = (
            f"{where}, every rate has the same breaches of a similar size, so they do not tell "
            f"the rates apart (at {rates[0]:.1%}): "
            if alike
            else f"{where}: "
        )
        return lead + body
    parts = [
        f"{r:.1%} 时：{sentences(by_rate[r], lang)}"
        if lang == "zh"
        else f"at {r:.1%}: {sentences(by_rate[r], lang)}"
        for r in rates
    ]
    return (f"{where}，" + "；".join(parts)) if lang == "zh" else (f"{where}, " + "; ".join(parts))


def summary_text(numbers: dict[str, float], lang: str, stress_name: str | None) -> str:
    """One paragraph a committee member can read, built only from ``numbers``: gains and costs
    over the same years, then the breaches by kind and size, then the pilot's own books."""
    n = numbers
    members = round(n["extra_members"])
    subsidy = money_text(n.get("extra_subsidy_to_year", n["extra_subsidy"]), lang)
    zh = lang == "zh"
    if zh:
        more = "多" if members >= 0 else "少"
        parts = [
            f"将缴存补贴率从 {n['rate_low']:.1%} 提高到 {n['rate_high']:.1%}，到第 {n['year']} 年"
            f"约{more}吸引 {abs(members):,} 名缴存人，缴存余额约多 {money_text(n['extra_deposits'], 'zh')}"
            f"（含记入账户的补贴），同样 {n['year']} 年内多支出补贴 {subsidy}"
            f"（整个预测期 {money_text(n['extra_subsidy'], 'zh')}）"
        ]
    else:
        verb = "adds about" if members >= 0 else "loses about"
        parts = [
            f"Raising the holding subsidy from {n['rate_low']:.1%} to {n['rate_high']:.1%} "
            f"{verb} {abs(members):,} members and {money_text(n['extra_deposits'], 'en')} of "
            f"deposits (the subsidy credited included) by year {n['year']}, for {subsidy} more "
            f"subsidy over the same {n['year']} years ({money_text(n['extra_subsidy'], 'en')} "
            "over the whole projection)"
        ]
    clause = _breach_clause(
        n.get("breaches", {}), lang, "基准情景下" if zh else "Under the baseline"
    )
    if clause:
        parts.append(clause)
    if stress_name and n.get("breaches_stress"):
        where = f"压力情景（{stress_name}）下" if zh else f"Under the stress ({stress_name})"
        parts.append(_breach_clause(n["breaches_stress"], lang, where))
    text = ("。" if zh else ". ").join(parts) + ("。" if zh else ".")
    if "margin_low" in n:
        text += _segment_clause(n, lang) if zh else " " + _segment_clause(n, lang)
    return text
