"""Review of issue 26's session-3 speed work: failing tests for the bugs found (one line of
why each). Small sizes, one thread."""

from __future__ import annotations

import pytest

from sim.core.errors import InputError


def _book_with(tmp_path, column: str, values: list[str]):
    from tests.test_book_check import ACCOUNTS, write_book

    lines = ACCOUNTS.splitlines()
    text = "\n".join(f"{line},{v}" for line, v in zip(lines, [column, *values], strict=True))
    folder = write_book(tmp_path / "book")
    (folder / "accounts.csv").write_text(text + "\n")
    return folder


def test_W1_a_books_rent_withdrawn_past_the_int32_bound_is_refused_not_wrapped(tmp_path):
    """A book's ``rent_withdrawn`` goes into int32 ``rent_this_year`` unchecked: 30,000,000
    yuan (3,000,000,000 fen > 2^31 - 1) loads as 3e9 - 2^32 = -1,294,967,296 fen, a negative
    year's rent that gives the member more W1 room, silently (sim/book/load.py:148)."""
    from sim.book.check import read_book

    folder = _book_with(tmp_path, "rent_withdrawn", ["30000000.00", "0.00", "0.00"])
    with pytest.raises(InputError) as err:
        read_book(folder)
    assert "rent_withdrawn" in str(err.value)


def test_X6_a_fund_years_rent_past_the_int32_bound_is_refused_not_wrapped():
    """Under X6's ``deposit_share`` basis nothing bounds the fund year's rent (int32
    ``rent_this_year``): the month's rent is at most the month's deposits, and an exit
    resets the account's deposits (L2) but not the year's rent. Suzhou's uncapped design
    (X5), share 1: 12,000,000 yuan deposited and withdrawn for rent, an exit, a reopening,
    the same again: the year's rent is 2 x 1,200,000,000 = 2,400,000,000 fen > 2^31 - 1 and
    the kernel (sim/fund/withdrawals.py:221, ``rent_this_year[i] += a``) wraps it to
    2,400,000,000 - 2^32 = -1,894,967,296 fen, silently."""

    from sim.core.months import parse_month
    from sim.fund.ledger import Ledger
    from sim.fund.policy import load_policy
    from sim.fund.ring import BalanceOutOfRange

    policy = load_policy("suzhou-2025").with_overrides(
        {"withdrawal.rent_limit_basis": "deposit_share", "withdrawal.rent_deposit_share": 1.0},
        origin="test",
    )
    ledger = Ledger(1, policy, parse_month("2025-01"))
    ledger.begin_month()
    with pytest.raises(BalanceOutOfRange):
        _rent_twice_in_one_year(ledger)


def _rent_twice_in_one_year(ledger) -> None:
    import numpy as np

    one, fen = np.array([0]), np.array([1_200_000_000])
    for _ in range(2):
        assert ledger.open(one).tolist() == [0]
        assert ledger.deposit(one, fen).tolist() == [0]
        assert ledger.withdraw(one, fen, "rent").tolist() == [0]
        assert ledger.close(one, "exit").tolist() == [0]
        ledger.end_month()
        ledger.begin_month()
        assert ledger.acc.rent_this_year[0] >= 0, "wrapped"


def test_F1_rows_of_refuses_a_row_past_the_end_as_an_arange_does():
    """``rows_of`` promises ``np.arange(n)[who]``, which raises IndexError for row ``n``; its
    int64 shortcut (sim/fund/indices.py:25) checks only ``min() >= 0``, so row 7 of 7 people
    passes, and ``interest.credit_interest`` (numba, no bounds checks) then reads and writes
    past the end of the balance and accrual arrays instead of refusing."""
    import numpy as np

    from sim.fund.indices import rows_of

    with pytest.raises(IndexError):
        np.arange(7)[np.array([7])]
    with pytest.raises(IndexError):
        rows_of(7, np.array([7]))
