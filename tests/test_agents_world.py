"""The agents alone against the real ledger: books close, refusals count, the CLI reports."""

import pytest

from sim.agents.calibration import calibrate, load_targets
from sim.agents.population_file import load_agent_config
from sim.agents.world import AgentWorld
from sim.cli.main import main
from sim.core.errors import InputError
from sim.core.months import parse_month
from sim.fund.policy import load_policy

CONFIG = load_agent_config()
START = parse_month("2023-09")


def test_agents_drive_the_ledger_and_the_books_close_every_month():
    world = AgentWorld(CONFIG, load_policy("lyg-draft"), 5_000, seed=3, start_month=START)
    stats = world.run(30)  # end_month raises if the books do not close
    assert stats[-1].members > 0
    assert sum(s.deposits for s in stats) > 0
    assert sum(s.exits for s in stats) > 0
    assert all(s.members <= 5_000 for s in stats)
    assert world.ledger.acc.subsidy_total.max() > 0, "the draft's opening bonus was paid"


def test_refused_deposits_are_counted_not_clipped():
    policy = load_policy("lyg-2023").with_overrides({"deposit.floor": 3000}, origin="test")
    world = AgentWorld(CONFIG, policy, 3_000, seed=3, start_month=START)
    stats = world.run(6)
    refused = sum(s.refused.get("below_floor", 0) for s in stats)
    assert refused > 0
    assert sum(s.deposit_requests - s.deposits for s in stats) == refused


def test_calibration_reports_every_target_moment():
    moments = calibrate(CONFIG, load_policy("lyg-2023"), n=3_000, months=24, start_month=START)
    assert [m.name for m in moments] == list(load_targets())
    assert all(m.source for m in moments)


def test_targets_file_errors_name_the_key(tmp_path):
    path = tmp_path / "t.toml"
    path.write_text(
        '[moments."income.nope"]\ndescription = "x"\ntarget = 1\ntolerance = 1\nsource = "s"\n'
    )
    with pytest.raises(InputError, match=r"moments\.income\.nope"):
        load_targets(path)


def test_cli_response_and_calibrate_print_tables(capsys):
    assert main(["response", "--n", "2000", "--months", "12", "--rates", "0.01,0.015"]) == 0
    out = capsys.readouterr().out
    assert "1.00%" in out
    assert "1.50%" in out
    assert main(["calibrate", "--n", "2000", "--months", "12"]) == 0
    assert "dormancy.not_contributing_share" in capsys.readouterr().out


def test_cli_rejects_bad_rates_in_one_line(capsys):
    assert main(["response", "--rates", "1%,2%"]) == 2
    assert "--rates" in capsys.readouterr().err
