import io

import docx
import pytest

from cms.uploads import UploadError, sniff
from contact_points.notes import MAX_RANGE, Candidate, article_refs, read_notes
from contact_points.uploads import MAX_NOTE_BYTES, check_note_upload, check_sheet_upload
from tests.drafts.test_readers import zip_bytes

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(20)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(20)
GIF = b"GIF89a\x01\x00\x01\x00" + bytes(20)
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + bytes(20)
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(200)
HTML = "<!DOCTYPE html><html><body><p>会议纪要</p></body></html>".encode()


def notes_docx(*paragraphs: str, table: list[list[str]] | None = None) -> bytes:
    """A .docx of ``paragraphs``; a table, if given, comes after them."""
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for row, values in zip(grid.rows, table, strict=True):
            for cell, value in zip(row.cells, values, strict=True):
                cell.text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


XLSX = zip_bytes({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})


def refused(check, *args) -> UploadError:
    with pytest.raises(UploadError) as info:
        check(*args)
    assert info.value.message == str(info.value)
    return info.value


def bodies(candidates: list[Candidate]) -> list[str]:
    return [candidate.body for candidate in candidates]


# --- article references ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("建议修改第十二条。", [12]),
        ("第12条规定过严", [12]),
        ("第１２条规定过严", [12]),
        ("第 12 条", [12]),
        ("第一百零一条", [101]),
        ("关于第十二条第二款，建议删除。", [12]),
        ("第十二条、第十三条应当合并", [12, 13]),
        ("第十二条和第十三条", [12, 13]),
        ("第十二条至第十四条", [12, 13, 14]),
        ("第十二至十四条", [12, 13, 14]),
        ("第12-14条", [12, 13, 14]),
        ("第十二、十三条", [12, 13]),
        ("第十二条、十三条", [12, 13]),
        ("第二十二条之一", [22]),
        ("第十三条与第十二条重复，第十二条应删除", [13, 12]),
    ],
)
def test_article_reference_forms(text: str, expected: list[int]) -> None:
    assert article_refs(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "第三章的结构需要调整",
        "第二款表述不清",
        "第三项应当删除",
        "市人大常委会第十二次会议",
        "第一条件是资金到位",
        "第一，建议加强宣传。",
        "第12345条",
        "第0条",
        "本条例的名称",
    ],
)
def test_what_is_not_an_article_reference(text: str) -> None:
    assert article_refs(text) == []


def test_long_ranges_are_capped() -> None:
    assert article_refs("第一条至第一百条") == list(range(1, MAX_RANGE + 1))
    assert article_refs("第十四条至第十二条") == [14, 12]  # reversed: the two ends only


# --- reading notes --------------------------------------------------------------------


def test_title_front_matter_and_headings_are_not_opinions() -> None:
    data = notes_docx(
        "湖滨街道《示例条例（草案）》座谈会会议纪要",
        "",
        "时间：2026年11月20日下午",
        "地点: 湖滨街道会议室",
        "主持人：李某",
        "参会人员：居民代表12人",
        "出席：街道办事处",
        "会议主题：征求对条例草案的意见",
        "一、关于总则",
        "会议纪要",
        "二、主要意见",
        "- 3 -",
        "大家认为条例整体可行，建议尽快出台。",
        "记录人：王某",
    )
    candidates = read_notes(data)
    assert candidates == [
        Candidate(body="大家认为条例整体可行，建议尽快出台。", article=None, mentions=[], proposer="", paragraph=13)
    ]


def test_each_paragraph_is_tied_to_the_first_article_it_names() -> None:
    candidates = read_notes(
        notes_docx(
            "会议纪要",
            "1. 第十三条与第十二条重复，建议合并。",
            "（二）建议增加第二十二条之一，规定过渡期。",
            "一、希望条例写得通俗一些，让老年人也能看懂。",
        )
    )
    assert [(c.body, c.article, c.mentions) for c in candidates] == [
        ("第十三条与第十二条重复，建议合并。", 13, [13, 12]),
        ("建议增加第二十二条之一，规定过渡期。", 22, [22]),
        ("希望条例写得通俗一些，让老年人也能看懂。", None, []),
    ]
    assert [c.paragraph for c in candidates] == [2, 3, 4]


