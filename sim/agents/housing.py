"""Housing events carried to the fund: purchases, rent and repayment withdrawals.

The choices are made elsewhere (``behaviour``: who buys, who withdraws;
``financing``: how a purchase is financed). This module hands them to the
fund, which checks and carries them out (W1, L1–L4 live in ``sim.fund`` and
are only called), and keeps what people remember of them: a commercial
mortgage's instalment and end, and whether they ever used the account for
housing. The engine and the agents-alone world (``world``) both call it, so
the two run the same housing behaviour.

At a purchase (:func:`buy_homes`) every buyer's tenure changes; a member
then

1. is offered a loan size by the fund (the limit, L2–L4) and chooses between
   a fund loan, a commercial loan and a combination (``financing``);
2. withdraws from the balance toward the down payment (W1: up to the price
   minus the loans), keeping nothing back beyond the yuan;
3. applies for the fund loan if they chose one; the fund checks eligibility
   (L1) now and the loan desk decides when to lend. The commercial part
   becomes a mortgage the member may repay from the account later (W1).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.agents.behaviour import BehaviourState, Decisions
from sim.agents.buying import Applications
from sim.agents.config import AgentConfig
from sim.agents.financing import choose_fund_loan, instalment_fen
from sim.fund.eligibility import loan_deposit_months
from sim.fund.ledger import Ledger
from sim.fund.loan_limit import LoanRequest, check_eligibility, loan_limit, loan_rate
from sim.fund.policy import Policy
from sim.fund.refusals import Refusal

WITHDRAWAL_KINDS = {"rent": "rent", "purchase": "purchase", "repayment": "repayment",
                    "exit": "exit", "retirement": "full"}  # fmt: skip
"""Series name suffix → the ledger's withdrawal kind (``full`` is W4: retirement, death, …)."""
ACCOUNT_SERIES = (
    "active_depositors", "dormant_accounts", "ever_members", "housing_users",
    *(f"withdrawals.{k}" for k in WITHDRAWAL_KINDS),
)  # fmt: skip
"""Monthly series of account states and withdrawals by kind (see :func:`account_series`)."""
ACCOUNT_FEN_SERIES = frozenset(f"withdrawals.{k}" for k in WITHDRAWAL_KINDS)


@dataclass(frozen=True)
class FundApplications:
    """The month's fund-loan applications that passed eligibility, one row each (fen)."""

    who: np.ndarray
    amount: np.ndarray
    term: np.ndarray
    first_home: np.ndarray
    price: np.ndarray
    applied: int  # buyers who asked for a fund loan
    refused: int  # of whom the fund refused (L1, or a zero limit)


