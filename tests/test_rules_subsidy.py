"""The holding subsidy, its cap and its stops, and the opening bonus (S1–S7, S1-i, S1-ii, S6-i).

The running example: one deposit of 5,000 yuan in January 2024, nothing else.
Interest (1.5%/yr on opening balances) credited on 30 June 2024 is 5 months ×
5,000 × 0.125% = 31.25, so the month-end balance from June 2024 is 5,031.25.
The January deposit has been stored a full year from February 2025 on.
"""

import numpy as np
import pytest

from sim.core.months import parse_month
from sim.fund import ageing, subsidy
from sim.fund.bonus import education_code, opening_bonus_fen
from sim.fund.policy import load_policy
from tests.helpers import ONE, make_ledger, open_and_deposit, run_to, yuan


def test_S1_subsidy_is_paid_only_on_money_stored_a_full_year():
    ledger = make_ledger("lyg-2023")
    books = run_to(ledger, "2026-06", {"2024-01": open_and_deposit(yuan(5000))})
    # 2025-06: aged 5,000 in Feb..Jun 2025 → 5,000 × 1% × 5/12 = 20.833 → 20.83
    assert books["2025-06"].subsidy_credited == yuan(20.83)
    # 2026-06: aged = month-end June 2024 = 5,031.25 all 12 months → 50.3125 → 50.31
    assert books["2026-06"].subsidy_credited == yuan(50.31)
    assert sum(b.subsidy_credited for b in books.values()) == yuan(20.83 + 50.31)


def test_S1_nothing_is_paid_outside_the_settlement_month():
    books = run_to(make_ledger("lyg-2023"), "2025-12", {"2024-01": open_and_deposit(yuan(5000))})
    paid = {k: b.subsidy_credited for k, b in books.items() if b.subsidy_credited}
    assert list(paid) == ["2025-06"]


def test_S1_holding_rate_is_the_committees_lever():
    ledger = make_ledger("lyg-2023", overrides={"subsidy.holding_rate": 0.015})
    books = run_to(ledger, "2026-06", {"2024-01": open_and_deposit(yuan(5000))})
    # 5,031.25 × 1.5% = 75.46875 → 75.47
    assert books["2026-06"].subsidy_credited == yuan(75.47)


def test_S1_i_lifo_aged_part_is_the_smallest_balance_and_fifo_takes_oldest_first():
    ledger = make_ledger("lyg-2023", overrides={"subsidy.ageing": "fifo"})
    deposit = open_and_deposit(yuan(5000))
    second = lambda led: led.deposit(ONE, yuan(5000))  # noqa: E731
    purchase = lambda led: led.withdraw(ONE, yuan(3000), "purchase")  # noqa: E731
    run_to(ledger, "2025-02", {"2024-01": deposit, "2024-02": second, "2025-01": purchase})
    m = parse_month("2025-03")
    # window: month-ends 2024-02 … 2025-02. June 2024 interest: (5,000 + 4 × 10,000) ×
    # 0.125% = 56.25; after the 3,000 withdrawal the balance is 7,056.25.
    # lifo: the withdrawal took the 56.25 of interest first → aged 7,056.25.
    # fifo: it took the oldest money → 10,000 − 3,000 = 7,000.00.
    assert ageing.aged_part(ledger.acc, m, "lifo")[0] == yuan(7056.25)
    assert ageing.aged_part(ledger.acc, m, "fifo")[0] == yuan(7000.00)


def test_S1_ii_settlement_snapshot_pays_the_full_rate_on_the_aged_part_at_30_june():
    ledger = make_ledger("lyg-2023", overrides={"subsidy.accrual": "settlement_snapshot"})
    books = run_to(ledger, "2025-06", {"2024-01": open_and_deposit(yuan(5000))})
    # on 30 June 2025 the money there since 30 June 2024 is 5,031.25 → × 1% = 50.31
    assert books["2025-06"].subsidy_credited == yuan(50.31)


def test_S2_lifetime_cap_cuts_the_payment_to_the_room_left():
    ledger = make_ledger("lyg-2023", start="2024-06", overrides={"subsidy.holding_rate": 0.015})

    def transfer(led):
        led.open(ONE)
        led.transfer_in(ONE, yuan(800_000))

    books = run_to(ledger, "2027-06", {"2024-06": transfer})
    # aged 800,000 for Jul 2025 … Jun 2026: 800,000 × 1.5% = 12,000 > cap 10,000
    assert books["2025-06"].subsidy_credited == 0
    assert books["2026-06"].subsidy_credited == yuan(10_000)
    assert books["2027-06"].subsidy_credited == 0
    assert ledger.acc.subsidy_total[0] == yuan(10_000)