def test_an_article_heading_ties_the_paragraphs_under_it_until_the_next_heading() -> None:
    candidates = read_notes(
        notes_docx(
            "座谈会纪要",
            "一、关于第十二条的意见",
            "处罚过重，建议降低罚款金额。",
            "建议与第十五条衔接。",
            "关于第二十条",
            "具体意见如下：",
            "应当明确期限。",
            "第三十条（附则）",
            "施行日期过早。",
            "二、其他意见",
            "希望加强宣传。",
        )
    )
    assert [(c.body, c.article) for c in candidates] == [
        ("处罚过重，建议降低罚款金额。", 12),
        ("建议与第十五条衔接。", 15),
        ("应当明确期限。", 20),
        ("施行日期过早。", 30),
        ("希望加强宣传。", None),
    ]
    # The carried article is the heading's; the paragraph itself names none.
    assert candidates[0].mentions == []


def test_a_short_opinion_naming_an_article_is_not_a_heading() -> None:
    candidates = read_notes(notes_docx("会议纪要", "关于第十二条", "建议删除第十三条", "同意"))
    assert [(c.body, c.article) for c in candidates] == [("建议删除第十三条", 13), ("同意", 12)]


@pytest.mark.parametrize(
    ("line", "proposer", "body"),
    [
        ("居民王某某：建议明确保洁的频次。", "王某某", "建议明确保洁的频次。"),
        ("张三（退休教师）：条文太长。", "张三", "条文太长。"),
        ("人大代表李四: 条文太长。", "李四", "条文太长。"),
        ("王某某建议：增加罚则。", "王某某", "增加罚则。"),
        ("企业代表：处罚过重。", "企业代表", "处罚过重。"),
        ("2. 律师张某：期限太短。", "张某", "期限太短。"),
        ("建议：增加罚则。", "", "建议：增加罚则。"),
        ("理由：现行做法不统一。", "", "理由：现行做法不统一。"),
        ("关于第十二条：建议删除。", "", "关于第十二条：建议删除。"),
        ("大家认为：条例可行。", "", "大家认为：条例可行。"),
        ("会上普遍反映的问题是：期限太短。", "", "会上普遍反映的问题是：期限太短。"),
    ],
)
def test_the_proposer_is_read_from_a_leading_speaker(line: str, proposer: str, body: str) -> None:
    [candidate] = read_notes(notes_docx("会议纪要", line))
    assert (candidate.proposer, candidate.body) == (proposer, body)


def test_a_speaker_line_names_the_proposer_of_the_paragraphs_after_it() -> None:
    candidates = read_notes(
        notes_docx(
            "会议纪要", "居民王某某：", "第一，建议增加罚则。", "第二，期限太短。", "二、其他意见", "希望加强宣传。"
        )
    )
    assert [(c.proposer, c.body) for c in candidates] == [
        ("王某某", "第一，建议增加罚则。"),
        ("王某某", "第二，期限太短。"),
        ("", "希望加强宣传。"),
    ]


def test_a_line_break_inside_a_paragraph_keeps_one_opinion() -> None:
    document = docx.Document()
    document.add_paragraph("会议纪要")
    paragraph = document.add_paragraph("居民王某某：建议增加罚则。")
    paragraph.add_run().add_break()
    paragraph.add_run("理由是第十二条没有规定责任。")
    buffer = io.BytesIO()
    document.save(buffer)
    [candidate] = read_notes(buffer.getvalue())
    assert candidate.body == "建议增加罚则。\n理由是第十二条没有规定责任。"
    assert (candidate.article, candidate.proposer, candidate.paragraph) == (12, "王某某", 2)


