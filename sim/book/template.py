"""An empty book a fund centre can fill: ``hpfsim book template [--lang zh] --out DIR``.

Writes ``book.toml`` (every key explained in a comment, the date and the
totals left for the centre), ``accounts`` and ``loans`` with the format's
headers — Chinese with ``--lang zh`` — and, beside the headers, what each
column means and accepts: a second sheet ``说明`` / ``columns`` in the
workbooks (``--format xlsx``, the default), or ``columns.csv`` beside the CSV
files (``--format csv``, UTF-8 with a byte-order mark so that Excel and WPS
open it in Chinese). The headers and the text come from
:mod:`sim.book.format`, so the template and the checker cannot disagree.
"""

from __future__ import annotations

import csv
from pathlib import Path

from sim.book.format import ACCOUNT_COLUMNS, BOOK_KEYS, LOAN_COLUMNS, TOTAL_KEYS, Column
from sim.core.errors import InputError

FORMATS = ("xlsx", "csv")

ZH_MEANINGS = {
    "id": "账号，本册内唯一",
    "cohort": "职业群体（空缺时按人口文件的比例推定）",
    "birth_month": "出生年月（账册日期时年满16周岁，E1）",
    "sex": "性别（退休年龄，W4）",
    "opened_month": "当前（或最后一个）账户的开户年月",
    "status": "正常：在缴；封存：开户未缴；销户：已退出或全部提取",
    "balance": "账册日期的余额（销户为0）",
    "aged": "到下月存满一年的部分（S1-i）；可代替13个月末余额",
    "deposit_months": "已到期的缴存月数（L1）",
    "paid_through": "缴存覆盖到的最后月份（按季预缴可晚于账册日期，D2）；默认末次缴存年月",
    "subsidy_paid": "已入账的持有补贴（S1、S5；不超过上限，S2）",
    "bonus_paid": "已入账的开户奖励（S6、S7）",
    "forfeited": "退出时补贴已全部取消（S4）",
    "last_deposit_month": "最近一次缴存的月份（空：从未缴存）",
    "loan_taken": "曾发放公积金贷款（S3：此后不再计补贴）；默认：有未还贷款",
    "deposited_total": "当前账户累计缴存额（L2）；默认：余额减补贴和奖励",
    "rent_withdrawn": "本缴存年度租房提取额（W1）",
    "interest_accrued": "本年度应计未结利息（F1）",
    "subsidy_accrued": "本年度应计未入账补贴（S1-ii）",
    "children": "子女数（2 = 两个及以上；S6）",
    "education": "最高学历（S7、L4）",
    "veteran_months": "服役期间缴存月数（E5）",
    "consecutive_months": "截至账册日期的连续缴存月数（X3）；不填按缴存月数",
    "last_withdrawal_month": "本账户最近一次部分提取的年月（X2）；不填为开户以来未提取",
    "account_id": "借款人账号（每个账户一笔贷款）",
    "principal": "贷款余额（剩余本金）",
    "rate": "现行年利率（每年1月1日重定价），如 0.031 或 3.1%",
    "remaining_months": "剩余还款月数（0：已过期限仍逾期）",
    "home": "首套或二套（利率档）",
    "arrears_months": "逾期月数（0 = 正常）",
    "overdue_interest": "应还未还利息；默认0",
    "overdue_principal": "应还未还本金（含在贷款余额内）；默认0",
    "installment": "月还款额；默认按余额、利率和剩余月数的等额本息",
    "term": "贷款期限（月）；默认剩余月数",
    "original": "贷款金额；默认贷款余额",
    "home_value": "账册日期的房屋价值（抵押物）；默认贷款余额 ÷ 0.8",
    "disbursed_month": "贷款发放年月",
}
"""What each column means, in Chinese (the English is the format's)."""

_ZH_KEYS = {
    "date": "账册日期（月末），YYYY-MM",
    "policy": "当日执行的政策（如 lyg-draft，或政策文件）",
    "source": "账册来源（中心业务系统导出，或模拟）",
    "synthetic": "模拟生成的账册填 true（可选）",
    "fund_file": "当日资金池其他科目的文件（可选，相对于本文件夹）",
    "segment_reserve": "灵活就业板块的贷款风险准备金，元（可选，默认0）",
    "accounts": "账户表（accounts）的行数",
    "balance": "账户余额（balance）列合计，元",
    "interest_accrued": "本年应计利息（interest_accrued）列合计，元",
    "loans": "贷款表（loans）的行数",
    "principal": "贷款余额（principal）列合计，元",
}


