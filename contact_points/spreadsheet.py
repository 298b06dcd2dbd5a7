"""Spreadsheets exchanged with contact points: the opinion template, its reader, the feedback table.

A coordinator downloads the template, fills one opinion per row and uploads it; the batch is
imported all or nothing, so ``read_sheet`` reports every problem at once, each with the line
number the coordinator sees in Excel.  Pure functions of bytes: the upload view checks the file
type first (``contact_points.uploads``) and passes the bytes and their kind here.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import chain, islice
from typing import TypedDict

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from cms.dates import chinese_date
from cms.spreadsheets import HEADER_FILL, HEADER_FONT, append_row, cell_text, write_csv, write_xlsx
from cms.uploads import UploadError, decode_text
from drafts.citations import whole_article
from drafts.numerals import MAX_NUMBER, article_label

__all__ = [
    "CATALOGUE_SHEET",
    "FEEDBACK_HEADERS",
    "MAX_BODY_CHARS",
    "MAX_ROWS",
    "OPINION_SHEET",
    "PROPOSER_CATEGORIES",
    "TEMPLATE_HEADERS",
    "FeedbackRow",
    "SheetError",
    "SheetFileError",
    "SheetResult",
    "SheetRow",
    "feedback_xlsx",
    "read_sheet",
    "template_csv",
    "template_xlsx",
]

MAX_ROWS = 20_000
MAX_BODY_CHARS = 5_000
MAX_PROPOSER_CHARS = 100
#: Errors listed one by one; the rest are counted in a last line.
MAX_LISTED_ERRORS = 50
#: The header may sit below a title or a note the coordinator added.
HEADER_SEARCH_ROWS = 10
#: Excel's own limit; a row number beyond it means a damaged or hostile file.
EXCEL_MAX_ROWS = 1_048_576

OPINION_SHEET = "意见"
CATALOGUE_SHEET = "条文目录"

ARTICLE, BODY, PROPOSER, CATEGORY, PROPOSAL = "条款", "意见内容", "提出人", "提出人类别", "建议修改为"
TEMPLATE_HEADERS = (ARTICLE, BODY, PROPOSER, CATEGORY, PROPOSAL)
#: Written in the 建议修改为 column, it proposes deleting the article (any other text is its new wording).
DELETE_WORDS = frozenset({"删除本条", "删去本条", "建议删除本条", "删除"})
REQUIRED_HEADERS = (ARTICLE, BODY)
_HEADER_ALIASES = {
    ARTICLE: ARTICLE,
    "条款号": ARTICLE,
    "条文": ARTICLE,
    BODY: BODY,
    "意见": BODY,
    PROPOSER: PROPOSER,
    "姓名": PROPOSER,
    CATEGORY: CATEGORY,
    PROPOSAL: PROPOSAL,
    "修改建议": PROPOSAL,
    "建议条文": PROPOSAL,
}

#: What the coordinator writes in the 提出人类别 column, and the code stored.  The labels are part of
#: the file format, so they are plain Chinese here, not translated strings.
PROPOSER_CATEGORIES: dict[str, str] = {
    "人大代表": "deputy",
    "居民": "resident",
    "企业": "enterprise",
    "专家学者": "expert",
    "律师": "lawyer",
    "其他": "other",
}
_CATEGORY_CHOICES = "、".join(PROPOSER_CATEGORIES)

#: Written in the 条款 column for an opinion on the draft as a whole (as is an empty cell).
WHOLE_DRAFT_WORDS = frozenset({"总体", "整体", "总体意见", "整体意见"})

FEEDBACK_HEADERS = ("序号", "草案", "条款", "意见内容", "提出人", "处理情况", "理由说明", "提交时间")

# 12.0 is how some programs export a number cell to CSV.
_WHOLE_NUMBER_RE = re.compile(r"([0-9０-９]+)[.．][0０]+(?![0-9０-９])")
_BRACKETED_RE = re.compile(r"[（(【\[［][^）)】\]］]*[）)】\]］]")
_HEADER_NOISE_RE = re.compile(r"[\s*＊:：（）()【】\[\]［］]")

_CORRUPT_XLSX = (
    "无法读取该 Excel 文件……文件可能已损坏，或不是 .xlsx 格式。请在 Excel 或 WPS 中打开后另存为"
    "“Excel 工作簿（.xlsx）”，再重新上传。"
)

_WRAP_TOP = Alignment(wrap_text=True, vertical="top")


class SheetFileError(ValueError):
    """A file that cannot be read as a spreadsheet at all; ``message`` is for the user (Chinese)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class SheetRow:
    """One opinion read from the sheet; ``article`` is None for the draft as a whole."""

    line: int
    article: int | None
    body: str
    proposer: str
    category: str
    # A proposed wording of the article: "modify" with its text, "delete", or "" (none).
    proposal_kind: str = ""
    proposal_text: str = ""


