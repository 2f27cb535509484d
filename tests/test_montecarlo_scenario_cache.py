"""A pool worker keeps the scenario it loaded for the run's next task, and reads it again
when a file it came from changes or the ``--set`` values differ (``montecarlo._scenario``)."""

from __future__ import annotations

import multiprocessing

from sim.engine import montecarlo
from sim.scenario.files import BASELINE

SETS = {"population.size": 500, "horizon.months": 12}


def test_a_worker_loads_a_scenario_once_for_the_runs_tasks(monkeypatch):
    monkeypatch.setattr(multiprocessing, "parent_process", lambda: object())
    montecarlo._LOADED.clear()
    first = montecarlo._scenario(str(BASELINE), SETS)
    assert montecarlo._scenario(str(BASELINE), dict(reversed(SETS.items()))) is first
    other = montecarlo._scenario(str(BASELINE), {**SETS, "population.size": 600})
    assert other is not first
    assert other.population_size == 600


def test_a_worker_reads_the_scenario_again_when_a_file_it_came_from_changes(monkeypatch):
    monkeypatch.setattr(multiprocessing, "parent_process", lambda: object())
    montecarlo._LOADED.clear()
    first = montecarlo._scenario(str(BASELINE), SETS)
    stats = montecarlo._inputs(first)
    assert [s[0] for s in stats][:1] == [str(BASELINE)]
    assert len(stats) >= 4
    changed = ((stats[1][0], stats[1][1] + 1, stats[1][2]), *stats[:1], *stats[2:])
    monkeypatch.setattr(montecarlo, "_inputs", lambda sc: changed)
    assert montecarlo._scenario(str(BASELINE), SETS) is not first


def test_the_runs_own_process_reads_the_scenario_afresh():
    montecarlo._LOADED.clear()
    assert montecarlo._scenario(str(BASELINE), SETS) is not montecarlo._scenario(
        str(BASELINE), SETS
    )
    assert not montecarlo._LOADED
