"""Many paths per kernel call (issue 11): a path's numbers do not depend on its company.

The paths of a batch share their per-person kernel calls (``sim.engine.batch``); each
must come out bit-identical to the same path run alone — same draws, same
float totals to the last bit, same books — whatever the batch's size, order
or number of threads, and a batch must refuse paths that do not share a
scenario rather than run one under another's terms.
"""

import dataclasses

import numpy as np
import pytest
import simpy

from sim.core.chunks import CHUNK, chunk_plan, rows_per_path
from sim.core.lanes import Lanes
from sim.engine.batch import Batch
from sim.engine.montecarlo import batch_size, run_paths
from sim.engine.simulation import Simulation, build_batch, people_of, simulate, simulate_batch
from sim.fund.accounts import Accounts
from sim.fund.liquidity import Pool, PoolDoesNotBalance
from sim.scenario.files import BASELINE, SCENARIO_DIR, load_scenario, with_shocks
from sim.scenario.stress_files import load_stress

SMALL = {"population.size": 1237, "horizon.months": 26}  # odd size; two 30 June settlements


def _assert_same(alone, together, paths):
    for p, a, b in zip(paths, alone, together, strict=True):
        assert a.keys() == b.keys()
        for name in a:
            assert np.array_equal(a[name], b[name]), f"path {p}: {name}"


@pytest.mark.parametrize("case", ["baseline", "combined_severe", "book"])
def test_a_path_is_bit_identical_alone_and_in_a_batch(case):
    if case == "book":
        sc = load_scenario(sets={**SMALL, "book": str(SCENARIO_DIR / "books/example")})
    else:
        sc = load_scenario(sets=SMALL)
        if case != "baseline":
            sc = with_shocks(sc, load_stress(case, start=sc.start).shocks)
    paths = [4, 0, 2]
    together = simulate_batch(sc, paths)
    _assert_same([simulate(sc, p) for p in paths], together, paths)
    assert not np.array_equal(together[0]["deposits"], together[1]["deposits"])  # not one path


def test_paths_of_several_chunks_each_are_bit_identical_in_a_batch():
    sc = load_scenario(sets={"population.size": CHUNK + 901, "horizon.months": 13})
    paths = [1, 7]
    _assert_same([simulate(sc, p) for p in paths], simulate_batch(sc, paths), paths)


def test_the_batch_size_does_not_change_a_monte_carlo():
    one = run_paths(str(BASELINE), SMALL, range(5), batch=1)
    two = run_paths(str(BASELINE), SMALL, range(5), batch=2)
    five = run_paths(str(BASELINE), SMALL, range(5), batch=5)
    assert one.keys() == two.keys() == five.keys() == set(range(5))
    for p in range(5):
        _assert_same([one[p], one[p]], [two[p], five[p]], [p, p])


def test_chunks_cover_every_row_once_and_never_straddle_two_paths():
    n, paths = 2 * CHUNK + 5, 3
    plan = chunk_plan(n, paths)
    rows = np.concatenate([np.arange(lo, hi) for _, lo, hi, _ in plan])
    assert np.array_equal(rows, np.arange(n * paths))
    for path, lo, hi, offset in plan:
        assert offset == path * n
        assert offset <= lo < hi <= offset + n
        assert (lo - offset) % CHUNK == 0  # each path cut from its own first row
    assert len(plan) == 3 * paths


def test_laid_end_to_end_the_paths_arrays_are_views_of_the_batchs():
    sc = load_scenario(sets={**SMALL, "book": str(SCENARIO_DIR / "books/example")})
    alone = [Simulation(sc, p).fund.ledger.acc for p in (0, 1)]
    sims, _ = build_batch([(sc, p) for p in (0, 1)])
    accounts = [s.fund.ledger.acc for s in sims]
    everyone = np.arange(accounts[0].n)
    before = [a.ring_of(everyone) for a in alone]
    used = [a.rings.used for a in alone]
    assert used[0] > 0  # the book's accounts have ring rows when the batch forms
    assert [a.rings.used for a in accounts] == used
    joined = Accounts.joined(sims[0].batch.lanes, accounts[0])
    n = people_of(sc)
    assert joined.rings.rows.shape == (2 * n, accounts[0].rings.slots)
    joined.balance[2 * n - 1] = 123
    assert accounts[1].balance[n - 1] == 123
    assert accounts[0].balance[n - 1] == 0
    assert all(np.array_equal(a.ring_of(everyone), b) for a, b in zip(accounts, before,
                                                                       strict=True))  # fmt: skip
    assert [a.rings.used for a in accounts] == used  # each path hands out its own rows
    accounts[1].rings.rows[0, 0] = 7  # a path's rows are its share of the batch's table
    assert joined.rings.rows[n, 0] == 7


