"""The ledger: every account, month by month, under one policy.

A month is bracketed by :meth:`Ledger.begin_month` and :meth:`Ledger.end_month`.
In between, callers (the engine, the account calculator, tests) send batches of
requests — open, deposit, withdraw, close, transfer in, loan disbursed — each
as an array of person indices with aligned amounts. Every request is checked
against the rules of the month's policy and gets a refusal code back
(:class:`~sim.fund.refusals.Refusal`, 0 = done). No request is clipped.

At month end the ledger accrues interest (F1) and, under ``monthly_average``,
the holding subsidy (S1-ii); in the settlement month it credits interest, then
pays the subsidy (S5), within the lifetime cap (S2); it records the month-end
balances for ageing (S1-i) and reconciles the books to the fen
(:class:`~sim.fund.books.BooksDoNotBalance` otherwise). The month's books also
carry the counts the monthly record reads — open accounts by reporting group
(:meth:`Ledger.set_groups`), accounts at the lifetime cap (S2), accounts ever
opened — taken in the same pass.

All work is vectorised over the people in a batch; no Python loop runs over
accounts. The rules themselves live in the modules this one calls; under
``lifo`` ageing the month end is one parallel pass (:mod:`sim.fund.month_end`).
"""

from __future__ import annotations

import numpy as np

from sim.core.lanes import Lane
from sim.core.months import format_month, is_settlement_month
from sim.fund import ageing, deposits, month_end, month_end_steps, subsidy, withdrawals
from sim.fund.accounts import Accounts, check_in_range
from sim.fund.bonus import open_accounts
from sim.fund.books import BooksDoNotBalance, MonthBooks
from sim.fund.indices import person_indices
from sim.fund.policy import Policy
from sim.fund.refusals import Refusal, first_refusal
from sim.fund.requests import per_ask
from sim.fund.ring import MAX_FEN, keep_in_order
from sim.fund.withdrawals import KINDS, Kind

_REASONS = [r.code for r in Refusal]
AGED, GROUP = "ledger.aged", "ledger.group"
UNSWITCHABLE = ("subsidy.min_holding_months", "subsidy.ageing")
"""Policy keys a run cannot switch: the accounts' ageing is laid out for one window."""
"""The keys of a batch's joined aged parts and reporting groups (:mod:`sim.core.lanes`)."""