@dataclass(frozen=True)
class SheetError:
    """A problem for the coordinator to fix; ``line`` is the row in the sheet, None for the whole file."""

    line: int | None
    message: str


@dataclass
class SheetResult:
    rows: list[SheetRow] = field(default_factory=list)
    errors: list[SheetError] = field(default_factory=list)


class FeedbackRow(TypedDict):
    draft: str
    article: str
    body: str
    proposer: str
    disposition: str
    reason: str
    submitted_at: datetime | date | None


# --- template -------------------------------------------------------------------------


def template_xlsx(*, draft_title: str, articles: list[tuple[int, str]]) -> bytes:
    """The opinion template: an empty 意见 sheet and a 条文目录 sheet to look article numbers up.

    The template carries no sample rows: an example left in place would be imported as an opinion.
    """
    workbook = Workbook()
    workbook.properties.title = cell_text(draft_title)
    sheet = workbook.active
    sheet.title = OPINION_SHEET
    hints = {
        ARTICLE: "填写条号，如“第十二条”或“12”。对草案整体的意见请留空或填“总体”。",
        BODY: f"必填，每行一条意见，不超过 {MAX_BODY_CHARS} 字。",
        PROPOSER: f"选填，不超过 {MAX_PROPOSER_CHARS} 字。",
        CATEGORY: f"选填，从下拉列表中选择：{_CATEGORY_CHOICES}。",
        PROPOSAL: "选填：建议的本条完整条文，每款、每项一行（Alt+回车换行）；建议删除本条请填“删除本条”。",
    }
    widths = {ARTICLE: 14, BODY: 80, PROPOSER: 18, CATEGORY: 14, PROPOSAL: 60}
    for column, name in enumerate(TEMPLATE_HEADERS, start=1):
        cell = sheet.cell(row=1, column=column, value=name)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.comment = Comment(hints[name], "填写说明")
        cell.comment.width, cell.comment.height = 240, 80
        letter = get_column_letter(column)
        sheet.column_dimensions[letter].width = widths[name]
        # Text format: Excel would otherwise take an opinion starting with "=" or "-" for a formula.
        sheet.column_dimensions[letter].number_format = "@"
        sheet.column_dimensions[letter].alignment = _WRAP_TOP
    sheet.freeze_panes = "A2"

    last_line = MAX_ROWS + 1
    category_column = get_column_letter(TEMPLATE_HEADERS.index(CATEGORY) + 1)
    validation = DataValidation(
        type="list",
        formula1=f'"{",".join(PROPOSER_CATEGORIES)}"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="提出人类别",
        error=f"请从下拉列表中选择：{_CATEGORY_CHOICES}，或留空。",
        showInputMessage=True,
        promptTitle="提出人类别",
        prompt="请从下拉列表中选择，或留空。",
    )
    validation.add(f"{category_column}2:{category_column}{last_line}")
    sheet.add_data_validation(validation)

    catalogue = workbook.create_sheet(CATALOGUE_SHEET)
    append_row(catalogue, [f"《{draft_title}》条文目录"])
    catalogue.merge_cells("A1:B1")
    catalogue["A1"].font = Font(bold=True, size=13)
    catalogue.append(["条款", "条文（节选）"])
    for cell in catalogue[2]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
    for number, text in articles:
        excerpt = " ".join(text.split())
        if len(excerpt) > 40:
            excerpt = excerpt[:40] + "……"
        append_row(catalogue, [article_label(number), excerpt])
    catalogue.column_dimensions["A"].width = 16
    catalogue.column_dimensions["B"].width = 90
    catalogue.freeze_panes = "A3"
    # No password: this only stops the list being edited by mistake instead of the 意见 sheet.
    catalogue.protection.sheet = True
    return _save(workbook)


def template_csv() -> bytes:
    """The header row alone, in UTF-8 with a BOM so that Excel does not read it as GBK."""
    buffer = io.BytesIO()
    write_csv(buffer, header=TEMPLATE_HEADERS, rows=[])
    return buffer.getvalue()


# --- reading --------------------------------------------------------------------------


