"""The book format: the columns of ``accounts`` and ``loans`` and the keys of ``book.toml``.

A book is a folder describing the flexible segment on one month-end (the
book's date): ``book.toml``, ``accounts.csv`` (or ``.parquet``) and
``loans.csv`` (or ``.parquet``). Each column is data here — its name, kind,
unit, meaning, allowed range and whether it is required — so the checker
(:mod:`sim.book.check`), the exporter (:mod:`sim.book.export`) and the
README's table read the same definition.

Kinds: ``int`` (a whole number), ``float`` (a number), ``money`` (yuan with at most two decimals,
held as exact fen once loaded), ``month`` (``YYYY-MM``), ``bool`` (``true`` or
``false``), ``choice`` (one of ``choices``). An empty cell is allowed only in
an optional column (or ``last_deposit_month``: never deposited).

The ageing window (S1-i) comes as the 13 month-end balances ``month_end_12``
(twelve months before the book's date) … ``month_end_0`` (the book's date,
equal to ``balance``), or as ``aged`` alone — the part of the balance stored a
full year by the month after the book's date. With ``aged`` only, the
projection takes ``aged`` for every month-end before the book's date, which is
exact for its first month and a lower bound after.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.agents.config import COHORTS
from sim.fund.params import EDUCATION_LEVELS

MONTH_ENDS = tuple(f"month_end_{k}" for k in range(12, -1, -1))
"""The ageing columns, oldest first (``month_end_0`` is the book's date)."""

MAX_YUAN = 10_000_000_000.0
"""Largest amount a money column accepts (ten billion yuan): beyond it is a typo."""


@dataclass(frozen=True)
class Column:
    """One column of a book file."""

    name: str
    kind: str  # int | money | month | bool | choice
    unit: str
    meaning: str
    low: float | None = None
    high: float | None = None
    required: bool = True
    choices: tuple[str, ...] = ()

    @property
    def zh(self) -> str:
        """The column's Chinese header (the template's; other aliases in ZH_HEADERS)."""
        return ZH_HEADERS.get(self.name, ("",))[0]

    @property
    def allowed(self) -> str:
        """What the column accepts, in words (for errors and the README)."""
        if self.kind == "choice":
            zh = ZH_VALUES.get(self.name, {})
            return " | ".join(f"{c} ({zh[c]})" if c in zh else c for c in self.choices)
        if self.kind == "bool":
            return "true | false (是 | 否)"
        if self.kind == "month":
            return "YYYY-MM (or 2024/07/01, 2024-07-01, 2024年7月), not after the book's date"
        if self.kind == "money":
            return f"{_num(self.low)} to {_num(self.high)} yuan, at most 2 decimals"
        if self.kind == "float":
            return f"a number {_num(self.low)} to {_num(self.high)}"
        return f"a whole number {_num(self.low)} to {_num(self.high)}"


def _num(x: float) -> str:
    return f"{int(x):,}" if x == int(x) else f"{x:g}"


def _money(name, meaning, *, required=True):
    return Column(name, "money", "yuan", meaning, 0, MAX_YUAN, required)


ACCOUNT_COLUMNS = (
    Column("id", "int", "", "the account's number, unique in the book", 1, 10**15),
    Column("cohort", "choice", "", "occupation cohort (imputed from the population file's "
           "shares when absent)", required=False,
           choices=COHORTS),
    Column("birth_month", "month", "month", "the holder's month of birth (at least 16 at the "
           "book's date, E1)"),
    Column("sex", "choice", "", "the holder's sex (retirement age, W4)",
           choices=("female", "male")),
    Column("opened_month", "month", "month", "month the current (or last) account was opened"),
    Column("status", "choice", "", "active: depositing; dormant: open, stopped depositing; "
           "closed: exited or fully withdrawn", choices=("active", "dormant", "closed")),
    _money("balance", "balance at the book's date (0 when closed)"),
    *(_money(name, f"month-end balance {k} months before the book's date (S1-i)",
             required=False) for k, name in zip(range(12, -1, -1), MONTH_ENDS, strict=True)),
    _money("aged", "part of the balance stored a full year by the next month (S1-i); "
           "instead of the month-end balances", required=False),
    Column("deposit_months", "int", "months", "distinct months the deposits cover that have "
           "come (L1)", 0, 1200),
    Column("paid_through", "month", "month", "last month the deposits cover (after the book's "
           "date for a prepaid quarter, D2); default last_deposit_month", required=False),
    _money("subsidy_paid", "holding subsidy credited to date (S1, S5; within the cap, S2)"),
    _money("bonus_paid", "opening bonus credited (S6, S7)"),
    Column("forfeited", "bool", "", "an exit forfeited all subsidy for good (S4)"),
    Column("last_deposit_month", "month", "month", "month of the latest accepted deposit "
           "(empty: never)"),
    Column("loan_taken", "bool", "", "a fund loan was ever disbursed (S3: no subsidy accrues "
           "again); default: a loan is outstanding", required=False),
    _money("deposited_total", "deposited into the current account (L2); default: balance less "
           "subsidy and bonus", required=False),
    _money("rent_withdrawn", "withdrawn for rent in the current fund year (W1)", required=False),
    _money("interest_accrued", "interest accrued this fund year, not yet credited (F1)",
           required=False),
    _money("subsidy_accrued", "holding subsidy accrued this fund year, not yet credited (S1-ii)",
           required=False),
    Column("children", "int", "", "children (2 = two or more; S6)", 0, 2, False),
    Column("education", "choice", "", "highest education (S7, L4)", required=False,
           choices=EDUCATION_LEVELS),
    Column("veteran_months", "int", "months", "months of deposits during military service "
           "(E5)", 0, 600, False),
    Column("consecutive_months", "int", "months", "months of the unbroken run of covered "
           "months up to the book's date (X3); default deposit_months, the longest run the "
           "book allows", 0, 1200, False),
    Column("last_withdrawal_month", "month", "month", "month of the latest partial withdrawal "
           "from the current account (X2: the subsidy waits subsidy.clean_months after it); "
           "empty: none since opened_month", required=False),
)  # fmt: skip
"""Columns of ``accounts.csv``: one row per account ever opened (closed ones included: they
remember a forfeited subsidy, S4, and a bonus already paid, S6)."""

LOAN_COLUMNS = (
    Column("account_id", "int", "", "the borrower's account (one loan per account)", 1,
           10**15),
    Column("principal", "money", "yuan", "outstanding principal", 0.01, MAX_YUAN),
    Column("rate", "float", "per year", "annual rate now charged (reprices each 1 January)",
           0, 0.2),
    Column("remaining_months", "int", "months", "months left to repay (0: past its term, "
           "still overdue)", 0, 600),
    Column("home", "choice", "", "first or second home (rate band)", choices=("first", "second")),
    Column("arrears_months", "int", "months", "months in arrears (0 = current)", 0, 120),
    _money("overdue_interest", "interest due and unpaid; default 0", required=False),
    _money("overdue_principal", "principal due and unpaid (part of principal); default 0",
           required=False),
    _money("installment", "the monthly instalment; default the annuity of principal, rate and "
           "remaining_months", required=False),
    Column("term", "int", "months", "the loan's term; default remaining_months", 1, 600, False),
    _money("original", "amount lent; default the principal", required=False),
    _money("home_value", "the home's value at the book's date (collateral); default principal "
           "÷ 0.8", required=False),
    Column("disbursed_month", "month", "month", "month the loan was disbursed", required=False),
)  # fmt: skip
"""Columns of ``loans.csv``: one row per fund loan still being repaid."""

BOOK_KEYS = {
    "date": "the month-end the book describes, YYYY-MM",
    "policy": "the policy in force on that date (an ID such as lyg-draft, or a file)",
    "source": "where the book comes from (a fund centre's system, or a simulated run)",
    "synthetic": "true for a book made by simulation (optional)",
    "fund_file": "the fund file of the pool's other lines on that date (optional; default the "
    "scenario's), relative to the book",
    "segment_reserve": "the flexible segment's loan risk reserve, yuan (optional, default 0)",
}
"""Keys of the ``[book]`` table of ``book.toml``."""

TOTAL_KEYS = {
    "accounts": "rows of accounts",
    "balance": "sum of balance, yuan",
    "interest_accrued": "sum of interest_accrued, yuan",
    "loans": "rows of loans",
    "principal": "sum of principal, yuan",
}
"""Control totals of the ``[totals]`` table: the files must add up to them, to the fen."""


ZH_HEADERS = {
    "id": ("账号", "个人账号", "账户号"),
    "cohort": ("职业群体",),
    "birth_month": ("出生年月", "出生日期"),
    "sex": ("性别",),
    "opened_month": ("开户年月", "开户日期"),
    "status": ("账户状态", "状态"),
    "balance": ("账户余额", "余额"),
    **{
        name: (f"{k}个月前月末余额",) for k, name in zip(range(12, 0, -1), MONTH_ENDS, strict=False)
    },
    "month_end_0": ("本月末余额",),
    "aged": ("存满一年部分",),
    "deposit_months": ("缴存月数",),
    "paid_through": ("缴至年月",),
    "subsidy_paid": ("已发补贴", "累计补贴"),
    "bonus_paid": ("已发开户奖励", "开户奖励"),
    "forfeited": ("补贴已取消",),
    "last_deposit_month": ("末次缴存年月", "最后缴存年月"),
    "loan_taken": ("曾贷款", "是否贷款"),
    "deposited_total": ("累计缴存额",),
    "rent_withdrawn": ("本年租房提取额",),
    "interest_accrued": ("本年应计利息",),
    "subsidy_accrued": ("本年应计补贴",),
    "children": ("子女数",),
    "education": ("学历",),
    "veteran_months": ("服役缴存月数",),
    "consecutive_months": ("连续缴存月数",),
    "last_withdrawal_month": ("末次部分提取年月", "最后提取年月"),
    "account_id": ("借款人账号", "账号"),
    "principal": ("贷款余额", "剩余本金"),
    "rate": ("贷款年利率", "利率"),
    "remaining_months": ("剩余期数", "剩余月数"),
    "home": ("住房套数", "套数"),
    "arrears_months": ("逾期月数",),
    "overdue_interest": ("逾期利息",),
    "overdue_principal": ("逾期本金",),
    "installment": ("月还款额",),
    "term": ("贷款期限", "贷款期数"),
    "original": ("贷款金额", "发放金额"),
    "home_value": ("房屋价值",),
    "disbursed_month": ("发放年月", "放款年月"),
}
"""Chinese headers a book file may use instead of the column names (the first is the
template's; a trailing unit in brackets, ``账户余额（元）``, is ignored)."""

ZH_VALUES = {
    "sex": {"female": "女", "male": "男"},
    "status": {"active": "正常", "dormant": "封存", "closed": "销户"},
    "home": {"first": "首套", "second": "二套"},
    "education": {"none": "无", "college": "大专", "bachelor": "本科", "master": "硕士",
                  "doctor": "博士"},
    "cohort": {"petrochemical": "石化产业链", "pharmaceutical": "医药产业链",
               "ecommerce": "电商产业链", "agriculture_tourism": "农牧康养文旅",
               "veterans": "退役军人", "graduates": "高校毕业生", "farmer_business": "农民创业",
               "gig": "零工"},
}  # fmt: skip
"""Chinese values a choice column may hold instead of the format's (女 for female)."""


def header_aliases(columns: tuple[Column, ...]) -> dict[str, str]:
    """Every accepted header (lower case) -> its column name."""
    out = {}
    for c in columns:
        for alias in ZH_HEADERS.get(c.name, ()):
            out.setdefault(alias.lower(), c.name)
        out[c.name.lower()] = c.name
    return out


def column(columns: tuple[Column, ...], name: str) -> Column:
    """The column called ``name``."""
    return next(c for c in columns if c.name == name)


def markdown_table(columns: tuple[Column, ...]) -> str:
    """The columns as a Markdown table (the README's)."""
    rows = [
        "| column | 中文列名 | required | unit | meaning | allowed |",
        "|---|---|---|---|---|---|",
    ]
    for c in columns:
        need = "yes" if c.required else "no"
        zh = " / ".join(ZH_HEADERS.get(c.name, ()))
        cells = (f"`{c.name}`", zh, need, c.unit, c.meaning, c.allowed)
        rows.append("| " + " | ".join(x.replace("|", "\\|") for x in cells) + " |")
    return "\n".join(rows)
