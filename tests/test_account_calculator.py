"""The account calculator: example cases match their hand-worked figures; bad cases fail clearly."""

import csv
import io
import json
from pathlib import Path

import pytest

from sim.account import check_expected, load_case, replay
from sim.cli import main
from sim.errors import InputError

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