def read_sheet(data: bytes, kind: str, *, known_articles: set[int], max_rows: int = MAX_ROWS) -> SheetResult:
    """Read opinions from an uploaded sheet whose ``kind`` ("xlsx" or "csv") was checked already.

    Problems in the content come back as ``SheetResult.errors`` (all of them, up to a cap, so the
    coordinator can fix the file in one go); a file that cannot be read raises SheetFileError.
    """
    if kind == "xlsx":
        return _read_xlsx(data, known_articles=known_articles, max_rows=max_rows)
    if kind == "csv":
        return _read_csv(data, known_articles=known_articles, max_rows=max_rows)
    raise ValueError(f"unknown sheet kind: {kind!r}")


def _read_xlsx(data: bytes, *, known_articles: set[int], max_rows: int) -> SheetResult:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl lets a dozen exception types through on a damaged file
        raise SheetFileError(_CORRUPT_XLSX) from exc
    try:
        sheets = workbook.worksheets  # chart sheets left out
        if not sheets:
            raise SheetFileError(_CORRUPT_XLSX)
        sheet = next((sheet for sheet in sheets if sheet.title == OPINION_SHEET), sheets[0])
        # The <dimension> Excel writes is only used to say how big a refused file is: formatted but
        # empty rows are inside it.  Dropping it also stops openpyxl from padding every row to the
        # claimed width and appending blank rows up to the claimed height.
        claimed_lines = sheet.max_row
        sheet.reset_dimensions()
        return _read_table(
            _xlsx_values(sheet.iter_rows(values_only=True)),
            known_articles=known_articles,
            max_rows=max_rows,
            claimed_lines=claimed_lines,
        )
    finally:
        workbook.close()


def _xlsx_values(rows: Iterable[Sequence[object]]) -> Iterator[Sequence[object]]:
    try:
        for line, values in enumerate(rows, start=1):
            if line > EXCEL_MAX_ROWS:
                raise SheetFileError(_CORRUPT_XLSX)
            yield values
    except SheetFileError:
        raise
    except Exception as exc:  # damage further into the file shows only while iterating
        raise SheetFileError(_CORRUPT_XLSX) from exc


def _read_csv(data: bytes, *, known_articles: set[int], max_rows: int) -> SheetResult:
    try:
        text = decode_text(data)
    except UploadError as exc:
        if exc.code != "empty":
            raise SheetFileError(
                "无法识别该 CSV 文件的文字编码。请在 Excel 中选择“另存为”，"
                "保存类型选“CSV UTF-8（逗号分隔）”后重新上传，或直接上传 .xlsx 文件。"
            ) from exc
        text = ""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_csv_delimiter(text))

    def values() -> Iterator[Sequence[object]]:
        try:
            yield from reader
        except csv.Error as exc:
            raise SheetFileError(
                f"无法读取该 CSV 文件：第 {reader.line_num} 行附近格式有误（如引号不成对）或内容过长。"
                "请在 Excel 中打开检查后重新保存，或直接上传 .xlsx 文件。"
            ) from exc

    return _read_table(values(), known_articles=known_articles, max_rows=max_rows, count_rest=True)


def _csv_delimiter(text: str) -> str:
    """Comma, or tab for what Excel saves as “Unicode 文本”."""
    head = "".join(islice(io.StringIO(text), HEADER_SEARCH_ROWS))
    return "\t" if head.count("\t") > head.count(",") else ","


def _read_table(
    rows: Iterator[Sequence[object]],
    *,
    known_articles: set[int],
    max_rows: int,
    count_rest: bool = False,
    claimed_lines: int | None = None,
) -> SheetResult:
    """Validate every data row below the header.

    Stops at the first row past ``max_rows``: then the size is counted on (``count_rest``, cheap for
    CSV) or taken from the sheet's own claim (``claimed_lines``), not read row by row.
    """
    head = list(islice(rows, HEADER_SEARCH_ROWS))
    header = _find_header(head)
    if isinstance(header, SheetError):
        return SheetResult(errors=[header])
    header_line, columns = header
    article_at, body_at = columns[ARTICLE], columns[BODY]
    proposer_at, category_at, proposal_at = columns.get(PROPOSER), columns.get(CATEGORY), columns.get(PROPOSAL)
    used = [i for i in (article_at, body_at, proposer_at, category_at, proposal_at) if i is not None]

    result = SheetResult()
    errors = _ErrorList()
    data_rows = 0
    below_header = chain(head[header_line:], rows)
    for line, values in enumerate(below_header, start=header_line + 1):
        if _is_blank(values, used):
            continue
        data_rows += 1
        if data_rows > max_rows:
            total = None
            if count_rest:
                total = data_rows + sum(1 for rest in below_header if not _is_blank(rest, used))
            elif claimed_lines is not None and claimed_lines - header_line >= data_rows:
                total = claimed_lines - header_line
            return SheetResult(errors=[_too_many_rows(total, max_rows)])
        row = _read_row(
            line,
            values,
            columns=(article_at, body_at, proposer_at, category_at, proposal_at),
            known_articles=known_articles,
            errors=errors,
        )
        if row is not None:
            result.rows.append(row)
    if not data_rows and not errors:
        errors.add(None, "文件中没有意见。请在表头下方逐行填写，每行一条意见。")
    result.errors = errors.listed()
    return result


