"""The behaviour kernel's inputs and outputs, as named records.

The kernel reads about seventy values a month. Passed positionally they could
not be checked against its signature by eye; here they travel as typed named
tuples, which numba takes as kernel arguments and reads by attribute at no
measured cost (a ``parallel=True`` kernel, ``cache=True`` included, since the
classes live at module level). Each record is built by keyword, and each field
is documented where it is declared.

The records: who people are (:class:`People`), what they remember
(:class:`Memory`), what the fund shows them (:class:`Account`), the month's
model parameters (:class:`ModelParams`, from the configuration and the fund's
published terms), the month's draw keys (:class:`DrawKeys`) and the requests
the kernel writes (:class:`Choices`). This month's income is the income
step's own record (``income.IncomeArrays``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

import numba
import numpy as np

from sim.agents import purposes
from sim.agents.config import AgentConfig
from sim.agents.depositing import deposit_probability
from sim.agents.dormancy import log_hazards, stop_probabilities
from sim.agents.joining import join_table, monthly_from_annual
from sim.agents.memory import KERNEL_READS, BehaviourState
from sim.agents.population import KERNEL_PEOPLE, Population
from sim.agents.response import rate_pull
from sim.core.chunks import CHUNK
from sim.core.random import Draws, path_keys

if TYPE_CHECKING:
    from sim.fund.requests import FundView


People = NamedTuple("People", [(name, np.ndarray) for name in KERNEL_PEOPLE])
"""Who each person is, as the kernel reads it: the fields of
:class:`~sim.agents.population.Population` that :data:`sim.agents.population.KERNEL_PEOPLE`
names (described there), under the same names, as a typed named tuple."""


def people_of(pop: Population) -> People:
    """The population's arrays the kernel reads (not copies)."""
    return People(**{name: getattr(pop, name) for name in KERNEL_PEOPLE})


Memory = NamedTuple("Memory", [(name, np.ndarray) for name in KERNEL_READS])
"""What the kernel reads of what people remember: the fields :data:`sim.agents.memory.KERNEL_READS`
names of :class:`~sim.agents.memory.BehaviourState` (described there), as a typed named tuple."""


def memory_of(state: BehaviourState) -> Memory:
    """The state's arrays the kernel reads (not copies)."""
    return Memory(**{name: getattr(state, name) for name in KERNEL_READS})


class Account(NamedTuple):
    """What people see of the fund (``FundView``): their account and the deposit limits."""

    is_open: np.ndarray  # bool
    forfeited: np.ndarray  # bool: exited before, so no subsidy on a new account (S4)
    loan_outstanding: np.ndarray  # bool
    balance: np.ndarray  # int64 fen
    aged: np.ndarray  # int32 fen: the part held a year or more
    floor_fen: int  # smallest monthly deposit
    cap_fen: int  # largest monthly deposit
    quarterly_allowed: bool  # quarterly deposits are offered

    @classmethod
    def of(cls, fund: FundView) -> Account:
        """The view's arrays and deposit terms."""
        return cls(
            is_open=fund.is_open,
            forfeited=fund.forfeited,
            loan_outstanding=fund.loan_outstanding,
            balance=fund.balance,
            aged=fund.aged,
            floor_fen=fund.floor_fen,
            cap_fen=fund.cap_fen,
            quarterly_allowed=fund.quarterly_allowed,
        )


