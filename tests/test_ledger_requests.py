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
