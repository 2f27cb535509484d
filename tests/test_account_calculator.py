"""The account calculator: example cases match their hand-worked figures; bad cases fail clearly."""

import csv
import io
import json
from pathlib import Path

import pytest

from sim.account.calculator import check_expected, load_case, replay
from sim.cli.main import main
from sim.core.errors import InputError

CASES = sorted((Path(__file__).parents[1] / "scenarios" / "accounts").glob("*.toml"))
ROW_KEYS = {
    "month",
    "deposit",
    "withdrawal",
    "interest_credited",
    "subsidy_credited",
    "subsidy_total",
    "balance",
    "aged",
    "refused",
}


def test_at_least_six_example_cases_ship():
    assert len(CASES) >= 6


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_example_case_matches_its_hand_worked_statement(path):
    case = load_case(path)
    assert case.expected, "every example carries hand-worked figures"
    assert check_expected(case, replay(case)) == []


def test_json_statement_has_rows_and_totals_in_yuan(capsys):
    assert main(["account", str(CASES[0]), "--json"]) == 0
    statement = json.loads(capsys.readouterr().out)
    assert set(statement) >= {"rows", "totals"}
    assert set(statement["rows"][0]) >= ROW_KEYS
    june = next(r for r in statement["rows"] if r["month"] == "2024-06")
    assert june["interest_credited"] == "18.75"
    assert statement["totals"]["balance"] == "30674.78"


