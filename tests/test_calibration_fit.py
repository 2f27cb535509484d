"""Calibration by fitting: recovers known parameters, resumes from its cache, writes the file."""

import dataclasses

import numpy as np
import pytest

import sim.agents.fitting as fitting
from sim.agents.calibrated import format_fit, markdown_table, sha256, write_calibrated
from sim.agents.calibration import DEFAULT_TARGETS, load_targets, record
from sim.agents.config import DEFAULT_POPULATION
from sim.agents.fit_stats import bootstrap
from sim.agents.fitting import (
    DEFAULT_PARAMETERS,
    FitSettings,
    apply,
    fit,
    load_parameters,
    moments_of,
)
from sim.agents.population_file import load_agent_config
from sim.cli.main import main
from sim.core.months import parse_month
from sim.fund.policy import load_policy
from sim.report.bases import shown

CONFIG = load_agent_config()
POLICY = load_policy("lyg-2023")
START = parse_month("2023-09")
PARAMS = {p.key: p for p in load_parameters()[0]}


def _settings(**kw) -> FitSettings:
    base = FitSettings(n=3000, paths=6, months=24, seed=1, start="2023-09", policy="lyg-2023",
                       step=0.03, iterations=8, bootstrap=300)  # fmt: skip
    return dataclasses.replace(base, **kw)


def _synthetic_targets(params, truth, names, settings, *, seed):
    """Targets simulated from ``truth`` on other seeds; each band +-2 sd of its bootstrap."""
    cfg = apply(CONFIG, params, truth)
    runs = [
        record(cfg, POLICY, n=settings.n, months=settings.months, seed=seed, path=p,
               start_month=START)
        for p in range(settings.paths)
    ]  # fmt: skip
    default = load_targets()
    targets = [dataclasses.replace(default[n], months=(1, settings.months)) for n in names]
    values = moments_of(targets, runs)
    sds = bootstrap(moments_of, targets, runs, 400, seed).std(axis=0)
    return {
        t.name: dataclasses.replace(t, value=float(v), band=(float(v - 2 * s), float(v + 2 * s)))
        for t, v, s in zip(targets, values, sds, strict=True)
    }


def test_a_fit_of_synthetic_targets_recovers_the_known_parameters_within_its_intervals(tmp_path):
    """Through the engine's own month (record: sim.agents.engine_month), as the projection."""
    keys = [
        "behaviour.joining.base_annual_rate",
        "behaviour.withdrawing.rent_user_share",
        "behaviour.depositing.share_mean",
    ]
    params = [PARAMS[k] for k in keys]
    truth = [0.10, 0.40, 0.16]  # the population file has 0.04, 0.80, 0.12: the fit starts there
    names = ["participation.ever_joined_3y", "rent.withdrawers_share", "deposits.share_of_income"]
    settings = _settings()
    targets = _synthetic_targets(params, truth, names, settings, seed=777)
    result = fit(CONFIG, POLICY, params, settings, targets=targets, start_month=START,
                 out=tmp_path)  # fmt: skip
    for e, true in zip(result.estimates, truth, strict=True):
        assert e.low <= true <= e.high, (e.parameter.key, e.low, e.value, e.high)
        assert e.high - e.low < 0.5 * (e.parameter.high - e.parameter.low), e.parameter.key
        assert e.start != pytest.approx(true)
    assert all(m.within for m in result.moments)


def test_a_rerun_takes_every_evaluation_from_the_cache_and_finds_the_same_fit(
    tmp_path, monkeypatch
):
    params = [PARAMS["behaviour.joining.base_annual_rate"]]
    settings = _settings(n=1500, paths=2, months=12, iterations=3, bootstrap=50)
    targets = {"participation.ever_joined_3y": dataclasses.replace(
        load_targets()["participation.ever_joined_3y"], months=(12, 12), value=0.1,
        band=(0.05, 0.15))}  # fmt: skip
    first = fit(CONFIG, POLICY, params, settings, targets=targets, start_month=START, out=tmp_path)
    assert first.from_cache == 0
    assert list((tmp_path / "evaluations").glob("*.npz"))
    assert not list((tmp_path / "evaluations").glob("*tmp*"))

    def no_simulation(*args, **kwargs):
        raise AssertionError("a cached evaluation was simulated again")

    monkeypatch.setattr(fitting, "record_paths", no_simulation)
    lines = []
    again = fit(CONFIG, POLICY, params, settings, targets=targets, start_month=START,
                out=tmp_path, progress=lines.append)  # fmt: skip
    assert again.from_cache == again.evaluations == first.evaluations
    assert again.estimates == first.estimates
    assert all("(cached)" in line for line in lines)


