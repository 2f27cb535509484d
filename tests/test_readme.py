"""The README tells the truth: its assumption table is the policy files' own."""

import re
from pathlib import Path

from sim.cli.main import assumptions_table, main
from sim.fund.policy import load_policy

ROOT = Path(__file__).parents[1]


def test_readme_assumption_table_matches_the_policy_files():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- assumptions:start -->\n(.*?)\n<!-- assumptions:end -->", readme, re.S)
    assert block, "README.md lost its assumptions markers"
    expected = assumptions_table(load_policy(p) for p in ("lyg-2023", "lyg-draft"))
    assert block.group(1).strip() == expected, "run `hpfsim assumptions` and paste it into README"


def test_every_assumption_states_its_basis(capsys):
    assert main(["assumptions"]) == 0
    rows = capsys.readouterr().out.strip().splitlines()[2:]
    assert len(rows) >= 5
    for row in rows:
        basis = row.rstrip("|").rsplit("|", 1)[-1].strip()
        assert len(basis) > 20, row


def test_readme_names_the_two_commands_and_ci_runs_the_test_one():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make demo" in readme
    assert "make test" in readme
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert [
        line for line in ci.splitlines() if line and not line.startswith(("#", "set", "cd"))
    ] == ["make test"]
