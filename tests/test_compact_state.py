"""Compact per-person state (issue 26, item 2): no whole-population temporaries where a
few accounts are touched, and narrowed types held to the bounds the rules give them."""

import numpy as np
import pytest

from sim.core.months import parse_month
from sim.fund import interest, subsidy
from sim.fund.indices import rows_of
from sim.fund.ledger import Ledger
from sim.fund.policy import load_policy


def test_rows_of_names_the_same_rows_as_an_arange_over_everyone():
    n = 7
    for who in (slice(None), slice(2, 6), slice(None, None, -2), np.array([5, 0, 3]),
                np.array([-1, 2]), np.array([], np.int64), np.arange(n) % 2 == 0):  # fmt: skip
        got = rows_of(n, who)
        assert got.dtype == np.int64
        assert got.tolist() == np.arange(n)[who].tolist()
    who = np.array([-1, 2])
    rows_of(n, who)
    assert who.tolist() == [-1, 2]  # the caller's indices are left alone
    with pytest.raises(IndexError):
        rows_of(n, np.array([-8]))


def test_F1_S2_crediting_a_few_accounts_makes_no_array_over_everyone(monkeypatch):
    ledger = Ledger(5, load_policy("lyg-2023"), parse_month("2024-01"))
    ledger.begin_month()
    acc = ledger.acc
    acc.interest_accrued[:] = [10.4, 20.5, 30.6, 0.0, 1.49]
    calls = []
    monkeypatch.setattr(np, "arange", lambda *a, **k: calls.append(a) or np.array([]))
    assert interest.credit_interest(acc, np.array([2, 0])).tolist() == [31, 10]  # fen_of
    paid = subsidy.pay_capped(acc, ledger.policy, np.array([1]), np.array([700]))
    monkeypatch.undo()
    assert calls == []
    assert paid.tolist() == [700]
    assert acc.balance.tolist() == [10, 700, 31, 0, 0]  # 10.4 → 10, 30.6 → 31; 700 paid


def _far_scenario(months: int):
    from sim.scenario.files import load_scenario

    return load_scenario(sets={"scenario.start": "2630-06", "horizon.months": months,
                               "policy.switch_on": "2631-07",
                               "deposit.monthly_cap": {"2023-09-01": 5000, "2625-01-01": 6000}})  # fmt: skip


def test_a_persons_months_are_int16_and_a_run_that_could_overflow_them_is_refused():
    from sim.core.errors import InputError
    from sim.core.months import LAST_RUN_MONTH, LAST_STORED_MONTH, MONTH_TYPE, format_month
    from sim.fund.accounts import STARTS

    assert np.dtype(MONTH_TYPE) == np.int16
    assert LAST_STORED_MONTH == 2**15 - 1
    assert format_month(LAST_STORED_MONTH) == "2730-08"  # 32,767 = 2730 × 12 + 7
    assert format_month(LAST_RUN_MONTH) == "2630-08"  # a century (1,200 months) earlier
    for name in ("covered_through", "last_deposit_month", "opened_month", "rent_month",
                 "clean_since", "run_start"):  # fmt: skip
        assert STARTS[name][0] == np.int16
    assert _far_scenario(3).start + 3 - 1 == LAST_RUN_MONTH  # ends in 2630-08: allowed
    with pytest.raises(InputError, match=r"horizon\.months.*2630-09.*ends by 2630-08"):
        _far_scenario(4)


def test_E1_W4_people_months_at_the_last_run_month_stay_exact():
    """A person born in the run's last month (2630-08) and retiring at 63 (756 months later:
    32,323) and a mortgage of L2's longest term, 40 years (480 months: 32,047), fit int16."""
    from sim.agents.memory import BehaviourState
    from sim.agents.retirement import retirement_month
    from sim.core.months import LAST_RUN_MONTH, MONTH_TYPE

    last = LAST_RUN_MONTH
    retire = retirement_month(np.array([last]), np.array([False])).astype(MONTH_TYPE)
    assert retire.tolist() == [last + 63 * 12] == [32_323]
    st = BehaviourState.start(3)
    assert st.join_month.dtype == st.plan_month.dtype == st.mortgage_end.dtype == np.int16
    st.mortgage_end[0] = last + 40 * 12
    st.plan_month[1] = last + 60
    assert st.mortgage_end.tolist()[0] == 32_047  # 31,567 + 480
    assert st.plan_month.tolist()[1] == 31_627  # 31,567 + 60


def _open_ledger(policy: str, n: int = 3):
    ledger = Ledger(n, load_policy(policy), parse_month("2025-01"))
    ledger.begin_month()
    ledger.open(np.arange(n))
    return ledger


def test_D1_the_months_deposits_fit_int32_under_any_cap_a_policy_may_set():
    """D1's cap is at most 1,000,000 yuan a month (sim.fund.params) and a month's deposits
    at most 12 months' cap (D2): 1,000,000 × 100 × 12 = 1,200,000,000 fen < 2^31 − 1."""
    from sim.fund.params import SPECS
    from sim.fund.ring import MAX_FEN

    spec = next(s for s in SPECS if s.key == "deposit.monthly_cap")
    assert spec.high * 100 * 12 == 1_200_000_000 < MAX_FEN
    ledger = _open_ledger("lyg-2023")
    acc = ledger.acc
    assert acc.month_deposited.dtype == acc.deposited_total.dtype == np.int32
    assert acc.rent_month_total.dtype == np.int32
    cap = ledger.policy.cap_fen(ledger.month)  # 5,000 yuan
    assert ledger.deposit(np.array([0]), np.array([cap])).tolist() == [0]
    assert acc.month_deposited.tolist()[0] == acc.deposited_total.tolist()[0] == 500_000


