"""The choices of one chunk of people, in two passes (issue 26).

Most people are not members: their month is a single question (do they leave, and if not,
do they open an account?), answered from one hash, two 32-bit uniforms
(``sim.core.random.uniform_pair_at``), reading six bytes of their own and a table built once
for the month. The first pass asks it of everyone in the chunk and lists, in row order,
those with more to do: leavers, joiners and members. The second pass walks that list only,
so a member's many arrays (income, deposit habit and style, rent, the account) are read for
members, not for everyone, and a member's four remaining choices take two hashes: stopping
or restarting with depositing, and exit with buying. The per-cohort hazards that do not
depend on the person (restarting, stopping with and without an income loss, an idle
month's deposit) are the month's constants (``kernel_params.ModelParams``).

The list is kept in the chunk's own entries of :class:`~sim.agents.kernel_params.Choices`:
entry ``e`` holds a candidate's row and what the first pass found, and the second pass
writes the chunk's requests from its first entry, at ``k <= e`` (each candidate makes one
request at most), after reading entry ``e``. The draws are keyed by (seed, path, purpose,
month, row within the path), so a person's choices do not depend on the chunk, the batch,
the threads or on other people.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from sim.agents.buying import purchase_probability
from sim.agents.config import RENTING
from sim.agents.depositing import deposit_probability, styled_amount_fen
from sim.agents.kernel_params import BUY, EXIT, JOIN, LEAVE, QUARTERLY
from sim.agents.population import LUMP_SUMS
from sim.agents.withdrawing import exit_probability, rent_request_fen, repayment_request_fen
from sim.core.random import bits_at, uniform_pair_at, uniform_pair_of

_MEMBER = 0  # a first-pass candidate with an open account (LEAVE and JOIN mark the others)


@numba.njit(cache=True, fastmath=True)
def choice_rows(lo, hi, offset, path, month, cal, people, earned, state, fund, p, keys, out):
    """The choices of rows ``lo … hi - 1`` (one chunk of path ``path``, its rows ``i - offset``
    keying the draws), written compactly from the chunk's first row: one entry per person
    with a request (:class:`~sim.agents.kernel_params.Choices`); returns how many. Serial:
    the kernels call it once a chunk (``behaviour._decide``, and ``sim.agents.monthly``
    right after the chunk's income). It updates people's habit, dormancy and planned
    purchase. One function body: a call a person, passing the records, costs more than the
    choices (numba counts the references of every array in them)."""
    rows, kinds_out = out.rows, out.kinds
    deposit_out, rent_out, repay_out = out.deposit, out.rent, out.repay
    alive, retirement = state.alive, people.retirement_month
    is_open, refused = fund.is_open, state.join_refused
    dormant, deposited_last, plan_month = state.dormant, state.deposited_last, state.plan_month
    # first pass: who leaves (retirement, W4, or death and emigration), who asks to open an
    # account, who is a member; listed from entry ``lo``
    k_first = keys.leave_join[path]
    leave_p, join_p, join_bound = p.leave_p, p.join_p, p.join_bound
    tax_bracket = state.tax_bracket
    m = lo
    for i in range(lo, hi):
        row = i - offset
        u_leave, u_join = uniform_pair_at(k_first, row)
        rows[m] = row
        kinds_out[m] = _MEMBER
        # leaving and joining are rare: one branch taken seldom, then the details
        rare = (month >= retirement[i]) | (u_leave < leave_p)
        rare |= u_join < join_bound[tax_bracket[i]]
        if rare and alive[i]:
            if month >= retirement[i] or u_leave < leave_p:
                kinds_out[m] = LEAVE
                m += 1
                continue
            if not (is_open[i] or refused[i]):
                intends = 1 if people.intends_to_buy[i] else 0
                forfeited = 1 if fund.forfeited[i] else 0
                if u_join < join_p[tax_bracket[i], intends, forfeited]:
                    kinds_out[m] = JOIN
                    m += 1
                    continue
        m += alive[i] & is_open[i]  # a member: listed without a branch (members are many)
    # second pass, over the list: a member's or a joiner's deposit, stopping and restarting,
    # rent and mortgage withdrawals, exit and purchase; requests written from entry ``lo``.
    # The frequent choices (dormant or not, depositing or not) are computed without branches
    # where both sides are cheap: a mispredicted branch costs more than either side.
    rent_month = cal == 3 or cal == 6 or cal == 9 or cal == 12
    quarterly_allowed = fund.quarterly_allowed
    k_stay, k_move = keys.stay_deposit[path], keys.exit_buy[path]
    stay_bits = np.empty(m - lo, np.uint64)  # the list's hashes first: a vectorised loop
    move_bits = np.empty(m - lo, np.uint64)
    for e in range(lo, m):
        stay_bits[e - lo] = bits_at(k_stay, np.int64(rows[e]))
        move_bits[e - lo] = bits_at(k_move, np.int64(rows[e]))
    k = lo
    for e in range(lo, m):
        row = rows[e]
        kinds = np.int64(kinds_out[e])
        i = row + offset
        deposit_fen, rent_fen, repay_fen = 0, 0, 0
        for _ in range(1):  # one person's choices; ``break`` ends them
            if kinds == LEAVE:
                break
            joining = kinds == JOIN
            member = not joining
            c = people.cohort[i]
            inc = earned.income[i]
            avg = max(earned.income_avg[i], 1.0)
            active = earned.active[i]
            loss = (not active) | (inc < 0.5 * avg)
            planning = member and plan_month[i] >= 0
            u_stay, u_deposit = uniform_pair_of(stay_bits[e - lo])
            # stopping and restarting (dormancy.py)
            was = dormant[i]
            restarted = was & (u_stay < p.restart_p[c])
            stopped = (not was) & (u_stay < p.stop_p[c, np.int64(loss)])
            now = (was & (not restarted)) | stopped
            if joining or planning:
                now, restarted = False, False
            dormant[i] = now
            # deposits (depositing.py)
            quarterly = people.quarterly[i] & quarterly_allowed
            months = 3 if quarterly else 1
            start = state.join_month[i] if member else month
            decide = (not now) & ((not quarterly) | ((month - start) % 3 == 0))
            last = deposited_last[i]
            deposited_last[i] = last & (not decide)  # set again by the caller if accepted
            style = people.deposit_style[i]
            ratio = earned.log_income[i] - p.log_mean_income[c]
            prob = deposit_probability(
                p.deposit_logit, p.deposit_income, ratio, p.habit, last, p.rate_term
            )
            prob = prob if active else p.idle_deposit_p
            prob = prob / p.lump_months if style == LUMP_SUMS else prob
            prob = 1.0 if (joining | restarted) else prob
            factor = p.rate_factor * p.saving_factor if planning else p.rate_factor
            base = inc if (active & (months == 1)) else avg
            amount = styled_amount_fen(
                style,
                people.deposit_share[i],
                base,
                months,
                factor,
                fund.floor_fen,
                fund.cap_fen,
                p.minimum_fen,
                p.lump_months,
            )
            deposits = decide & (u_deposit < prob)
            deposit_fen = amount if deposits else 0
            kinds |= QUARTERLY if (deposits & quarterly) else 0
            if not member:
                break
            # rent and commercial-mortgage repayments (withdrawing.py)
            renting = people.tenure[i] == RENTING
            if rent_month:
                if people.rent_user[i] and renting:
                    rent_fen = rent_request_fen(people.rent[i], fund.balance[i])
                if (
                    state.repayment_user[i]
                    and state.mortgage_fen[i] > 0
                    and month < state.mortgage_end[i]
                    and not fund.loan_outstanding[i]
                ):
                    repay_fen = repayment_request_fen(state.mortgage_fen[i], fund.balance[i])
            if fund.loan_outstanding[i]:
                break
            # buying (buying.py, financing.py): a planned purchase happens on its month
            if planning:
                if month >= plan_month[i]:
                    kinds |= BUY
                    plan_month[i] = -1
                break
            # exit (withdrawing.py). Both hazards are small: a cheap upper bound on the chance
            # skips the exact computation whenever the draw is above it (the same decision).
            u_exit, u_buy = uniform_pair_of(move_bits[e - lo])
            if u_exit < p.exit_bound[c] and u_exit < exit_probability(
                p.exit_log_h[c], loss, p.exit_loss, p.exit_aged, fund.aged[i] / 100.0
            ):
                kinds |= EXIT
                break
            rate = p.buy_intending if people.intends_to_buy[i] else p.buy_other
            renter = p.renter_multiplier if renting else 1.0
            bound = 1.0
            if p.buy_bounded:  # income and balance elasticities <= 1
                bound = rate * renter * max(1.0, avg / p.mean_income[c])
                bound *= (1.0 + fund.balance[i] / 1e6) / 12.0
            if u_buy < bound:
                age = (month - people.birth_month[i]) / 12.0
                ratio = math.log(np.float32(avg)) - p.log_mean_income[c]
                prob = purchase_probability(
                    rate,
                    age,
                    p.age_peak,
                    p.age_width,
                    ratio,
                    p.buy_income,
                    renter,
                    fund.balance[i] / 100.0,
                    p.buy_balance,
                )
                if u_buy < prob:
                    if p.saving_months > 0:
                        plan_month[i] = month + p.saving_months  # saving up starts next month
                    else:
                        kinds |= BUY
        # written without a branch: entry ``k`` is kept only if it holds a request
        rows[k] = row
        kinds_out[k] = kinds
        deposit_out[k] = deposit_fen
        rent_out[k] = rent_fen
        repay_out[k] = repay_fen
        k += (kinds != 0) | (deposit_fen != 0) | (rent_fen != 0) | (repay_fen != 0)
    return k - lo