class ModelParams(NamedTuple):
    """The choice models' parameters for one month; arrays are per cohort."""

    join_p: np.ndarray  # [tax bracket, intends, forfeited]: monthly chance to join (joining.py)
    join_bound: np.ndarray  # [tax bracket]: the largest chance to join in the bracket
    deposit_logit: float  # logit of the chance an active member deposits (depositing.py)
    idle_deposit_p: float  # the chance a member idle this month deposits
    deposit_income: float  # income elasticity of the deposit odds
    habit: float  # log-odds added for having deposited last cycle
    rate_term: float  # log of the contribution pull of the subsidy rate
    rate_factor: float  # the contribution pull, multiplying the amount deposited
    minimum_fen: int  # what a minimum depositor deposits a month (topped to the fund's floor)
    lump_months: float  # a lump sum is this many months' amount, paid about as often
    stop_p: np.ndarray  # [cohort, income loss]: monthly chance of stopping deposits (dormancy.py)
    restart_p: np.ndarray  # monthly chance of restarting
    exit_log_h: np.ndarray  # log monthly exit hazard (withdrawing.py)
    exit_loss: float  # log-hazard added for an income loss
    exit_aged: float  # elasticity of the exit hazard to the aged balance
    exit_bound: np.ndarray  # an upper bound of the exit chance (skips the exact one)
    leave_p: float  # monthly chance of death or emigration
    buy_intending: float  # annual purchase rate of people intending to buy (buying.py)
    buy_other: float  # annual purchase rate of the others
    age_peak: float  # age at which buying peaks
    age_width: float  # width of the age profile, years
    buy_income: float  # income elasticity of buying
    renter_multiplier: float  # multiplies a renter's purchase rate
    buy_balance: float  # balance elasticity of buying
    buy_bounded: bool  # both elasticities <= 1, so a cheap bound skips most exact chances
    mean_income: np.ndarray  # cohort's mean active income, yuan a month
    log_mean_income: np.ndarray  # its log
    saving_months: int  # months of saving up before a purchase (financing.py; 0: none)
    saving_factor: float  # multiplies deposits while saving up

    @classmethod
    def of(
        cls,
        config: AgentConfig,
        fund: FundView,
        *,
        exit_multiplier: float,
        purchase_multiplier: float,
        month: int | None = None,
    ) -> ModelParams:
        """This month's parameters under the fund's published terms and the stress hooks.

        The subsidy reaches them only through the rate response's pull
        (``response.rate_pull``) of the holding rate in force; the joining hazard
        also moves with the pilot's dated pace (``joining.pace``) in ``month``.
        """
        j, d, z = config.joining, config.depositing, config.dormancy
        w, b = config.withdrawing, config.buying
        pull = rate_pull(config.response, fund.holding_rate)
        at_zero = rate_pull(config.response, 0.0).participation
        arr = config.cohort_array
        rate_term = math.log(max(pull.contribution, 1e-9))
        exit_log_h = log_hazards(
            w.exit_annual_rate,
            arr("exit_hazard_multiplier") * exit_multiplier,
            1.0 / max(pull.participation, 1e-9),
        )
        join_p = join_table(
            j,
            fund.deposit_rate,
            (0.0, *fund.tax_rates),
            multiplier=pull.participation * j.pace_at(month),
            forfeited_multiplier=at_zero * j.pace_at(month),
        )
        return cls(
            join_p=join_p,
            join_bound=join_p.max(axis=(1, 2)),
            deposit_logit=_logit(d.base_probability),
            idle_deposit_p=float(
                deposit_probability(_logit(d.idle_probability), 0.0, 0.0, 0.0, False, rate_term)
            ),
            deposit_income=d.income_elasticity,
            habit=d.habit,
            rate_term=rate_term,
            rate_factor=max(pull.contribution, 0.0),
            minimum_fen=round(d.minimum_yuan * 100),
            lump_months=d.lump_months,
            stop_p=stop_probabilities(
                log_hazards(
                    z.stop_annual_rate,
                    arr("stop_hazard_multiplier"),
                    1.0 / max(pull.contribution, 1e-9),
                ),
                z.stop_income_loss,
            ),
            restart_p=np.exp(
                log_hazards(
                    z.restart_annual_rate, arr("restart_hazard_multiplier"), pull.contribution
                )
            ),
            exit_log_h=exit_log_h,
            exit_loss=w.exit_income_loss,
            exit_aged=w.exit_aged_elasticity,
            exit_bound=np.minimum(1.0, np.exp(exit_log_h + w.exit_income_loss)),
            leave_p=monthly_from_annual(w.leave_annual_rate),
            buy_intending=b.annual_rate_intending * purchase_multiplier,
            buy_other=b.annual_rate_other * purchase_multiplier,
            age_peak=b.age_peak,
            age_width=b.age_width,
            buy_income=b.income_elasticity,
            renter_multiplier=b.renter_multiplier,
            buy_balance=b.balance_elasticity,
            buy_bounded=b.income_elasticity <= 1 and b.balance_elasticity <= 1,
            mean_income=arr("income_mean"),
            log_mean_income=np.log(arr("income_mean")),
            saving_months=config.financing.saving_up_months,
            saving_factor=config.financing.saving_up_factor,
        )


class DrawKeys(NamedTuple):
    """The month's keys of the kernel's draws, each a uint64 array with one key per path
    (:func:`sim.core.random.path_keys`); each key gives a person two uniforms from one hash
    (``sim.core.random.uniform_pair_at``), for two choices."""

    leave_join: np.ndarray  # death or emigration; opening an account
    stay_deposit: np.ndarray  # stopping or restarting deposits; depositing
    exit_buy: np.ndarray  # closing the account; deciding to buy

    @classmethod
    def of(cls, draws: Sequence[Draws], month: int) -> DrawKeys:
        """Keyed by the purposes of ``purposes``, for each path's draws."""
        return cls(
            leave_join=path_keys(draws, purposes.LEAVE_JOIN, month),
            stay_deposit=path_keys(draws, purposes.STAY_DEPOSIT, month),
            exit_buy=path_keys(draws, purposes.EXIT_BUY, month),
        )


LEAVE, JOIN, EXIT, BUY, QUARTERLY = 1, 2, 4, 8, 16
"""The bits of a requester's ``Choices.kinds``: retires, dies or emigrates; asks to open an
account; asks to close it; buys a home; the deposit covers three months (else one)."""