def _read_row(
    line: int,
    values: Sequence[object],
    *,
    columns: tuple[int, int, int | None, int | None, int | None],
    known_articles: set[int],
    errors: _ErrorList,
) -> SheetRow | None:
    """The row, or None after adding its problems to ``errors``.

    The proposed wording is only read here; whether it differs from the article and fits the length
    limit is checked against the article's text by the service that imports the rows."""
    article_at, body_at, proposer_at, category_at, proposal_at = columns
    found = len(errors)
    try:
        article = _parse_article(_value(values, article_at))
    except ValueError:
        shown = _shorten(_cell_str(_value(values, article_at)))
        errors.add(line, f"无法识别条款“{shown}”，请填写条号（如“第十二条”或“12”），对草案整体的意见请留空或填“总体”")
        article = None
    if article is not None and article not in known_articles:
        errors.add(line, f"草案中没有{article_label(article)}")
    body = _cell_str(_value(values, body_at)).replace("\r\n", "\n").replace("\r", "\n")
    if not body:
        errors.add(line, "意见内容为空")
    elif len(body) > MAX_BODY_CHARS:
        errors.add(line, f"意见内容有 {len(body)} 字，超过了 {MAX_BODY_CHARS} 字的上限，请精简或分成几条")
    proposer = _cell_str(_value(values, proposer_at))
    if len(proposer) > MAX_PROPOSER_CHARS:
        errors.add(line, f"提出人超过 {MAX_PROPOSER_CHARS} 字")
    category_label = _cell_str(_value(values, category_at))
    category = PROPOSER_CATEGORIES.get(category_label, "")
    if category_label and not category:
        errors.add(line, f"提出人类别“{_shorten(category_label)}”无效，应为以下之一：{_CATEGORY_CHOICES}（也可留空）")
    proposal = _cell_str(_value(values, proposal_at)).replace("\r\n", "\n").replace("\r", "\n")
    proposal_kind = ("delete" if "".join(proposal.split()) in DELETE_WORDS else "modify") if proposal else ""
    if proposal and article is None and not len(errors) > found:
        errors.add(line, "对草案整体的意见不能填写“建议修改为”，请在“条款”列填写建议修改的条号")
    if len(errors) > found:
        return None
    return SheetRow(
        line=line,
        article=article,
        body=body,
        proposer=proposer,
        category=category,
        proposal_kind=proposal_kind,
        proposal_text=proposal if proposal_kind == "modify" else "",
    )


class _IndexedErrors:
    """Problems of records (the API's batch) by their index from 0, every one listed."""

    def __init__(self) -> None:
        self.found: list[tuple[int, str]] = []

    def __len__(self) -> int:
        return len(self.found)

    def add(self, line: int | None, message: str) -> None:
        self.found.append((line if line is not None else -1, message))


def read_items(
    items: Sequence[Mapping[str, object]], *, known_articles: set[int]
) -> tuple[list[SheetRow], list[tuple[int, str]]]:
    """Opinions given as records ({"article", "body", "proposer", "proposer_category", "proposal"}), each checked
    exactly as a row of the spreadsheet template; the rows (``line`` is the index) and every problem by index."""
    errors = _IndexedErrors()
    rows: list[SheetRow] = []
    for index, item in enumerate(items):
        values = (
            item.get("article"),
            item.get("body"),
            item.get("proposer"),
            item.get("proposer_category"),
            item.get("proposal"),
        )
        row = _read_row(index, values, columns=(0, 1, 2, 3, 4), known_articles=known_articles, errors=errors)  # type: ignore[arg-type]
        if row is not None:
            rows.append(row)
    return rows, errors.found


