"""The ``hpfsim stress`` and ``hpfsim reverse-stress`` commands."""

from __future__ import annotations

import argparse
import csv
import io
import json
from pathlib import Path

from sim.cli.options import run_options
from sim.core.errors import InputError
from sim.report.labels import label, value
from sim.report.terminal import default_lang, progress, table
from sim.stress.metrics import BREACHES

# the simulator's modules load only when a command runs, so `hpfsim account` starts fast

SHOWN = ("min_survival_months", "min_survival_months_with_line", "peak_pool_loan_to_deposit",
         "months_ltd_above_90", "max_queue_length", "max_queue_amount", "max_wait_months",
         "max_credit_line", "min_reserve_to_loans", "reserve_shortfall", "credit_losses", "exits",
         "deposits")  # fmt: skip


def _common(args):
    """Scenario file, --set values (with --paths and --seed) and workers, as ``hpfsim run``
    reads them."""
    opts = run_options(args)
    return opts.scenario, opts.sets_with_runs(), opts.workers


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

    head = [
        "中位数（最差 5% 路径）" if lang == "zh" else "median (worst 5% path)",
        *(variant_name(r["scenario"]) if lang == "zh" else r["scenario"] for r in rows),
    ]
    body = [
        [label(name, lang)]
        + [
            f"{value(name, r[name + '.median'], lang)} ({value(name, r[name + '.worst5'], lang)})"
            for r in rows
        ]
        for name in SHOWN
    ]
    body += [
        [label(key, lang)] + [value(key, r[key], lang) for r in rows]
        for key in (f"P({b} breach)" for b in BREACHES)
    ]
    return table(head, body)


def _csv_rows(rows) -> list[dict]:
    """``stress.csv``: ratios to four places, months to one, money to the yuan."""
    out = []
    for r in rows:
        row = {}
        for kind, stat in r["breaches"].items():
            for k, v in stat.items():
                row[f"breach.{kind}.{k}"] = round(v, 4)
        for k, v in r.items():
            if k == "breaches":
                continue
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
    from sim.core.months import format_month
    from sim.engine.results import write_atomic
    from sim.engine.runs import Variant, execute
    from sim.report.stress_tables import pool_lines, window_table
    from sim.scenario.files import load_scenario
    from sim.scenario.stress_files import library, load_stress, stress_path
    from sim.stress.metrics import table_rows
    from sim.stress.window import effects, stress_window

    scenario, sets, workers = _common(args)
    names = args.stresses or [f.stem for f in library()]
    first = load_scenario(scenario, sets=sets)
    stresses = {}
    for name in names:
        path = stress_path(name)
        loaded = load_stress(path, start=first.start)
        stresses[loaded.name] = (path, stress_window(loaded.shocks, first.start, first.horizon))
    # every run, the baseline too, takes the loans granted before the earliest window as the
    # stress cohort, so the paired default rates compare the same loans (sim.stress.window)
    cohort = format_month(first.start + min(w[0] for _, w in stresses.values()))
    sets = {**sets, "stress.window_start": cohort}
    variants = [Variant("baseline", dict(sets))]
    variants += [
        Variant(label, {**sets, "stress": str(path.resolve())})
        for label, (path, _) in stresses.items()
    ]
    with progress("paths") as bar:
        run_dir, runs = execute(
            scenario,
            variants,
            out=args.out,
            workers=workers,
            dask=args.dask,
            progress=bar,
            force=getattr(args, "force", False),
        )
    base = load_scenario(scenario, sets=sets)
    fund = base.pool.fund
    rows = table_rows(runs, fund.credit_line_rate, fund.credit_line_limit, base.start)
    buf = io.StringIO()
    flat = _csv_rows(rows)
    writer = csv.DictWriter(buf, fieldnames=list(flat[0]))
    writer.writeheader()
    writer.writerows(flat)
    write_atomic(run_dir / "stress.csv", buf.getvalue().encode())
    lang = args.lang or default_lang()
    print(stress_table(rows, lang=lang))
    print(
        "最差 5%：生存期、准备金覆盖和缴存额取 5% 分位数，其余取 95% 分位数"
        if lang == "zh"
        else "worst 5%: the 5% quantile for survival, reserve cover and deposits, else the 95%"
    )
    print()
    print(breach_text(rows, lang))
    paired = effects(runs, {label: w for label, (_, w) in stresses.items()})
    write_atomic(run_dir / "stress_window.json", json.dumps(paired, indent=1).encode())
    print()
    print(window_table(paired, first.start, lang=lang))
    print(pool_lines(paired, lang=lang))
    print(f"results: {run_dir}")
    return 0