def test_table_cells_are_read_in_document_order() -> None:
    data = notes_docx(
        "会议纪要",
        "一、具体条文",
        table=[
            ["序号", "条文", "意见", "提出人"],
            ["1", "第十二条", "处罚过重，建议降低罚款金额。", "王某某"],
            ["2", "第十五条（物业服务）", "应当明确服务标准。", "李某"],
            ["3", "总体意见", "建议与第八条衔接。", "张三"],
        ],
    )
    candidates = read_notes(data)
    assert [(c.body, c.article) for c in candidates] == [
        ("处罚过重，建议降低罚款金额。", 12),
        ("应当明确服务标准。", 15),
        ("建议与第八条衔接。", 8),
    ]
    # Paragraphs are numbered in document order, cells included: 2 + 4 cells per row.
    assert [c.paragraph for c in candidates] == [9, 13, 17]


def test_known_articles_keep_unknown_numbers_only_as_mentions() -> None:
    data = notes_docx(
        "会议纪要",
        "第九十九条与第三条矛盾。",
        "第九十九条应当删除。",
        "关于第八十八条",
        "期限太短。",
        "第三条应当保留。",
    )
    candidates = read_notes(data, known_articles={1, 2, 3})
    assert [(c.article, c.mentions) for c in candidates] == [(3, [99, 3]), (None, [99]), (None, []), (3, [3])]
    assert [c.article for c in read_notes(data)] == [99, 99, 88, 3]


def test_a_hundred_page_notes_file_is_read_whole() -> None:
    paragraphs = ["某某条例（草案）座谈会会议纪要", "时间：2026年11月20日", "地点：会议室"]
    for n in range(1, 3001):
        if n % 30 == 1:
            paragraphs.append(f"关于第{n // 30 + 1}条")
        paragraphs.append(f"居民王某{n}：这是第{n}条意见，内容较长，用来模拟一份一百页的会议纪要，建议进一步明确。")
    candidates = read_notes(notes_docx(*paragraphs))
    assert len(candidates) == 3000
    assert candidates[-1].article == 3000 and candidates[-1].mentions == [3000]


# --- bad uploads ----------------------------------------------------------------------


def test_the_real_kind_is_read_from_the_content() -> None:
    note = notes_docx("会议纪要", "建议增加罚则。")
    assert sniff(note, "纪要.docx") == sniff(note) == "docx"
    assert sniff(note, "纪要.doc") == "docx"  # an extension we do not check
    assert sniff(XLSX, "意见.xlsx") == "xlsx"
    assert sniff(PDF, "纪要.pdf") == "pdf"
    assert sniff(PNG, "照片.png") == "png"
    assert sniff(JPEG, "照片.JPG") == "jpeg"
    assert sniff(GIF, "照片") == "gif"
    assert sniff(WEBP, "照片.webp") == "webp"
    assert sniff("条文,意见\n第一条,建议删除\n".encode("gb18030"), "意见.csv") == "csv"


@pytest.mark.parametrize(
    ("name", "data", "label"),
    [
        ("纪要.docx", EXE, "可执行程序"),
        ("纪要.pdf", HTML, "网页"),
        ("纪要.docx", XLSX, "Excel"),
        ("照片.png", JPEG, "JPEG"),
        ("意见.csv", PDF, "PDF"),
    ],
)
def test_a_renamed_file_is_refused(name: str, data: bytes, label: str) -> None:
    error = refused(sniff, data, name)
    assert error.code == "mismatch"
    assert error.message.startswith("文件内容与扩展名不符：")
    assert label in error.message


def test_content_no_upload_accepts_is_unsupported() -> None:
    assert refused(sniff, EXE, "setup").code == "unsupported"
    assert refused(sniff, HTML, "page.html").code == "unsupported"
    assert refused(sniff, b"Rar!\x1a\x07\x00" + bytes(100), "a.rar").code == "unsupported"


