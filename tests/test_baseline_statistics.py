"""The baseline's key figures stay within Monte Carlo error of a recorded reference (issue 26).

Speed work may re-key or re-lay the draws (a person's draws stay keyed by seed, path,
purpose, month and person) or change the state's types, so a path's numbers need not
stay bit-identical; what must not move is the distribution. The reference
(``tests/data/baseline_reference.json``) holds, for the baseline scenario at 2,000
people × 36 months, the mean and standard deviation over 200 paths (paths 1000–1199) of
the members, the deposit balance, the subsidy paid so far, the loans disbursed so far
and the loan balance at months 12, 24 and 36. The test runs 40 *other* paths (0–39)
and requires every mean within 4 standard errors of the reference's,
``|m - m_ref| < 4 * sqrt(s**2 / 40 + s_ref**2 / 200)``.

The reference names the inputs it was made from (a hash of the scenario, population,
fund and policy files): when the model's inputs change on purpose, make it again,
*before* a change to the draws, with

    .venv/bin/python -m tests.test_baseline_statistics --write
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from sim.engine.simulation import simulate_batch
from sim.scenario.files import BASELINE, load_scenario

REFERENCE = Path(__file__).parent / "data" / "baseline_reference.json"
SETS = {"population.size": 2000, "horizon.months": 36}
MONTHS = (12, 24, 36)
FIGURES = ("members", "deposit_balance", "subsidy_paid", "loans_disbursed", "loan_balance")
CUMULATIVE = {"subsidy_paid", "loans_disbursed"}  # flows: counted from the start
REFERENCE_PATHS = range(1000, 1200)
TEST_PATHS = range(40)
Z = 4.0


def inputs_hash() -> str:
    """A hash of every input file the baseline reads (scenario, population, fund, policies)."""
    sc = load_scenario(BASELINE, sets=SETS)
    files = [sc.path, sc.agents.path, sc.pool.path, sc.policy.path]
    if sc.switch_policy is not None:
        files.append(sc.switch_policy.path)
    digest = hashlib.sha256()
    for f in files:
        digest.update(Path(f).read_bytes())
    return digest.hexdigest()[:16]


def figures(paths: range, batch: int = 8) -> dict[str, np.ndarray]:
    """Each key figure at :data:`MONTHS`, one row per path."""
    sc = load_scenario(BASELINE, sets=SETS)
    out = {f: [] for f in FIGURES}
    paths = list(paths)
    for k in range(0, len(paths), batch):
        for series in simulate_batch(sc, paths[k : k + batch]):
            for f in FIGURES:
                s = np.cumsum(series[f]) if f in CUMULATIVE else series[f]
                out[f].append([s[m - 1] for m in MONTHS])
    return {f: np.array(v, float) for f, v in out.items()}


def summary(values: dict[str, np.ndarray]) -> dict[str, dict[str, list[float]]]:
    """Mean and standard deviation over paths of each figure at each month."""
    return {f: {"mean": v.mean(axis=0).tolist(), "sd": v.std(axis=0, ddof=1).tolist()}
            for f, v in values.items()}  # fmt: skip


def test_the_baselines_key_figures_are_within_monte_carlo_error_of_the_reference():
    ref = json.loads(REFERENCE.read_text())
    if ref["inputs"] != inputs_hash():
        pytest.fail("the baseline's input files changed since tests/data/baseline_reference.json "
                    "was made: make it again (python -m tests.test_baseline_statistics --write)")  # fmt: skip
    assert ref["sets"] == SETS
    assert ref["months"] == list(MONTHS)
    n_ref, n = ref["paths"], len(TEST_PATHS)
    now = summary(figures(TEST_PATHS))
    for f in FIGURES:
        mean, sd = np.array(now[f]["mean"]), np.array(now[f]["sd"])
        mean_ref, sd_ref = np.array(ref["figures"][f]["mean"]), np.array(ref["figures"][f]["sd"])
        assert mean_ref[-1] > 0, f  # the figure moves: a comparison that can fail
        se = np.sqrt(sd**2 / n + sd_ref**2 / n_ref)
        exact = se == 0  # no subsidy is paid in the first year (S1: money held a full year)
        assert np.array_equal(mean[exact], mean_ref[exact]), f
        z = np.abs(mean - mean_ref)[~exact] / se[~exact]
        assert (z < Z).all(), f"{f}: means {mean} against {mean_ref} (z {z})"


def main() -> None:
    parser = argparse.ArgumentParser(description="Make tests/data/baseline_reference.json")
    parser.add_argument("--write", action="store_true", help="run the reference paths, write")
    args = parser.parse_args()
    if not args.write:
        raise SystemExit(__doc__)
    ref = {
        "made_by": "python -m tests.test_baseline_statistics --write",
        "what": "baseline scenario, mean and sd over paths of key figures at months 12, 24, 36 "
        "(subsidy_paid and loans_disbursed summed from the start)",
        "inputs": inputs_hash(),
        "sets": SETS,
        "paths": len(REFERENCE_PATHS),
        "first_path": REFERENCE_PATHS[0],
        "months": list(MONTHS),
        "figures": summary(figures(REFERENCE_PATHS)),
    }
    REFERENCE.parent.mkdir(exist_ok=True)
    REFERENCE.write_text(json.dumps(ref, indent=1) + "\n")
    print(f"wrote {REFERENCE}")


if __name__ == "__main__":
    main()
