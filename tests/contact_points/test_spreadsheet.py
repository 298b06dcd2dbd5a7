import csv
import io
import re
import zipfile
from datetime import UTC, datetime

import pytest
from openpyxl import Workbook, load_workbook

from contact_points.spreadsheet import (
    CATALOGUE_SHEET,
    FEEDBACK_HEADERS,
    MAX_BODY_CHARS,
    MAX_LISTED_ERRORS,
    MAX_ROWS,
    OPINION_SHEET,
    TEMPLATE_HEADERS,
    SheetError,
    SheetFileError,
    SheetRow,
    feedback_xlsx,
    read_sheet,
    template_csv,
    template_xlsx,
)

ARTICLES = {1, 2, 3, 12, 101}
HEADER = list(TEMPLATE_HEADERS)


def xlsx_bytes(rows: list[list[object]], *, sheet_title: str = OPINION_SHEET) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list[object]], encoding: str = "utf-8-sig", delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return buffer.getvalue().encode(encoding)


def read(data: bytes, kind: str = "xlsx", **kwargs):
    return read_sheet(data, kind, known_articles=ARTICLES, **kwargs)


def messages(result) -> list[str]:
    return [error.message for error in result.errors]


# --- template -------------------------------------------------------------------------


def test_template_has_a_bold_frozen_header_a_category_drop_down_and_no_sample_rows() -> None:
    data = template_xlsx(draft_title="某市物业管理条例", articles=[(1, "为了规范物业管理活动，制定本条例。")])
    workbook = load_workbook(io.BytesIO(data))

    assert workbook.sheetnames == [OPINION_SHEET, CATALOGUE_SHEET]
    sheet = workbook[OPINION_SHEET]
    assert [cell.value for cell in sheet[1]] == HEADER
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.max_row == 1
    assert sheet.column_dimensions["B"].width > sheet.column_dimensions["A"].width
    (validation,) = sheet.data_validations.dataValidation
    assert validation.type == "list"
    assert validation.formula1 == '"人大代表,居民,企业,专家学者,律师,其他"'
    assert "D2" in validation.sqref
    assert f"D{MAX_ROWS + 1}" in validation.sqref


def test_template_lists_articles_with_their_numbers_and_a_short_excerpt() -> None:
    long_text = (
        "物业服务人应当按照约定和物业的使用性质，妥善维修、养护、清洁、绿化和经营管理物业服务区域内的业主共有部分。"
    )
    data = template_xlsx(draft_title="某市物业管理条例", articles=[(1, "为了规范。"), (12, long_text), (101, "附则。")])
    catalogue = load_workbook(io.BytesIO(data))[CATALOGUE_SHEET]

    values = [[cell.value for cell in row] for row in catalogue.iter_rows(min_row=3)]
    assert values == [
        ["第一条", "为了规范。"],
        ["第十二条", long_text[:40] + "……"],
        ["第一百零一条", "附则。"],
    ]
    assert "某市物业管理条例" in catalogue["A1"].value


