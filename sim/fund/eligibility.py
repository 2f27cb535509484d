"""Who may join (E1, E2) and who has deposited long enough to borrow (L1, E5).

E1 (``lyg-2023``): flexibly employed in the city, not in the employee pension
scheme, aged 16 to statutory retirement age. E2 (``lyg-draft``) adds good
credit and admits residents of Hong Kong, Macao, Taiwan and foreigners with
permanent residence. Full civil capacity is assumed of every simulated person.

L1: a fund loan needs at least 6 months of deposits in total, counted as the
months the accepted deposits cover **once those months have come**: a
quarterly deposit counts 1 in the month it is made, 2 the month after and 3
the month after that, so six months paid in advance in one month do not
qualify at once. Under ``lyg-draft`` a veteran's months of deposit during
service count too (E5).

X3 (Shenzhen, docs/rules.md): ``loan.min_consecutive_months`` > 0 also asks for
that many months of unbroken deposits up to the application, counted the same
way (months paid ahead count once they have come); a month with no deposit
covering it breaks the run.
"""

from __future__ import annotations

import numpy as np

from sim.fund.accounts import Accounts
from sim.fund.policy import Policy
from sim.fund.refusals import Refusal, first_refusal


def may_join(
    policy: Policy,
    *,
    age: np.ndarray,
    retirement_age: np.ndarray,
    good_credit: np.ndarray,
    in_employee_pension: np.ndarray,
    hmt_or_foreign: np.ndarray,
) -> np.ndarray:
    """Refusal codes for people asking to join (E1, E2); ages in whole years."""
    bad_credit = ~np.asarray(good_credit) & policy["eligibility.requires_good_credit"]
    pension = np.asarray(in_employee_pension) & policy["eligibility.excludes_employee_pension"]
    admits = policy["eligibility.admits_hmt_and_foreign_residents"]
    residency = np.asarray(hmt_or_foreign) & (not admits)
    return first_refusal(
        (np.asarray(age) < policy["eligibility.min_age"], Refusal.TOO_YOUNG),
        (np.asarray(age) >= np.asarray(retirement_age), Refusal.RETIRED),
        (bad_credit, Refusal.BAD_CREDIT),
        (pension, Refusal.IN_EMPLOYEE_PENSION),
        (residency, Refusal.RESIDENCY),
    )


def loan_deposit_months(acc: Accounts, policy: Policy, month: int, who=slice(None)) -> np.ndarray:
    """Months that count toward the loan condition in ``month`` (L1, with E5's service
    months): the months deposits cover, less those still to come; for ``who`` (everyone by
    default), so a month's few buyers cost no pass over every account."""
    ahead = np.maximum(acc.covered_through[who] - month, 0)
    months = acc.deposit_months[who] - ahead
    if policy["loan.counts_veteran_service"]:
        months = months + acc.service_months[who]
    return months


def meets_deposit_history(acc: Accounts, policy: Policy, month: int) -> np.ndarray:
    """True where the deposit history allows a fund loan application in ``month`` (L1)."""
    return loan_deposit_months(acc, policy, month) >= policy["loan.min_deposit_months"]


def consecutive_deposit_months(acc: Accounts, month: int, who=slice(None)) -> np.ndarray:
    """Months of the unbroken run of covered months that has come by ``month`` (X3): 0 when
    the last month before ``month`` is not covered (the run is broken)."""
    through = acc.covered_through[who]
    run = np.minimum(through, month) - acc.run_start[who] + 1
    return np.where(through >= month - 1, np.maximum(run, 0), 0)
