"""The month end counts what the monthly record reads, in its own pass over the accounts.

Open accounts by reporting group (the cohort), accounts at the lifetime cap
after the month's credit (S2) and accounts ever opened come with the books of
every month end, from the one-pass kernel (``lifo``) and from the step-by-step
path (``fifo``, a ``settlement_snapshot`` settlement) alike, and equal the
numpy formulas the record used before.
"""

import numpy as np
import pytest

from sim.core.months import parse_month
from sim.fund.books import MonthBooks
from sim.fund.ledger import Ledger
from sim.fund.month_end_steps import count_accounts
from sim.fund.policy import load_policy

from .test_month_end import _requests

PATHS = {  # ageing, accrual: which month-end path runs
    "one pass": ("lifo", "monthly_average"),
    "steps (fifo)": ("fifo", "monthly_average"),
    "steps at a snapshot settlement": ("lifo", "settlement_snapshot"),
}


def _policy(ageing, accrual, **more):
    return load_policy("lyg-2023").with_overrides(
        {"subsidy.ageing": ageing, "subsidy.accrual": accrual, **more}, origin="test"
    )


def _numpy_counts(ledger, group, groups):
    acc = ledger.acc
    cap = round(ledger.policy["subsidy.lifetime_cap"] * 100)
    return (
        tuple(int(x) for x in np.bincount(group[acc.is_open], minlength=groups)),
        int((acc.subsidy_total >= cap).sum()),
        int(acc.ever_opened.sum()),
    )


@pytest.mark.parametrize("path", ["one pass", "steps (fifo)"])
def test_S2_members_at_cap_counted_at_month_end(path):
    """Cap 10,000 yuan = 1,000,000 fen. Account 0 has 999,900 fen of subsidies and 250 fen
    accrued: the June settlement pays it the 100 fen of room left, so it reaches the cap
    then; account 1 is at the cap already, account 2 (500,000) is not. May: 1, June: 2."""
    ledger = Ledger(3, _policy(*PATHS[path]), parse_month("2024-05"))
    ledger.begin_month()
    ledger.open(np.arange(3))
    ledger.acc.subsidy_total[:] = [999_900, 1_000_000, 500_000]
    assert ledger.end_month().at_lifetime_cap == 1
    ledger.begin_month()
    ledger.acc.subsidy_accrued[0] = 250.0
    books = ledger.end_month()
    assert books.subsidy_credited == 100
    assert ledger.acc.subsidy_total.tolist() == [1_000_000, 1_000_000, 500_000]
    assert books.at_lifetime_cap == 2


@pytest.mark.parametrize("path", PATHS)
def test_open_accounts_are_counted_by_group_and_ever_opened_keeps_the_closed(path):
    """Groups [0, 1, 1, 2, 0]; all five open in January, account 1 exits in February:
    open by group (2, 1, 1), four open, five ever opened."""
    group = np.array([0, 1, 1, 2, 0], np.int8)
    ledger = Ledger(5, _policy(*PATHS[path]), parse_month("2024-01"), group=group, groups=3)
    ledger.begin_month()
    ledger.open(np.arange(5))
    january = ledger.end_month()
    assert (january.open_by_group, january.open_accounts, january.ever_opened) == ((2, 2, 1), 5, 5)
    ledger.begin_month()
    assert ledger.close([1], "exit").tolist() == [0]
    february = ledger.end_month()
    assert (february.open_by_group, february.open_accounts) == ((2, 1, 1), 4)
    assert february.ever_opened == 5


def test_without_groups_every_account_is_in_group_zero():
    ledger = Ledger(4, load_policy("lyg-2023"), parse_month("2024-01"))
    ledger.begin_month()
    ledger.open([0, 2, 3])
    assert ledger.end_month().open_by_group == (3,)


@pytest.mark.parametrize("path", PATHS)
def test_month_end_counts_equal_the_numpy_formulas_on_random_histories(path):
    """40,000 accounts (three chunks of the kernel), 14 months through a 30 June settlement,
    a low cap (40 yuan) so that accounts reach it; every month the books' counts equal the
    record's numpy formulas, and the step-by-step counting agrees with the books."""
    n, groups = 40_000, 5
    rng = np.random.default_rng(11)
    group = rng.integers(0, groups, n).astype(np.int8)
    policy = _policy(*PATHS[path], **{"subsidy.lifetime_cap": 40.0, "subsidy.holding_rate": 0.05})
    ledger = Ledger(n, policy, parse_month("2024-01"), group=group, groups=groups)
    at_cap = []
    for _ in range(18):
        ledger.begin_month()
        _requests(ledger, rng, n)
        books = ledger.end_month()
        assert (books.open_by_group, books.at_lifetime_cap, books.ever_opened) == _numpy_counts(
            ledger, group, groups
        )
        again = MonthBooks(books.month, 0)
        count_accounts(ledger.acc, ledger.policy, ledger.group, ledger.groups, again)
        assert (again.open_by_group, again.at_lifetime_cap, again.ever_opened) == (
            books.open_by_group, books.at_lifetime_cap, books.ever_opened,
        )  # fmt: skip
        at_cap.append(books.at_lifetime_cap)
    assert at_cap[-1] > 0  # the cap was reached: the count is exercised


@pytest.mark.parametrize(
    ("group", "groups", "message"),
    [
        (np.zeros(3, np.int8), 1, "group must be 4 integer codes"),
        (np.zeros(4), 1, "group must be 4 integer codes"),
        (np.array([0, 1, 2, 3]), 3, r"group codes must be in 0\.\.2, got 0\.\.3"),
        (np.array([0, -1, 0, 0]), 2, r"group codes must be in 0\.\.1, got -1\.\.0"),
        (np.zeros(4, np.int8), 0, "groups must be a whole number >= 1"),
    ],
)
def test_reporting_groups_out_of_range_are_refused(group, groups, message):
    with pytest.raises(ValueError, match=message):
        Ledger(4, load_policy("lyg-2023"), parse_month("2024-01"), group=group, groups=groups)
