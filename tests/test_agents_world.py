"""People through the engine's own month (sim.agents.engine_month): books close, refusals
count, calibration and the CLI report."""

import pytest

from sim.agents.calibration import calibrate, load_targets
from sim.agents.engine_month import Recorder, month_scenario, record_paths
from sim.agents.population_file import load_agent_config
from sim.cli.main import main
from sim.core.errors import InputError
from sim.core.months import parse_month
from sim.fund.policy import load_policy

CONFIG = load_agent_config()
START = parse_month("2023-09")


def test_people_drive_the_engine_and_the_books_close_every_month():
    sc = month_scenario(CONFIG, load_policy("lyg-draft"), n=5_000, months=30, seed=3,
                        start_month=START)  # fmt: skip
    path = Recorder(sc, 0)
    path.env.run()  # every month's books are checked: a mismatch raises
    run = path.series()
    assert run["members"][-1] > 0
    assert run["deposits"].sum() > 0
    assert run["exits"].sum() > 0
    assert run["loans_granted"].sum() > 0, "the engine's loan desk lends"
    assert (run["members"] <= 5_000).all()
    assert path.fund.ledger.acc.subsidy_total.max() > 0, "the draft's opening bonus was paid"
    # the recorder's counts are the engine's own series
    assert (run["members"] == path.out["members"]).all()
    assert (run["deposits_fen"] == 100 * path.out["deposits"]).all()


def test_refused_deposits_are_counted_not_clipped():
    policy = load_policy("lyg-2023").with_overrides({"deposit.floor": 3000}, origin="test")
    (run,) = record_paths(CONFIG, policy, n=3_000, months=6, seed=3, start_month=START,
                          paths=[0])  # fmt: skip
    refused = run["refused.below_floor"].sum()
    assert refused > 0
    assert (run["deposit_requests"] - run["deposits"]).sum() == refused


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