def test_the_calibrated_file_carries_the_fitted_values_and_its_provenance(tmp_path):
    params = [PARAMS["behaviour.joining.base_annual_rate"], PARAMS["behaviour.buying.age_peak"]]
    result = fitting.FitResult(
        estimates=[
            fitting.Estimate(params[0], 0.04, 0.0612345678, 0.05, 0.07),
            fitting.Estimate(params[1], 32.0, 30.5, 28.0, 33.0),
        ],
        moments=[], distance=1.5, evaluations=10, from_cache=0, seconds=1.0,
        settings=_settings(), status="ok",
    )  # fmt: skip
    dest = write_calibrated(
        DEFAULT_POPULATION, tmp_path / "calibrated.toml", result, targets=DEFAULT_TARGETS,
        parameters=DEFAULT_PARAMETERS, command="hpfsim calibrate --fit",
    )  # fmt: skip
    got = load_agent_config(dest)
    assert got.joining.base_annual_rate == pytest.approx(0.0612346)
    assert got.buying.age_peak == 30.5
    assert got.depositing == CONFIG.depositing
    text = dest.read_text(encoding="utf-8")
    assert f"sha256 {sha256(DEFAULT_TARGETS)}" in text
    assert "calibration.method = simulated method of moments" in text
    assert "seed 1" in text
    assert "calibration.date = " in text
    assert "# fitted (95% interval 28-33); the uncalibrated file has 32" in text
    assert "30.5" in format_fit(result)
    assert "| `behaviour.buying.age_peak` | 32 | 30.5 | 28-33 |" in markdown_table(result)
    # the tables' bases name the fitted values, then the basis of the values the fit started from
    basis = got_basis(dest, "behaviour.buying")
    assert basis.startswith("Fitted by hpfsim calibrate --fit (")
    assert (
        "age_peak 30.5 (28-33) against targets.toml. Starting values: Assumption: 30% a year"
        in (basis)
    )
    zh = shown(basis, "zh")
    assert zh.startswith("由 hpfsim calibrate --fit 拟合（")
    assert "age_peak 30.5 (28-33)，依据 targets.toml。起始值的依据：假设：" in zh


def got_basis(path, table: str) -> str:
    """The ``basis`` of ``[table]`` in a TOML file."""
    import tomllib

    data = tomllib.loads(path.read_text(encoding="utf-8"))
    for part in table.split("."):
        data = data[part]
    return data["basis"]


def test_cli_calibrate_fit_writes_the_population_file_and_resumes(tmp_path, capsys):
    params = tmp_path / "parameters.toml"
    text = DEFAULT_PARAMETERS.read_text(encoding="utf-8")
    head, _, _ = text.partition('[parameters."behaviour.depositing.base_probability"]')
    params.write_text(head, encoding="utf-8")  # the joining rate alone
    out, dest = tmp_path / "out", tmp_path / "pop.toml"
    argv = ["calibrate", "--fit", "--parameters", str(params), "--n", "1500", "--paths", "2",
            "--months", "12", "--out", str(out), "--write", str(dest)]  # fmt: skip
    assert main(argv) == 0
    shown = capsys.readouterr()
    assert "behaviour.joining.base_annual_rate" in shown.out
    assert "evaluation 1 (run)" in shown.err
    assert load_agent_config(dest).joining.base_annual_rate != CONFIG.joining.base_annual_rate
    assert main(argv) == 0
    assert "(run)" not in capsys.readouterr().err
    assert "base_annual_rate" in (out / "calibration.md").read_text(encoding="utf-8")
    assert np.isfinite(load_agent_config(dest).joining.base_annual_rate)


def test_a_parameter_the_targets_do_not_move_is_fixed_at_its_value_and_listed(tmp_path):
    """Identification (fit_stats): the share of income deposited does not move the share of
    people who ever joined, so a fit to that target alone keeps it at the file's value."""
    params = [
        PARAMS["behaviour.joining.base_annual_rate"],
        PARAMS["behaviour.depositing.share_mean"],
    ]
    settings = _settings(n=2000, paths=4, months=18, iterations=4, bootstrap=100)
    targets = _synthetic_targets(params[:1], [0.10], ["participation.ever_joined_3y"], settings,
                                 seed=778)  # fmt: skip
    result = fit(CONFIG, POLICY, params, settings, targets=targets, start_month=START,
                 out=tmp_path)  # fmt: skip
    joining, share = result.estimates
    assert joining.identified
    assert joining.low <= 0.10 <= joining.high
    assert not share.identified
    assert share.value == share.start == CONFIG.depositing.share_mean
    assert "not identified (kept at the file's value): behaviour.depositing.share_mean" in (
        format_fit(result)
    )
