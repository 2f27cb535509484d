"""Who may join, one account each, transfers in and veterans (E1–E5, with L1)."""

import numpy as np
import pytest

from sim.core.months import parse_month
from sim.fund import ageing
from sim.fund.eligibility import loan_deposit_months, may_join, meets_deposit_history
from sim.fund.policy import load_policy
from sim.fund.refusals import Refusal
from tests.helpers import ONE, make_ledger, open_and_deposit, run_to, yuan

PEOPLE = {  # six people, each failing (or passing) one condition
    "age": np.array([15, 30, 60, 30, 30, 30]),
    "retirement_age": np.array([60, 60, 60, 60, 60, 60]),
    "good_credit": np.array([True, True, True, False, True, True]),
    "in_employee_pension": np.array([False, False, False, False, True, False]),
    "hmt_or_foreign": np.array([False, False, False, False, False, True]),
}


def test_E1_joiners_are_16_to_retirement_age_and_outside_the_employee_pension():
    codes = may_join(load_policy("lyg-2023"), **PEOPLE)
    assert [Refusal(c) for c in codes] == [
        Refusal.TOO_YOUNG,
        Refusal.OK,
        Refusal.RETIRED,
        Refusal.OK,  # bad credit does not matter under lyg-2023
        Refusal.IN_EMPLOYEE_PENSION,
        Refusal.RESIDENCY,
    ]


def test_E2_draft_requires_good_credit_and_admits_hmt_and_foreign_residents():
    codes = may_join(load_policy("lyg-draft"), **PEOPLE)
    assert [Refusal(c) for c in codes] == [
        Refusal.TOO_YOUNG,
        Refusal.OK,
        Refusal.RETIRED,
        Refusal.BAD_CREDIT,
        Refusal.IN_EMPLOYEE_PENSION,
        Refusal.OK,
    ]


def test_E3_one_account_per_person():
    ledger = make_ledger("lyg-2023", n=3)
    ledger.begin_month()
    assert list(ledger.open(np.array([0, 2]))) == [0, 0]
    assert [Refusal(c) for c in ledger.open(np.array([1, 2]))] == [
        Refusal.OK,
        Refusal.ALREADY_OPEN,
    ]
    books = ledger.end_month()
    assert books.opened == 3
    assert books.refused == {"already_open": 1}


def test_E3_a_person_cannot_appear_twice_in_one_batch():
    ledger = make_ledger("lyg-2023", n=3)
    ledger.begin_month()
    ledger.open(np.array([0, 1]))
    with pytest.raises(ValueError, match="twice"):
        ledger.deposit(np.array([1, 1]), yuan(500))


def test_E4_transferred_money_ages_from_the_transfer_month():
    ledger = make_ledger("lyg-2023", start="2024-03")

    def transfer(led):
        led.open(ONE)
        led.transfer_in(ONE, yuan(5000))

    books = run_to(ledger, "2025-02", {"2024-03": transfer})
    assert books["2024-03"].transfers_in == yuan(5000)
    # March 2025 reads month-ends Feb 2024 … Feb 2025: the money was not there in Feb 2024
    assert ageing.aged_part(ledger.acc, parse_month("2025-03"), "lifo")[0] == 0
    run_to(ledger, "2025-03")
    ledger.begin_month()  # April 2025: stored a full year (March 2024 … March 2025)
    assert ledger.aged()[0] == yuan(5000)


def test_E5_veterans_service_months_count_toward_the_loan_condition_under_the_draft():
    for policy, eligible in (("lyg-2023", False), ("lyg-draft", True)):
        ledger = make_ledger(policy)

        def veteran(led):
            open_and_deposit(yuan(500))(led)
            led.transfer_in(ONE, yuan(20_000), service_months=48)

        run_to(
            ledger, "2024-02", {"2024-01": veteran, "2024-02": lambda led: led.deposit(ONE, 50000)}
        )
        assert ledger.acc.deposit_months[0] == 2
        assert (
            meets_deposit_history(ledger.acc, ledger.policy, parse_month("2024-02"))[0] == eligible
        ), policy


def test_L1_six_months_of_deposits_in_total_not_consecutive():
    ledger = make_ledger("lyg-2023")
    months = ["2024-01", "2024-03", "2024-04", "2024-07", "2024-09"]
    acts = {m: (lambda led: led.deposit(ONE, yuan(200))) for m in months}
    acts["2024-01"] = open_and_deposit(yuan(200))
    run_to(ledger, "2024-09", acts)
    assert loan_deposit_months(ledger.acc, ledger.policy, parse_month("2024-09"))[0] == 5
    assert not meets_deposit_history(ledger.acc, ledger.policy, parse_month("2024-09"))[0]
    run_to(ledger, "2024-12", {"2024-12": lambda led: led.deposit(ONE, yuan(200))})
    assert meets_deposit_history(ledger.acc, ledger.policy, parse_month("2024-12"))[0]


def test_L1_prepaid_months_count_as_they_elapse():
    # Under the draft two quarterly deposits in March 2024 cover March-May (the month's
    # cap is 3 × 5,000 = 15,000): they count 1 in March, 2 in April, 3 from May on.
    ledger = make_ledger("lyg-draft", start="2024-03")

    def prepay(led):
        led.open(ONE)
        led.deposit(ONE, yuan(1500), 3)
        led.deposit(ONE, yuan(1500), 3)

    run_to(ledger, "2024-03", {"2024-03": prepay})
    expected = {"2024-03": 1, "2024-04": 2, "2024-05": 3, "2024-09": 3}
    for month, count in expected.items():
        assert loan_deposit_months(ledger.acc, ledger.policy, parse_month(month))[0] == count


def test_L1_six_quarters_paid_ahead_do_not_qualify_before_six_months_have_passed():
    # Quarterly deposits in March and April 2024 cover March-June; one in June covers to
    # August: six months covered by June, but only in August have six elapsed.
    ledger = make_ledger("lyg-draft", start="2024-03")
    quarterly = lambda led: led.deposit(ONE, yuan(900), 3)  # noqa: E731
    acts = {"2024-03": [lambda led: led.open(ONE), quarterly], "2024-04": quarterly,
            "2024-06": quarterly}  # fmt: skip
    run_to(ledger, "2024-06", acts)
    assert ledger.acc.deposit_months[0] == 6
    assert ledger.acc.covered_through[0] == parse_month("2024-08")
    for month, count in {"2024-06": 4, "2024-07": 5, "2024-08": 6}.items():
        m = parse_month(month)
        assert loan_deposit_months(ledger.acc, ledger.policy, m)[0] == count, month
        assert meets_deposit_history(ledger.acc, ledger.policy, m)[0] == (count >= 6), month
