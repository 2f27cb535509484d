"""The calibrated population file, and the fit's report.

:func:`write_calibrated` copies a population file line for line, changes the fitted
values in place (each with its interval in a comment, and what it was) and puts the
provenance at the top as comments: the targets and parameters files' sha256, the
method, the seed and the date. Comments, so the file stays an ordinary population file
that ``sim.agents.config`` reads; it is read back and every fitted value checked
before it replaces the destination.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import math
import os
import re
import tomllib
from pathlib import Path

from sim.agents.fitting import METHOD, FitResult
from sim.agents.population_file import load_agent_config
from sim.core.errors import InputError

CALIBRATED_POPULATION = (
    Path(__file__).resolve().parents[2] / "scenarios/population/lianyungang-calibrated.toml"
)


def sha256(path: str | Path) -> str:
    """The file's sha256, hex."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def write_calibrated(
    source: str | Path,
    dest: str | Path,
    result: FitResult,
    *,
    targets: str | Path,
    parameters: str | Path,
    command: str,
    date: datetime.date | None = None,
) -> Path:
    """Write ``source`` with the fitted values to ``dest`` (atomically); returns ``dest``."""
    source, dest = Path(source), Path(dest)
    lines = source.read_text(encoding="utf-8").splitlines()
    for e in result.estimates:
        _, model, name = e.parameter.key.split(".")
        note = (
            f"# fitted (95% interval {e.low:.4g}-{e.high:.4g}); the uncalibrated file has "
            f"{e.start:.6g}"
            if e.identified
            else "# not identified by the fitted targets: kept at the uncalibrated file's value"
        )
        _replace(lines, source, f"behaviour.{model}", name, f"{e.value:.6g}", note)
    day = (date or datetime.date.today()).isoformat()
    for table in dict.fromkeys(e.parameter.key.rsplit(".", 1)[0] for e in result.estimates):
        mine = [e for e in result.estimates if e.parameter.key.startswith(table + ".")]
        _rebase(lines, source, table, day, mine)
    s = result.settings
    head = [
        f"# CALIBRATED copy of {source.name}: written by `{command}` - do not edit by hand;",
        "# edit the source file or the targets and rerun the fit.",
        f"# calibration.date = {day}",
        f"# calibration.method = {METHOD}",
        f"# calibration.targets = {Path(targets).name} sha256 {sha256(targets)}",
        f"# calibration.parameters = {Path(parameters).name} sha256 {sha256(parameters)}",
        f"# calibration.source = {source.name} sha256 {sha256(source)}",
        f"# calibration.run = policy {s.policy}, start {s.start}, {s.n} people x {s.paths} paths,"
        f" {s.months} months, seed {s.seed}",
        f"# calibration.distance = {result.distance:.4g} ({result.evaluations} evaluations)",
        f"# calibration.convergence = {result.status}",
        f"# calibration.not_identified = {', '.join(_fixed(result)) or 'none'}",
        "",
    ]
    tmp = dest.with_name(f".{dest.name}.tmp{os.getpid()}")
    tmp.write_text("\n".join(head + lines) + "\n", encoding="utf-8")
    check = load_agent_config(tmp)
    for e in result.estimates:
        got = e.parameter.value(check)
        if not math.isclose(got, float(f"{e.value:.6g}")):
            tmp.unlink()
            raise RuntimeError(f"{dest}: {e.parameter.key} reads back as {got}, not {e.value}")
    os.replace(tmp, dest)
    return dest


FITTED_BASIS = "Fitted by hpfsim calibrate --fit ({date}): {values} against {targets}{kept}. \
Starting values: {start}"
"""A fitted table's basis: what was fitted (and what the targets left at its value), then the
source file's own basis for the values the fit started from (``sim.report.bases`` renders it)."""


def _rebase(lines: list[str], origin: Path, table: str, day: str, estimates) -> None:
    """Rewrite ``[table]``'s basis so that it names the fitted values, not only the start."""
    fitted = [e for e in estimates if e.identified]
    kept = [e for e in estimates if not e.identified]
    values = (
        ", ".join(
            f"{e.parameter.key.rsplit('.', 1)[1]} {e.value:.4g} ({e.low:.4g}-{e.high:.4g})"
            for e in fitted
        )
        or "nothing"
    )
    rest = ", ".join(f"{e.parameter.key.rsplit('.', 1)[1]} {e.value:.4g}" for e in kept)
    inside = False
    for i, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith("["):
            inside = stripped == f"[{table}]"
            continue
        if inside and stripped.startswith("basis = "):
            start = tomllib.loads(stripped)["basis"]
            text = FITTED_BASIS.format(
                date=day,
                values=values,
                targets="targets.toml",
                kept=f"; not identified, kept: {rest}" if kept else "",
                start=start,
            )
            lines[i] = f"basis = {json.dumps(text, ensure_ascii=False)}"
            return
    raise InputError(origin, f"{table}.basis", "not found: cannot write the fitted basis")