def breach_text(rows, lang: str) -> str:
    """Per scenario: each breach kind that occurs, how often and how large, or that none does."""
    from sim.stress.breaches import clauses

    lines = ["突破（按种类与规模）" if lang == "zh" else "breaches, by kind and size"]
    for r in rows:  # a clause a line: a terminal's width, not a paragraph
        lines += [f"{r['scenario']}:", *(f"  - {c}" for c in clauses(r["breaches"], lang))]
    return "\n".join(lines)


def reverse_stress(args: argparse.Namespace) -> int:
    """Smallest severity with breach probability >= level; optional scenario discovery."""
    from sim.engine.results import RESULTS_DIR, write_atomic
    from sim.engine.runs import Variant, execute
    from sim.scenario.files import load_scenario
    from sim.scenario.stress_files import load_stress, stress_path
    from sim.stress.discovery import discover_kinds, discovery_table
    from sim.stress.metrics import breach_probability
    from sim.stress.reverse import choose_box, discover_runs, find_threshold, prim

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

    def probe_all(severity: float, effects=None, tag=None) -> dict[str, float]:
        """Every breach kind's probability over the paths of one run."""
        run_sets = {**sets, "stress": path, "stress.severity": severity}
        if effects:
            run_sets["stress.effects"] = effects
        folder = out / (tag or f"severity-{severity:.4f}")
        if (folder / "manifest.json").exists():
            import shutil

            shutil.rmtree(folder)
        with progress(f"severity {severity:.3f}" if tag is None else tag) as bar:
            _, runs = execute(
                scenario,
                [Variant("x", run_sets)],
                out=folder,
                workers=workers,
                dask=args.dask,
                progress=bar,
                force=getattr(args, "force", False),
            )
        return {
            name: breach_probability(runs["x"], name, fund.credit_line_rate, fund.credit_line_limit)
            for name in BREACHES
        }

    def probe(severity: float) -> float:
        return probe_all(severity)[args.breach]

    result = find_threshold(
        probe, level=args.level, hi=args.max_severity, tolerance=args.tolerance, paths=base.paths
    )
    report = {
        "stress": path,
        "breach": args.breach,
        "level": args.level,
        "found": result.found,
        "severity_bracket": [result.lo, result.hi],
        "probability_at_hi": result.p_hi,
        "wilson90_at_hi": list(result.ci_hi),
        "paths": result.paths,
        "evaluations": result.evaluations,
    }
    lang = args.lang or default_lang()
    t, breach = REVERSE_TEXT[lang], label(f"P({args.breach} breach)", lang)
    lo, hi = result.ci_hi
    print(
        t["found" if result.found else "not_found"].format(
            breach=breach,
            name=args.breach,
            level=args.level,
            lo=result.lo,
            hi=result.hi,
            p=result.p_hi,
            a=lo,
            b=hi,
            paths=result.paths,
            max=args.max_severity,
        )
    )
    if args.discover:
        stress_file = load_stress(path, start=base.start)
        if not stress_file.ranges:
            raise InputError(path, "ranges", "scenario discovery needs [ranges] in the stress file")

        probabilities = []

        def breached(effects, i):
            probabilities.append(probe_all(1.0, effects, f"sample-{i:04d}"))
            return probabilities[-1][args.breach] >= args.level

        x, y = discover_runs(stress_file.ranges, args.discover, seed=base.seed, breached=breached)
        names = list(stress_file.ranges)
        boxes = prim(x, y, names)
        box = choose_box(boxes)
        print(
            t["discovery"].format(
                k=int(y.sum()),
                n=len(y),
                box=box.describe(boxes[0].bounds),
                coverage=box.coverage,
                density=box.density,
                support=box.support,
            )
        )
        kinds = discover_kinds(x, names, stress_file.ranges, probabilities, level=args.level)
        print(table(*discovery_table(kinds, names, stress_file.ranges, lang)))
        report["discovery"] = {
            "samples": x.tolist(),
            "breach": y.tolist(),
            "names": names,
            "box": box.bounds,
            "coverage": box.coverage,
            "density": box.density,
            "probabilities": probabilities,
            "by_kind": [
                {
                    k: (v.bounds if k == "box" else v.tolist() if k == "smallest" else v)
                    for k, v in r.items()
                }
                for r in kinds
            ],
        }
    write_atomic(out / "reverse.json", json.dumps(report, indent=1, default=float).encode())
    print(f"results: {out}")
    return 0


def add_commands(sub) -> None:
    """Register the stress commands on the ``hpfsim`` parser."""
    from sim.cli.options import add_run_options

    st = sub.add_parser("stress", help="run the stress library against the baseline (CRN)")
    st.add_argument("stresses", nargs="*", help="stress names or files (default: the library)")
    st.add_argument("--scenario", help="base scenario (default scenarios/baseline.toml)")
    add_run_options(st)
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
    add_run_options(rv)
    rv.set_defaults(run=reverse_stress)