def test_empty_and_oversized_files() -> None:
    assert refused(sniff, b"", "纪要.docx").code == "empty"
    assert refused(sniff, b" \r\n\t", "意见.csv").code == "empty"
    error = refused(check_note_upload, "纪要.pdf", b"%PDF-" + bytes(MAX_NOTE_BYTES))
    assert error.code == "too_large"
    assert "20.0 MB" in error.message and "不能超过 20 MB" in error.message


def test_encrypted_office_file() -> None:
    data = OLE_MAGIC + bytes(504) + "EncryptionInfo".encode("utf-16-le") + bytes(100)
    for name in ("纪要.docx", "意见.xlsx", "file"):
        error = refused(sniff, data, name)
        assert error.code == "encrypted"
        assert "密码" in error.message


@pytest.mark.parametrize(
    ("stream", "name", "advice"),
    [("WordDocument", "纪要.doc", ".docx"), ("Workbook", "意见.xls", ".xlsx"), ("WordDocument", "纪要.docx", ".docx")],
)
def test_old_office_files_are_refused_with_advice(stream: str, name: str, advice: str) -> None:
    data = OLE_MAGIC + bytes(504) + stream.encode("utf-16-le") + bytes(100)
    error = refused(sniff, data, name)
    assert error.code == "old_office"
    assert "另存为" in error.message and advice in error.message


def test_encrypted_pdf() -> None:
    data = PDF.replace(b"/Root 1 0 R", b"/Root 1 0 R /Encrypt 5 0 R")
    error = refused(check_note_upload, "纪要.pdf", data)
    assert error.code == "encrypted"
    assert "密码" in error.message


def test_zips_that_are_not_office_documents_or_are_damaged() -> None:
    error = refused(sniff, zip_bytes({"hello.txt": b"hi"}), "纪要.docx")
    assert error.code == "not_office"
    assert "Word" in error.message and "可接受的格式" in error.message
    assert refused(sniff, b"PK\x03\x04" + b"\x00garbage" * 50, "纪要.docx").code == "corrupt"
    note = notes_docx("会议纪要", "建议增加罚则。")
    assert refused(read_notes, note[: len(note) // 2]).code == "corrupt"


def test_zip_bomb() -> None:
    data = zip_bytes({"word/document.xml": bytes(8 * 1024 * 1024), "[Content_Types].xml": b""})
    assert len(data) < 100_000
    error = refused(check_note_upload, "纪要.docx", data)
    assert error.code == "zip_bomb"
    assert "压缩炸弹" in error.message


def test_notes_accept_documents_and_images_only() -> None:
    assert check_note_upload("纪要.docx", notes_docx("建议增加罚则。")) == "docx"
    assert check_note_upload("纪要.pdf", PDF) == "pdf"
    assert check_note_upload("照片.jpeg", JPEG) == "jpeg"
    error = refused(check_note_upload, "意见.xlsx", XLSX)
    assert error.code == "unsupported"
    assert "Excel" in error.message and "会议纪要可接受的格式" in error.message and ".docx" in error.message
    assert refused(check_note_upload, "意见.csv", "第一条,删除".encode()).code == "unsupported"


def test_sheets_accept_excel_and_csv_only() -> None:
    assert check_sheet_upload("意见.xlsx", XLSX) == "xlsx"
    assert check_sheet_upload("意见.txt", "第一条,删除".encode()) == "csv"
    error = refused(check_sheet_upload, "纪要.docx", notes_docx("建议增加罚则。"))
    assert error.code == "unsupported"
    assert "意见表可接受的格式" in error.message and ".xlsx" in error.message and ".csv" in error.message


def test_only_a_word_document_is_read_into_candidates() -> None:
    assert refused(read_notes, XLSX).code == "unsupported"
    assert refused(read_notes, PDF).code == "unsupported"
    assert refused(read_notes, EXE).code == "unsupported"
    assert refused(read_notes, b"").code == "empty"
