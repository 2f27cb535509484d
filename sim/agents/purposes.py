"""What every random draw is for: one purpose per decision, in one place.

A draw is keyed by ``(seed, path, purpose, month, person)`` (``sim.core.random``),
so the purpose string is part of the key: two decisions sharing a purpose would
see the same uniform for the same person and month and be correlated (test:
every purpose here is distinct). The strings are the keys themselves —
changing one changes every result that depends on it — so a new decision
takes a new constant here, never an edit of an old one.
"""

from __future__ import annotations

# Synthesis of the population (month 0 of the path; ``population.py``)
POP_COHORT = "pop.cohort"  # which cohort a person belongs to
POP_FEMALE = "pop.female"  # sex
POP_AGE = "pop.age"  # age at the start (quantile of the truncated normal)
POP_VETERAN = "pop.veteran"  # served in the army (E5)
POP_SERVICE = "pop.service"  # a veteran's months of deposits during service
POP_TENURE = "pop.tenure"  # renting, owning or owning with a mortgage
POP_LEVEL = "pop.level"  # persistent log income level
POP_SHARE = "pop.share"  # share of income they would deposit
POP_EDUCATION = "pop.education"  # education level
POP_CHILDREN = "pop.children"  # number of children
POP_CREDIT = "pop.credit"  # good credit (E2)
POP_INTENTION = "pop.intention"  # intends to buy a home
POP_RESIDENCY = "pop.residency"  # Hong Kong, Macao, Taiwan or foreign resident
POP_QUARTERLY = "pop.quarterly"  # would deposit quarterly
POP_RENT_USER = "pop.rent_user"  # would withdraw for rent
POP_DEPOSIT_STYLE = "pop.deposit_style"  # deposits a share of income, the minimum or lump sums

# A book's people (``sim.book.impute``)
BOOK_INTENTION = "book.intention"  # a book member's intention to buy

# Commercial mortgages at the start (``BehaviourState.start``)
REPAYMENT_USER = "repayment.user"  # would withdraw for a commercial mortgage (W1)
MORTGAGE_LEFT = "mortgage.left"  # months left on a mortgage held at the start

# Income (``income.py``)
INCOME_START_ACTIVE = "income.start_active"  # active or idle in the first month
INCOME_START_PERSISTENT = "income.start_persistent"  # the first persistent shock
INCOME_CHAIN = "income.chain"  # each month: the activity chain's step and both shocks (one hash)

# The month's choices (the behaviour kernel, ``choosing.py``): two uniforms from one hash each
LEAVE_JOIN = "choice.leave_join"  # death or emigration; opening an account
STAY_DEPOSIT = "choice.stay_deposit"  # a member stopping or restarting deposits; depositing
EXIT_BUY = "choice.exit_buy"  # closing the account and taking the balance; buying a home

# A purchase (``behaviour.py``)
BUY_PRICE = "buy.price"  # the home's price (log-normal)
BUY_GREEN = "buy.green"  # a first home that is green or an upgrade
