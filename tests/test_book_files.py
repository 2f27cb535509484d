"""A centre's own files load: GBK or UTF-8 CSV, Excel workbooks, Chinese headers and values,
thousands separators and dates as the spreadsheet writes them; errors name the spreadsheet's
row; a file that is none of these is refused in one line; the template can be filled."""

from __future__ import annotations

import csv
import io
import shutil
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
from openpyxl import Workbook, load_workbook

from sim.book.check import read_book
from sim.book.format import ACCOUNT_COLUMNS, LOAN_COLUMNS, ZH_VALUES, column
from sim.cli.main import main
from sim.core.errors import InputError

EXAMPLE = Path(__file__).resolve().parents[1] / "scenarios/books/example"
TITLE = "连云港市住房公积金管理中心 灵活就业人员账户明细"


def _rows(stem: str) -> tuple[list[str], list[list[str]]]:
    with (EXAMPLE / f"{stem}.csv").open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


def _centre_text(col, value: str) -> str:
    """A cell as a centre's spreadsheet shows it: 4,884.60, 2024/07/01, 男, 是."""
    if value == "":
        return value
    if col.kind == "money":
        return f"{float(value):,.2f}"
    if col.kind == "month":
        year, month = value.split("-")
        return f"{year}/{month}/01"
    if col.kind == "bool":
        return "是" if value == "true" else "否"
    if col.kind == "choice":
        return ZH_VALUES.get(col.name, {}).get(value, value)
    return value


def _centre_cell(col, value: str):
    """A cell as Excel stores it: numbers as numbers, months as dates, Chinese choices."""
    if value == "":
        return None
    if col.kind in ("money", "float"):
        return float(value)
    if col.kind == "int":
        return int(value)
    if col.kind == "month":
        year, month = value.split("-")
        return datetime(int(year), int(month), 1)
    if col.kind == "bool":
        return value == "true"
    return ZH_VALUES.get(col.name, {}).get(value, value)


def _columns(stem):
    return ACCOUNT_COLUMNS if stem == "accounts" else LOAN_COLUMNS


def write_gbk(folder: Path, stem: str) -> Path:
    names, rows = _rows(stem)
    cols = [column(_columns(stem), n) for n in names]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.zh for c in cols])
    for row in rows:
        writer.writerow([_centre_text(c, v) for c, v in zip(cols, row, strict=True)])
    writer.writerow([""] * len(cols))  # Excel's trailing empty row
    path = folder / f"{stem}.csv"
    path.write_bytes(out.getvalue().encode("gbk"))
    return path


def write_xlsx(folder: Path, stem: str, *, title: bool = True) -> Path:
    names, rows = _rows(stem)
    cols = [column(_columns(stem), n) for n in names]
    book = Workbook()
    sheet = book.active
    if title:
        sheet.append([TITLE])
    sheet.append([f"{c.zh}（元）" if c.unit == "yuan" else c.zh for c in cols])
    for row in rows:
        sheet.append([_centre_cell(c, v) for c, v in zip(cols, row, strict=True)])
    book.create_sheet("备注").append(["导出人", "张三"])
    path = folder / f"{stem}.xlsx"
    book.save(path)
    return path


def _copy(tmp_path: Path, name: str) -> Path:
    folder = tmp_path / name
    shutil.copytree(EXAMPLE, folder)
    return folder


def _same(a, b):
    assert a.header.date == b.header.date
    assert a.n == b.n
    for part in ("accounts", "loans"):
        x, y = getattr(a, part), getattr(b, part)
        assert x.keys() == y.keys()
        for key in x:
            assert np.array_equal(x[key], y[key]), (part, key)
    assert a.given == b.given


@pytest.fixture(scope="module")
def example():
    return read_book(EXAMPLE)


