"""Figures of the decision analyses: Morris μ*–σ, ranked Sobol' bars, the Pareto front.

Each function returns PNG bytes (written atomically by the caller), labels in
English so they render without a CJK font.
"""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()


def morris_figure(rows: list[dict], title: str) -> bytes:
    """μ* against σ, one point per parameter; the few most influential are labelled."""
    fig, ax = plt.subplots(figsize=(7, 4.6), dpi=110)
    mu = np.array([r["mu_star"] for r in rows])
    sigma = np.array([r["sigma"] for r in rows])
    conf = np.array([r["mu_star_conf"] for r in rows])
    ax.errorbar(mu, sigma, xerr=conf, fmt="o", ms=4, color="#1f4e79", ecolor="#9bb7d4", lw=1)
    for j in [j for j in np.argsort(-mu)[:8] if mu[j] >= 0.05 * mu.max()]:
        ax.annotate(
            rows[j]["parameter"],
            (mu[j], sigma[j]),
            fontsize=7,
            xytext=(3, 3),
            textcoords="offset points",
        )
    top = max(float(mu.max()), float(sigma.max()), 1e-12)
    ax.plot([0, top], [0, top], ls=":", color="grey", lw=0.8)
    ax.set_xlabel("μ* (mean absolute elementary effect, per unit of quantile range)")
    ax.set_ylabel("σ (spread of the effects)")
    ax.set_title(f"Morris screening: {title}", fontsize=10)
    return _png(fig)


def sobol_figure(rows: list[dict], title: str) -> bytes:
    """First-order and total indices, ranked by the total, with their confidence intervals."""
    rows = sorted(rows, key=lambda r: r["ST"])
    y = np.arange(len(rows))
    fig, ax = plt.subplots(figsize=(7, 0.8 + 0.38 * len(rows)), dpi=110)
    ax.barh(
        y + 0.2,
        [r["ST"] for r in rows],
        0.4,
        xerr=[r["ST_conf"] for r in rows],
        label="total (ST)",
        color="#1f4e79",
        ecolor="black",
    )
    ax.barh(
        y - 0.2,
        [r["S1"] for r in rows],
        0.4,
        xerr=[r["S1_conf"] for r in rows],
        label="first order (S1)",
        color="#9bb7d4",
        ecolor="black",
    )
    ax.set_yticks(y, [r["parameter"] for r in rows], fontsize=7)
    ax.set_xlabel("share of the output's variance (95% bootstrap interval)")
    ax.set_title(f"Sobol' indices: {title}", fontsize=10)
    ax.legend(fontsize=8, loc="lower right")
    return _png(fig)


def pareto_figure(cost, gain, feasible, front, best, *, xlabel: str, ylabel: str) -> bytes:
    """Every candidate (cost, gain), the feasible ones filled, the front joined, the best ringed."""
    cost, gain = np.asarray(cost, float), np.asarray(gain, float)
    feasible, front = np.asarray(feasible, bool), np.asarray(front, bool)
    fig, ax = plt.subplots(figsize=(7, 4.4), dpi=110)
    ax.scatter(
        cost[~feasible],
        gain[~feasible],
        s=18,
        facecolors="none",
        edgecolors="#c0504d",
        label="breaks a chance constraint",
    )
    ax.scatter(cost[feasible], gain[feasible], s=18, color="#9bb7d4", label="feasible")
    order = np.argsort(cost[front])
    ax.plot(
        cost[front][order], gain[front][order], "-o", ms=4, color="#1f4e79", label="Pareto front"
    )
    if best is not None:
        ax.scatter(
            [cost[best]],
            [gain[best]],
            s=120,
            facecolors="none",
            edgecolors="black",
            linewidths=1.5,
            label="chosen",
        )
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=8)
    ax.set_title(
        "Cost against deposits attracted (mean over draws of the assumptions)", fontsize=10
    )
    return _png(fig)
