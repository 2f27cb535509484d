"""The fund's counter: members' accounts, answering people's requests (E, D, W, L1–L4).

The counter owns the ledger (:class:`~sim.fund.ledger.Ledger`) and answers
the batches of :mod:`sim.fund.requests` in the order a month runs them:
leavers' full withdrawals (W4), joins (E1–E5), deposits (D1–D3), rent and
commercial-mortgage withdrawals (W1), exits (W3); then buyers' quotes (L1–L4)
and their purchase withdrawals (W1) and loan applications, checked against
the quote it issued. It does not lend: the engine's :class:`~sim.fund.fund.Fund`
queues accepted applications at its loan desk.
"""

from __future__ import annotations

import numpy as np

from sim.core.lanes import Lane
from sim.fund.eligibility import consecutive_deposit_months, loan_deposit_months, may_join
from sim.fund.ledger import Ledger
from sim.fund.loan_limit import (
    LoanRequest,
    check_eligibility,
    loan_limit,
    loan_rate,
    max_loan_fen,
)
from sim.fund.policy import Policy
from sim.fund.refusals import Refusal, accepted
from sim.fund.requests import (
    Answers,
    Buyers,
    FundView,
    PurchaseAnswers,
    Purchases,
    Quotes,
    Requests,
    own_accounts,
)
from sim.fund.subsidy import subsidy_rate
from sim.fund.tax import tax_forgone_fen

_NONE = np.zeros(0, np.int64)
_NOT_OPEN = int(Refusal.NOT_OPEN)