def _parse_article(value: object) -> int | None:
    """The article number in a 条款 cell, None for the draft as a whole; ValueError if unreadable."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(value)
        value = int(value)
    if isinstance(value, int):
        number = value
    else:
        text = _cell_str(value)
        if not text or text in WHOLE_DRAFT_WORDS:
            return None
        # 第十二条, 第12条, 12, １２, 十二条 (a 之一 article cannot be named in the sheet yet)
        target = whole_article(_WHOLE_NUMBER_RE.sub(r"\1", text), unit_optional=True)
        if target is None or target.article is None or target.suffix is not None:
            raise ValueError(text)
        number = target.article.value
    if not 1 <= number <= MAX_NUMBER:
        raise ValueError(number)
    return number


def _find_header(head: list[Sequence[object]]) -> tuple[int, dict[str, int]] | SheetError:
    """The header's line number and the column index of each known header found in it."""
    best: tuple[int, Sequence[object]] | None = None
    for line, values in enumerate(head, start=1):
        columns: dict[str, int] = {}
        repeated: list[str] = []
        for index, value in enumerate(values):
            name = _header_name(value)
            if name is None:
                continue
            if name in columns:
                repeated.append(name)
            else:
                columns[name] = index
        if all(name in columns for name in REQUIRED_HEADERS):
            if repeated:
                names = "、".join(f"“{name}”" for name in dict.fromkeys(repeated))
                return SheetError(None, f"第 {line} 行的表头中{names}列出现了不止一次，请删除多余的列后重新上传。")
            return line, columns
        has_text = any(_cell_str(value) for value in values)
        if has_text and (best is None or len(columns) > best[0]):
            best = (len(columns), values)
    found_names = [_shorten(_cell_str(value)) for value in best[1] if _cell_str(value)] if best else []
    present = {_header_name(value) for value in best[1]} if best else set()
    missing = "、".join(f"“{name}”" for name in REQUIRED_HEADERS if name not in present)
    found = "、".join(found_names[:12]) or "无"
    return SheetError(
        None,
        f"表头中缺少{missing}列（找到的列：{found}）。请使用下载的模板填写，表头须在前 {HEADER_SEARCH_ROWS} 行内，"
        f"列名为：{'、'.join(TEMPLATE_HEADERS)}。",
    )


def _header_name(value: object) -> str | None:
    """意见内容（必填）, ' 条款 ', 【条款】 and 条文 all name a known column."""
    text = _cell_str(value)
    if not text:
        return None
    without_notes = _HEADER_NOISE_RE.sub("", _BRACKETED_RE.sub("", text))
    bare = _HEADER_NOISE_RE.sub("", text)
    return _HEADER_ALIASES.get(without_notes) or _HEADER_ALIASES.get(bare)


def _too_many_rows(total: int | None, max_rows: int) -> SheetError:
    size = f"文件有 {total} 行意见，超过了" if total is not None else "文件中的意见超过了"
    return SheetError(
        None,
        f"{size}每次上传 {max_rows} 行的上限。请将意见拆分为几个文件（每个不超过 {max_rows} 行）后分别上传。",
    )


class _ErrorList:
    """Keeps the first MAX_LISTED_ERRORS errors and counts the rest."""

    def __init__(self) -> None:
        self._listed: list[SheetError] = []
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def add(self, line: int | None, message: str) -> None:
        self._count += 1
        if len(self._listed) < MAX_LISTED_ERRORS:
            self._listed.append(SheetError(line, f"第 {line} 行：{message}" if line is not None else message))

    def listed(self) -> list[SheetError]:
        unlisted = self._count - len(self._listed)
        if unlisted:
            return [*self._listed, SheetError(None, f"另有 {unlisted} 处错误未列出")]
        return list(self._listed)


def _value(values: Sequence[object], index: int | None) -> object:
    return values[index] if index is not None and index < len(values) else None


def _is_blank(values: Sequence[object], indexes: list[int]) -> bool:
    return not any(_cell_str(_value(values, index)) for index in indexes)


def _cell_str(value: object) -> str:
    """A cell as the text the coordinator sees (12.0 shows as 12)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _shorten(text: str, limit: int = 20) -> str:
    return text if len(text) <= limit else text[:limit] + "……"


# --- feedback table -------------------------------------------------------------------


def feedback_xlsx(*, title: str, rows: Sequence[FeedbackRow]) -> bytes:
    """The feedback table (反馈表) a contact point receives on how its opinions were handled.

    Laid out for printing (cms.spreadsheets): landscape, one page wide, the header repeated on every
    page, the text of every cell wrapped.
    """
    widths = (6, 24, 12, 50, 12, 14, 40, 16)
    values = (
        [
            number,
            row["draft"],
            row["article"],
            row["body"],
            row["proposer"],
            row["disposition"],
            row["reason"],
            chinese_date(row["submitted_at"]),
        ]
        for number, row in enumerate(rows, start=1)
    )
    buffer = io.BytesIO()
    write_xlsx(
        buffer,
        sheet_title="反馈表",
        title=title,
        columns=list(zip(FEEDBACK_HEADERS, widths, strict=True)),
        rows=values,
        wrap=True,
    )
    return buffer.getvalue()


# --- writing helpers ------------------------------------------------------------------


def _save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