def test_X5_an_uncapped_deposit_past_the_int32_bound_is_refused_naming_the_account():
    """Suzhou (X5) has no cap: 21,474,836.47 yuan (2^31 − 1 fen) in one month is held to
    the fen; a deposit more in the same month is refused with the account's number."""
    from sim.fund.ring import MAX_FEN, BalanceOutOfRange

    ledger = _open_ledger("suzhou-2025")
    acc = ledger.acc
    assert ledger.deposit(np.array([1]), np.array([MAX_FEN - 100_000])).tolist() == [0]
    assert ledger.deposit(np.array([1]), np.array([100_000])).tolist() == [0]  # exactly at it
    assert acc.month_deposited.tolist()[1] == MAX_FEN == 2_147_483_647
    assert acc.deposited_total.tolist()[1] == MAX_FEN
    with pytest.raises(BalanceOutOfRange, match=r"account 1: .*21,474,836\.47"):
        ledger.deposit(np.array([2, 1]), np.array([100_000, 100_000]))


def test_L2_the_deposits_into_an_account_past_the_int32_bound_are_refused():
    """Lianyungang's cap (5,000 yuan a month) for a working life (16 to 70: 648 months) is
    3,240,000 yuan, a sixth of 2^31 − 1 fen; a total one deposit would take past it (here
    put just under it by hand) is refused rather than wrapped."""
    from sim.fund.ring import MAX_FEN, BalanceOutOfRange

    assert 5_000 * 100 * 648 == 324_000_000 < MAX_FEN // 6
    ledger = _open_ledger("lyg-2023")
    acc = ledger.acc
    acc.deposited_total[0] = MAX_FEN - 10_000
    assert ledger.deposit(np.array([0]), np.array([10_000])).tolist() == [0]  # 100 yuan
    assert acc.deposited_total.tolist()[0] == MAX_FEN
    ledger.end_month()
    ledger.begin_month()
    with pytest.raises(BalanceOutOfRange, match="account 0"):
        ledger.deposit(np.array([0]), np.array([10_000]))


def test_X6_the_months_rent_withdrawals_stay_within_the_years():
    """The month's rent (int32) is part of the fund year's (W1's yearly limit, 12 × at most
    100,000 yuan = 120,000,000 fen): two withdrawals in one month add to both alike."""
    ledger = _open_ledger("lyg-2023")
    acc = ledger.acc
    ledger.deposit(np.array([0]), np.array([500_000]))
    ledger.withdraw(np.array([0]), np.array([60_000]), "rent")
    ledger.withdraw(np.array([0]), np.array([40_000]), "rent")
    assert acc.rent_month_total.tolist()[0] == acc.rent_this_year.tolist()[0] == 100_000


def test_L2_a_book_whose_deposits_exceed_the_int32_bound_is_refused(tmp_path):
    from sim.book.check import read_book
    from sim.core.errors import InputError
    from tests.test_book_check import ACCOUNTS, write_book

    lines = ACCOUNTS.splitlines()
    total = ["deposited_total", "21474836.48", "3000.50", "0.00"]
    text = "\n".join(f"{line},{t}" for line, t in zip(lines, total, strict=True)) + "\n"
    folder = write_book(tmp_path / "book")
    (folder / "accounts.csv").write_text(text)
    with pytest.raises(InputError) as err:
        read_book(folder)
    assert err.value.key == "row 2, column deposited_total"
    assert "21,474,836.47" in str(err.value)


def test_W1_a_repayment_buffer_is_int32_and_one_past_its_bound_is_refused():
    """Lianyungang's largest buffer: 6 × 7 instalments of a 500,000-yuan one-year loan at
    3.1% (500,000 × r / (1 − (1 + r)^−12), r = 0.031/12: 42,369.6288 → 42,369.63 yuan,
    rounded up) = 1,779,524.46 yuan, under a twelfth of the 21,474,836.47 the int32 holds."""
    from sim.agents.financing import instalment_fen
    from sim.agents.memory import MAX_BUFFER_FEN, BehaviourState
    from sim.agents.repaying import checked_buffers

    due = int(instalment_fen(np.array([50_000_000]), np.array([0.031]), np.array([12]))[0])
    assert due == 4_236_963
    assert 6 * 7 * due == 177_952_446 < MAX_BUFFER_FEN // 12
    assert BehaviourState.start(2).repay_buffer_fen.dtype == np.int32
    ok = np.array([0, MAX_BUFFER_FEN], np.int64)
    assert checked_buffers(ok) is ok
    with pytest.raises(ValueError, match=r"repay_buffer_fen: .*21,474,836\.48 yuan"):
        checked_buffers(np.array([MAX_BUFFER_FEN + 1]))