def test_S2_draft_cap_counts_the_opening_bonus():
    ledger = make_ledger("lyg-draft", start="2024-06", overrides={"subsidy.holding_rate": 0.015})

    def join(led):
        led.open(ONE, education=education_code("bachelor"))
        led.deposit(ONE, yuan(1000))
        led.transfer_in(ONE, yuan(800_000))

    books = run_to(ledger, "2026-06", {"2024-06": join})
    assert books["2024-06"].bonus_credited == yuan(400)
    assert books["2026-06"].subsidy_credited == yuan(10_000 - 400)
    assert ledger.acc.subsidy_total[0] == yuan(10_000)


def test_S3_loan_disbursement_ends_accrual_but_what_accrued_is_still_paid():
    ledger = make_ledger("lyg-2023")
    loan = lambda led: led.disburse_loan(ONE)  # noqa: E731
    books = run_to(ledger, "2026-06", {"2024-01": open_and_deposit(yuan(5000)), "2025-04": loan})
    # accrual in Feb and Mar 2025 only: 5,000 × 1% × 2/12 = 8.333 → 8.33; none after
    assert books["2025-06"].subsidy_credited == yuan(8.33)
    assert books["2026-06"].subsidy_credited == 0
    assert books["2026-06"].interest_credited > 0, "interest continues; only subsidy stops"


def test_S4_exit_forfeits_accrued_and_all_future_subsidy():
    ledger = make_ledger("lyg-2023")
    exit_ = lambda led: led.close(ONE, "exit")  # noqa: E731

    def rejoin(led):
        led.open(ONE)
        led.deposit(ONE, yuan(5000))

    books = run_to(
        ledger,
        "2027-06",
        {"2024-01": open_and_deposit(yuan(5000)), "2025-05": exit_, "2025-07": rejoin},
    )
    # exit in May 2025: interest accrued Jul 2024 … Apr 2025 = 10 × 5,031.25 × 0.125%
    # = 62.89; payout 5,031.25 + 62.89 = 5,094.14; the 12.50 of subsidy accrued
    # Feb … Apr 2025 is forfeited.
    assert books["2025-05"].interest_credited == yuan(62.89)
    assert books["2025-05"].withdrawals == {"exit": yuan(5094.14)}
    assert books["2025-06"].subsidy_credited == 0
    assert books["2027-06"].subsidy_credited == 0, "the re-joiner's aged money earns nothing"
    assert ledger.acc.forfeited[0]


def test_S5_draft_rate_is_1_2_percent_paid_after_interest_at_settlement():
    ledger = make_ledger("lyg-draft")
    books = run_to(ledger, "2025-06", {"2024-01": open_and_deposit(yuan(5000))})
    # 5,000 deposit + 200 opening bonus, aged Feb..Jun 2025: 5,200 × 1.2% × 5/12 = 26.00
    assert books["2025-06"].subsidy_credited == yuan(26.00)
    assert load_policy("lyg-draft")["subsidy.holding_rate"] == pytest.approx(0.012)


@pytest.mark.parametrize(
    ("children", "education", "stacking", "expected"),
    [
        (0, "none", "max", 200),
        (1, "college", "max", 200),
        (2, "none", "max", 300),
        (3, "college", "max", 300),
        (2, "bachelor", "max", 400),
        (2, "bachelor", "sum", 500),
        (0, "master", "sum", 400),
    ],
)
def test_S6_opening_bonus_by_family_and_stacking(children, education, stacking, expected):
    policy = load_policy("lyg-draft").with_overrides(
        {"subsidy.bonus_stacking": stacking}, origin="test"
    )
    got = opening_bonus_fen(
        policy, parse_month("2024-03"), np.array([children]), np.array([education_code(education)])
    )
    assert got[0] == yuan(expected)


def test_S6_bonus_is_paid_with_the_first_deposit_of_a_first_account_only():
    ledger = make_ledger("lyg-draft")
    exit_ = lambda led: led.close(ONE, "exit")  # noqa: E731

    def rejoin(led):
        led.open(ONE, children=2)
        led.deposit(ONE, yuan(500))

    books = run_to(
        ledger,
        "2024-05",
        {"2024-01": open_and_deposit(yuan(500), children=2), "2024-03": exit_, "2024-05": rejoin},
    )
    assert books["2024-01"].bonus_credited == yuan(300)
    assert books["2024-05"].bonus_credited == 0
    assert load_policy("lyg-2023")["subsidy.opening_bonus"] == 0


