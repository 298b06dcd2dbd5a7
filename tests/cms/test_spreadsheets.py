"""The opinion-table writer for .xlsx and .csv, and its one formula-injection guard (cms.spreadsheets)."""

import csv
import io
from datetime import datetime

import pytest
from openpyxl import Workbook, load_workbook

from cms.spreadsheets import FORMULA_STARTS, append_row, csv_value, sheet_value, write_csv, write_xlsx

DANGEROUS = ['=HYPERLINK("http://example.com","点我")', "+1+2", "-3+4", "@SUM(A1)", "\t=1+1", "\r=1+1"]
COLUMNS = [("序号", 6), ("意见内容", 50), ("提交时间", 18)]
SUBMITTED = datetime(2026, 11, 26, 9, 30)


def xlsx(rows, **kwargs) -> bytes:
    out = io.BytesIO()
    count = write_xlsx(out, sheet_title="意见", title="某某条例意见表", columns=COLUMNS, rows=iter(rows), **kwargs)
    assert count == len(rows)
    return out.getvalue()


def test_every_start_of_a_formula_is_guarded() -> None:
    assert {text[0] for text in DANGEROUS} == set(FORMULA_STARTS)


def test_xlsx_keeps_formula_like_text_as_text_that_stays_text_when_edited() -> None:
    rows = [[number, body, SUBMITTED] for number, body in enumerate([*DANGEROUS, "普通意见"], 1)]
    sheet = load_workbook(io.BytesIO(xlsx(rows))).active
    bodies = [row[1] for row in sheet.iter_rows(min_row=3)]
    assert [cell.value for cell in bodies] == [*DANGEROUS, "普通意见"]
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in bodies[:-1])
    assert not bodies[-1].quotePrefix
    numbers = [row[0].value for row in sheet.iter_rows(min_row=3)]
    assert numbers == list(range(1, len(rows) + 1))
    assert sheet["C3"].value == SUBMITTED


def test_xlsx_drops_control_characters_a_worksheet_cannot_hold() -> None:
    sheet = load_workbook(io.BytesIO(xlsx([[1, "从 Word\x0b粘贴的\x07意见", None]]))).active
    assert sheet["B3"].value == "从 Word粘贴的意见"
    assert sheet["C3"].value is None


def test_xlsx_has_a_title_across_the_columns_a_header_and_prints_one_page_wide() -> None:
    sheet = load_workbook(io.BytesIO(xlsx([[1, "意见", SUBMITTED]]))).active
    assert sheet.title == "意见"
    assert sheet["A1"].value == "某某条例意见表"
    assert sheet["A1"].font.b and sheet["A1"].font.sz == 14
    assert {str(cells) for cells in sheet.merged_cells.ranges} == {"A1:C1"}
    assert [cell.value for cell in sheet[2]] == ["序号", "意见内容", "提交时间"]
    assert all(cell.font.b for cell in sheet[2])
    assert sheet.freeze_panes == "A3"
    assert sheet.print_title_rows == "$2:$2"
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToWidth == 1
    assert [sheet.column_dimensions[letter].width for letter in "ABC"] == [6, 50, 18]


def test_wrap_puts_every_cell_in_a_bordered_wrapping_box_and_keeps_the_guard() -> None:
    sheet = load_workbook(io.BytesIO(xlsx([[1, "-3+4", ""]], wrap=True))).active
    for cell in sheet[3]:
        assert cell.alignment.wrap_text and cell.border.left.style == "thin"
    assert sheet["B3"].data_type == "s" and sheet["B3"].quotePrefix
    plain = load_workbook(io.BytesIO(xlsx([[1, "意见", ""]]))).active
    assert not plain["B3"].alignment.wrap_text


def test_csv_has_a_bom_a_header_and_formula_like_text_behind_an_apostrophe() -> None:
    out = io.BytesIO()
    rows = [[1, body, SUBMITTED] for body in DANGEROUS]
    assert write_csv(out, header=[label for label, _width in COLUMNS], rows=iter(rows)) == len(rows)
    data = out.getvalue()
    assert data.startswith(b"\xef\xbb\xbf")
    read = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert read[0] == ["序号", "意见内容", "提交时间"]
    assert [row[1] for row in read[1:]] == ["'" + body for body in DANGEROUS]
    assert read[1][2] == "2026-11-26 09:30"
    assert not out.closed


@pytest.mark.parametrize("value", [12, 1.5, None, SUBMITTED, "普通意见"])
def test_values_that_cannot_start_a_formula_pass_unchanged(value) -> None:
    sheet = Workbook().active
    assert sheet_value(sheet, value) == value
    assert csv_value(value) == (value if not isinstance(value, datetime) else "2026-11-26 09:30")


def test_append_row_guards_a_sheet_built_by_hand() -> None:
    workbook = Workbook()
    append_row(workbook.active, ["第一条", "-删除本条", 3])
    buffer = io.BytesIO()
    workbook.save(buffer)
    first, second, third = next(load_workbook(buffer).active.iter_rows())
    assert (first.value, first.quotePrefix) == ("第一条", False)
    assert (second.value, second.data_type, second.quotePrefix) == ("-删除本条", "s", True)
    assert third.value == 3