def _replace(lines: list[str], origin: Path, table: str, key: str, value: str, note: str) -> None:
    """Set ``key = value`` inside ``[table]`` of ``lines`` in place, keeping the layout."""
    inside = False
    pattern = re.compile(rf"^(\s*{re.escape(key)}\s*=\s*)[^#]*?(\s*)(#.*)?$")
    for i, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith("["):
            inside = stripped == f"[{table}]"
            continue
        match = pattern.match(line) if inside else None
        if match:
            lines[i] = f"{match.group(1)}{value}   {note}"
            return
    raise InputError(origin, f"{table}.{key}", "not found: cannot write the fitted value")


def _fixed(result: FitResult) -> list[str]:
    return [e.parameter.key for e in result.estimates if not e.identified]


def _interval(e) -> str:
    return f"{e.low:.4g} - {e.high:.4g}" if e.identified else "fixed: not identified"


def format_fit(result: FitResult) -> str:
    """The fit's report: objective, each parameter with its interval (or fixed, not
    identified), each target with its fit, and how the search ended."""
    out = [
        "objective: sum over the fitted targets of ((simulated - target) / (band / 4))^2",
        f"{'parameter':44} {'start':>9} {'fitted':>9}  95% interval",
    ]
    for e in result.estimates:
        out.append(f"{e.parameter.key:44} {e.start:9.4g} {e.value:9.4g}  {_interval(e)}")
    out += ["", f"{'target':36} {'value':>9} {'band':>19} {'fitted':>9} {'(95% sim.)':>19}  ok"]
    for m in result.moments:
        t = m.target
        band = f"{t.band[0]:.4g}-{t.band[1]:.4g}"
        sim = f"{m.low:.4g}-{m.high:.4g}"
        ok = "n/a" if math.isnan(m.simulated) else "yes" if m.within else "NO"
        ok += "" if t.fit else " (not fitted)"
        out.append(f"{t.name:36} {t.value:9.4g} {band:>19} {m.simulated:9.4g} {sim:>19}  {ok}")
    out.append(
        f"\ndistance {result.distance:.4g}; {result.evaluations} evaluations "
        f"({result.from_cache} from the cache), {result.seconds:.0f} s; convergence: "
        f"{result.status}; not identified (kept at the file's value): "
        f"{', '.join(_fixed(result)) or 'none'}"
    )
    return "\n".join(out)


def markdown_table(result: FitResult) -> str:
    """The README's calibration table: each target, its source, band and the fitted value."""
    rows = [
        "| target | published value (band) | source | fitted model |",
        "|---|---|---|---|",
    ]
    for m in result.moments:
        t = m.target
        mark = "" if t.fit else " (not fitted)"
        ok = "n/a" if math.isnan(m.simulated) else "within" if m.within else "**outside**"
        rows.append(
            f"| `{t.name}` | {_num(t.value)} ({_num(t.band[0])}-{_num(t.band[1])}) | {t.source} "
            f"({t.date}) | {_num(m.simulated)}, {ok}{mark} |"
        )
    rows += ["", "| parameter | uncalibrated | fitted | 95% interval |", "|---|---|---|---|"]
    for e in result.estimates:
        span = f"{e.low:.4g}-{e.high:.4g}" if e.identified else "not identified: kept"
        rows.append(f"| `{e.parameter.key}` | {e.start:.4g} | {e.value:.4g} | {span} |")
    return "\n".join(rows)


def _num(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.3g}"


def save_report(result: FitResult, out: str | Path) -> None:
    """``fit.txt`` (the printed report) and ``calibration.md`` (the README's tables) in ``out``."""
    out = Path(out)
    (out / "fit.txt").write_text(format_fit(result) + "\n", encoding="utf-8")
    (out / "calibration.md").write_text(markdown_table(result) + "\n", encoding="utf-8")