def meaning(col: Column, lang: str) -> str:
    """A column's meaning in ``lang``."""
    if lang == "zh":
        if col.name.startswith("month_end_"):
            k = int(col.name.rsplit("_", 1)[1])
            return f"账册日期前{k}个月的月末余额（S1-i）" if k else "账册日期的月末余额（= 余额）"
        return ZH_MEANINGS[col.name]
    return col.meaning


def header(col: Column, lang: str) -> str:
    """The column's header in the template."""
    return col.zh if lang == "zh" else col.name


def doc_rows(columns: tuple[Column, ...], lang: str) -> list[list[str]]:
    """The documentation sheet: one row per column, with a header row."""
    if lang == "zh":
        top = ["列名", "英文列名", "必填", "单位", "含义", "可填写"]
    else:
        top = ["column", "中文列名", "required", "unit", "meaning", "allowed"]
    rows = [top]
    for c in columns:
        other = c.name if lang == "zh" else c.zh
        need = ("是" if c.required else "否") if lang == "zh" else ("yes" if c.required else "no")
        rows.append([header(c, lang), other, need, c.unit, meaning(c, lang), c.allowed])
    return rows


def book_toml(lang: str) -> str:
    """``book.toml`` with every key explained and the centre's values left blank."""
    say = _ZH_KEYS if lang == "zh" else {**BOOK_KEYS, **TOTAL_KEYS}
    intro = (
        "# 账册说明：填写日期、政策、来源和合计后运行 hpfsim book check 本文件夹"
        if lang == "zh"
        else "# The book's header: fill in the date, policy, source and totals, then run "
        "hpfsim book check on this folder"
    )
    values = {"date": '""', "policy": '"lyg-draft"', "source": '""', "segment_reserve": "0"}
    lines = [intro, "[book]"]
    for key in BOOK_KEYS:
        line = f"{key} = {values[key]}" if key in values else f"# {key} ="
        lines += [f"# {say[key]}", line]
    lines += ["", "[totals]"]
    for key in TOTAL_KEYS:
        lines += [f"# {say[key]}", f"{key} = 0"]
    return "\n".join(lines) + "\n"


def write_template(out: Path, *, lang: str = "zh", form: str = "xlsx") -> list[Path]:
    """Write an empty book into ``out`` (a new or empty folder); return the files written."""
    if form not in FORMATS:
        raise InputError("(command line)", "--format", f"got {form!r}", allowed="xlsx | csv")
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise InputError(out, "--out", "exists and is not an empty folder", allowed="a new folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
        written = [out / "book.toml"]
        written[0].write_text(book_toml(lang), encoding="utf-8")
        for stem, columns in (("accounts", ACCOUNT_COLUMNS), ("loans", LOAN_COLUMNS)):
            if form == "xlsx":
                written.append(_workbook(out / f"{stem}.xlsx", columns, lang))
            else:
                written.append(_csv(out / f"{stem}.csv", [[header(c, lang) for c in columns]]))
        if form == "csv":
            docs = doc_rows(ACCOUNT_COLUMNS, lang) + doc_rows(LOAN_COLUMNS, lang)[1:]
            written.append(_csv(out / "columns.csv", docs))
    except OSError as exc:
        raise InputError(
            out,
            "--out",
            f"cannot write: {exc.strerror or exc}",
            allowed="a folder you can write to",
        ) from None
    return written


def _csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def _workbook(path: Path, columns: tuple[Column, ...], lang: str) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    data = book.active
    data.title = path.stem
    data.append([header(c, lang) for c in columns])
    for i, c in enumerate(columns, start=1):
        cell = data.cell(row=1, column=i)
        cell.font = Font(bold=c.required)
        letter = get_column_letter(i)
        data.column_dimensions[letter].width = max(10, 2.2 * len(header(c, lang)))
        if c.kind in ("month", "choice"):
            data.column_dimensions[letter].number_format = "@"
    data.freeze_panes = "A2"
    docs = book.create_sheet("说明" if lang == "zh" else "columns")
    for row in doc_rows(columns, lang):
        docs.append(row)
    for letter, width in zip("ABCDEF", (18, 18, 6, 8, 60, 50), strict=True):
        docs.column_dimensions[letter].width = width
    book.save(path)
    return path