def test_a_batch_refuses_paths_of_different_scenarios():
    env = simpy.Environment()
    a = Simulation(load_scenario(sets=SMALL), 0, env=env)
    b = Simulation(load_scenario(sets=SMALL), 1, env=env)
    with pytest.raises(ValueError, match="same scenario"):
        Batch(env, [(a.people, a.fund), (b.people, b.fund)])
    c = Simulation(load_scenario(sets={**SMALL, "population.size": 1000}), 2, env=env)
    with pytest.raises(ValueError, match="same number of people"):
        Batch(env, [(a.people, a.fund), (c.people, c.fund)])


def test_batches_give_every_worker_work_within_the_memory_limit():
    assert batch_size(1000, 50_000, 2) == 4  # 200,000 people a batch
    assert batch_size(40, 10_000, 2) == 5  # four batches a worker
    assert batch_size(3, 1_000, 2) == 1
    assert batch_size(1000, 1_000, 1) == 16  # past 16 paths a batch saves little more
    assert batch_size(10, 2_000_000, 1) == 1  # never less than one path
    with pytest.raises(ValueError, match="paths per batch"):
        run_paths(str(BASELINE), SMALL, [0], batch=0)


def test_paths_of_different_horizons_are_refused_not_cut_short():
    sc = load_scenario(sets={**SMALL, "horizon.months": 12})
    (short, _), batch = build_batch([(sc, 0), (dataclasses.replace(sc, horizon=24), 1)])
    short.env.run()
    with pytest.raises(RuntimeError, match=r"paths \[1\] .* left waiting at the income"):
        batch.check_finished()


def test_rows_that_do_not_split_into_equal_paths_are_refused():
    with pytest.raises(ValueError, match="1001 rows do not split into 2 equal paths"):
        rows_per_path(1001, 2)
    assert rows_per_path(1000, 2) == 500


def test_a_batch_counts_a_books_members_among_its_people():
    book = load_scenario(sets={**SMALL, "book": str(SCENARIO_DIR / "books/example")})
    assert people_of(book) == Simulation(book, 0).people.pop.n == SMALL["population.size"] + 553
    assert people_of(load_scenario(sets=SMALL)) == SMALL["population.size"]


def test_arrays_of_different_types_are_not_laid_end_to_end():
    lanes = Lanes(2, 3)
    lanes.lane(0).place("acc.balance", np.zeros(3, np.int64))
    with pytest.raises(ValueError, match=r"acc\.balance: the paths' arrays differ"):
        lanes.lane(1).place("acc.balance", np.zeros(3, np.float64))
    lanes.lane(0).place("choices.counts", np.zeros(4, np.int64))  # a row a chunk
    with pytest.raises(ValueError, match=r"choices\.counts: the paths' arrays differ"):
        lanes.lane(1).place("choices.counts", np.zeros(5, np.int64))


def test_a_batch_refuses_paths_not_built_over_its_lanes():
    env, sc = simpy.Environment(), load_scenario(sets=SMALL)
    sims = [Simulation(sc, p, env=env) for p in (0, 1)]
    with pytest.raises(ValueError, match="built over its lanes"):
        Batch(env, [(s.people, s.fund) for s in sims])
    lanes = Lanes(2, people_of(sc))  # lanes the paths were not built over
    with pytest.raises(ValueError, match="built over its lanes"):
        Batch(env, [(s.people, s.fund) for s in sims], lanes)


def test_a_books_mismatch_in_a_batch_names_the_path_and_keeps_its_kind(monkeypatch):
    original = Pool.receive

    def leak(self, kind, amount):  # one fen from nowhere, in path 2's pool only
        original(self, kind, amount + (kind == "repayments" and self is pools[2]))

    sc = load_scenario(sets=SMALL)
    sims, _ = build_batch([(sc, p) for p in (1, 2)])
    pools = {s.path: s.fund.money.pool for s in sims}
    monkeypatch.setattr(Pool, "receive", leak)
    with pytest.raises(PoolDoesNotBalance, match=r"^path 2: \d{4}-\d{2}: .*difference 0\.01"):
        sims[0].env.run()