def buy_homes(
    ledger: Ledger, pop, state: BehaviourState, income, policy: Policy, config: AgentConfig,
    month: int, apps: Applications, *, level: int = 0,
) -> FundApplications:  # fmt: skip
    """Carry out the month's purchases; see the module docstring."""
    acc = ledger.acc
    pop.tenure[apps.who] = 2  # a purchase, with a fund loan or without: they own with a mortgage
    pop.intends_to_buy[apps.who] = False
    state.plan_month[apps.who] = -1
    first_all = apps.first_home
    ltv_all = np.where(first_all, policy["loan.max_ltv_first"], policy["loan.max_ltv_second"])
    need_all = np.floor(apps.price_fen * ltv_all).astype(np.int64)
    members = acc.is_open[apps.who]
    who, price, first = apps.who[members], apps.price_fen[members], first_all[members]
    need = need_all[members]
    age = month - pop.birth_month[who]
    retire = pop.retirement_month[who] - pop.birth_month[who]
    room = retire + 12 * policy["loan.age_limit_over_retirement"] - age
    term = np.clip(room, 12, 12 * policy["loan.max_term_years"]).astype(np.int64)
    req = LoanRequest(
        balance=acc.balance[who], deposited_total=acc.deposited_total[who],
        deposit_months=loan_deposit_months(acc, policy, month, who),
        months_open=np.maximum(month - acc.opened_month[who], 1),
        income=np.floor(income.income_avg[who] * 100).astype(np.int64), price=price,
        term_months=term, first_home=first, green_or_upgrade=apps.green_or_upgrade[members],
        talent=apps.talent[members], age_months=age, retirement_age_months=retire,
        good_credit=pop.good_credit[who], loan_outstanding=acc.loan_outstanding[who],
    )  # fmt: skip
    codes = check_eligibility(policy, req)
    limit, _ = loan_limit(policy, month, req, level=level)
    take = np.minimum((acc.balance[who] // 100) * 100, price - need)
    monthly = np.floor(pop.deposit_share[who] * income.income_avg[who]) * 100
    fund = choose_fund_loan(
        config.financing, month, need_fen=need, limit_fen=limit,
        fund_rate=loan_rate(policy, month, first, term), term_months=term,
        holding_rate=policy.at("subsidy.holding_rate", month),
        kept_balance_fen=acc.balance[who] - take, monthly_deposit_fen=monthly,
    )  # fmt: skip
    asked = fund > 0
    ok = asked & (codes == Refusal.OK) & (limit > 0)
    fund = np.where(ok, fund, 0)
    w = take > 0
    done = ledger.withdraw(who[w], take[w], "purchase", (price - need)[w]) == Refusal.OK
    state.housing_user[who[w][done]] = True
    commercial = need_all.copy()
    commercial[members] -= fund
    _start_mortgages(state, config, apps.who, commercial, month, term_of(apps.who, members, term))
    return FundApplications(who[ok], fund[ok], term[ok], first[ok], price[ok],
                            int(asked.sum()), int((asked & ~ok).sum()))  # fmt: skip


def term_of(buyers: np.ndarray, members: np.ndarray, member_terms: np.ndarray) -> np.ndarray:
    """Every buyer's term: members' as the fund computed it, others' the longest, 30 years."""
    term = np.full(len(buyers), 360, np.int64)
    term[members] = member_terms
    return term


def _start_mortgages(state, config, who, commercial_fen, month, term) -> None:
    """The commercial part of each purchase becomes a mortgage at the commercial rate."""
    has = commercial_fen > 0
    rate = config.financing.commercial_rate_at(month)
    state.mortgage_fen[who] = 0
    state.mortgage_fen[who[has]] = instalment_fen(commercial_fen[has], rate, term[has])
    state.mortgage_end[who[has]] = month + term[has]


def withdraw_for_housing(ledger: Ledger, state: BehaviourState, d: Decisions) -> int:
    """Rent and commercial-mortgage repayment withdrawals (W1); marks housing users.

    Returns the repayment withdrawals paid out (fen): unlike repayments of a
    fund loan, which go to the fund's own loan book, they leave the fund.
    """
    codes = ledger.withdraw(d.rent_who, d.rent_fen, "rent")
    state.housing_user[d.rent_who[codes == Refusal.OK]] = True
    due = 3 * state.mortgage_fen[d.repay_who].astype(np.int64)
    codes = ledger.withdraw(d.repay_who, d.repay_fen, "repayment", due, mortgage=True)
    ok = codes == Refusal.OK
    state.housing_user[d.repay_who[ok]] = True
    return int(d.repay_fen[ok].sum())


def account_series(state: BehaviourState, acc, books) -> dict[str, int]:
    """The month's account states and withdrawals by kind (fen), for the monthly record.

    ``housing_users`` counts people who ever made a rent, purchase or
    repayment withdrawal or took a fund loan; ``ever_members`` everyone who
    ever opened an account.
    """
    out = {
        "active_depositors": int((acc.is_open & ~state.dormant).sum()),
        "dormant_accounts": int((acc.is_open & state.dormant).sum()),
        "ever_members": int(acc.ever_opened.sum()),
        "housing_users": int((state.housing_user | acc.loan_disbursed).sum()),
    }
    for name, kind in WITHDRAWAL_KINDS.items():
        out[f"withdrawals.{name}"] = int(books.withdrawals.get(kind, 0))
    return out
