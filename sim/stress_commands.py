"""The ``hpfsim stress`` and ``hpfsim reverse-stress`` commands."""

from __future__ import annotations

import argparse
import csv
import io
import json
from pathlib import Path

from sim.errors import InputError
from sim.report.labels import label, value
from sim.stress import BREACHES
from sim.terminal import default_lang, progress, table

# the simulator's modules load only when a command runs, so `hpfsim account` starts fast

SHOWN = ("min_survival_months", "peak_pool_loan_to_deposit", "max_queue_length",
         "max_wait_months", "max_credit_line", "min_reserve_to_loans", "credit_losses", "exits",
         "deposits")  # fmt: skip


def _common(args):
    """Scenario file, --set values (with --paths and --seed) and workers, as ``hpfsim run``
    reads them."""
    from sim.scenario import BASELINE
    from sim.setargs import checked_runs, checked_sets, checked_workers

    checked_runs(args.paths, args.seed)
    scenario = args.scenario or str(BASELINE)
    sets = checked_sets(scenario, args.set)
    if args.paths is not None:
        sets["montecarlo.paths"] = args.paths
    if args.seed is not None:
        sets["montecarlo.seed"] = args.seed
    return scenario, sets, checked_workers(args.workers)


REVERSE_TEXT = {
    "en": {
        "found": "{name} breach reaches P >= {level:.0%} between severity {lo:.3f} and {hi:.3f} "
                 "(P = {p:.0%} at {hi:.3f}, 90% interval {a:.0%}-{b:.0%}, {paths} paths)",
        "not_found": "no {name} breach at P >= {level:.0%} up to severity {max:g} "
                     "(P = {p:.0%} there)",
        "discovery": "scenario discovery: {k} of {n} samples breach; breaches concentrate where "
                     "{box} (coverage {coverage:.0%}, density {density:.0%}, {support} samples)",
    },
    "zh": {
        "found": "{breach}在严重程度 {lo:.3f} 与 {hi:.3f} 之间达到 {level:.0%}"
                 "（{hi:.3f} 处为 {p:.0%}，90% 区间 {a:.0%}–{b:.0%}，{paths} 条路径）",
        "not_found": "严重程度不超过 {max:g} 时，{breach}未达到 {level:.0%}（该处为 {p:.0%}）",
        "discovery": "情景发现：{n} 个样本中 {k} 个突破限额；突破集中在 {box}"
                     "（覆盖率 {coverage:.0%}，密度 {density:.0%}，{support} 个样本）",
    },
}  # fmt: skip
"""``reverse-stress``'s sentences; the breach is named as in the stress table."""


def stress_table(rows, *, lang: str = "en") -> str:
    """Metric × scenario: median and (worst 5% path); breach probabilities."""
    from sim.report.params_zh import variant_name

    head = ["中位数（最差 5% 路径）" if lang == "zh" else "median (worst 5% path)",
            *(variant_name(r["scenario"]) if lang == "zh" else r["scenario"] for r in rows)]  # fmt: skip
    body = [[label(name, lang)] + [f"{value(name, r[name + '.median'], lang)} "
                                   f"({value(name, r[name + '.worst5'], lang)})" for r in rows]
            for name in SHOWN]  # fmt: skip
    body += [[label(key, lang)] + [value(key, r[key], lang) for r in rows]
             for key in (f"P({b} breach)" for b in BREACHES)]  # fmt: skip
    return table(head, body)


def _csv_rows(rows) -> list[dict]:
    """``stress.csv``: ratios to four places, months to one, money to the yuan."""
    out = []
    for r in rows:
        row = {}
        for k, v in r.items():
            name = k.rsplit(".", 1)[0]
            if not isinstance(v, float):
                row[k] = v
            elif k.startswith("P("):
                row[k] = round(v, 4)
            elif "months" in name or name.endswith("month"):
                row[k] = round(v, 1)
            elif "loan_to_deposit" in name or "reserve_to" in name:
                row[k] = round(v, 4)
            else:
                row[k] = round(v)
        out.append(row)
    return out


def stress(args: argparse.Namespace) -> int:
    """Run the baseline and each stress with common random numbers; print the table."""
    from sim.results import write_atomic
    from sim.runs import Variant, execute
    from sim.scenario import load_scenario
    from sim.stress import library, load_stress, stress_path, table_rows

    scenario, sets, workers = _common(args)
    names = args.stresses or [f.stem for f in library()]
    variants = [Variant("baseline", dict(sets))]
    for name in names:
        path = stress_path(name)
        label = load_stress(path, start=load_scenario(scenario).start).name
        variants.append(Variant(label, {**sets, "stress": str(path.resolve())}))
    with progress("paths") as bar:
        run_dir, runs = execute(scenario, variants, out=args.out, workers=workers,
                                dask=args.dask, progress=bar,
                                force=getattr(args, "force", False))  # fmt: skip
    fund = load_scenario(scenario, sets=sets).pool.fund
    rows = table_rows(runs, fund.credit_line_rate, fund.credit_line_limit)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(_csv_rows(rows))
    write_atomic(run_dir / "stress.csv", buf.getvalue().encode())
    lang = args.lang or default_lang()
    print(stress_table(rows, lang=lang))
    print("最差 5%：生存期、准备金覆盖和缴存额取 5% 分位数，其余取 95% 分位数" if lang == "zh" else
          "worst 5%: the 5% quantile for survival, reserve cover and deposits, else the 95%")  # fmt: skip
    print(f"results: {run_dir}")
    return 0


