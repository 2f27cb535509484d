"""A request batch names each person once, by a valid index; anything else is an error."""

import numpy as np
import pytest

from tests.helpers import make_ledger


@pytest.mark.parametrize(
    "who",
    [[3, 3], [1, 4, 2, 4], np.r_[np.arange(5000), 17], np.r_[np.arange(5000)[::-1], 4999]],
    ids=["pair", "unsorted", "long-sorted-then-repeat", "long-descending"],
)
def test_a_person_twice_in_one_batch_is_an_error(who):
    ledger = make_ledger(n=6000)
    ledger.begin_month()
    with pytest.raises(ValueError, match="appears twice"):
        ledger.open(np.asarray(who))
    assert not ledger.acc.is_open.any()
    assert ledger.open(np.arange(6000)[::-1]).tolist() == [0] * 6000  # the scratch is clean


@pytest.mark.parametrize("who", [[-1], [0, 6000], [5, 2, 7000]])
def test_a_person_index_out_of_range_is_an_error(who):
    ledger = make_ledger(n=6000)
    ledger.begin_month()
    with pytest.raises(IndexError, match=r"out of range 0\.\.5999"):
        ledger.open(np.asarray(who))


def test_a_boolean_mask_names_the_people_where_it_is_true():
    ledger = make_ledger(n=4)
    ledger.begin_month()
    ledger.open(np.array([True, False, True, False]))
    assert ledger.acc.is_open.tolist() == [True, False, True, False]


def _state(ledger):
    arrays = {k: v.copy() for k, v in vars(ledger.acc).items() if isinstance(v, np.ndarray)}
    return arrays, ledger.books.as_dict()


def test_an_empty_batch_changes_nothing_and_books_a_withdrawal_kind_at_zero():
    ledger = make_ledger(n=3)
    ledger.begin_month()
    ledger.open(np.array([0, 1]))
    ledger.deposit(np.array([0, 1]), np.array([50_000, 60_000]))
    arrays, books = _state(ledger)
    none, money = np.zeros(0, np.int64), np.zeros(0, np.int64)
    for codes in (
        ledger.open(none, children=none, education=none),
        ledger.deposit(none, money, none),
        ledger.withdraw(none, money, "rent"),
        ledger.withdraw(none, money, "repayment", money, mortgage=np.zeros(0, bool)),
        ledger.close(none, "exit"),
        ledger.close(none, "full"),
        ledger.transfer_in(none, money, service_months=none),
        ledger.disburse_loan(none),
    ):
        assert codes.dtype == np.int8
        assert codes.shape == (0,)
    after_arrays, after = _state(ledger)
    for name, values in arrays.items():
        np.testing.assert_array_equal(after_arrays[name], values, err_msg=name)
    assert after.pop("withdrawals") == {"rent": 0, "repayment": 0, "exit": 0, "full": 0}
    assert books.pop("withdrawals") == {}
    assert after == books
    assert ledger.end_month().closing_total == 110_000


def test_an_empty_batch_is_still_checked():
    ledger = make_ledger(n=3)
    none = np.zeros(0, np.int64)
    with pytest.raises(RuntimeError, match="no month is open"):
        ledger.open(none)
    with pytest.raises(RuntimeError, match="no month is open"):
        ledger.transfer_in(none, none)
    ledger.begin_month()
    with pytest.raises(TypeError, match="whole fen"):
        ledger.withdraw(none, np.zeros(0), "rent")
    with pytest.raises(ValueError, match="not a partial withdrawal"):
        ledger.withdraw(none, none, "exit")
    with pytest.raises(ValueError, match="close takes exit or full"):
        ledger.close(none, "rent")