def test_S7_talent_bonus_is_400_for_a_bachelor_or_higher():
    policy = load_policy("lyg-draft")
    levels = np.array([education_code(e) for e in ("college", "bachelor", "doctor")])
    got = opening_bonus_fen(policy, parse_month("2024-03"), np.zeros(3), levels)
    assert list(got) == [yuan(200), yuan(400), yuan(400)]
    ledger = make_ledger("lyg-draft")
    books = run_to(ledger, "2024-01", {"2024-01": open_and_deposit(yuan(300), education=levels[1])})
    assert books["2024-01"].bonus_credited == yuan(400)
    assert ledger.acc.balance[0] == yuan(700)  # the 300 deposit (above D2's 226 floor) + 400


# The scalar rules the one-pass month end inlines and the array functions loop over
# (sim/fund/subsidy.py); every caller asks these, so each is tested on its own here.
CAP = 1_000_000  # 10,000 yuan in fen (S2)


def test_S1_ii_a_months_subsidy_is_the_aged_part_times_the_rate_over_12():
    monthly = subsidy.monthly_rate(load_policy("lyg-2023"), parse_month("2025-03"))
    assert monthly == 0.01 / 12
    # 5,000 yuan aged = 500,000 fen × 1%/12 = 416.667 fen a month; Feb..Jun 2025 is five
    # months: 2,083.333 fen → 2,083 fen = 20.83 yuan, test_S1's 2025-06 payment
    accrued = 0.0
    for _ in range(5):
        accrued = subsidy.accrue(accrued, 500_000, monthly)
    assert accrued == pytest.approx(2083.333, abs=1e-3)
    assert subsidy.settle_capped(accrued, False, 0, CAP) == 2083


def test_S1_S3_S4_eligible_at_is_the_one_predicate_and_stop_code_says_why_not():
    month = parse_month("2025-03")

    def ask(is_open, forfeited, loan, stops_at_loan=True):
        code = subsidy.stop_code(forfeited, loan, 0, month, stops_at_loan, 0)
        ok = subsidy.eligible_at(is_open, forfeited, loan, 0, month, stops_at_loan, 0)
        return ok, subsidy.STOP_RULES[code]

    assert ask(True, False, False) == (True, "")  # open, never exited, no loan: accrues
    assert ask(False, False, False) == (False, "")  # a closed account holds nothing (S1)
    assert ask(True, True, False) == (False, "S4")  # exited once: never again
    assert ask(True, False, True) == (False, "S3")  # a fund loan was disbursed
    assert ask(True, False, True, stops_at_loan=False) == (True, "")  # S3 switched off
    assert ask(True, True, True) == (False, "S4")  # both: the exit is named first
    acc = make_ledger("lyg-2023", n=4).acc  # the array form asks the same predicate
    acc.is_open[:] = [True, False, True, True]
    acc.forfeited[2], acc.loan_disbursed[3] = True, True
    assert subsidy.eligible(acc, load_policy("lyg-2023"), month).tolist() == [
        True, False, False, False
    ]  # fmt: skip


def test_S2_capped_cuts_a_payment_to_the_room_left_never_below_zero():
    # 9,990 yuan paid so far: 10 yuan = 1,000 fen of room
    assert subsidy.capped(1_500, 999_000, CAP) == 1_000
    assert subsidy.capped(500, 999_000, CAP) == 500
    # already above the cap (a bonus paid outside it, S2 under lyg-2023): nothing, not less
    assert subsidy.capped(500, 1_000_100, CAP) == 0
    assert subsidy.reached_cap(1_000_000, CAP)
    assert not subsidy.reached_cap(999_999, CAP)
    totals = np.array([999_999, 1_000_000, 1_000_100], np.int32)
    assert subsidy.reached_cap(totals, CAP).tolist() == [False, True, True]


def test_S2_S4_S5_settle_capped_rounds_once_pays_nothing_after_an_exit_and_cuts_to_the_cap():
    assert subsidy.settle_capped(2083.5, False, 0, CAP) == 2084  # a half fen goes up, once
    assert subsidy.settle_capped(2083.49, False, 0, CAP) == 2083
    assert subsidy.settle_capped(2083.5, True, 0, CAP) == 0  # S4: forfeited at the exit
    assert subsidy.settle_capped(2083.5, False, 999_900, CAP) == 100  # S2: 1 yuan of room
