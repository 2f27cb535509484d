"""Which rule decided each amount on an account statement (``hpfsim account --trace``).

For every month the trace lists each amount credited, paid out or refused,
and each event that changes what the account may receive, with the RULES.md
ID that decided it: D1/D2 for deposits (D2 where the policy sets the floor as
minimum wage × ratio and allows quarterly deposits), E3/E4/E5 for the account
and money transferred in, W1/W3/W4 for withdrawals, L1 and S3 for a loan,
F1 for interest, S1 or S5 for the holding subsidy (S5 where it is paid at the
settlement, the draft's rule), S2 where the lifetime cap cut it, S3/S4 where
it was refused for good, S6/S7 for the opening bonus. Under other cities'
designs (docs/rules.md): X1 for an interest subsidy, X2 for a holding
condition, X5 for a deposit with no cap, X6 for a rent limit by month.

The trace reads only what the ledger reports (the month's books, the refusal
code of each request, the account's flags), so it explains the statement
without changing how it is computed; why a holding subsidy was refused is the
ledger's own predicate (:func:`sim.fund.subsidy.stop_code`), not a copy.
"""

from __future__ import annotations

from typing import Any

from sim.core.money import fen_to_yuan, yuan_to_fen
from sim.fund import subsidy
from sim.fund.refusals import Refusal

WITHDRAWAL_RULE = {"rent": "W1", "purchase": "W1", "repayment": "W1", "exit": "W3", "full": "W4"}


def _draft(policy) -> bool:
    return policy["deposit.floor_basis"] == "min_wage_ratio"


def _rent_rule(policy) -> str:
    return "W1" if policy["withdrawal.rent_limit_basis"] == "yearly" else "X6"


def _deposit_rule(policy) -> str:
    if not policy["deposit.capped"]:
        return "X5"
    return "D2" if _draft(policy) else "D1"


def _holding_rule(policy) -> str:
    if policy["subsidy.clean_months"]:
        return "X2"
    if policy["subsidy.interest_share"]:
        return "X1"
    return "S5" if _draft(policy) else "S1"


def refusal_rule(code: int, action: str, policy) -> str:
    """The rule ID behind a refusal code for a request of kind ``action``."""
    r = Refusal(code)
    deposit = "D2" if _draft(policy) else "D1"
    if r is Refusal.OVER_RENT_LIMIT:
        return _rent_rule(policy)
    return {
        Refusal.NOT_OPEN: "E3",
        Refusal.ALREADY_OPEN: "E3",
        Refusal.NOT_POSITIVE: deposit if action == "deposit" else "W1",
        Refusal.BELOW_FLOOR: deposit,
        Refusal.ABOVE_CAP: "D1",
        Refusal.MONTHS_NOT_ALLOWED: deposit,
        Refusal.INSUFFICIENT_BALANCE: "W1",
        Refusal.OVER_RENT_LIMIT: "W1",
        Refusal.OVER_LIMIT: "W1",
        Refusal.LOAN_OUTSTANDING: "W3",
        Refusal.NO_LOAN: "W1",
        Refusal.TOO_YOUNG: "E1",
        Refusal.RETIRED: "E1",
        Refusal.BAD_CREDIT: "E2",
        Refusal.IN_EMPLOYEE_PENSION: "E1",
        Refusal.RESIDENCY: "E2",
        Refusal.TOO_FEW_DEPOSIT_MONTHS: "L1",
        Refusal.TERM_TOO_LONG: "L2",
        Refusal.AGE_AT_MATURITY: "L2",
        Refusal.UNSTEADY_INCOME: "F4",
    }[r]


def _line(item: str, decision: str, rule: str, fen: int | None, why: str = "") -> dict[str, Any]:
    return {
        "item": item,
        "decision": decision,
        "rule": rule,
        "amount": None if fen is None else fen_to_yuan(fen),
        "why": why,
    }


def event_lines(event, code: int, amount_fen: int, policy) -> list[dict[str, Any]]:
    """What one request came to: accepted under its rule, or refused naming the rule."""
    if code:
        return [
            _line(
                f"{event.action} {event.kind}".strip(),
                "refused",
                refusal_rule(code, event.action, policy),
                event.amount_fen or None,
                Refusal(code).code,
            )
        ]
    if event.action == "deposit":
        rule = _deposit_rule(policy)
        why = f"{event.months} month(s), within the floor and the monthly cap"
        return [_line("deposit", "credited", rule, amount_fen, why)]
    if event.action == "transfer_in":
        rule = "E5" if event.service_months else "E4"
        return [_line("transfer in", "credited", rule, amount_fen, "ages from the transfer date")]
    if event.action == "loan":
        return [
            _line("loan disbursed", "recorded", "L1", None, "6+ deposit months"),
            _line("holding subsidy", "stops", "S3", None, "a fund loan was disbursed"),
        ]
    if event.action == "loan_repaid":
        return [_line("loan repaid", "recorded", "W3", None, "exit allowed again")]
    rule = _rent_rule(policy) if event.kind == "rent" else WITHDRAWAL_RULE[event.kind]
    return [_line(f"withdrawal {event.kind}", "paid", rule, amount_fen or None)]


STOP_WHY = {
    subsidy.FORFEITED: "after an exit (W3)",
    subsidy.LOAN: "a fund loan was disbursed",
    subsidy.NOT_CLEAN: "too soon after a partial withdrawal or the opening",
}


def month_lines(
    books, acc, policy, *, month: int, settlement: bool, aged_year: int
) -> list[dict[str, Any]]:
    """What the fund credited at the end of ``month`` (interest, subsidy, bonus), and why not."""
    out = []
    if books.interest_credited:
        why = "annual settlement" if settlement else "on closing the account"
        out.append(_line("interest", "credited", "F1", books.interest_credited, why))
    if books.bonus_credited:
        talent = books.bonus_credited == yuan_to_fen(policy["subsidy.opening_bonus_talent"])
        out.append(
            _line(
                "opening bonus",
                "credited",
                "S7" if talent else "S6",
                books.bonus_credited,
                "first opening",
            )
        )
    holding = _holding_rule(policy)
    at_cap = subsidy.reached_cap(int(acc.subsidy_total[0]), subsidy.cap_fen(policy))
    if books.subsidy_credited:
        why = "on money stored a full year, paid at the settlement"
        out.append(_line("holding subsidy", "credited", holding, books.subsidy_credited, why))
        if at_cap:
            out.append(_line("holding subsidy", "cut", "S2", None, "lifetime cap reached"))
    elif settlement and aged_year > 0:
        stop = subsidy.stop_code(bool(acc.forfeited[0]), bool(acc.loan_disbursed[0]),
                                 int(acc.clean_since[0]), month,
                                 bool(policy["subsidy.stops_at_loan"]),
                                 policy["subsidy.clean_months"])  # fmt: skip
        if stop != subsidy.ACCRUES:
            rule = subsidy.STOP_RULES[stop]
            out.append(_line("holding subsidy", "refused", rule, None, STOP_WHY[stop]))
        elif at_cap:
            out.append(_line("holding subsidy", "refused", "S2", None, "lifetime cap reached"))
    return out


def to_text(statement: dict[str, Any]) -> str:
    """The trace as lines: month, item, decision, amount, rule, why."""
    from sim.report.terminal import table

    rows = []
    for r in statement["rows"]:
        for t in r["trace"]:
            amount = "" if t["amount"] is None else str(t["amount"])
            rows.append([r["month"], t["item"], t["decision"], amount, t["rule"], t["why"]])
    return table(["month", "item", "decision", "yuan", "rule", "why"], rows, align="lllrll")