def test_csv_statement_has_one_row_a_month(capsys):
    assert main(["account", str(CASES[0]), "--csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 30
    assert rows[-1]["balance"] == "30674.78"


def test_text_statement_names_refusals(capsys):
    path = next(p for p in CASES if "renter" in p.stem)
    assert main(["account", str(path)]) == 0
    out = capsys.readouterr().out
    assert "over_rent_limit" in out
    assert "final balance 14725.14" in out


def test_check_flag_fails_on_a_wrong_expectation(tmp_path, capsys):
    text = CASES[0].read_text(encoding="utf-8").replace("balance = 30674.78", "balance = 30674.79")
    path = tmp_path / "wrong.toml"
    path.write_text(text, encoding="utf-8")
    assert main(["account", str(path), "--check"]) == 1
    assert "2026-06 balance: expected 30674.79" in capsys.readouterr().err


GOOD = 'policy = "lyg-2023"\nstart = "2024-01"\nend = "2024-06"\n'
BAD_CASES = {
    "unknown top key": (GOOD + "colour = 1\n", "colour"),
    "bad month": ('policy = "lyg-2023"\nstart = "2024-13"\nend = "2024-06"\n', "start"),
    "end before start": ('policy = "lyg-2023"\nstart = "2024-06"\nend = "2024-01"\n', "end"),
    "unknown policy": ('policy = "lyg-1999"\nstart = "2024-01"\nend = "2024-06"\n', "policy"),
    "bad override": (GOOD + '[overrides]\n"subsidy.holding_rate" = 2.0\n', "subsidy.holding_rate"),
    "unknown person key": (GOOD + "[person]\nage = 30\n", "person.age"),
    "bad education": (GOOD + '[person]\neducation = "phd"\n', "person.education"),
    "event outside": (GOOD + '[[event]]\nmonth = "2024-07"\ndeposit = 100\n', "event[1].month"),
    "two actions": (GOOD + '[[event]]\nmonth = "2024-02"\ndeposit = 100\nloan = 5\n', "event[1]"),
    "no action": (GOOD + '[[event]]\nmonth = "2024-02"\n', "event[1]"),
    "bad kind": (
        GOOD + '[[event]]\nmonth = "2024-02"\nwithdraw = 5\nkind = "car"\n',
        "event[1].kind",
    ),
    "negative": (GOOD + '[[event]]\nmonth = "2024-02"\ndeposit = -100\n', "event[1].deposit"),
    "sub-fen": (GOOD + '[[event]]\nmonth = "2024-02"\ndeposit = 100.001\n', "event[1].deposit"),
    "string amount": (GOOD + '[[event]]\nmonth = "2024-02"\ndeposit = "100"\n', "event[1].deposit"),
    "unknown event key": (
        GOOD + '[[event]]\nmonth = "2024-02"\ndeposit = 100\nnote = 1\n',
        "event[1].note",
    ),
    "bad months": (
        GOOD + '[[event]]\nmonth = "2024-02"\ndeposit = 100\nmonths = 0\n',
        "event[1].months",
    ),
    "syntax": (GOOD + "[[event]\n", "(syntax)"),
}


@pytest.mark.parametrize("name", BAD_CASES, ids=list(BAD_CASES))
def test_a_malformed_case_fails_in_one_line_naming_the_key(tmp_path, name, capsys):
    text, key = BAD_CASES[name]
    path = tmp_path / "case.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_case(path)
    assert err.value.key == key, str(err.value)
    if key in ("policy", "colour", "start", "end") or key.startswith(("event", "person")):
        assert err.value.file == str(path)
    assert main(["account", str(path)]) == 2
    message = capsys.readouterr().err.strip()
    assert "\n" not in message
    assert key in message
    assert "Traceback" not in message


def test_a_missing_case_file_is_a_clear_error(capsys):
    assert main(["account", "no/such/case.toml"]) == 2
    assert "no/such/case.toml: (file): no such file" in capsys.readouterr().err


# (month, item, decision, amount in yuan or None, rule): lines the trace must hold, from the
# hand-worked comments at the top of each case file
TRACE = {
    "01_steady_saver": [
        ("2024-01", "deposit", "credited", "1000.00", "D1"),
        ("2024-06", "interest", "credited", "18.75", "F1"),
        ("2025-06", "holding subsidy", "credited", "12.50", "S1"),
    ],
    "02_draft_quarterly_graduate": [
        ("2024-01", "deposit", "credited", "3000.00", "D2"),
        ("2024-01", "opening bonus", "credited", "400.00", "S7"),
        ("2024-02", "deposit", "refused", "100.00", "D2"),
        ("2025-06", "holding subsidy", "credited", "23.00", "S5"),
    ],
    "03_renter_lifo": [
        ("2024-03", "withdrawal rent", "paid", "7200.00", "W1"),
        ("2024-06", "withdraw rent", "refused", "7300.00", "W1"),
    ],
    "04_borrower": [
        ("2025-04", "loan disbursed", "recorded", None, "L1"),
        ("2025-04", "holding subsidy", "stops", None, "S3"),
        ("2025-05", "withdraw exit", "refused", None, "W3"),
        ("2025-09", "loan repaid", "recorded", None, "W3"),
        ("2025-10", "withdrawal exit", "paid", "5138.42", "W3"),
    ],
    "05_exit_and_rejoin": [
        ("2025-05", "withdrawal exit", "paid", "5094.14", "W3"),
        ("2025-06", "holding subsidy", "refused", None, "S4"),
    ],
    "06_transfer_to_the_cap": [
        ("2024-06", "transfer in", "credited", "800000.00", "E4"),
        ("2024-06", "opening bonus", "credited", "400.00", "S7"),
        ("2026-06", "holding subsidy", "credited", "9600.00", "S5"),
        ("2026-06", "holding subsidy", "cut", None, "S2"),
    ],
    "07_suzhou_no_cap": [
        ("2024-01", "deposit", "credited", "20000.00", "X5"),
        ("2024-02", "deposit", "refused", "200.00", "D2"),
        ("2024-06", "holding subsidy", "credited", "26.51", "X1"),
    ],
    "08_chongqing_rent_each_month": [
        ("2024-02", "withdrawal rent", "paid", "1800.00", "X6"),
        ("2024-02", "withdraw rent", "refused", "100.00", "X6"),
    ],
    "09_chengdu_small_saver": [
        ("2024-02", "deposit", "refused", "100.00", "D1"),
        ("2025-06", "holding subsidy", "credited", "5.00", "S1"),
    ],
    "10_hainan_holding_condition": [
        ("2025-03", "withdrawal rent", "paid", "100.00", "W1"),
        ("2026-06", "holding subsidy", "credited", "12.33", "X2"),
    ],
    "11_jinan_rent": [("2024-02", "withdraw rent", "refused", "1600.00", "X6")],
    "12_shenzhen_rent_share": [
        ("2024-01", "deposit", "refused", "250.00", "D1"),
        ("2024-01", "withdrawal rent", "paid", "4800.00", "X6"),
        ("2024-02", "withdraw rent", "refused", "401.00", "X6"),
    ],
    "13_wuhan_no_subsidy": [("2025-06", "interest", "credited", "75.47", "F1")],
}


@pytest.mark.parametrize("case_file", CASES, ids=[c.stem for c in CASES])
def test_the_trace_names_the_rule_behind_each_amount(case_file):
    statement = replay(load_case(case_file))
    lines = {(r["month"], t["item"], t["decision"], t["amount"], t["rule"])
             for r in statement["rows"] for t in r["trace"]}  # fmt: skip
    for want in TRACE[case_file.stem]:
        assert want in lines, want
    for r in statement["rows"]:  # every amount on the statement has its traced lines

        def traced(decision, *items, row=r):
            return sum(float(t["amount"]) for t in row["trace"] if t["decision"] == decision
                       and t["item"].startswith(items) and t["amount"] is not None)  # fmt: skip

        assert traced("credited", "deposit") == pytest.approx(float(r["deposit"]))
        assert traced("paid", "withdrawal") == pytest.approx(float(r["withdrawal"]))
        assert traced("credited", "interest") == pytest.approx(float(r["interest_credited"]))
        assert traced("credited", "holding subsidy", "opening bonus") == pytest.approx(
            float(r["subsidy_credited"])
        )
        assert len([t for t in r["trace"] if t["decision"] == "refused" and t["item"] not in
                    ("holding subsidy",)]) == len(r["refused"])  # fmt: skip


def test_loans_and_repayments_appear_in_the_statement(capsys):
    statement = replay(load_case(CASES[3]))
    events = {r["month"]: r["events"] for r in statement["rows"] if r["events"]}
    assert events == {"2025-04": ["loan disbursed"], "2025-09": ["loan repaid"]}
    assert main(["account", str(CASES[3]), "--trace"]) == 0
    printed = capsys.readouterr().out
    assert "loan disbursed" in printed
    assert "2025-05   withdraw exit     refused" in printed


def test_X2_the_trace_names_the_holding_condition_when_it_withheld_the_subsidy(tmp_path):
    """Hainan (X2, 12 clean months): 5,000 deposited in January 2024 is aged from February
    2025, but a rent withdrawal in September 2024 sets the clock to October 2024, clean only
    from October 2025; so June 2025 pays no subsidy, and the trace says X2 — the ledger's own
    predicate (``subsidy.stop_code``), as for S3 and S4."""
    case = tmp_path / "x2.toml"
    case.write_text(
        'policy = "hainan-2025"\nstart = "2024-01"\nend = "2025-06"\n'
        '[[event]]\nmonth = "2024-01"\ndeposit = 5000.00\n'
        '[[event]]\nmonth = "2024-09"\nwithdraw = 100.00\nkind = "rent"\n',
        encoding="utf-8",
    )
    june = replay(load_case(case))["rows"][-1]
    assert june["subsidy_credited"] == "0.00"
    refused = [(t["rule"], t["why"]) for t in june["trace"] if t["decision"] == "refused"]
    assert refused == [("X2", "too soon after a partial withdrawal or the opening")]