class Counter:
    """The accounts of ``n`` people from ``start`` on, and the requests they send.

    ``group`` is each account's reporting group ``0 … groups - 1`` (the cohort
    a member declared: F7 monitors by cohort); the month end counts open
    accounts by it.
    """

    def __init__(
        self,
        n: int,
        policy: Policy,
        start: int,
        *,
        group: np.ndarray | None = None,
        groups: int = 1,
        lane: Lane | None = None,
    ):
        group = None if group is None else np.array(group, copy=True)
        self.ledger = Ledger(n, policy, start, group=group, groups=groups, lane=lane)
        self.policy = policy
        self._quoted: Quotes | None = None  # the month's quote, which a purchase must answer
        self._views: dict = {}  # the view's read-only arrays, kept while the arrays are

    def open_month(self) -> None:
        """Open the accounts' books of the next month."""
        self.ledger.begin_month()
        self._quoted = None

    def close_month(self, end=None):
        """The accounts' month end (accrual, June settlement, reconciliation): ``MonthBooks``;
        ``end`` the one-pass month end already run (:meth:`Ledger.end_month`)."""
        self._quoted = None
        return self.ledger.end_month(end)

    def set_policy(self, policy: Policy) -> None:
        """A new policy in force (a switch date or a shock)."""
        self.policy = policy
        self.ledger.set_policy(policy)

    def view(
        self, month: int, *, due_who: np.ndarray = _NONE, due_fen: np.ndarray = _NONE
    ) -> FundView:
        """Published terms and each person's own account, read-only (the month is open)."""
        policy, acc = self.policy, self.ledger.acc
        return FundView(
            deposit_rate=policy.at("interest.deposit_rate", month),
            holding_rate=subsidy_rate(policy, month),  # S1 with X1's interest subsidy
            floor_fen=policy.floor_fen(month),
            cap_fen=policy.cap_fen(month),
            quarterly_allowed=3 in policy["deposit.allowed_months"],
            tax_rates=policy["tax.iit_rates"],
            policy=policy,
            **own_accounts(acc, self.ledger.aged(), due_who, due_fen, views=self._views),
        )

    def handle(self, r: Requests) -> Answers:
        """Carry out the month's requests in order; asks from people with no open account
        (a leaver who never joined, a refused joiner's deposit) are void."""
        ledger, acc = self.ledger, self.ledger.acc
        ledger.close(r.leave[acc.is_open[r.leave]], "full")
        join_codes = self._join(r)
        deposit_codes, deposited, deposited_fen, bracket, asks = self._deposit(r)
        tax = tax_forgone_fen(self.policy, bracket, deposited_fen, ledger.month)
        rent_codes = ledger.withdraw(r.rent_who, r.rent_fen, "rent")
        mortgage_codes = ledger.withdraw(
            r.repay_who, r.repay_fen, "repayment", r.repay_due_fen, mortgage=True
        )
        paid = accepted(mortgage_codes)
        exit_codes = ledger.close(r.exit, "exit")
        joined = accepted(join_codes)
        return Answers(
            joined=r.joins.who[joined],
            join_refused=r.joins.who[~joined],
            join_codes=join_codes,
            deposit_codes=deposit_codes,
            rent_codes=rent_codes,
            mortgage_codes=mortgage_codes,
            exit_codes=exit_codes,
            deposit_asks=asks,
            deposited=deposited,
            deposited_fen=deposited_fen,
            tax_saved=tax,
            rent_paid=r.rent_who[accepted(rent_codes)],
            mortgage_paid=r.repay_who[paid],
            mortgage_paid_fen=int(r.repay_fen[paid].sum()),
            exits=int(accepted(exit_codes).sum()),
        )

    def _deposit(self, r: Requests) -> tuple:
        """D1–D3 for every deposit asked, in one pass (the ledger's kernel answers an ask
        from someone with no open account ``NOT_OPEN`` and books it as void, not refused):
        the codes, who deposited, the fen, their tax brackets and how many asks had an
        account. Most months every deposit passes, and the batches are the requests'."""
        who, fen = r.deposit_who, r.deposit_fen
        codes = self.ledger.deposit(who, fen, r.deposit_months, void_closed=True)
        if not codes.any():
            return codes, who, fen, r.deposit_bracket, len(who)
        ok = accepted(codes)
        void = int(np.count_nonzero(codes == _NOT_OPEN))
        return codes, who[ok], fen[ok], r.deposit_bracket[ok], len(who) - void

    def _join(self, r: Requests) -> np.ndarray:
        """E1/E2 checked, accounts opened (E3; bonus S6–S7), veterans' months taken in (E5);
        the refusal codes."""
        j, ledger = r.joins, self.ledger
        codes = may_join(
            self.policy,
            age=j.age,
            retirement_age=j.retirement_age,
            good_credit=j.good_credit,
            in_employee_pension=j.in_employee_pension,
            hmt_or_foreign=j.hmt_or_foreign,
        )
        ok = accepted(codes)
        who = j.who[ok]
        first = ~ledger.acc.ever_opened[who]
        ledger.open(who, children=j.children[ok], education=j.education[ok])
        veteran = first & (j.veteran_months[ok] > 0)
        if veteran.any():  # most months none: an empty transfer changes nothing
            ledger.transfer_in(who[veteran], 0, service_months=j.veteran_months[ok][veteran])
        return codes

    def quote(self, b: Buyers, *, level: int = 0) -> Quotes:
        """Eligibility (L1), limit (L2–L4, cut by rationing ``level``, F5), rate and the
        longest term each buyer may have: to retirement + the allowed years, within the
        maximum term."""
        policy, acc, month = self.policy, self.ledger.acc, self.ledger.month
        who = b.who
        room = b.retirement_age_months + 12 * policy["loan.age_limit_over_retirement"]
        term = np.maximum(room - b.age_months, 12)  # at least a year, at most the maximum term
        term = np.minimum(term, 12 * policy["loan.max_term_years"]).astype(np.int64)
        req = LoanRequest(
            balance=acc.balance[who],
            deposited_total=acc.deposited_total[who],
            deposit_months=loan_deposit_months(acc, policy, month, who),
            months_open=np.maximum(month - acc.opened_month[who], 1),
            income=b.income_fen,
            price=b.price_fen,
            term_months=term,
            first_home=b.first_home,
            green_or_upgrade=b.green_or_upgrade,
            talent=b.talent,
            age_months=b.age_months,
            retirement_age_months=b.retirement_age_months,
            good_credit=b.good_credit,
            loan_outstanding=acc.loan_outstanding[who],
            consecutive_months=consecutive_deposit_months(acc, month, who),
            income_months=b.income_months,
        )
        rate = loan_rate(policy, month, b.first_home, term)
        limit, _ = loan_limit(policy, month, req, level=level, rate=rate)
        self._quoted = Quotes(
            buyers=b,
            refusal=check_eligibility(policy, req),
            limit_fen=limit,
            rate=rate,
            term_months=term,
            max_loan_fen=max_loan_fen(policy, b.price_fen, b.first_home),
        )
        return self._quoted

    def apply(self, p: Purchases) -> PurchaseAnswers:
        """Purchase withdrawals (W1: up to the down payment) and the loan applications that
        pass: quoted eligible, within the quoted limit and above zero. ``p`` must answer the
        quote this counter issued this month."""
        q = p.quotes
        if q is not self._quoted:
            raise ValueError("a purchase must answer this month's quote from this fund")
        who, price = q.buyers.who, q.buyers.price_fen
        asked = p.loan_fen > 0
        within = (q.limit_fen > 0) & (p.loan_fen <= q.limit_fen)
        codes = np.where(within, Refusal.OK.value, Refusal.OVER_LIMIT.value)
        codes = np.where(accepted(q.refusal), codes, q.refusal)
        loan_codes = np.where(asked, codes, Refusal.OK.value).astype(np.int8)
        ok = asked & accepted(loan_codes)
        w = p.withdraw_fen > 0
        withdrawal_codes = np.zeros(len(who), np.int8)
        withdrawal_codes[w] = self.ledger.withdraw(
            who[w], p.withdraw_fen[w], "purchase", (price - q.max_loan_fen)[w]
        )
        return PurchaseAnswers(
            withdrawn=who[w & accepted(withdrawal_codes)],
            buyers=who,
            loan_fen=np.where(ok, p.loan_fen, 0),
            withdrawal_codes=withdrawal_codes,
            loan_codes=loan_codes,
            applied=int(asked.sum()),
            refused=int((asked & ~ok).sum()),
        )
