"""The ageing ring only for accounts ever opened, in int32 fen (S1-i; issue 26).

A person gets a ring row at their first opening and keeps it; the rows are handed out in
order, so a population where few join holds few rows; after a month end the rows are moved
into the people's order (the month end then reads them in sequence), which changes no
result; a balance the int32 ring cannot hold is refused, naming the account, rather than
wrapped.
"""

import numpy as np
import pytest

from sim.core.lanes import Lanes
from sim.core.months import parse_month
from sim.fund.ledger import Ledger
from sim.fund.policy import load_policy
from sim.fund.ring import MAX_FEN, BalanceOutOfRange, RingTable, keep_in_order


def _ledger(n=6):
    ledger = Ledger(n, load_policy("lyg-2023"), parse_month("2024-01"))
    ledger.begin_month()
    return ledger


def test_S1_a_ring_row_only_for_accounts_ever_opened_kept_after_a_close_and_a_reopening():
    ledger = _ledger()
    acc = ledger.acc
    assert (acc.slot == -1).all()
    assert acc.rings.used == 0
    ledger.open(np.array([4, 1]))
    assert acc.slot.tolist() == [-1, 1, -1, -1, 0, -1]  # in the order asked
    ledger.deposit(np.array([1, 4]), np.array([100_000, 30_000]))
    ledger.end_month()
    ledger.begin_month()
    ledger.close(np.array([1]), "exit")
    ledger.open(np.array([2]))
    ledger.end_month()
    ledger.begin_month()
    ledger.open(np.array([1]))  # re-opened: the same row
    assert acc.slot.tolist() == [-1, 0, 1, -1, 2, -1]  # in the people's order by now
    assert acc.rings.used == 3 == int(acc.ever_opened.sum())
    january, february = parse_month("2024-01"), parse_month("2024-02")
    assert acc.month_end(january).tolist() == [0, 100_000, 0, 0, 30_000, 0]
    assert acc.month_end(february).tolist() == [0, 0, 0, 0, 30_000, 0]  # exit: 0 after
    # the aged part (S1-i lifo) is the smallest of 13 month-ends: 0 for everyone so far
    assert ledger.aged().tolist() == [0] * 6


def test_S1_the_aged_part_is_the_smallest_month_end_of_the_window_read_from_the_row():
    ledger = _ledger(3)
    ledger.open(np.array([2]))
    for k in range(14):  # 1,000 yuan a month; a 500-yuan rent in month 5
        ledger.deposit(np.array([2]), np.array([100_000]))
        if k == 5:
            assert ledger.withdraw(np.array([2]), 50_000, "rent").tolist() == [0]
        ledger.end_month()
        ledger.begin_month()
    # month-ends 100,000 … 1,400,000 less 50,000 from month 5; interest credited on 30 June
    # (month 5) moves only that and later month-ends. The window is the last 13: the
    # smallest is the second month-end, 200,000 fen.
    assert ledger.aged().tolist() == [0, 0, 200_000]
    assert ledger.acc.rings.rows.dtype == np.int32


def test_D1_a_balance_no_rule_allows_is_refused_at_month_end_naming_the_account():
    # D1: 5,000 yuan a month for a working life with interest and the S2 cap stays under
    # MAX_FEN = 2**31 - 1 fen = 21,474,836.47 yuan; a transfer above it is refused at month end
    assert MAX_FEN == 2_147_483_647
    ledger = _ledger(3)
    ledger.open(np.array([0, 2]))
    ledger.transfer_in(np.array([2]), np.array([MAX_FEN + 1]))
    with pytest.raises(BalanceOutOfRange, match=r"account 2 holds 21,474,836.48 yuan"):
        ledger.end_month()
    fine = _ledger(1)
    fine.open(np.array([0]))
    fine.transfer_in(np.array([0]), np.array([MAX_FEN]))
    fine.end_month()  # the largest balance that fits is kept to the fen
    assert fine.acc.month_end(parse_month("2024-01")).tolist() == [MAX_FEN]


