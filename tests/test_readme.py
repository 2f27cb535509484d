"""The README and docs/ tell the truth: their tables are the files' own, their commands run."""

import re
import shlex
from pathlib import Path

import pytest

from sim.cli.main import assumptions_table, build_parser, main
from sim.fund.policy import load_policy

ROOT = Path(__file__).parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def test_the_assumption_table_matches_the_policy_files():
    text = (ROOT / "docs" / "policies.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- assumptions:start -->\n(.*?)\n<!-- assumptions:end -->", text, re.S)
    assert block, "docs/policies.md lost its assumptions markers"
    expected = assumptions_table(load_policy(p) for p in ("lyg-2023", "lyg-draft"))
    assert block.group(1).strip() == expected, "run `hpfsim assumptions`, paste it in the doc"


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


def test_the_readme_is_for_users_and_short():
    assert len((ROOT / "README.md").read_text(encoding="utf-8").splitlines()) < 300


def _commands() -> list[tuple[str, str]]:
    """Every ``hpfsim …`` line in a shell block of the README and docs/ (comments cut)."""
    found = []
    for doc in DOCS:
        for block in re.findall(r"```sh\n(.*?)```", doc.read_text(encoding="utf-8"), re.S):
            for line in block.replace("\\\n", " ").splitlines():
                line = line.split(" #")[0].strip()
                m = re.match(r"(?:\.venv/bin/)?hpfsim (.+)", line)
                if m and "<" not in line and "…" not in line:
                    found.append((doc.name, m.group(1)))
    return found


COMMANDS = _commands()


def test_the_docs_show_commands():
    assert len(COMMANDS) >= 20


@pytest.mark.parametrize(("doc", "command"), COMMANDS, ids=[f"{d}:{c}" for d, c in COMMANDS])
def test_every_command_in_the_docs_parses_and_names_files_that_exist(doc, command):
    """Parsing checks the subcommand and every option; the scenario, case and book paths the
    command names must exist (a renamed file breaks the doc, and this test says where)."""
    argv = shlex.split(command)
    try:
        build_parser().parse_args(argv)
    except SystemExit as exc:
        pytest.fail(f"{doc}: `hpfsim {command}` does not parse ({exc})")
    for word in argv:
        if word.startswith("scenarios/") and not word.endswith("/"):
            assert (ROOT / word).exists(), f"{doc}: {word} does not exist"