def test_filled_template_round_trips() -> None:
    data = template_xlsx(draft_title="某市物业管理条例", articles=[(1, "为了规范。"), (12, "物业服务。")])
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook[OPINION_SHEET]
    sheet.append(["第十二条", "建议明确物业服务人的维修责任。", "张三", "居民"])
    sheet.append(["12", "第二条意见", None, "人大代表"])
    sheet.append([None, "对草案整体的意见", "某律师事务所", "律师"])
    sheet.append(["总体意见", "  前后有空格的意见  ", "", ""])
    sheet.append(["１２", "全角数字", "李四", "专家学者"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    result = read(buffer.getvalue())

    assert result.errors == []
    assert result.rows == [
        SheetRow(line=2, article=12, body="建议明确物业服务人的维修责任。", proposer="张三", category="resident"),
        SheetRow(line=3, article=12, body="第二条意见", proposer="", category="deputy"),
        SheetRow(line=4, article=None, body="对草案整体的意见", proposer="某律师事务所", category="lawyer"),
        SheetRow(line=5, article=None, body="前后有空格的意见", proposer="", category=""),
        SheetRow(line=6, article=12, body="全角数字", proposer="李四", category="expert"),
    ]


def test_empty_template_is_reported_as_having_no_opinions() -> None:
    data = template_xlsx(draft_title="草案", articles=[(1, "内容。")])
    result = read(data)
    assert result.rows == []
    assert messages(result) == ["文件中没有意见。请在表头下方逐行填写，每行一条意见。"]


def test_csv_template_is_the_header_alone_with_a_bom() -> None:
    data = template_csv()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").splitlines() == [",".join(HEADER)]
    assert messages(read(data, "csv")) == ["文件中没有意见。请在表头下方逐行填写，每行一条意见。"]


# --- cells ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "article"),
    [
        ("第十二条", 12),
        ("第12条", 12),
        ("12", 12),
        ("１２", 12),
        (" 第 12 条 ", 12),
        ("第一百零一条", 101),
        (12, 12),
        (12.0, 12),
        ("12.0", 12),
        (None, None),
        ("", None),
        ("总体", None),
        ("整体", None),
        ("总体意见", None),
    ],
)
def test_article_cells(cell: object, article: int | None) -> None:
    result = read(xlsx_bytes([HEADER, [cell, "意见"]]))
    assert result.errors == []
    assert [row.article for row in result.rows] == [article]


@pytest.mark.parametrize("cell", ["第十二条第二款", "附则", "第0条", 12.5, "十十", True])
def test_unreadable_article_is_an_error_for_its_line(cell: object) -> None:
    result = read(xlsx_bytes([HEADER, [cell, "意见"]]))
    assert result.rows == []
    (error,) = result.errors
    assert error.line == 2
    assert error.message.startswith("第 2 行：无法识别条款")


def test_article_missing_from_the_draft_is_an_error() -> None:
    result = read(xlsx_bytes([HEADER, ["第一条", "好"], ["第五十条", "意见"], [50, "意见"]]))
    assert [row.line for row in result.rows] == [2]
    assert result.errors == [
        SheetError(3, "第 3 行：草案中没有第五十条"),
        SheetError(4, "第 4 行：草案中没有第五十条"),
    ]


def test_empty_rows_are_skipped_and_lines_keep_their_sheet_numbers() -> None:
    rows = [HEADER, ["第一条", "一"], [], [None, "  ", None, None], ["", "", "", ""], ["第二条", "二"]]
    result = read(xlsx_bytes(rows))
    assert result.errors == []
    assert [(row.line, row.article, row.body) for row in result.rows] == [(2, 1, "一"), (6, 2, "二")]


def test_row_with_an_article_but_no_opinion_is_an_error() -> None:
    result = read(xlsx_bytes([HEADER, ["第一条", None, "张三"]]))
    assert result.rows == []
    assert result.errors == [SheetError(2, "第 2 行：意见内容为空")]


def test_unknown_category_lists_the_allowed_values() -> None:
    result = read(xlsx_bytes([HEADER, ["第一条", "意见", "张三", "路人"]]))
    assert result.rows == []
    (error,) = result.errors
    assert error.line == 2
    assert "“路人”" in error.message
    for label in ("人大代表", "居民", "企业", "专家学者", "律师", "其他"):
        assert label in error.message


def test_overlong_opinion_and_proposer_are_errors() -> None:
    rows = [HEADER, ["第一条", "字" * (MAX_BODY_CHARS + 1), "名" * 101], ["第二条", "字" * MAX_BODY_CHARS, "名" * 100]]
    result = read(xlsx_bytes(rows))
    assert [row.line for row in result.rows] == [3]
    assert [error.line for error in result.errors] == [2, 2]
    assert f"超过了 {MAX_BODY_CHARS} 字" in result.errors[0].message
    assert "提出人超过 100 字" in result.errors[1].message


def test_every_problem_of_a_row_is_reported() -> None:
    result = read(xlsx_bytes([HEADER, ["第九十九条", "", "张三", "路人"]]))
    assert [error.line for error in result.errors] == [2, 2, 2]
    problems = [error.message.split("：", 1)[1][:6] for error in result.errors]
    assert problems == ["草案中没有第", "意见内容为空", "提出人类别“"]


def test_errors_are_capped_with_a_count_of_the_rest() -> None:
    rows = [HEADER] + [["第九十九条", "意见"] for _ in range(MAX_LISTED_ERRORS + 7)]
    result = read(xlsx_bytes(rows))
    assert len(result.errors) == MAX_LISTED_ERRORS + 1
    assert result.errors[MAX_LISTED_ERRORS - 1].line == MAX_LISTED_ERRORS + 1
    assert result.errors[-1] == SheetError(None, "另有 7 处错误未列出")


# --- header ---------------------------------------------------------------------------


def test_header_is_found_below_a_title_with_aliases_and_columns_in_any_order() -> None:
    rows = [
        ["某社区基层立法联系点意见汇总"],
        [],
        ["  姓名 ", "意见（必填）", "【条文】", "提出人类别", "备注"],
        ["张三", "意见一", "第一条", "企业", "不导入"],
    ]
    result = read(xlsx_bytes(rows))
    assert result.errors == []
    assert result.rows == [SheetRow(line=4, article=1, body="意见一", proposer="张三", category="enterprise")]


def test_missing_columns_are_named_with_the_columns_found() -> None:
    result = read(xlsx_bytes([["条款号", "意见建议", "姓名"], ["第一条", "意见", "张三"]]))
    assert result.rows == []
    (error,) = result.errors
    assert error.line is None
    assert "缺少“意见内容”列" in error.message
    assert "找到的列：条款号、意见建议、姓名" in error.message


def test_sheet_without_any_header_names_both_required_columns() -> None:
    result = read(xlsx_bytes([["甲", "乙"], ["1", "2"]]))
    (error,) = result.errors
    assert "缺少“条款”、“意见内容”列" in error.message


def test_header_below_the_tenth_row_is_not_found() -> None:
    result = read(xlsx_bytes([[f"说明{i}"] for i in range(10)] + [HEADER, ["第一条", "意见"]]))
    assert result.rows == []
    assert "缺少“条款”、“意见内容”列" in result.errors[0].message


def test_repeated_column_is_refused_rather_than_guessed() -> None:
    result = read(xlsx_bytes([["条款", "意见", "意见内容"], ["第一条", "甲", "乙"]]))
    assert result.rows == []
    assert "“意见内容”列出现了不止一次" in result.errors[0].message


def test_opinion_sheet_is_preferred_over_the_first_sheet() -> None:
    workbook = Workbook()
    workbook.active.title = "说明"
    workbook.active.append(["请在“意见”工作表中填写"])
    workbook.create_sheet(OPINION_SHEET).append(HEADER)
    workbook[OPINION_SHEET].append(["第一条", "意见"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert [row.body for row in read(buffer.getvalue()).rows] == ["意见"]


# --- CSV ------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gbk", "gb18030"])
def test_csv_encodings(encoding: str) -> None:
    data = csv_bytes([HEADER, ["第十二条", "建议，增加“公示”程序。\n第二段", "王五", "其他"]], encoding)
    result = read(data, "csv")
    assert result.errors == []
    assert result.rows == [
        SheetRow(line=2, article=12, body="建议，增加“公示”程序。\n第二段", proposer="王五", category="other")
    ]


def test_csv_saved_as_excel_unicode_text_is_read() -> None:
    data = b"\xff\xfe" + csv_bytes([HEADER, ["3", "意见"]], "utf-16-le", delimiter="\t")
    assert [row.article for row in read(data, "csv").rows] == [3]


def test_csv_in_an_unknown_encoding_is_refused() -> None:
    with pytest.raises(SheetFileError) as info:
        read(bytes(range(256)) * 20, "csv")
    assert "文字编码" in info.value.message


def test_empty_csv_reports_the_missing_header() -> None:
    result = read(b"", "csv")
    assert result.rows == []
    assert "缺少“条款”、“意见内容”列" in result.errors[0].message


# --- size -----------------------------------------------------------------------------


def test_fifty_thousand_rows_are_refused_with_one_error() -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(OPINION_SHEET)
    sheet.append(HEADER)
    for index in range(50_000):
        # Every row past the limit would be an error too: only the size must be reported.
        sheet.append(["第一条" if index < MAX_ROWS else "第九十九条", "意见"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    result = read(buffer.getvalue())

    assert result.rows == []
    (error,) = result.errors
    assert error.line is None
    assert error.message.startswith(f"文件中的意见超过了每次上传 {MAX_ROWS} 行的上限")
    assert "拆分" in error.message


def test_refused_xlsx_states_its_size_when_the_sheet_records_it() -> None:
    result = read(xlsx_bytes([HEADER] + [["第一条", "意见"]] * 12), max_rows=5)
    assert messages(result) == [
        "文件有 12 行意见，超过了每次上传 5 行的上限。请将意见拆分为几个文件（每个不超过 5 行）后分别上传。"
    ]


def test_refused_csv_counts_its_rows_without_blank_ones() -> None:
    data = csv_bytes([HEADER] + [["第一条", "意见"], ["", ""]] * 12)
    assert messages(read(data, "csv", max_rows=5))[0].startswith("文件有 12 行意见")


def test_rows_up_to_the_limit_are_accepted() -> None:
    result = read(xlsx_bytes([HEADER] + [["第一条", "意见"]] * 5), max_rows=5)
    assert (len(result.rows), result.errors) == (5, [])


# --- damaged files --------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        b"not a spreadsheet at all",
        b"PK\x03\x04" + b"\x00" * 100,
        xlsx_bytes([HEADER, ["第一条", "意见"]])[:-200],
    ],
    ids=["text", "zip-header", "truncated"],
)
def test_corrupt_xlsx_raises_a_readable_error(data: bytes) -> None:
    with pytest.raises(SheetFileError) as info:
        read(data)
    assert isinstance(info.value, ValueError)
    assert info.value.message.startswith("无法读取该 Excel 文件")


def test_row_numbered_beyond_excel_limit_is_refused_as_damaged() -> None:
    # openpyxl fills the gap before a row with empty rows: a hand-made row number of two billion
    # would keep the reader busy for hours.
    original = xlsx_bytes([HEADER, ["第一条", "意见"]])
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(original)) as source, zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b'<row r="2"', b'<row r="2000000000"')
                content = re.sub(rb'r="([A-D])2"', rb'r="\g<1>2000000000"', content)
            target.writestr(item, content)
    with pytest.raises(SheetFileError):
        read(buffer.getvalue())


def test_csv_field_beyond_the_csv_module_limit_is_refused_as_unreadable() -> None:
    data = csv_bytes([HEADER, ["第一条", "字" * 200_000]])
    with pytest.raises(SheetFileError) as info:
        read(data, "csv")
    assert "CSV" in info.value.message


def test_unknown_kind_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown sheet kind"):
        read(b"", "xls")


def test_upload_check_and_reader_agree_on_the_template() -> None:
    uploads = pytest.importorskip("contact_points.uploads")
    data = template_xlsx(draft_title="草案", articles=[(1, "内容。")])
    assert uploads.check_sheet_upload("意见模板.xlsx", data) == "xlsx"
    assert uploads.check_sheet_upload("意见模板.csv", template_csv()) == "csv"


# --- feedback table -------------------------------------------------------------------


def feedback_row(**overrides) -> dict:
    row = {
        "draft": "某市物业管理条例（草案）",
        "article": "第十二条",
        "body": "建议明确维修责任。",
        "proposer": "张三",
        "disposition": "采纳",
        "reason": "已在修改稿第十二条中增加相关规定。",
        "submitted_at": datetime(2026, 11, 26, 9, 30),
    }
    return row | overrides


def test_feedback_table_reads_back_with_title_header_and_rows() -> None:
    rows = [
        feedback_row(),
        feedback_row(
            article="总体意见",
            body='=HYPERLINK("http://example.com")',
            proposer="",
            disposition="未采纳",
            reason="",
            # 17:00 UTC is already the next day in Asia/Shanghai.
            submitted_at=datetime(2026, 11, 26, 17, 0, tzinfo=UTC),
        ),
    ]
    data = feedback_xlsx(title="某社区基层立法联系点意见反馈表", rows=rows)
    sheet = load_workbook(io.BytesIO(data)).active

    assert sheet["A1"].value == "某社区基层立法联系点意见反馈表"
    assert "A1:H1" in {str(cells) for cells in sheet.merged_cells.ranges}
    assert [cell.value for cell in sheet[2]] == list(FEEDBACK_HEADERS)
    assert sheet.freeze_panes == "A3"
    assert [cell.value for cell in sheet[3]] == [
        1,
        "某市物业管理条例（草案）",
        "第十二条",
        "建议明确维修责任。",
        "张三",
        "采纳",
        "已在修改稿第十二条中增加相关规定。",
        "2026年11月26日",
    ]
    fourth = [cell.value or "" for cell in sheet[4]]
    assert fourth[0] == 2
    assert fourth[2:] == ["总体意见", '=HYPERLINK("http://example.com")', "", "未采纳", "", "2026年11月27日"]
    # An opinion that looks like a formula stays text, also when edited in Excel.
    assert sheet["D4"].data_type == "s" and sheet["D4"].quotePrefix
    assert sheet["D3"].alignment.wrap_text
    assert sheet.column_dimensions["D"].width > sheet.column_dimensions["A"].width


def test_feedback_table_drops_characters_excel_cannot_hold() -> None:
    data = feedback_xlsx(title="反馈表", rows=[feedback_row(body="从 Word\x0b粘贴的\x07意见")])
    assert load_workbook(io.BytesIO(data)).active["D3"].value == "从 Word粘贴的意见"
