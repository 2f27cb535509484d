"""Results on disk: one folder per run, written so that nothing half-done looks complete.

``results/<run-id>/`` holds:

- ``paths/<label>/path-NNNNN.npz``: each finished path, written atomically as
  it completes — what ``--resume`` picks up;
- ``series.parquet``: one row per scenario × path × month, one column per
  series (``sim.engine.series.SERIES``: its unit and kind there, and in
  ``docs/series.md``), money in yuan — load it with
  ``pandas.read_parquet`` or ``pyarrow.parquet.read_table``;
- ``summary.csv``: the 5%, 50% and 95% quantiles across paths of each key
  figure by year (stocks at the year's end, flows summed over the year, the
  peak 个贷率 and the shortest survival horizon within the year);
- ``figures/*.png``: fan charts;
- ``manifest.json``: the scenario file and its hash, the resolved parameters,
  the seed, the paths, package versions, the git commit and the wall time,
  and ``"complete": true`` only once everything above is written.

Every file is written to a temporary name and renamed into place.
"""

from __future__ import annotations

import csv
import io
import json
import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from sim.core.months import format_month
from sim.engine.series import SERIES, summaries

RESULTS_DIR = Path(__file__).resolve().parents[2] / "results"

KEY_FIGURES = summaries(
    "members", "new_members", "exits", "deposits", "withdrawals", "subsidy_paid", "bonus_paid",
    "tax_forgone", "loans_disbursed", "loans_disbursed_amount", "loan_balance", "deposit_balance",
    ("loan_to_deposit", "max"), ("pool_loan_to_deposit", "max"), ("cash", "min"),
    ("survival_months", "min"), ("survival_months_with_line", "min"),
    ("loan_queue_length", "max"), ("loan_queue_amount", "max"), ("credit_line_balance", "max"),
    "value_added_income", "risk_reserve", "reserve_to_loans", "reserve_to_stressed_loss",
    "defaults_amount", "reserve_uncovered", "pool_equity", ("unmet_withdrawals", "max"),
    "active_depositors", "dormant_accounts", "segment_value_added_income",
    "segment_subsidy_cost", "segment_margin", "segment_reserve", "segment_reserve_to_loans",
    "segment_net_funding",
)  # fmt: skip
"""The figures of ``summary.csv`` and how a year summarises each: by its kind (a flow summed,
a stock or a level at the year's end; :func:`sim.engine.series.summaries`) or its peak or low."""


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_bytes(data)
    except OSError:  # a full disk: no half-written file left behind
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, path)


def label_dir(label: str) -> str:
    """A folder name for a scenario label (``subsidy.holding_rate=0.012``)."""
    return "".join(c if c.isalnum() or c in ".-=" else "_" for c in label)


def save_path(run_dir: Path, label: str, path: int, series: dict[str, np.ndarray]) -> None:
    """Store one finished path (atomically)."""
    buf = io.BytesIO()
    np.savez(buf, **series)
    write_atomic(run_dir / "paths" / label_dir(label) / f"path-{path:05d}.npz", buf.getvalue())


def load_paths(run_dir: Path, label: str) -> dict[int, dict[str, np.ndarray]]:
    """The finished paths of one scenario label found on disk."""
    out = {}
    for f in sorted((run_dir / "paths" / label_dir(label)).glob("path-*.npz")):
        with np.load(f) as z:
            out[int(f.stem.split("-")[1])] = {k: z[k] for k in z.files}
    return out


def series_table(runs: dict[str, dict[int, dict[str, np.ndarray]]], start: int) -> pa.Table:
    """One row per scenario label × path × month."""
    labels, paths, months, cols = [], [], [], {name: [] for name in SERIES}
    for label, by_path in runs.items():
        for p in sorted(by_path):
            s = by_path[p]
            n = len(s["members"])
            labels += [label] * n
            paths += [p] * n
            months += [format_month(start + t) for t in range(n)]
            for name in SERIES:
                cols[name].append(s[name])
    data = {"scenario": labels, "path": paths, "month": months}
    data.update({k: np.concatenate(v) if v else np.array([]) for k, v in cols.items()})
    return pa.table(data)


def yearly(series: np.ndarray, kind: str) -> np.ndarray:
    """Summarise months into years (paths × months → paths × years)."""
    years = series.shape[1] // 12
    x = series[:, : years * 12].reshape(series.shape[0], years, 12)
    return {
        "stock": x[:, :, -1],
        "flow": x.sum(axis=2),
        "max": x.max(axis=2),
        "min": x.min(axis=2),
    }[kind]


def stack(by_path: dict[int, dict[str, np.ndarray]], name: str) -> np.ndarray:
    """paths × months array of one series."""
    return np.vstack([by_path[p][name] for p in sorted(by_path)])


def summary_rows(runs: dict[str, dict[int, dict[str, np.ndarray]]]) -> list[dict[str, Any]]:
    """Quantiles across paths of each key figure by year."""
    rows = []
    for label, by_path in runs.items():
        for name, kind in KEY_FIGURES.items():
            per_year = yearly(stack(by_path, name), kind)
            q = np.quantile(per_year, [0.05, 0.5, 0.95], axis=0)
            for y in range(per_year.shape[1]):
                rows.append(
                    {
                        "scenario": label,
                        "figure": name,
                        "summary": kind,
                        "year": y + 1,
                        "p05": q[0, y],
                        "median": q[1, y],
                        "p95": q[2, y],
                    }
                )
    return rows


def write_summary(run_dir: Path, rows: list[dict[str, Any]]) -> None:
    """``summary.csv``, atomically."""
    buf = io.StringIO()
    writer = csv.DictWriter(
        buf, fieldnames=["scenario", "figure", "summary", "year", "p05", "median", "p95"]
    )
    writer.writeheader()
    writer.writerows(rows)
    write_atomic(run_dir / "summary.csv", buf.getvalue().encode())


def write_series(run_dir: Path, table: pa.Table) -> None:
    """``series.parquet``, atomically."""
    buf = pa.BufferOutputStream()
    pq.write_table(table, buf)
    write_atomic(run_dir / "series.parquet", buf.getvalue().to_pybytes())


def versions() -> dict[str, str]:
    """Versions of Python and the packages a result depends on."""
    out = {"python": platform.python_version()}
    for pkg in ("hpfsim", "numpy", "numba", "scipy", "simpy", "pyarrow", "matplotlib"):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = "not installed"
    return out


def git_commit() -> str | None:
    """The code's git commit, if it runs from a checkout."""
    try:
        return subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=Path(__file__).parent,
            capture_output=True,
            text=True,
            check=True,
            timeout=5,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None


def write_manifest(run_dir: Path, manifest: dict[str, Any]) -> None:
    """``manifest.json``, atomically."""
    write_atomic(run_dir / "manifest.json", json.dumps(manifest, indent=1, default=str).encode())


def read_manifest(run_dir: Path) -> dict[str, Any]:
    """The manifest of a run folder."""
    return json.loads((run_dir / "manifest.json").read_text())
