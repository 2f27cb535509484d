"""Each assumption's basis in the report's language.

The bases are written in English in the data files (a policy parameter's
``assumption``, a population, fund, uncertainty or stress table's ``basis``,
the comment beside a scenario number). The Chinese report shows each through
``bases_zh.toml`` beside this module, keyed by the English text itself, so a
reworded basis in a shipped file has no rendering until the table is updated
(the coverage test names it) rather than a stale one. A basis the table does
not know — a user's own file — is shown in the original and marked
:data:`ORIGINAL`, never silently. A ``--set`` value's basis (see
:func:`sim.report.assumptions.in_force`) is composed: the wrapper translated,
the file's own basis looked up; a book export's basis (one per month) and a calibrated
file's fitted basis (``sim.agents.calibrated.FITTED_BASIS``) by their patterns.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from sim.core.errors import InputError, read_toml

TABLE = Path(__file__).with_name("bases_zh.toml")
ORIGINAL = "（原文）"
"""The mark before a basis shown in its original language in the Chinese report."""

_EXPORT = re.compile(r"hpfsim book export at (?P<month>\d{4}-\d{2})")
_FITTED = re.compile(
    r"Fitted by hpfsim calibrate --fit \((?P<date>[\d-]+)\): (?P<values>.*?) against "
    r"targets\.toml(?:; not identified, kept: (?P<kept>.*?))?\. Starting values: (?P<start>.*)",
    re.DOTALL,
)
_SET = re.compile(r"--set (?P<key>[^=]+)=(?P<value>.*) \(the file: (?P<inner>.*)\)", re.DOTALL)


@cache
def zh_table(path: Path = TABLE) -> dict[str, str]:
    """English basis text -> its Chinese rendering; a duplicate or empty entry is refused."""
    out: dict[str, str] = {}
    for i, entry in enumerate(read_toml(path).get("basis", [])):
        en, zh = entry.get("en"), entry.get("zh")
        if not (isinstance(en, str) and en.strip() and isinstance(zh, str) and zh.strip()):
            raise InputError(path, f"basis[{i}]", "needs en and zh", allowed="non-empty strings")
        if en in out:
            raise InputError(path, f"basis[{i}].en", f"{en[:40]!r}… given twice", allowed="once")
        out[en] = zh
    return out


def translated(basis: str) -> str | None:
    """The Chinese rendering of a file's ``basis``, or None if it has none.

    Besides the table, the basis a book export writes (``sim.book.export``, one per
    export month) and a calibrated file's fitted basis (its source basis looked up) are
    rendered by their patterns.
    """
    if basis in zh_table():
        return zh_table()[basis]
    fit = _FITTED.fullmatch(basis)
    if fit:  # sim.agents.calibrated.FITTED_BASIS: rendered if the source's basis is
        start = translated(fit["start"])
        kept = f"；目标未能识别、保留原值：{fit['kept']}" if fit["kept"] else ""
        return (
            None
            if start is None
            else (
                f"由 hpfsim calibrate --fit 拟合（{fit['date']}）：{fit['values']}，"
                f"依据 targets.toml{kept}。起始值的依据：{start}"
            )
        )
    export = _EXPORT.fullmatch(basis)
    return f"hpfsim 账务导出，截至 {export['month']}" if export else None


def shown(basis: str, lang: str) -> str:
    """``basis`` as the ``lang`` report shows it: as written in English; in Chinese, or marked.

    A ``--set`` basis keeps its key and value, and shows the file's basis the same way.
    """
    if lang != "zh" or not basis:
        return basis
    zh = translated(basis)
    if zh is not None:
        return zh
    got = _SET.fullmatch(basis)
    if got:
        inner = shown(got["inner"], lang) or "无"
        return f"--set {got['key']}={got['value']}（文件中的依据：{inner}）"
    return f"{ORIGINAL}{basis}"
