"""A book is checked strictly before anything runs: one line per problem, naming the file,
the row, the column and what is allowed; a bad book leaves no results folder behind."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from sim.book.check import read_book
from sim.book.format import ACCOUNT_COLUMNS, LOAN_COLUMNS, markdown_table
from sim.cli.main import main
from sim.core.errors import InputError
from sim.core.months import parse_month
from sim.engine.simulation import Simulation
from sim.fund.eligibility import consecutive_deposit_months, loan_deposit_months
from sim.fund.pool_config import DEFAULT_FUND
from sim.fund.subsidy import is_clean
from sim.scenario.files import load_scenario

ACCOUNTS = """\
id,birth_month,sex,opened_month,status,balance,aged,deposit_months,subsidy_paid,bonus_paid,forfeited,last_deposit_month
1,1990-05,female,2023-10,active,12000.00,6000.00,10,50.00,0.00,false,2024-08
2,1985-01,male,2023-09,dormant,3000.50,3000.50,5,10.00,0.00,false,2024-02
3,1995-03,male,2023-11,closed,0.00,0.00,0,0.00,0.00,true,2024-01
"""
LOANS = """\
account_id,principal,rate,remaining_months,home,arrears_months
1,200000.00,0.031,300,first,0
"""
HEADER = """\
[book]
date = "2024-08"
policy = "lyg-2023"
source = "hand-written for the tests"
{fund}
[totals]
accounts = 3
balance = 15000.50
loans = 1
principal = 200000.00
"""
SMALL = {"population.size": 200, "horizon.months": 3, "montecarlo.paths": 1}


def write_book(folder: Path, accounts=ACCOUNTS, loans=LOANS, *, fund: bool = True) -> Path:
    """The hand-written book; with ``fund`` a fund file that balances with it (the baseline's
    equity less the book's deposits, plus its loans)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "accounts.csv").write_text(accounts)
    (folder / "loans.csv").write_text(loans)
    line = ""
    if fund:
        text = Path(DEFAULT_FUND).read_text()
        equity = float(re.search(r"start_equity = ([-0-9.e+]+)", text).group(1))
        new = round(equity - 15000.50 + 200000.00, 2)
        (folder / "fund.toml").write_text(re.sub(r"start_equity = [-0-9.e+]+",
                                                 f"start_equity = {new:.2f}", text))  # fmt: skip
        line = 'fund_file = "fund.toml"'
    (folder / "book.toml").write_text(HEADER.format(fund=line))
    return folder


def test_a_hand_written_book_loads_to_the_fen(tmp_path):
    book = read_book(write_book(tmp_path / "b"))
    a = book.accounts
    assert a["balance"].tolist() == [1_200_000, 300_050, 0]
    assert a["aged"].tolist() == [600_000, 300_050, 0]
    assert a["month_ends"][:, 0].tolist() == [600_000] * 12 + [1_200_000]
    assert a["status"].tolist() == [0, 1, 2]
    assert a["last_deposit_month"].tolist() == [parse_month("2024-08"), parse_month("2024-02"),
                                                parse_month("2024-01")]  # fmt: skip
    assert a["loan_taken"].tolist() == [True, False, False]
    assert book.loans["row"].tolist() == [0]
    assert book.loans["principal"].tolist() == [20_000_000]


def test_parquet_reads_as_csv(tmp_path):
    csv_book = read_book(write_book(tmp_path / "csv"))
    folder = write_book(tmp_path / "pq")
    for stem in ("accounts", "loans"):
        pq.write_table(pacsv.read_csv(folder / f"{stem}.csv"), folder / f"{stem}.parquet")
        (folder / f"{stem}.csv").unlink()
    pq_book = read_book(folder)
    for name, values in csv_book.accounts.items():
        assert np.array_equal(values, pq_book.accounts[name]), name


def _swap(text: str, row: int, column: str, value: str) -> str:
    lines = text.splitlines()
    names = lines[0].split(",")
    cells = lines[row].split(",")
    cells[names.index(column)] = value
    lines[row] = ",".join(cells)
    return "\n".join(lines) + "\n"


def _drop(text: str, column: str) -> str:
    rows = [line.split(",") for line in text.splitlines()]
    i = rows[0].index(column)
    return "\n".join(",".join(r[:i] + r[i + 1 :]) for r in rows) + "\n"


BAD = {
    # kind: (file, changed text, key, words in the message)
    "negative balance": ("accounts", _swap(ACCOUNTS, 2, "balance", "-5.00"),
                         "row 3, column balance", "negative"),
    "loan for an unknown account": ("loans", _swap(LOANS, 1, "account_id", "99"),
                                    "row 2, column account_id", "no account with this id"),
    "subsidy above the cap": ("accounts", _swap(ACCOUNTS, 1, "subsidy_paid", "10000.01"),
                              "row 2, column subsidy_paid", "above the lifetime cap"),
    "aged part above the balance": ("accounts", _swap(ACCOUNTS, 1, "aged", "12000.01"),
                                    "row 2, column aged", "above the balance"),
    "a date after the book's date": ("accounts", _swap(ACCOUNTS, 2, "last_deposit_month",
                                                       "2024-09"),
                                     "row 3, column last_deposit_month", "after the book's date"),
    "bad status": ("accounts", _swap(ACCOUNTS, 3, "status", "frozen"),
                   "row 4, column status", "not one of the allowed values"),
    "duplicate id": ("accounts", _swap(ACCOUNTS, 3, "id", "1"), "row 4, column id",
                     "duplicate id"),
    "missing column": ("accounts", _drop(ACCOUNTS, "sex"), "column sex", "missing column"),
    "non-numeric value": ("accounts", _swap(ACCOUNTS, 1, "deposit_months", "ten"),
                          "row 2, column deposit_months", "not a whole number"),
    "too many decimals": ("accounts", _swap(ACCOUNTS, 1, "balance", "12000.001"),
                          "row 2, column balance", "more than 2 decimals"),
    "closed account holding money": ("accounts", _swap(ACCOUNTS, 3, "balance", "1.00"),
                                     "row 4, column balance", "a closed account holds"),
    "second loan on one account": ("loans", LOANS + "1,1000.00,0.031,12,first,0\n",
                                   "row 2, column account_id", "a second loan"),
    "arrears past default": ("loans", _swap(LOANS, 1, "arrears_months", "60"),
                             "row 2, column arrears_months", "would have defaulted"),
    "unknown column": ("loans", _swap(LOANS, 0, "home", "house"), "column house",
                       "unknown column"),
    "empty required cell": ("accounts", _swap(ACCOUNTS, 2, "birth_month", ""),
                            "row 3, column birth_month", "empty cell"),
    "under 16": ("accounts", _swap(ACCOUNTS, 1, "birth_month", "2010-01"),
                 "row 2, column birth_month", "under 16"),
    "more deposit months than months open": ("accounts", _swap(ACCOUNTS, 1, "deposit_months",
                                                               "12"),
                                             "row 2, column deposit_months", "more months"),
    "balance above the int32 state (D1 bound)": ("accounts", _swap(ACCOUNTS, 1, "balance",
                                                                  "21474836.48"),
                                                 "row 2, column balance", "above what any rule"),
    "not a month": ("accounts", _swap(ACCOUNTS, 1, "opened_month", "2023-13"),
                    "row 2, column opened_month", "not a month"),
}  # fmt: skip


@pytest.mark.parametrize("kind", list(BAD))
def test_a_bad_row_is_refused_in_one_line(tmp_path, kind):
    stem, text, key, words = BAD[kind]
    folder = write_book(tmp_path / "book")
    (folder / f"{stem}.csv").write_text(text)
    with pytest.raises(InputError) as err:
        read_book(folder)
    message = str(err.value)
    assert err.value.key == key, message
    assert message.startswith(str(folder / f"{stem}.csv")), message
    assert words in message
    assert "allowed:" in message
    assert "\n" not in message


@pytest.mark.parametrize("kind", ["negative balance", "loan for an unknown account",
                                  "missing column"])  # fmt: skip
def test_nothing_runs_on_a_bad_book_and_no_results_folder_is_left(tmp_path, capsys, kind):
    stem, text, key, _ = BAD[kind]
    folder = write_book(tmp_path / "book")
    (folder / f"{stem}.csv").write_text(text)
    out = tmp_path / "results"
    sets = [x for k, v in SMALL.items() for x in ("--set", f"{k}={v}")]
    assert main(["run", "--book", str(folder), "--out", str(out), "--workers", "1", *sets]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    assert key in err
    assert not out.exists()
    assert main(["book", "check", str(folder)]) == 2


def test_totals_that_do_not_add_up_are_refused(tmp_path):
    folder = write_book(tmp_path / "book")
    toml = (folder / "book.toml").read_text().replace("balance = 15000.50", "balance = 15000.51")
    (folder / "book.toml").write_text(toml)
    with pytest.raises(InputError, match=r"totals.balance: accounts.csv adds up to 15000.50"):
        read_book(folder)


def test_a_fund_file_that_does_not_balance_with_the_book_names_both(tmp_path):
    folder = write_book(tmp_path / "book", fund=False)
    with pytest.raises(InputError) as err:
        load_scenario(sets={"book": str(folder), **SMALL})
    message = str(err.value)
    assert message.startswith(str(DEFAULT_FUND))
    assert str(folder) in message
    assert "difference 184,999.50" in message  # the book's loans less its deposits


def test_the_policy_in_force_must_be_the_books(tmp_path):
    folder = write_book(tmp_path / "book")
    toml = (folder / "book.toml").read_text().replace('"lyg-2023"', '"lyg-draft"')
    (folder / "book.toml").write_text(toml)
    with pytest.raises(InputError, match=r"book.policy: 'lyg-draft', but .* has 'lyg-2023'"):
        load_scenario(sets={"book": str(folder), **SMALL})


def test_a_projection_opens_with_the_hand_written_book(tmp_path):
    folder = write_book(tmp_path / "book")
    sc = load_scenario(sets={"book": str(folder), **SMALL})
    assert sc.start == parse_month("2024-09")
    assert sc.policy.id == "lyg-2023"
    sim = Simulation(sc, 0)
    acc = sim.fund.ledger.acc
    assert sim.people.pop.n == 3 + 200
    assert acc.balance[:3].tolist() == [1_200_000, 300_050, 0]
    assert acc.is_open[:3].tolist() == [True, True, False]
    assert sim.fund.ledger.aged()[:3].tolist() == [600_000, 300_050, 0]
    assert acc.subsidy_total[:3].tolist() == [5_000, 1_000, 0]
    assert acc.forfeited[:3].tolist() == [False, False, True]
    assert acc.loan_disbursed[:3].tolist() == [True, False, False]
    assert sim.people.state.dormant[:3].tolist() == [False, True, False]
    assert sim.fund.book.outstanding() == 20_000_000
    assert sim.fund.book.person[0] == 0
    # the annuity of 200,000 yuan at 3.1% over 300 months, to the fen
    r = 0.031 / 12
    assert sim.fund.book.installment[0] == round(
        20_000_000 * r * (1 + r) ** 300 / ((1 + r) ** 300 - 1)
    )
    sim.env.run()  # the books reconcile every month (a mismatch raises)
    assert sim.out["loan_balance"][0] < 200_000.00


def test_the_book_format_doc_holds_the_format_tables():
    readme = (Path(__file__).resolve().parents[1] / "docs" / "book-format.md").read_text(
        encoding="utf-8"
    )
    assert markdown_table(ACCOUNT_COLUMNS) in readme
    assert markdown_table(LOAN_COLUMNS) in readme


def test_a_parquet_amount_finer_than_a_fen_is_refused(tmp_path):
    folder = write_book(tmp_path / "book")
    table = pacsv.read_csv(folder / "accounts.csv")
    balance = table["balance"].to_pylist()
    balance[1] = 3000.505
    table = table.set_column(table.column_names.index("balance"), "balance", pa.array(balance))
    pq.write_table(table, folder / "accounts.parquet")
    (folder / "accounts.csv").unlink()
    with pytest.raises(InputError, match=r"row 3, column balance: more than 2 decimals"):
        read_book(folder)


def _opened(tmp_path, accounts=ACCOUNTS):
    folder = write_book(tmp_path / "book", accounts)
    return Simulation(load_scenario(sets={"book": str(folder), **SMALL}), 0)


def test_S1_S3_the_first_projected_month_accrues_on_the_books_aged_part(tmp_path):
    sim = _opened(tmp_path)
    ledger = sim.fund.ledger
    ledger.begin_month()
    books = ledger.end_month()
    acc = ledger.acc
    assert acc.subsidy_accrued[1] == pytest.approx(300_050 * 0.010 / 12)  # S1-i: aged 3,000.50
    assert acc.subsidy_accrued[0] == 0.0  # S3: a loan was disbursed to account 1
    assert acc.subsidy_accrued[2] == 0.0  # closed (and forfeited, S4)
    # F1: 1.5% a year on the opening balances 12,000.00 and 3,000.50, accrued not credited
    assert acc.interest_accrued[0] == pytest.approx(1_200_000 * 0.015 / 12)
    assert books.interest_payable == round((1_200_000 + 300_050) * 0.015 / 12)


def test_S2_subsidy_paid_up_to_the_cap_loads_and_counts_against_it(tmp_path):
    sim = _opened(tmp_path, _swap(ACCOUNTS, 1, "subsidy_paid", "10000.00"))
    assert sim.fund.ledger.acc.subsidy_total[0] == 1_000_000  # no room left under 10,000 yuan


def test_L1_months_paid_ahead_in_a_book_count_as_they_come(tmp_path):
    header = ACCOUNTS.splitlines()[0] + ",paid_through"
    rows = [line + ("," + ("2024-10" if i == 1 else "")) for i, line in
            enumerate(ACCOUNTS.splitlines()) if i]  # fmt: skip
    sim = _opened(tmp_path, "\n".join([header, *rows]) + "\n")
    acc, policy = sim.fund.ledger.acc, sim.fund.policy
    sep, oct_ = parse_month("2024-09"), parse_month("2024-10")
    # 10 months covered by the book's date, two more paid ahead (D2): 11 in September, 12 after
    assert loan_deposit_months(acc, policy, sep)[0] == 11
    assert loan_deposit_months(acc, policy, oct_)[0] == 12
    assert loan_deposit_months(acc, policy, sep)[1] == 5


def _with_design_columns(run: str, withdrawn: str) -> str:
    """ACCOUNTS with consecutive_months and last_withdrawal_month for accounts 1 and 2."""
    lines = ACCOUNTS.splitlines()
    lines[0] += ",consecutive_months,last_withdrawal_month"
    lines[1] += f",{run},"
    lines[2] += f",0,{withdrawn}"
    lines[3] += ",0,"
    return "\n".join(lines) + "\n"


def test_X2_a_books_last_partial_withdrawal_restarts_the_holding_count(tmp_path):
    acc = _opened(tmp_path, _with_design_columns("4", "2024-03")).fund.ledger.acc
    # account 1 withdrew nothing since opening 2023-10; account 2 last withdrew in 2024-03
    assert acc.clean_since[:2].tolist() == [parse_month("2023-10"), parse_month("2024-04")]
    # X2 with 12 clean months, in 2024-10: 2024-10 - 2023-10 = 12 (clean), 2024-10 - 2024-04 = 6
    october = parse_month("2024-10")
    assert [is_clean(int(since), october, 12) for since in acc.clean_since[:2]] == [True, False]
    default = _opened(tmp_path / "default").fund.ledger.acc  # no column: none since opening
    assert default.clean_since[:2].tolist() == [parse_month("2023-10"), parse_month("2023-09")]


def test_X3_a_books_consecutive_months_set_the_unbroken_run(tmp_path):
    acc = _opened(tmp_path, _with_design_columns("4", "")).fund.ledger.acc
    september = parse_month("2024-09")
    # account 1 covered through 2024-08 with a run of 4: 2024-05 … 2024-08; account 2 stopped
    # in 2024-02, so its run is broken by September
    assert consecutive_deposit_months(acc, september)[:2].tolist() == [4, 0]
    default = _opened(tmp_path / "default").fund.ledger.acc  # no column: the 10 deposit months
    assert consecutive_deposit_months(default, september)[:2].tolist() == [10, 0]


def test_a_run_longer_than_the_deposit_months_is_refused(tmp_path):
    folder = write_book(tmp_path / "b", _with_design_columns("11", ""))
    with pytest.raises(InputError, match=r"row 2, column consecutive_months: more than "
                                         r"deposit_months"):  # fmt: skip
        read_book(folder)
    folder = write_book(tmp_path / "c", _with_design_columns("4", "2023-08"))
    with pytest.raises(InputError, match=r"row 3, column last_withdrawal_month: before "
                                         r"opened_month"):  # fmt: skip
        read_book(folder)
