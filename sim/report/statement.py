"""The account calculator's statement and trace in Chinese (``hpfsim account --lang zh``).

The calculator (``sim.account.calculator``) words its statement in English; a fund
centre's counter staff read Chinese. This module renders the same statement
dict — month by month, the same figures to the fen — with Chinese headings,
events, refusal reasons and trace lines, so the figures cannot differ between
the two languages. A word the tables below do not know is shown as written
rather than dropped.
"""

from __future__ import annotations

import re
from typing import Any

HEAD = ["月份", "缴存", "提取", "转入", "利息", "补贴", "累计补贴", "余额", "存满一年",
        "事项 / 拒绝"]  # fmt: skip
COLUMNS = ("month", "deposit", "withdrawal", "transfer_in", "interest_credited",
           "subsidy_credited", "subsidy_total", "balance", "aged")  # fmt: skip

ACTIONS = {
    "deposit": "缴存", "withdraw": "提取", "loan": "公积金贷款发放", "transfer_in": "转入",
    "loan_repaid": "贷款还清", "loan disbursed": "贷款发放", "loan repaid": "贷款还清",
    "rent": "租房", "purchase": "购房", "repayment": "还贷", "exit": "销户", "full": "全额",
}  # fmt: skip
REASONS = {
    "not_open": "未开户（E3）", "already_open": "已有账户（E3）", "not_positive": "金额须大于0",
    "below_floor": "低于缴存下限（D1、D2）", "above_cap": "超过缴存上限（D1）",
    "months_not_allowed": "不允许的缴存月数（D1、D2）", "insufficient_balance": "余额不足（W1）",
    "over_rent_limit": "超过租房提取限额（W1）", "over_limit": "超过提取限额（W1）",
    "loan_outstanding": "有未还清的公积金贷款（W3）", "no_loan": "无贷款可还（W1）",
    "too_young": "未满16周岁（E1）", "retired": "已退休（E1）", "bad_credit": "信用不良（E2）",
    "in_employee_pension": "已参加职工养老保险（E1）", "residency": "户籍或居住条件不符（E2）",
    "too_few_deposit_months": "缴存月数不足（L1）", "term_too_long": "贷款期限过长",
    "age_at_maturity": "到期时年龄超限",
}  # fmt: skip
ITEMS = {
    "deposit": "缴存", "transfer in": "转入", "loan disbursed": "贷款发放",
    "loan repaid": "贷款还清", "interest": "利息", "opening bonus": "开户奖励",
    "holding subsidy": "持有补贴", "withdrawal rent": "租房提取",
    "withdrawal purchase": "购房提取", "withdrawal repayment": "还贷提取",
    "withdrawal exit": "销户提取", "withdrawal full": "全额提取", "withdraw rent": "租房提取",
    "withdraw purchase": "购房提取", "withdraw repayment": "还贷提取", "withdraw exit": "销户提取",
    "withdraw full": "全额提取",
}  # fmt: skip
DECISIONS = {"credited": "入账", "refused": "拒绝", "cut": "截止", "stops": "停止",
             "recorded": "记录", "paid": "支付"}  # fmt: skip
WHY = {
    "annual settlement": "年度结息",
    "on money stored a full year, paid at the settlement": "按存满一年的金额计，结息时入账",
    "lifetime cap reached": "已达终身上限",
    "after an exit (W3)": "销户之后（W3）",
    "a fund loan was disbursed": "已发放公积金贷款",
    "too soon after a partial withdrawal or the opening": "距上次部分提取或开户未满规定月数",
    "6+ deposit months": "缴存满6个月",
    "exit allowed again": "可再次销户",
    "ages from the transfer date": "自转入之日起计存期",
    "within the floor and the monthly cap": "在缴存下限和月上限之内",
    "on closing the account": "销户时结息",
    "first opening": "首次开户",
}  # fmt: skip


def _event(label: str) -> str:
    """``event 8 (withdraw rent)`` → ``第 8 项（租房提取）``."""
    m = re.fullmatch(r"event (\d+) \((.*)\)", label)
    if not m:
        return ACTIONS.get(label, label)
    what = m.group(2)
    return f"第 {m.group(1)} 项（{ITEMS.get(what, ACTIONS.get(what, what))}）"


def _why(text: str) -> str:
    if text in WHY:
        return WHY[text]
    m = re.fullmatch(r"(\d+) month\(s\), (.*)", text)
    if m:
        return f"{m.group(1)} 个月，{WHY.get(m.group(2), m.group(2))}"
    return text


def to_text(statement: dict[str, Any]) -> str:
    """The monthly statement in Chinese (the same figures as ``sim.account.calculator.to_text``)."""
    from sim.report.terminal import _width

    lines = ["".join(" " * (12 - _width(h)) + h for h in HEAD[:-1]) + f"  {HEAD[-1]}"]
    for r in statement["rows"]:
        notes = [ACTIONS.get(e, e) for e in r["events"]]
        notes += [
            f"{_event(x['event'])}：{REASONS.get(x['reason'], x['reason'])}" for x in r["refused"]
        ]
        lines.append("".join(f"{r[c]:>12}" for c in COLUMNS) + f"  {'；'.join(notes)}")
    t = statement["totals"]
    lines.append(
        f"合计：缴存 {t['deposit']} 元，提取 {t['withdrawal']} 元，利息 "
        f"{t['interest_credited']} 元，补贴 {t['subsidy_credited']} 元，期末余额 "
        f"{t['balance']} 元；拒绝 {t['refused']} 笔申请  "
        f"［政策 {statement['policy']}］"
    )
    return "\n".join(lines)


def trace_text(statement: dict[str, Any]) -> str:
    """The trace in Chinese: month, item, decision, amount, rule, why."""
    from sim.report.terminal import table

    rows = []
    for r in statement["rows"]:
        for t in r["trace"]:
            amount = "" if t["amount"] is None else str(t["amount"])
            rows.append(
                [
                    r["month"],
                    ITEMS.get(t["item"], t["item"]),
                    DECISIONS.get(t["decision"], t["decision"]),
                    amount,
                    t["rule"],
                    _why(t["why"])
                    if t["decision"] != "refused"
                    else REASONS.get(t["why"], _why(t["why"])),
                ]
            )
    return table(["月份", "事项", "处理", "金额（元）", "规则", "说明"], rows, align="lllrll")