def reverse_stress(args: argparse.Namespace) -> int:
    """Smallest severity with breach probability >= level; optional scenario discovery."""
    from sim.results import RESULTS_DIR, write_atomic
    from sim.reverse import choose_box, discover_runs, find_threshold, prim
    from sim.runs import Variant, execute
    from sim.scenario import load_scenario
    from sim.stress import breach_probability, load_stress, stress_path

    scenario, sets, workers = _common(args)
    if args.breach not in BREACHES:
        raise InputError(
            "(command line)", "--breach", f"{args.breach!r}", allowed=", ".join(BREACHES)
        )
    if not 0 < args.level < 1:
        raise InputError("(command line)", "--level", f"{args.level}", allowed="between 0 and 1")
    path = str(stress_path(args.stress).resolve())
    base = load_scenario(scenario, sets=sets)
    fund = base.pool.fund
    out = (
        Path(args.out) if args.out else RESULTS_DIR / f"reverse-{Path(path).stem}-{base.digest[:6]}"
    )

    def probe(severity: float, effects=None, tag=None) -> float:
        run_sets = {**sets, "stress": path, "stress.severity": severity}
        if effects:
            run_sets["stress.effects"] = effects
        folder = out / (tag or f"severity-{severity:.4f}")
        if (folder / "manifest.json").exists():
            import shutil

            shutil.rmtree(folder)
        with progress(f"severity {severity:.3f}" if tag is None else tag) as bar:
            _, runs = execute(scenario, [Variant("x", run_sets)], out=folder, workers=workers,
                              dask=args.dask, progress=bar,
                              force=getattr(args, "force", False))  # fmt: skip
        return breach_probability(runs["x"], args.breach, fund.credit_line_rate,
                                  fund.credit_line_limit)  # fmt: skip

    result = find_threshold(probe, level=args.level, hi=args.max_severity,
                            tolerance=args.tolerance, paths=base.paths)  # fmt: skip
    report = {"stress": path, "breach": args.breach, "level": args.level,
              "found": result.found, "severity_bracket": [result.lo, result.hi],
              "probability_at_hi": result.p_hi, "wilson90_at_hi": list(result.ci_hi),
              "paths": result.paths, "evaluations": result.evaluations}  # fmt: skip
    lang = args.lang or default_lang()
    t, breach = REVERSE_TEXT[lang], label(f"P({args.breach} breach)", lang)
    lo, hi = result.ci_hi
    print(t["found" if result.found else "not_found"].format(
        breach=breach, name=args.breach, level=args.level, lo=result.lo, hi=result.hi,
        p=result.p_hi, a=lo, b=hi, paths=result.paths, max=args.max_severity))  # fmt: skip
    if args.discover:
        stress_file = load_stress(path, start=base.start)
        if not stress_file.ranges:
            raise InputError(path, "ranges", "scenario discovery needs [ranges] in the stress file")

        def breached(effects, i):
            return probe(1.0, effects, f"sample-{i:04d}") >= args.level

        x, y = discover_runs(stress_file.ranges, args.discover, seed=base.seed, breached=breached)
        names = list(stress_file.ranges)
        boxes = prim(x, y, names)
        box = choose_box(boxes)
        print(t["discovery"].format(k=int(y.sum()), n=len(y), box=box.describe(stress_file.ranges),
                                    coverage=box.coverage, density=box.density,
                                    support=box.support))  # fmt: skip
        report["discovery"] = {"samples": x.tolist(), "breach": y.tolist(), "names": names,
                               "box": box.bounds, "coverage": box.coverage,
                               "density": box.density}  # fmt: skip
    write_atomic(out / "reverse.json", json.dumps(report, indent=1, default=float).encode())
    print(f"results: {out}")
    return 0


def add_commands(sub) -> None:
    """Register the stress commands on the ``hpfsim`` parser."""
    from sim.cli import _run_args

    st = sub.add_parser("stress", help="run the stress library against the baseline (CRN)")
    st.add_argument("stresses", nargs="*", help="stress names or files (default: the library)")
    st.add_argument("--scenario", help="base scenario (default scenarios/baseline.toml)")
    _run_args(st)
    st.set_defaults(run=stress)

    rv = sub.add_parser("reverse-stress", help="smallest severity that breaks the fund")
    rv.add_argument("stress", help="stress name or file")
    rv.add_argument("--breach", required=True, help=f"one of: {', '.join(BREACHES)}")
    rv.add_argument("--level", type=float, default=0.05, help="breach probability (default 5%%)")
    rv.add_argument("--max-severity", type=float, default=4.0)
    rv.add_argument("--tolerance", type=float, default=0.05, help="bracket width to stop at")
    rv.add_argument(
        "--discover",
        type=int,
        default=0,
        metavar="N",
        help="also sample N stress parameter sets (Latin hypercube) and find PRIM boxes",
    )
    rv.add_argument("--scenario", help="base scenario (default scenarios/baseline.toml)")
    _run_args(rv)
    rv.set_defaults(run=reverse_stress)
