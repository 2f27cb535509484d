"""Benchmark: one month of the loan book for 200,000 loans.

Times what the book does every month: the due (interest and principal per
schedule), collecting payments (overdue first), arrears, defaults with
recovery under the house-price index, and the reconciliation; about 3% of
borrowers pay nothing each month so arrears and defaults occur.

    .venv/bin/python benchmarks/bench_loans.py [--loans 200000] [--months 24]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's sim

import numpy as np

from sim.core.months import parse_month
from sim.fund.loan_book import LoanBook
from sim.fund.policy import load_policy


def run(loans: int, months: int) -> dict:
    rng = np.random.default_rng(1)
    book = LoanBook(load_policy("lyg-2023"), capacity=loans)
    start = parse_month("2024-07")
    book.disburse(
        start, np.arange(loans), rng.integers(100_000, 500_000, loans) * 100,
        rng.integers(60, 361, loans), rng.random(loans) < 0.85,
        rng.integers(200_000, 800_000, loans) * 100, 1.0,
    )  # fmt: skip
    book.close_month()
    t0 = time.perf_counter()
    for m in range(start + 1, start + 1 + months):
        _, owed = book.amount_due()
        pay = np.where(rng.random(len(owed)) < 0.97, owed, 0)
        book.collect(m, pay, 0.98)
        book.close_month()
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "loan_months_per_s": loans * months / seconds,
            "bytes_per_loan": book.nbytes() / loans}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loans", type=int, default=200_000)
    parser.add_argument("--months", type=int, default=24)
    args = parser.parse_args()
    r = run(args.loans, args.months)
    print(
        f"loan book: {args.loans:,} loans × {args.months} months in {r['seconds']:.2f} s = "
        f"{r['seconds'] / args.months * 1000:.1f} ms a month, "
        f"{r['loan_months_per_s'] / 1e6:.1f} M loan-months/s; {r['bytes_per_loan']:.0f} bytes/loan"
    )


if __name__ == "__main__":
    main()
