"""The behaviour commands: ``hpfsim calibrate [--fit]`` and ``hpfsim response``.

Both run the people through the engine's own month (``sim.agents.engine_month``): calibrate
prints each calibration moment beside its published target, or with
``--fit`` estimates the behaviour parameters (SMM) and writes the calibrated
population file; response runs the same people under several holding-subsidy
rates and rate-response settings (common random numbers).
"""

from __future__ import annotations

import argparse
import sys

from sim.core.errors import InputError
from sim.report.terminal import working


def add_commands(sub) -> None:
    """Add ``calibrate`` and ``response`` to the ``hpfsim`` subcommands."""
    cal = sub.add_parser("calibrate", help="simulated moments vs targets (the engine's month)")
    _agents_args(cal)
    cal.add_argument("--targets", default=None, help="targets file (TOML)")
    cal.add_argument("--paths", type=int, default=None, help="paths (plain: 1; --fit: the file's)")
    cal.add_argument("--fit", action="store_true", help="fit the behaviour parameters (SMM)")
    cal.add_argument("--parameters", default=None, help="--fit: parameters file (TOML)")
    cal.add_argument(
        "--out",
        default="results/calibration",
        help="--fit: folder of cached evaluations; rerun to resume",
    )
    cal.add_argument(
        "--write",
        default=None,
        help="--fit: the population file to write "
        "(default scenarios/population/lianyungang-calibrated.toml)",
    )
    cal.set_defaults(run=calibrate, n=None, months=None, seed=None, start=None, policy=None)

    rsp = sub.add_parser("response", help="the same people under several subsidy rates (CRN)")
    _agents_args(rsp)
    rsp.add_argument("--rates", default="0.010,0.012,0.015", help="comma-separated rates")
    rsp.add_argument(
        "--settings",
        default="none,low,central,high",
        help="rate-response settings (comma-separated)",
    )
    rsp.set_defaults(run=response)


def _agents_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--population",
        default=None,
        help="population file (TOML); default the calibrated Lianyungang file "
        "(calibrate --fit: the uncalibrated one, its starting values)",
    )
    p.add_argument("--policy", default="lyg-2023", help="policy ID or file (default lyg-2023)")
    p.add_argument("--n", type=int, default=20_000, help="people (default 20,000)")
    p.add_argument("--months", type=int, default=36, help="months (default 36)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--start", default="2023-09", help="first month, YYYY-MM")


def _agents_inputs(args: argparse.Namespace, *, fitting: bool = False):
    """The population file (by default the calibrated one the baseline uses; a fit starts from
    the uncalibrated values), the policy and the start month."""
    from sim.agents.calibrated import CALIBRATED_POPULATION
    from sim.agents.config import DEFAULT_POPULATION
    from sim.agents.population_file import load_agent_config
    from sim.core.months import LAST_RUN_MONTH, format_month, parse_month
    from sim.fund.policy import load_policy

    default = DEFAULT_POPULATION if fitting else CALIBRATED_POPULATION
    config = load_agent_config(args.population or default)
    try:
        start = parse_month(args.start)
    except ValueError as exc:
        raise InputError("(command line)", "--start", str(exc)) from None
    if args.n < 1 or args.months < 1:
        raise InputError("(command line)", "--n/--months", "must be at least 1")
    if start + args.months - 1 > LAST_RUN_MONTH:  # a person's months are int16
        last = format_month(LAST_RUN_MONTH)
        raise InputError("(command line)", "--start/--months", f"the run ends after {last}",
                         allowed="a run that ends by then")  # fmt: skip
    return config, load_policy(args.policy), start


def calibrate(args: argparse.Namespace) -> int:
    from sim.agents.calibration import DEFAULT_TARGETS, calibrate, format_moments

    if args.fit:
        return _calibrate_fit(args)
    plain = {"n": 20_000, "months": 36, "seed": 1, "start": "2023-09", "policy": "lyg-2023"}
    for key, value in plain.items():
        setattr(args, key, value if getattr(args, key) is None else getattr(args, key))
    config, policy, start = _agents_inputs(args)
    with working("calibrating"):
        moments = calibrate(
            config,
            policy,
            targets=args.targets or DEFAULT_TARGETS,
            n=args.n,
            months=args.months,
            seed=args.seed,
            paths=args.paths or 1,
            start_month=start,
        )
    print(format_moments(moments))
    return 0


def _calibrate_fit(args: argparse.Namespace) -> int:
    """``calibrate --fit``: the [fit] table of the parameters file, overridden by options."""
    import dataclasses

    from sim.agents.calibrated import (
        CALIBRATED_POPULATION,
        format_fit,
        save_report,
        write_calibrated,
    )
    from sim.agents.calibration import DEFAULT_TARGETS, load_targets
    from sim.agents.config import DEFAULT_POPULATION
    from sim.agents.fitting import DEFAULT_PARAMETERS, fit, load_parameters

    targets_file = args.targets or DEFAULT_TARGETS
    params_file = args.parameters or DEFAULT_PARAMETERS
    params, settings = load_parameters(params_file)
    given = {k: getattr(args, k) for k in ("n", "months", "seed", "start", "policy", "paths")}
    settings = dataclasses.replace(settings, **{k: v for k, v in given.items() if v is not None})
    if settings.paths < 2:
        raise InputError("(command line)", "--paths", f"{settings.paths}", allowed="2 or more")
    for key in ("n", "months", "seed", "start", "policy"):
        setattr(args, key, getattr(settings, key))
    config, policy, start = _agents_inputs(args, fitting=True)
    targets = load_targets(targets_file)

    def progress(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    result = fit(
        config,
        policy,
        params,
        settings,
        targets=targets,
        start_month=start,
        out=args.out,
        progress=progress,
    )
    print(format_fit(result))
    save_report(result, args.out)
    command = "hpfsim calibrate --fit" + "".join(
        f" --{k} {v}" for k, v in given.items() if v is not None
    )
    source = args.population or DEFAULT_POPULATION
    dest = write_calibrated(
        source,
        args.write or CALIBRATED_POPULATION,
        result,
        targets=targets_file,
        parameters=params_file,
        command=command,
    )
    print(f"calibrated population file: {dest}")
    return 0


def response(args: argparse.Namespace) -> int:
    from sim.agents.config import RESPONSE_SETTINGS
    from sim.agents.rate_response import format_response, rate_response

    config, policy, start = _agents_inputs(args)
    try:
        rates = [float(r) for r in args.rates.split(",")]
    except ValueError:
        raise InputError(
            "(command line)", "--rates", f"{args.rates!r}", allowed="e.g. 0.010,0.015"
        ) from None
    settings = args.settings.split(",")
    if not set(settings) <= set(RESPONSE_SETTINGS):
        raise InputError(
            "(command line)",
            "--settings",
            f"{args.settings!r}",
            allowed=", ".join(RESPONSE_SETTINGS),
        )
    with working("simulating"):
        rows = rate_response(
            config,
            policy,
            rates,
            n=args.n,
            months=args.months,
            seed=args.seed,
            start_month=start,
            settings=settings,
        )
    print(format_response(rows))
    return 0
