"""Who the book's people are, where the book is silent: imputed, conditioned on what it holds.

A fund's book holds accounts, not people: it knows a holder's birth month,
sex, deposit history and balance, and (optionally) children, education and
military service, but not their income, their plans or their home. The
simulation needs all of these, so for the book's rows (people ``0 … B-1``)
the population is first synthesised as for any run (the population file's
distributions, keyed by the seed and the person) and then conditioned on the
book:

- **facts the book holds** replace the synthetic ones: cohort (if given),
  sex, birth month, the statutory retirement month they imply (W4),
  children, education, veteran months; everyone in the book passed E1/E2, so
  they have good credit and are admitted residents.
- **income level** (deposit history and balance → income): a member deposits
  about their deposit share of their income, so the months they paid for say
  what they earn. The observed level is
  ``log(deposited / deposit_months / deposit_share)`` (``deposited``: the
  ``deposited_total`` column, else the balance less subsidy and bonus), and
  the imputed level mixes it with the synthetic draw by a credibility weight
  ``m / (m + 6)`` for ``m`` deposit months — a member with two years of
  deposits is known mostly from them, one with none keeps the population's
  draw — never more than three of the cohort's standard deviations from the
  cohort's mean. Rent follows the level as in synthesis.
- **home and intentions** (age and tenure → intentions): a borrower owns with
  a mortgage and intends nothing more (as after a purchase); a holder whose
  loan is repaid owns. The rest keep their synthetic tenure. The chance of
  intending to buy is the cohort's ``purchase_intention`` scaled by the
  buying model's age profile ``exp(-((age - age_peak) / age_width)^2)``
  relative to its mean over the book's holders (so the book's overall share
  stays the cohort's), halved for owners and capped at one; the draw is
  keyed by the seed (purpose ``book.intention``).

Their choices then start from the book (:func:`state_from_book`): a dormant
account is dormant, a deposit in the last three months is a habit.

Same book, same seed → the same people, hence the same projection.
"""

from __future__ import annotations

import numpy as np

from sim.agents import purposes
from sim.agents.config import COHORTS, MORTGAGE, OWNING, RENTING, AgentConfig
from sim.agents.population import Population
from sim.agents.retirement import retirement_month
from sim.book.check import Book
from sim.core.errors import InputError
from sim.core.random import Draws

CREDIBILITY_MONTHS = 6
"""Deposit months at which the book's history and the population's draw weigh the same."""


def people_from_book(
    book: Book, pop: Population, config: AgentConfig, *, seed: int, path: int, month: int
) -> None:
    """Overwrite rows ``0 … B-1`` of a synthesised ``pop`` with the book's people (in place)."""
    a, given, b = book.accounts, book.given, book.n
    names = [c.name for c in config.cohorts]
    if "cohort" in given:
        index = np.array([names.index(c) if c in names else -1 for c in COHORTS])
        cohort = index[a["cohort"]]
        if (cohort < 0).any():
            missing = COHORTS[int(a["cohort"][np.argmax(cohort < 0)])]
            raise InputError(config.path, "cohorts", f"no cohort {missing} (the book has one)")
        pop.cohort[:b] = cohort
    pop.female[:b] = a["sex"] == 0
    pop.birth_month[:b] = a["birth_month"]
    base = config.population.female_retirement_base
    pop.retirement_month[:b] = retirement_month(a["birth_month"], pop.female[:b], base)
    for name in ("children", "education", "veteran_months"):
        if name in given:
            getattr(pop, name)[:b] = a[name]
    pop.good_credit[:b] = True
    pop.hmt_or_foreign[:b] = False
    c = pop.cohort[:b]
    pop.income_level[:b] = imputed_level(
        book,
        pop.income_level[:b],
        pop.deposit_share[:b],
        config.cohort_array("income_mean")[c],
        config.cohort_array("income_sigma")[c],
    )
    pop.rent[:b] = config.withdrawing.rent_share_of_income * np.exp(pop.income_level[:b])
    borrower = np.zeros(b, bool)
    borrower[book.loans["row"]] = True
    pop.tenure[:b] = np.where(borrower, MORTGAGE, np.where(a["loan_taken"], OWNING, pop.tenure[:b]))
    age = (month - a["birth_month"]) / 12.0
    buying = config.buying
    profile = np.exp(-(((age - buying.age_peak) / buying.age_width) ** 2))
    p = config.cohort_array("purchase_intention")[c] * profile / max(profile.mean(), 1e-9)
    p = np.minimum(np.where(pop.tenure[:b] == RENTING, p, 0.5 * p), 1.0)
    u = Draws(seed, path, b).uniform(purposes.BOOK_INTENTION, month)
    pop.intends_to_buy[:b] = (u < p) & ~borrower


def imputed_level(book: Book, prior, share, income_mean, sigma) -> np.ndarray:
    """Log income level from deposit history and balance, shrunk to the prior (see module)."""
    a = book.accounts
    if "deposited_total" in book.given:
        deposited = a["deposited_total"]
    else:
        deposited = a["balance"] - a["subsidy_paid"] - a["bonus_paid"]
    m = a["deposit_months"].astype(float)
    per_month = np.maximum(deposited, 0) / 100.0 / np.maximum(m, 1.0)
    known = (m > 0) & (per_month > 0)
    observed = np.log(np.where(known, per_month, 1.0) / np.maximum(share, 1e-3))
    weight = np.where(known, m / (m + CREDIBILITY_MONTHS), 0.0)
    level = weight * observed + (1 - weight) * prior
    centre = np.log(income_mean) - sigma**2 / 2
    return np.clip(level, centre - 3 * sigma, centre + 3 * sigma).astype(np.float32)


def state_from_book(state, book: Book) -> None:
    """Account states from the book: dormant is dormant; a deposit in the last three months
    is a habit; the account's opening month paces a quarterly payer."""
    a, b, date = book.accounts, book.n, book.header.date
    is_open = a["status"] != 2
    state.dormant[:b] = a["status"] == 1
    state.deposited_last[:b] = is_open & (a["last_deposit_month"] >= date - 2)
    state.join_month[:b] = np.where(is_open, a["opened_month"], -1)
    state.housing_user[:b] |= a["loan_taken"]
