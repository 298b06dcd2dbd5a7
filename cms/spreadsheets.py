"""Tables of opinions as .xlsx and .csv, with one guard against formula injection.

Staff and coordinators open these files in Excel or WPS.  A cell whose text starts with = + - @
(or a tab or carriage return, which some programs strip before looking) would be taken for a
formula there, and an opinion is text anyone may type (OWASP "CSV injection").  So every text
cell goes through one guard: in .xlsx it is stored as text and marked to stay text when edited
(``quotePrefix``); in .csv it is prefixed with an apostrophe, as Excel itself writes such text.
The .xlsx guard also drops the control characters a worksheet cannot hold.

``write_xlsx`` streams its rows (openpyxl's write-only mode), so a table of 100,000 opinions is
written in flat memory; every table has the same layout: a title row across the columns, a
header row, frozen panes below it, and A4 landscape pages one page wide with the header row
repeated on each.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

__all__ = [
    "EXCEL_MAX_CELL_CHARS",
    "FORMULA_STARTS",
    "HEADER_FILL",
    "HEADER_FONT",
    "append_row",
    "cell_text",
    "csv_value",
    "sheet_value",
    "write_csv",
    "write_xlsx",
]

#: Characters with which a spreadsheet cell would start a formula, and tab and carriage return,
#: which some programs strip before looking.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Excel's limit on the text in one cell.
EXCEL_MAX_CELL_CHARS = 32_767

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTRED = Alignment(horizontal="center", vertical="center", wrap_text=True)
_WRAPPED = Alignment(wrap_text=True, vertical="top")


def cell_text(value: object) -> str:
    """Text an .xlsx cell (or the workbook's properties) can hold: no control characters, no
    more than Excel accepts."""
    return ILLEGAL_CHARACTERS_RE.sub("", "" if value is None else str(value))[:EXCEL_MAX_CELL_CHARS]


def sheet_value(sheet, value: object) -> object:
    """``value`` as it may go into a row of ``sheet`` (write-only or not): text that would start
    a formula becomes a cell stored as text, marked to stay text when edited; numbers and dates
    stay themselves."""
    if not isinstance(value, str):
        return value
    value = cell_text(value)
    if not value.startswith(FORMULA_STARTS):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def csv_value(value: object) -> object:
    """``value`` as a .csv cell: text that would start a formula behind an apostrophe, a date
    and time to the minute."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def append_row(sheet, values: Iterable[object]) -> None:
    """Append a row of guarded values to a sheet built by hand."""
    sheet.append([sheet_value(sheet, value) for value in values])


def write_xlsx(
    out: BinaryIO,
    *,
    sheet_title: str,
    title: str,
    columns: Sequence[tuple[str, float]],
    rows: Iterable[Sequence[object]],
    wrap: bool = False,
) -> int:
    """Write a one-sheet workbook to ``out``: ``title``, the header row of ``columns`` (label,
    width in characters), then ``rows``, read once; returns the number of rows.

    ``wrap`` wraps every cell's text, with a border, for a table read on paper; it styles each
    cell, which triples the time of a large table, so it is for a few thousand rows at most.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title)
    for index, (_label, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A3"
    sheet.print_title_rows = "2:2"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.merged_cells.add(f"A1:{get_column_letter(len(columns))}1")
    sheet.row_dimensions[1].height = 30

    heading = WriteOnlyCell(sheet, value=cell_text(title))
    heading.font = Font(bold=True, size=14)
    heading.alignment = _CENTRED
    sheet.append([heading])
    sheet.append([_header_cell(sheet, label) for label, _width in columns])
    count = 0
    for values in rows:
        cells = [sheet_value(sheet, value) for value in values]
        sheet.append([_wrapped(sheet, cell) for cell in cells] if wrap else cells)
        count += 1
    workbook.save(out)
    return count


def write_csv(out: BinaryIO, *, header: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """Write ``header`` and ``rows`` (read once) as CSV to ``out``: UTF-8 with a BOM, so that Excel
    does not read it as GBK; returns the number of rows.  ``out`` stays open."""
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
    count = 0
    try:
        writer = csv.writer(text)
        writer.writerow(header)
        for values in rows:
            writer.writerow([csv_value(value) for value in values])
            count += 1
    finally:
        text.detach()  # flushed, and `out` stays open for the caller
    return count


def _header_cell(sheet, label: str) -> Cell:
    cell = WriteOnlyCell(sheet, value=cell_text(label))
    cell.font = HEADER_FONT
    cell.fill = HEADER_FILL
    cell.alignment = _CENTRED
    cell.border = _BORDER
    return cell


def _wrapped(sheet, value: object) -> Cell:
    cell = value if isinstance(value, Cell) else WriteOnlyCell(sheet, value=value)
    cell.alignment = _WRAPPED
    cell.border = _BORDER
    return cell