class Ledger:
    """Accounts of ``n`` people from ``start_month`` on, under ``policy``."""

    def __init__(
        self,
        n: int,
        policy: Policy,
        start_month: int,
        *,
        group: np.ndarray | None = None,
        groups: int = 1,
        lane: Lane | None = None,
    ):
        self.policy = policy
        self.acc = Accounts.empty(
            n,
            holding_months=policy["subsidy.min_holding_months"],
            fifo=policy["subsidy.ageing"] == "fifo",
            lane=lane,
        )
        self.month = start_month
        self.books: MonthBooks | None = None
        self._total = 0
        self._payable = 0
        self._seen = np.zeros(n, dtype=bool)
        self._lane = lane
        # the open month's aged part (S1-i), int32 fen like the ring: kept in place
        self._aged = np.zeros(n, np.int32) if lane is None else lane.zeros(AGED, np.int32)
        self._aged_ready = False
        self.set_groups(np.zeros(n, np.int8) if group is None else group, groups)

    def set_groups(self, group: np.ndarray, groups: int) -> None:
        """Every account's reporting group (e.g. the person's cohort), ``0 … groups - 1``:
        the month end counts open accounts by group (:attr:`MonthBooks.open_by_group`).

        The array is kept, not copied: it must not change to a code out of range.
        """
        group = np.asarray(group)
        if isinstance(groups, bool) or not isinstance(groups, int | np.integer) or groups < 1:
            raise ValueError(f"groups must be a whole number >= 1, got {groups!r}")
        if group.shape != (self.acc.n,) or group.dtype.kind not in "iu":
            raise ValueError(
                f"group must be {self.acc.n} integer codes, one per account; "
                f"got shape {group.shape} of {group.dtype}"
            )
        if len(group) and (group.min() < 0 or group.max() >= groups):
            raise ValueError(
                f"group codes must be in 0..{groups - 1}, got {group.min()}..{group.max()}"
            )
        if self._lane is not None:  # a path of a batch: its rows of the batch's groups
            group = self._lane.place(GROUP, group)
        self._group, self._groups = group, int(groups)

    # ------------------------------------------------------------------ the month
    def set_policy(self, policy: Policy) -> None:
        """Switch policy (e.g. ``lyg-2023`` → ``lyg-draft``) between months."""
        for key in UNSWITCHABLE:
            if policy[key] != self.policy[key]:
                raise ValueError(
                    f"cannot switch {key} mid-run ({self.policy[key]} → {policy[key]})"
                )
        self.policy = policy

    def begin_month(self) -> None:
        """Open the books of the next month."""
        if self.books is not None:
            raise RuntimeError(f"{format_month(self.month)} is already open")
        self.books = MonthBooks(self.month, self._total, self._payable)
        if is_settlement_month(self.month - 1, self.policy["interest.settlement_month"]):
            self.acc.rent_this_year[:] = 0
        ageing.open_month(self.acc, self.month)

    def end_month(self, end: month_end.MonthEnd | None = None) -> MonthBooks:
        """Accrue, settle in the settlement month, record ageing, reconcile; see module doc.

        Under ``lifo`` ageing (and outside a ``settlement_snapshot`` settlement)
        this is one pass over the accounts (:mod:`sim.fund.month_end`), which
        also leaves next month's aged part ready; ``end`` is that pass already
        run, with other paths' ledgers (:func:`month_end.close_months`,
        ``sim.engine.batch``), and is then checked like any other month end.
        """
        acc, policy, m, books = self.acc, self.policy, self.month, self._open_books()
        settle = is_settlement_month(m, policy["interest.settlement_month"])
        next_aged = None
        if self.closes_in_one_pass():
            if end is None:
                end = month_end.close_month(
                    acc,
                    policy,
                    m,
                    self.aged(),
                    settle=settle,
                    group=self._group,
                    groups=self._groups,
                )
            books.interest_accrued = round(end.interest_accrued)
            books.interest_payable = 0 if settle else round(end.interest_payable)
            books.interest_credited += end.interest_credited
            books.subsidy_credited += end.subsidy_credited
            closing, lowest, next_aged = end.closing_total, end.lowest_balance, end.next_aged
            if end.highest_balance > MAX_FEN:
                check_in_range(acc.balance)
            books.open_by_group, books.at_lifetime_cap = end.open_by_group, end.at_lifetime_cap
            books.ever_opened = end.ever_opened
        else:
            if end is not None:
                raise ValueError(f"{format_month(m)}: this month end takes the step-by-step path")
            monthly_average = policy["subsidy.accrual"] == "monthly_average"
            aged = self.aged() if monthly_average else None
            closing, lowest = month_end_steps.end_by_steps(
                acc, policy, m, aged, books, settle=settle
            )
            month_end_steps.count_accounts(acc, policy, self._group, self._groups, books)
        books.reconcile(closing)
        if lowest < 0:
            who = int(np.argmin(acc.balance))
            raise BooksDoNotBalance(f"{format_month(m)}: account {who} has a negative balance")
        self._total = books.closing_total
        self._payable = books.interest_payable
        self.books = None
        keep_in_order(acc.rings, acc.slot)  # the next month end reads the rows in order
        self._aged_ready = next_aged is not None
        if self._aged_ready and not np.may_share_memory(next_aged, self._aged):
            self._aged[:] = next_aged  # a month end run elsewhere (in place in a batch)
        self.month += 1
        return books

    @property
    def group(self) -> np.ndarray:
        """Every account's reporting group (:meth:`set_groups`)."""
        return self._group

    @property
    def groups(self) -> int:
        """How many reporting groups there are."""
        return self._groups

    def closes_in_one_pass(self) -> bool:
        """Whether the open month's end is the one-pass kernel (:mod:`month_end_steps`)."""
        return month_end_steps.one_pass(self.policy, self.month)

    def month_end_terms(self) -> tuple:
        """The policy terms the open month's one-pass month end reads (its kernel's inputs)."""
        return month_end.terms_read(self.policy, self.month)

    def aged(self) -> np.ndarray:
        """The aged part of every account for the open month (S1-i), in fen.

        Computed once a month: the month-ends it reads do not change until
        the month ends (fifo leaves out the open month's withdrawals).
        """
        if not self._aged_ready:
            self._aged[:] = ageing.aged_part(self.acc, self.month, self.policy["subsidy.ageing"])
            self._aged_ready = True
        return self._aged

    # ------------------------------------------------------------------ requests
    def open(self, who, *, children=0, education=0) -> np.ndarray:
        """Open accounts (E3); a first opening earns the opening bonus (S6, S7).

        ``education`` holds indices into ``params.EDUCATION_LEVELS``. Whether a
        person may join at all (E1, E2) is :func:`eligibility.may_join`.
        """
        who = self._who(who)
        if not len(who):
            self._open_books()
            return _nothing_asked()
        codes = open_accounts(
            self.acc,
            self.policy,
            self.month,
            who,
            per_ask(np.asarray(children), who.shape),
            per_ask(np.asarray(education), who.shape),
        )  # E3, S6, S7, X2 in one pass
        self._open_books().opened += int(np.count_nonzero(codes == 0))
        return self._count(codes)

    def deposit(self, who, amount_fen, months=1, *, void_closed: bool = False) -> np.ndarray:
        """Deposit ``amount_fen`` covering ``months`` months (D1, D2); bonus on the first.

        ``void_closed``: an ask from someone with no open account is answered ``NOT_OPEN``
        but not booked as a refusal (the counter's void asks: a refused joiner's deposit)."""
        who = self._who(who)
        amount = self._fen(amount_fen, who)
        books = self._open_books()
        codes, total, count, bonus = deposits.deposit(
            self.acc, self.policy, self.month, who, amount, months
        )
        books.deposits += total
        books.deposit_count += count
        if bonus:
            due = deposits.bonus_rows(who, codes, self.acc.bonus_due)
            counts = self.policy["subsidy.cap_includes_bonus"]
            paid = subsidy.pay_capped(
                self.acc, self.policy, due, self.acc.bonus_due[due], counts=counts
            )
            self.acc.bonus_due[due] = 0
            books.bonus_credited += int(paid.sum())
        if count == len(who):  # every deposit accepted (most months): nothing to book
            return codes
        return self._count(codes, void=Refusal.NOT_OPEN if void_closed else None)

    def withdraw(
        self, who, amount_fen, kind: Kind | str, limit_fen=None, *, mortgage=None
    ) -> np.ndarray:
        """Partial withdrawals for rent, purchase or repayment (W1, W2).

        ``limit_fen`` is the most the caller's rule allows per person (price
        minus loan for a purchase, instalments due for a repayment);
        ``mortgage`` (bool per person) marks repayments of a commercial
        mortgage, allowed without a fund loan (W1).
        """
        kind = KINDS.get(kind) or Kind(kind)
        who = self._who(who)
        amount = self._fen(amount_fen, who)
        limit = None if limit_fen is None else self._fen(limit_fen, who)
        if not len(who) and kind in withdrawals.PARTIAL:
            self._open_books().add_withdrawal(kind, 0)  # the kind shows, at zero
            return _nothing_asked()
        if mortgage is not None:
            mortgage = per_ask(np.asarray(mortgage, dtype=bool), who.shape)
        codes, paid = withdrawals.withdraw(
            self.acc, self.policy, self.month, who, amount, kind, limit, mortgage
        )  # check, pay out, note for fifo ageing: one pass
        self._open_books().add_withdrawal(kind, paid)
        return self._count(codes)

    def close(self, who, kind: Kind | str) -> np.ndarray:
        """Close accounts by voluntary exit (W3, S4) or full withdrawal (W4)."""
        kind = KINDS.get(kind) or Kind(kind)
        if kind not in (Kind.EXIT, Kind.FULL):
            raise ValueError(f"close takes exit or full, not {kind}")
        who = self._who(who)
        acc, books = self.acc, self._open_books()
        if not len(who):
            books.add_withdrawal(kind, 0)  # the kind shows, at zero
            return _nothing_asked()
        codes, interest_fen, subsidy_fen, payout, closed = withdrawals.close(
            acc, self.policy, self.month, who, kind
        )  # check, credit, pay out, note for fifo ageing: one pass
        books.interest_credited += interest_fen
        books.subsidy_credited += subsidy_fen
        books.add_withdrawal(kind, payout)
        books.closed += closed
        return self._count(codes)

    def transfer_in(self, who, amount_fen, service_months=0) -> np.ndarray:
        """Money transferred in from another account (E4), with service months (E5).

        The money ages from this month, like a deposit (E4); a veteran's
        months of deposit in service are kept for the loan condition (E5).
        """
        who = self._who(who)
        amount = self._fen(amount_fen, who)
        if not len(who):
            self._open_books()
            return _nothing_asked()
        service = per_ask(np.asarray(service_months, dtype=np.int32), who.shape)
        codes = first_refusal(
            (~self.acc.is_open[who], Refusal.NOT_OPEN),
            ((amount < 0) | (service < 0), Refusal.NOT_POSITIVE),
        )
        ok = codes == 0
        self.acc.balance[who[ok]] += amount[ok]
        self.acc.service_months[who[ok]] += service[ok]
        self._open_books().transfers_in += int(amount[ok].sum())
        return self._count(codes)

    def disburse_loan(self, who) -> np.ndarray:
        """A fund loan is disbursed: subsidy accrual stops for good from this month (S3)."""
        who = self._who(who)
        acc = self.acc
        codes = first_refusal(
            (~acc.is_open[who], Refusal.NOT_OPEN),
            (acc.loan_outstanding[who], Refusal.LOAN_OUTSTANDING),
        )
        ok = who[codes == 0]
        acc.loan_disbursed[ok] = True
        acc.loan_outstanding[ok] = True
        return self._count(codes)

    def loan_repaid(self, who) -> np.ndarray:
        """A fund loan is repaid in full: exit is allowed again (W3); no subsidy resumes (S3)."""
        who = self._who(who)
        codes = first_refusal((~self.acc.loan_outstanding[who], Refusal.NO_LOAN))
        self.acc.loan_outstanding[who[codes == 0]] = False
        return self._count(codes)

    # ------------------------------------------------------------------ helpers
    def _open_books(self) -> MonthBooks:
        if self.books is None:
            raise RuntimeError("no month is open: call begin_month() first")
        return self.books

    def _who(self, who) -> np.ndarray:
        """Person indices as int64, checked to be in range and unique."""
        return person_indices(who, self._seen)

    @staticmethod
    def _fen(amount, who: np.ndarray) -> np.ndarray:
        arr = np.asarray(amount)
        if arr.dtype.kind not in "iu":
            raise TypeError(f"money must be whole fen (integers), got {arr.dtype}")
        return per_ask(arr.astype(np.int64, copy=False), who.shape)

    def _count(self, codes: np.ndarray, void: Refusal | None = None) -> np.ndarray:
        """Book the batch's refusals by reason (every request passes here: kept quick);
        codes ``void`` are not refusals (asks void before any rule)."""
        if not np.count_nonzero(codes):
            return codes
        counts = np.bincount(codes, minlength=len(_REASONS)).tolist()
        if void is not None:
            counts[void] = 0
        refused = {_REASONS[i]: c for i, c in enumerate(counts) if i and c}
        if refused:
            self._open_books().add_refusals(refused)
        return codes


def _nothing_asked() -> np.ndarray:
    """The codes of an empty batch. An empty batch changes no account and adds nothing to
    the month's books, so the requests return at once (most months, most kinds, in a
    small population): only a withdrawal's kind is still booked, at zero."""
    return np.zeros(0, np.int8)