class Choices(NamedTuple):
    """What the kernel writes: this month's requests, one entry per person with any.

    The kernel cuts the rows into chunks (:mod:`sim.core.chunks`); chunk ``j`` of a path
    writes its requesters, in order, at positions ``j * CHUNK …`` of the path's rows and
    their number at ``counts[j]`` (a person without a request writes nothing, and what lies
    past a chunk's count is stale). People turn the entries into the fund's
    :class:`sim.fund.requests.Requests` (``Behaviour.decisions``, ``people.ask``)."""

    rows: np.ndarray  # int32: the requester's row within the path
    kinds: np.ndarray  # uint8: bits LEAVE, JOIN, EXIT, BUY, QUARTERLY
    deposit: np.ndarray  # int32 fen to deposit (0: none)
    rent: np.ndarray  # int32 fen to withdraw for rent (0: none)
    repay: np.ndarray  # int32 fen to withdraw for a commercial mortgage (W1; 0: none)
    counts: np.ndarray  # int64, one per chunk: its requesters

    @classmethod
    def empty(cls, n: int, paths: int = 1) -> Choices:
        """Room for ``n`` rows (``paths`` paths laid end to end), reused month after month."""
        chunks = paths * -(-(n // paths) // CHUNK)
        return cls(
            rows=np.zeros(n, np.int32),
            kinds=np.zeros(n, np.uint8),
            deposit=np.zeros(n, np.int32),
            rent=np.zeros(n, np.int32),
            repay=np.zeros(n, np.int32),
            counts=np.zeros(chunks, np.int64),
        )

    def lane(self, k: int, paths: int) -> Choices:
        """Path ``k``'s part of a batch's choices (views of its rows and its chunks)."""
        n, chunks = len(self.rows) // paths, len(self.counts) // paths
        rows = {f: getattr(self, f)[k * n : (k + 1) * n] for f in self._fields if f != "counts"}
        return Choices(**rows, counts=self.counts[k * chunks : (k + 1) * chunks])

    def requests(self) -> tuple[np.ndarray, ...]:
        """This path's requests, each kind's people in row order: who leaves, joins,
        deposits (with the fen and months), withdraws for rent (fen), exits, buys, and
        withdraws for a mortgage (fen); int64 arrays, in one pass over the entries."""
        return _sort_out(self.counts, CHUNK, self.rows, self.kinds, self.deposit, self.rent,
                         self.repay)  # fmt: skip


@numba.njit(cache=True)
def _sort_out(counts, chunk, rows, kinds, deposit, rent, repay):
    """:meth:`Choices.requests`: count each kind, then fill."""
    n = np.zeros(7, np.int64)  # leave, join, deposit, rent, exit, buy, repay
    for j in range(len(counts)):
        for e in range(j * chunk, j * chunk + counts[j]):
            f = kinds[e]
            n[0] += (f & LEAVE) > 0
            n[1] += (f & JOIN) > 0
            n[2] += deposit[e] > 0
            n[3] += rent[e] > 0
            n[4] += (f & EXIT) > 0
            n[5] += (f & BUY) > 0
            n[6] += repay[e] > 0
    leave, join = np.empty(n[0], np.int64), np.empty(n[1], np.int64)
    dep_who = np.empty(n[2], np.int64)
    dep_fen, dep_months = np.empty(n[2], np.int64), np.empty(n[2], np.int64)
    rent_who, rent_fen = np.empty(n[3], np.int64), np.empty(n[3], np.int64)
    exit_, buy = np.empty(n[4], np.int64), np.empty(n[5], np.int64)
    repay_who, repay_fen = np.empty(n[6], np.int64), np.empty(n[6], np.int64)
    n[:] = 0
    for j in range(len(counts)):
        for e in range(j * chunk, j * chunk + counts[j]):
            f, who = kinds[e], rows[e]
            if f & LEAVE:
                leave[n[0]] = who
                n[0] += 1
            if f & JOIN:
                join[n[1]] = who
                n[1] += 1
            if deposit[e] > 0:
                dep_who[n[2]] = who
                dep_fen[n[2]] = deposit[e]
                dep_months[n[2]] = 3 if f & QUARTERLY else 1
                n[2] += 1
            if rent[e] > 0:
                rent_who[n[3]] = who
                rent_fen[n[3]] = rent[e]
                n[3] += 1
            if f & EXIT:
                exit_[n[4]] = who
                n[4] += 1
            if f & BUY:
                buy[n[5]] = who
                n[5] += 1
            if repay[e] > 0:
                repay_who[n[6]] = who
                repay_fen[n[6]] = repay[e]
                n[6] += 1
    return (leave, join, dep_who, dep_fen, dep_months, rent_who, rent_fen, exit_, buy,
            repay_who, repay_fen)  # fmt: skip


def _logit(p: float) -> float:
    p = min(max(p, 1e-9), 1 - 1e-9)
    return math.log(p / (1 - p))