def test_a_gbk_csv_and_a_workbook_with_chinese_headers_load_to_the_example(tmp_path, example):
    one = _copy(tmp_path, "gbk-accounts")
    write_gbk(one, "accounts")
    (one / "loans.csv").unlink()
    write_xlsx(one, "loans")
    assert b"4,884.60" in (one / "accounts.csv").read_bytes()  # the separators are there
    assert "男".encode("gbk") in (one / "accounts.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        (one / "accounts.csv").read_bytes().decode("utf-8")
    _same(read_book(one), example)
    two = _copy(tmp_path, "xlsx-accounts")
    (two / "accounts.csv").unlink()
    write_xlsx(two, "accounts")
    write_gbk(two, "loans")
    _same(read_book(two), example)
    assert main(["book", "check", str(two)]) == 0


def test_utf8_with_a_byte_order_mark_loads(tmp_path, example):
    folder = _copy(tmp_path, "bom")
    text = (folder / "accounts.csv").read_text(encoding="utf-8")
    (folder / "accounts.csv").write_text(text, encoding="utf-8-sig")
    _same(read_book(folder), example)


def test_errors_name_the_spreadsheet_row_and_the_header_as_written(tmp_path):
    folder = _copy(tmp_path, "gbk")
    path = write_gbk(folder, "accounts")
    lines = path.read_bytes().decode("gbk").splitlines()
    # spreadsheet row 4 is the third account (row 1 is the header)
    cells = next(csv.reader([lines[3]]))
    names = next(csv.reader([lines[0]]))
    cells[names.index("账户余额")] = "-5.00"
    lines[3] = ",".join(f'"{c}"' for c in cells)
    path.write_bytes("\r\n".join(lines).encode("gbk"))
    with pytest.raises(InputError) as err:
        read_book(folder)
    assert err.value.key == "row 4, column 账户余额 (balance)", str(err.value)
    # in a workbook with a title row above the header, the same account is on row 5
    folder = _copy(tmp_path, "xlsx")
    (folder / "accounts.csv").unlink()
    path = write_xlsx(folder, "accounts")
    book = load_workbook(path)
    sheet = book.worksheets[0]
    at = [c.value for c in sheet[2]].index("账户余额（元）") + 1
    sheet.cell(row=5, column=at, value=-5.0)
    book.save(path)
    with pytest.raises(InputError) as err:
        read_book(folder)
    assert err.value.key == "row 5, column 账户余额（元） (balance)", str(err.value)


@pytest.mark.parametrize(
    ("written", "stored"),
    [("2024/07/01", "2024-07"), ("2024-7", "2024-07"), ("2024年7月", "2024-07"),
     ("2024/12", "2024-12"), ("2024-07-01 00:00:00", "2024-07")],
)  # fmt: skip
def test_months_as_spreadsheets_write_them(tmp_path, written, stored):
    import pyarrow as pa

    from sim.book.table import convert

    col = column(ACCOUNT_COLUMNS, "birth_month")
    got, _ = convert(tmp_path / "a.csv", pa.table({"birth_month": [written]}), col)
    want, _ = convert(tmp_path / "a.csv", pa.table({"birth_month": [stored]}), col)
    assert got.tolist() == want.tolist()


@pytest.mark.parametrize("written", ["2024/13/01", "2024/07/32", "24/07", "七月"])
def test_a_month_that_is_no_month_is_refused(tmp_path, written):
    import pyarrow as pa

    from sim.book.table import convert

    col = column(ACCOUNT_COLUMNS, "birth_month")
    with pytest.raises(InputError, match="not a month"):
        convert(tmp_path / "a.csv", pa.table({"birth_month": [written]}), col)


def test_amounts_with_separators_and_percent_rates(tmp_path):
    import pyarrow as pa

    from sim.book.table import convert

    money = column(ACCOUNT_COLUMNS, "balance")
    got, _ = convert(tmp_path / "a.csv", pa.table({"balance": ["4,884.60", "1,234,567.8", "12"]}),
                     money)  # fmt: skip
    assert got.tolist() == [488_460, 123_456_780, 1_200]  # fen
    with pytest.raises(InputError, match="not an amount"):
        convert(tmp_path / "a.csv", pa.table({"balance": ["48,84.60"]}), money)
    rate = column(LOAN_COLUMNS, "rate")
    got, _ = convert(tmp_path / "l.csv", pa.table({"rate": ["3.1%", "0.0325"]}), rate)
    assert got.tolist() == pytest.approx([0.031, 0.0325])


def test_a_header_only_accounts_file_beside_loans_is_one_line(tmp_path):
    folder = _copy(tmp_path, "empty")
    header = (folder / "accounts.csv").read_text().splitlines()[0]
    (folder / "accounts.csv").write_text(header + "\n")
    with pytest.raises(InputError) as err:
        read_book(folder)
    assert err.value.key == "row 2, column account_id", str(err.value)
    assert "no account with this id" in str(err.value)


@pytest.mark.parametrize(
    ("content", "words"),
    [(b"\x00\x01\x02binary\xff\xfe" * 50, "a binary file"),
     (b"id,sex\n1,\x81\x20\n", "unknown encoding"),
     (b"PK\x03\x04 a zip", "an Excel workbook saved under a .csv name"),
     (b"", "empty")],
)  # fmt: skip
def test_a_file_that_is_no_csv_is_refused_in_one_line(tmp_path, capsys, content, words):
    folder = _copy(tmp_path, "bad")
    (folder / "accounts.csv").write_bytes(content)
    with pytest.raises(InputError, match=words) as err:
        read_book(folder)
    assert str(err.value).startswith(str(folder / "accounts.csv"))
    assert main(["book", "check", str(folder)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_a_broken_workbook_and_an_old_xls_are_refused_in_one_line(tmp_path):
    folder = _copy(tmp_path, "xls")
    (folder / "accounts.csv").rename(folder / "accounts.xls")
    with pytest.raises(InputError, match=r"accounts.csv: \(file\): an old .xls workbook"):
        read_book(folder)
    (folder / "accounts.xls").unlink()
    (folder / "accounts.xlsx").write_bytes(b"not a zip at all")
    with pytest.raises(InputError, match=r"accounts.xlsx: \(file\): not an Excel workbook"):
        read_book(folder)


def test_the_same_column_twice_under_two_names_is_refused(tmp_path):
    folder = _copy(tmp_path, "twice")
    text = (folder / "accounts.csv").read_text().replace('"sex"', '"性别"', 1)
    text = text.replace('"cohort"', '"sex"', 1)
    (folder / "accounts.csv").write_text(text)
    with pytest.raises(
        InputError, match=r"column sex: appears twice in the header \(sex and 性别\)"
    ):
        read_book(folder)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_template_filled_in_loads_to_the_example(tmp_path, example, lang):
    out = tmp_path / "template"
    assert main(["book", "template", "--lang", lang, "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["accounts.xlsx", "book.toml", "loans.xlsx"]
    for stem in ("accounts", "loans"):
        names, rows = _rows(stem)
        book = load_workbook(out / f"{stem}.xlsx")
        sheet = book.worksheets[0]
        headers = [c.value for c in sheet[1]]
        cols = _columns(stem)
        assert headers == [c.zh if lang == "zh" else c.name for c in cols]
        assert book.sheetnames[1] == ("说明" if lang == "zh" else "columns")
        assert book.worksheets[1].max_row == len(cols) + 1  # one documented row per column
        for row in rows:
            cells = dict(zip(names, row, strict=True))
            sheet.append([_centre_cell(c, cells.get(c.name, "")) for c in cols])
        book.save(out / f"{stem}.xlsx")
    with pytest.raises(InputError, match=r"book\.date"):
        read_book(out)  # the date is the centre's to fill
    (out / "fund.toml").write_bytes((EXAMPLE / "fund.toml").read_bytes())
    toml = (out / "book.toml").read_text(encoding="utf-8")
    for key, value in (("date", '"2026-08"'), ("source", '"中心业务系统"')):
        toml = toml.replace(f'{key} = ""', f"{key} = {value}")
    for key, value in (("accounts", "553"), ("balance", "3064553.01"),
                       ("interest_accrued", "6733.99"), ("loans", "12"),
                       ("principal", "2480770.04"), ("segment_reserve", "17997.61")):  # fmt: skip
        toml = toml.replace(f"{key} = 0\n", f"{key} = {value}\n")
    toml = toml.replace("# fund_file =", 'fund_file = "fund.toml"')
    (out / "book.toml").write_text(toml, encoding="utf-8")
    _same(read_book(out), example)


def test_the_csv_template_documents_every_column(tmp_path):
    out = tmp_path / "t"
    assert main(["book", "template", "--format", "csv", "--out", str(out)]) == 0
    head = (out / "accounts.csv").read_bytes()
    assert head.startswith(b"\xef\xbb\xbf")  # a BOM: Excel opens it as UTF-8
    assert head.decode("utf-8-sig").strip().split(",") == [c.zh for c in ACCOUNT_COLUMNS]
    with (out / "columns.csv").open(encoding="utf-8-sig") as fh:
        docs = list(csv.reader(fh))
    assert len(docs) == 1 + len(ACCOUNT_COLUMNS) + len(LOAN_COLUMNS)
    assert all(row[4] for row in docs)  # every column has its meaning


def test_a_template_into_a_file_or_a_full_folder_is_one_line(tmp_path, capsys):
    target = tmp_path / "file"
    target.write_text("x")
    assert main(["book", "template", "--out", str(target)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "exists and is not an empty folder" in err