def test_a_full_ring_table_refuses_more_rows_and_a_batchs_table_is_its_paths_rows():
    table = RingTable(2, 13)
    assert table.take(2).tolist() == [0, 1]
    with pytest.raises(RuntimeError, match="ring table full"):
        table.take(1)
    lanes = Lanes(2, 4)
    a, b = RingTable(4, 13, lane=lanes.lane(0)), RingTable(4, 13, lane=lanes.lane(1))
    a.rows[a.take(1)] = 5
    b.rows[b.take(2)] = 7
    joined = RingTable.joined(lanes)
    assert joined.rows.shape == (8, 13)
    assert joined.rows[:, 0].tolist() == [5, 0, 0, 0, 7, 7, 0, 0]
    assert (a.used, b.used) == (1, 2)  # each path hands out its own rows, from 0
    b.rows[3, 0] = 9  # a path's rows are a view of the batch's table
    assert joined.rows[7, 0] == 9


def test_a_ledger_of_nobody_closes_its_months_with_empty_books():
    ledger = _ledger(0)
    books = ledger.end_month()
    assert books.closing_total == 0
    assert books.open_by_group == (0,)
    assert ledger.aged().shape == (0,)


def test_S1_rows_moved_into_the_peoples_order_keep_every_persons_month_ends():
    table = RingTable(6, 3)
    slot = np.full(6, -1, np.int32)
    for who in ([4, 1], [5, 0]):
        slot[who] = table.take(len(who))
        table.rows[slot[who]] = np.array(who)[:, None] * 10 + np.arange(3)  # person 4: 40 41 42
        assert keep_in_order(table, slot)
        members = np.flatnonzero(slot >= 0)
        assert slot[members].tolist() == list(range(len(members)))  # the people's order
        assert (table.rows[slot[members]] == members[:, None] * 10 + np.arange(3)).all()
    assert table.in_order == table.used == 4
    assert not keep_in_order(table, slot)  # nothing new: nothing moves
    slot[2] = table.take(1)[0]  # one new row beside 4 in order: 1/4 > 1/8, moved
    table.rows[slot[2]] = [20, 21, 22]
    assert not keep_in_order(table, slot, share=1 / 2)  # under a share it waits
    assert slot.tolist() == [0, 1, 4, -1, 2, 3]
    assert keep_in_order(table, slot)
    assert slot.tolist() == [0, 1, 2, -1, 3, 4]
    assert table.rows[:5, 0].tolist() == [0, 10, 20, 40, 50]


def test_S1_moving_the_rows_changes_no_month_end_of_a_random_history(monkeypatch):
    """Two ledgers, the same random history; one never moves its rows: every month the same
    books, the same aged part and the same month-ends for every person."""
    n, rng = 400, np.random.default_rng(26)
    policy, start = load_policy("lyg-2023"), parse_month("2024-01")
    moved, kept = Ledger(n, policy, start), Ledger(n, policy, start)
    for month in range(30):
        asks = {
            "open": np.flatnonzero(rng.random(n) < 0.03),
            "deposit": np.flatnonzero(rng.random(n) < 0.5),
            "amount": rng.integers(100, 5_000, n) * 100,
            "exit": np.flatnonzero(rng.random(n) < 0.01),
        }
        books = []
        for ledger, move in ((moved, True), (kept, False)):
            if not move:
                monkeypatch.setattr("sim.fund.ledger.keep_in_order", lambda *a, **k: False)
            ledger.begin_month()
            ledger.open(asks["open"])
            who = asks["deposit"][ledger.acc.is_open[asks["deposit"]]]
            ledger.deposit(who, asks["amount"][who])
            ledger.close(asks["exit"], "exit")
            books.append(ledger.end_month())
            monkeypatch.undo()
        assert books[0] == books[1], month
        everyone = np.arange(n)
        assert (moved.acc.ring_of(everyone) == kept.acc.ring_of(everyone)).all()
        assert (moved.aged() == kept.aged()).all()
    slots, in_order = moved.acc.slot[moved.acc.slot >= 0], moved.acc.rings.in_order
    assert in_order > 0
    assert (np.diff(slots[slots < in_order]) > 0).all()  # the people's order
    assert not (np.diff(kept.acc.slot[kept.acc.slot >= 0]) > 0).all()  # opening order
