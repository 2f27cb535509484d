"""The people-side counts of the monthly record, in one pass: the numpy formulas' values."""

import numpy as np
import pytest

from sim.agents.account_states import count_states


def _numpy(is_open, loan_disbursed, dormant, housing_user):
    return (
        int((is_open & ~dormant).sum()),
        int((is_open & dormant).sum()),
        int((housing_user | loan_disbursed).sum()),
    )


def test_account_states_are_counted_by_hand():
    """Five people: open [1,1,1,0,0], dormant [0,1,0,1,0], a housing user [0,0,1,0,0],
    a fund loan [0,0,0,0,1]: active 2 (people 0 and 2), dormant 1 (person 1; person 3 is
    dormant but closed), housing users 2 (person 2 by withdrawal, person 4 by loan)."""
    is_open = np.array([1, 1, 1, 0, 0], bool)
    dormant = np.array([0, 1, 0, 1, 0], bool)
    housing_user = np.array([0, 0, 1, 0, 0], bool)
    loan = np.array([0, 0, 0, 0, 1], bool)
    assert count_states(is_open, loan, dormant, housing_user) == (2, 1, 2)


@pytest.mark.parametrize("n", [0, 1, 16_383, 16_384, 50_001])
def test_account_states_equal_the_numpy_formulas_on_random_flags(n):
    rng = np.random.default_rng(n)
    flags = [rng.random(n) < p for p in (0.6, 0.05, 0.3, 0.2)]
    assert count_states(*flags) == _numpy(*flags)


def test_account_states_refuse_flags_of_another_length_or_type():
    ok = np.zeros(4, bool)
    with pytest.raises(ValueError, match="dormant must be 4 bools"):
        count_states(ok, ok, np.zeros(3, bool), ok)
    with pytest.raises(ValueError, match="housing_user must be 4 bools"):
        count_states(ok, ok, ok, np.zeros(4, np.int8))
