"""Interest on opening balances and the 30 June settlement (F1)."""

from sim.core.months import fund_year, parse_month
from sim.fund.policy import load_policy
from tests.helpers import make_ledger, open_and_deposit, run_to, yuan


def test_F1_interest_is_credited_once_a_year_on_30_june():
    books = run_to(make_ledger("lyg-2023"), "2025-06", {"2024-01": open_and_deposit(yuan(5000))})
    credited = {k: b.interest_credited for k, b in books.items() if b.interest_credited}
    # 2024-06: Feb..Jun opening balances 5 × 5,000 × 0.125% = 31.25
    # 2025-06: 12 × 5,031.25 × 0.125% = 75.46875 → 75.47
    assert credited == {"2024-06": yuan(31.25), "2025-06": yuan(75.47)}


def test_F1_money_deposited_in_a_month_earns_from_the_next():
    books = run_to(make_ledger("lyg-2023"), "2024-06", {"2024-06": open_and_deposit(yuan(5000))})
    assert books["2024-06"].interest_credited == 0


def test_F1_a_rate_change_applies_from_its_first_full_month():
    overrides = {"interest.deposit_rate": {"2016-02-21": 0.015, "2024-04-15": 0.012}}
    ledger = make_ledger("lyg-2023", overrides=overrides)
    books = run_to(ledger, "2024-06", {"2024-01": open_and_deposit(yuan(5000))})
    # Feb, Mar, Apr at 1.5%/12 (the change dated 15 April applies from May); May, Jun at 1.2%/12
    # 3 × 6.25 + 2 × 5.00 = 28.75
    assert books["2024-06"].interest_credited == yuan(28.75)


def test_F1_fund_year_runs_july_to_june():
    assert fund_year(parse_month("2023-07")) == 2023
    assert fund_year(parse_month("2024-06")) == 2023
    assert fund_year(parse_month("2024-07")) == 2024
    assert load_policy("lyg-2023")["interest.settlement_month"] == 6
