import io
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

import drafts
from cms.uploads import UploadError, decode_text
from drafts.parser import TableCell, parse_text
from drafts.readers import (
    MAX_DRAFT_FILE_BYTES,
    DraftFileError,
    docx_lines,
    read_draft_file,
    write_docx,
)

FIXTURES = Path(drafts.__file__).resolve().parent / "fixtures"
SAMPLE = "某市条例\n\n第一章 总则\n\n第一条 为了规范，制定本条例。\n\n第二条 下列事项：\n（一）甲；\n（二）乙。\n"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def refused(name: str, data: bytes) -> UploadError:
    with pytest.raises(UploadError) as info:
        read_draft_file(name, data)
    error = info.value
    assert isinstance(error, ValueError)
    assert error.message == str(error)
    return error


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def docx_bytes(document: docx.document.Document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def shape(result) -> list[tuple]:
    return [(n.kind, n.number, n.label, n.title, n.text) for n in result.walk()]


# --- text files -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le-bom", "utf-16-be-bom", "gbk", "gb18030"]
)
def test_text_encodings(encoding: str) -> None:
    boms = {
        "utf-16-le-bom": (b"\xff\xfe", "utf-16-le"),
        "utf-16-be-bom": (b"\xfe\xff", "utf-16-be"),
    }
    bom, codec = boms.get(encoding, (b"", encoding))
    data = bom + SAMPLE.replace("\n", "\r\n").encode(codec)
    result = read_draft_file("草案.txt", data)
    assert shape(result) == shape(parse_text(SAMPLE))
    assert result.title == "某市条例"
    assert (result.chapters, result.articles, result.items) == (1, 2, 2)


def test_dispatch_is_on_content_not_extension() -> None:
    assert read_draft_file("草案.docx", SAMPLE.encode()).articles == 2
    document = docx.Document()
    document.add_paragraph("第一条 内容。")
    assert read_draft_file("草案.txt", docx_bytes(document)).articles == 1


def test_markdown_fixture_reads_like_parse_text() -> None:
    data = (FIXTURES / "潮州市畲族文化保护条例(2021-04-29).md").read_bytes()
    result = read_draft_file("潮州.md", data)
    assert result.to_dict() == parse_text(data.decode("utf-8")).to_dict()
    assert result.articles == 27


def test_unknown_encoding_is_refused() -> None:
    data = "第一条 内容。".encode() + b"\xff\xfe\xff"
    error = refused("x.txt", data)
    assert error.code == "encoding"
    assert "UTF-8" in error.message


def test_binary_junk_is_refused() -> None:
    error = refused("x.txt", bytes(range(256)) * 8)
    assert error.code == "encoding"
    assert ".docx" in error.message


def test_decode_text_prefers_utf8_then_gb18030() -> None:
    assert decode_text("第一条".encode()) == "第一条"
    assert decode_text("第一条　畲族".encode("gb18030")) == "第一条　畲族"


@pytest.mark.parametrize("data", [b"", b"   \r\n\t", "\ufeff\u200b\n".encode(), b"\xef\xbb\xbf"])
def test_empty_file(data: bytes) -> None:
    error = refused("x.txt", data)
    assert error.code == "empty"
    assert "空" in error.message


def test_file_too_large() -> None:
    error = refused("big.txt", b"a" * (MAX_DRAFT_FILE_BYTES + 1))
    assert error.code == "too_large"
    assert "20 MB" in error.message


def test_text_without_articles() -> None:
    error = refused("通知.txt", "关于开展某项工作的通知\n各单位：请认真落实。".encode())
    assert error.code == "no_articles"
    assert isinstance(error, DraftFileError)  # a readable file, but not a draft
    assert "第……条" in error.message


# --- binary formats that are refused --------------------------------------------------


def test_old_doc_is_refused_with_advice() -> None:
    data = OLE_MAGIC + bytes(504) + "WordDocument".encode("utf-16-le") + bytes(100)
    error = refused("草案.doc", data)
    assert error.code == "old_office"
    assert ".docx" in error.message and "另存为" in error.message


def test_encrypted_docx_is_refused() -> None:
    data = OLE_MAGIC + bytes(504) + "EncryptionInfo".encode("utf-16-le") + bytes(100)
    error = refused("草案.bin", data)
    assert error.code == "encrypted"
    assert "密码" in error.message
    # An OLE container named .docx can only be an encrypted Word file.
    assert refused("草案.docx", OLE_MAGIC + bytes(600)).code == "encrypted"


def test_old_doc_misnamed_docx_is_still_a_doc() -> None:
    data = OLE_MAGIC + bytes(504) + "WordDocument".encode("utf-16-le") + bytes(100)
    assert refused("草案.docx", data).code == "old_office"


def test_old_excel_file_is_not_a_draft_and_is_not_advised_to_become_xlsx() -> None:
    data = OLE_MAGIC + bytes(504) + "Workbook".encode("utf-16-le") + bytes(100)
    error = refused("草案.xls", data)
    assert error.code == "unsupported"
    assert "Excel" in error.message and ".xlsx" not in error.message and ".docx" in error.message


def test_stray_control_character_is_tolerated() -> None:
    assert read_draft_file("x.txt", "第一条 内容\x0b继续。\x1a".encode()).articles == 1


@pytest.mark.parametrize(
    ("data", "word"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "图片"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "图片"),
        (b"GIF89a\x01\x00\x01\x00", "图片"),
    ],
)
def test_pdf_and_images_are_refused(data: bytes, word: str) -> None:
    error = refused("scan.pdf", data)
    assert error.code == "unsupported"
    assert word in error.message
    assert ".txt" in error.message and ".md" in error.message and ".docx" in error.message


def test_corrupt_zip() -> None:
    assert refused("x.docx", b"PK\x03\x04" + b"\x00garbage" * 50).code == "corrupt"
    document = docx.Document()
    document.add_paragraph("第一条 内容。")
    data = docx_bytes(document)
    assert refused("x.docx", data[: len(data) // 2]).code == "corrupt"


def test_zip_with_a_damaged_member_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("word/document.xml", b"<w:document>" + b"x" * 200 + b"</w:document>")
    data = bytearray(buffer.getvalue())
    data[data.index(b"xxxx")] = ord("y")  # CRC no longer matches
    assert refused("x.docx", bytes(data)).code == "corrupt"


def test_zip_that_is_not_a_word_document() -> None:
    error = refused("x.docx", zip_bytes({"hello.txt": b"hi"}))
    assert error.code == "not_office"
    assert "Word" in error.message
    error = refused("x.docx", zip_bytes({"xl/workbook.xml": b"<x/>", "[Content_Types].xml": b""}))
    assert "Excel" in error.message


def test_word_part_that_is_not_xml() -> None:
    data = zip_bytes({"word/document.xml": b"not xml", "[Content_Types].xml": b"nope"})
    assert refused("x.docx", data).code == "corrupt"


def test_zip_bomb_by_total_size_is_refused() -> None:
    buffer = io.BytesIO()
    chunk = bytes(1024 * 1024)
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive,
        archive.open("word/document.xml", "w", force_zip64=True) as member,
    ):
        for _ in range(101):
            member.write(chunk)
    data = buffer.getvalue()
    assert len(data) < MAX_DRAFT_FILE_BYTES  # small on disk
    error = refused("bomb.docx", data)
    assert error.code == "zip_bomb"
    assert "压缩炸弹" in error.message


def test_zip_bomb_by_compression_ratio_is_refused() -> None:
    data = zip_bytes({"word/document.xml": bytes(8 * 1024 * 1024), "[Content_Types].xml": b""})
    assert refused("bomb.docx", data).code == "zip_bomb"


# --- Word documents -------------------------------------------------------------------


def test_docx_paragraphs_headings_and_tables() -> None:
    document = docx.Document()
    document.add_paragraph("某市收费管理条例", style="Title")
    document.add_paragraph("（2024年1月1日通过）")
    document.add_heading("第一章　总则", level=1)
    document.add_paragraph("第一条　为了规范收费，制定本条例。")
    document.add_paragraph("第二条　收费标准如下：")
    table = document.add_table(rows=2, cols=2)
    for row, values in zip(table.rows, [("项目", "标准"), ("停车", "每小时2元")], strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    document.add_paragraph("前款标准每三年评估一次。")
    document.add_heading("第二章　附则", level=1)
    document.add_paragraph("第三条　本条例自公布之日起施行。")
    result = read_draft_file("收费.docx", docx_bytes(document))
    assert result.title == "某市收费管理条例"
    assert result.preamble == "（2024年1月1日通过）"
    assert [(c.label, c.title) for c in result.nodes] == [("第一章", "总则"), ("第二章", "附则")]
    second = result.nodes[0].children[1]
    assert second.text == "收费标准如下：\n项目 | 标准\n停车 | 每小时2元\n前款标准每三年评估一次。"
    assert [p.text for p in second.children] == [
        "收费标准如下：\n项目 | 标准\n停车 | 每小时2元",
        "前款标准每三年评估一次。",
    ]
    assert result.warnings == []


def test_docx_cells_say_their_table_row_and_grid_column() -> None:
    document = docx.Document()
    document.add_paragraph("会议纪要")
    first = document.add_table(rows=2, cols=3)
    first.cell(0, 0).merge(first.cell(0, 1)).text = "合并的标题"
    first.cell(0, 2).text = "提出人"
    first.cell(1, 0).text = "1"
    first.cell(1, 2).text = "王某"
    first.cell(1, 2).add_paragraph("李某")
    second = document.add_table(rows=1, cols=1)
    second.cell(0, 0).text = "第二张表"
    lines = docx_lines(docx_bytes(document), cells=True)
    assert [(line.text, line.cell) for line in lines] == [
        ("会议纪要", None),
        ("合并的标题", TableCell(1, 0, 0)),
        ("提出人", TableCell(1, 0, 2)),  # after a cell spanning two grid columns
        ("1", TableCell(1, 1, 0)),
        ("王某", TableCell(1, 1, 2)),
        ("李某", TableCell(1, 1, 2)),
        ("第二张表", TableCell(2, 0, 0)),
    ]
    assert all(line.table for line in lines[1:])
    # Read as rows, a table line has no cell.
    assert [line.cell for line in docx_lines(docx_bytes(document))] == [None, None, None, None]


def test_docx_line_breaks_and_tracked_changes() -> None:
    document = docx.Document()
    paragraph = document.add_paragraph("第一条 第一款。")
    paragraph.add_run().add_break()
    paragraph.add_run("第二款。")
    revised = document.add_paragraph("第二条 ")
    revised._p.append(
        parse_xml(f'<w:del {nsdecls("w")} w:id="1" w:author="a"><w:r><w:delText>删除的文字</w:delText></w:r></w:del>')
    )
    revised._p.append(
        parse_xml(f'<w:ins {nsdecls("w")} w:id="2" w:author="a"><w:r><w:t>新增的文字。</w:t></w:r></w:ins>')
    )
    result = read_draft_file("x.docx", docx_bytes(document))
    first, second = result.articles_flat()
    assert [p.text for p in first.children] == ["第一款。", "第二款。"]
    assert second.text == "新增的文字。"


def level_xml(ilvl: int, fmt: str, text: str, restart: int | None = None) -> str:
    restart_xml = "" if restart is None else f'<w:lvlRestart w:val="{restart}"/>'
    return (
        f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>{restart_xml}'
        f'<w:lvlText w:val="{text}"/><w:suff w:val="space"/></w:lvl>'
    )


def add_numbering(document: docx.document.Document, num_id: int, levels: list[tuple]) -> None:
    """Define numbering ``num_id``: level i is levels[i] = (numFmt, lvlText[, lvlRestart])."""
    numbering = document.part.part_related_by(RT.NUMBERING).element
    lvls = "".join(level_xml(i, *level) for i, level in enumerate(levels))
    numbering.insert(
        0,
        parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{num_id}">{lvls}</w:abstractNum>'),
    )
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="{num_id}"/></w:num>'))


def numbered(document: docx.document.Document, text: str, num_id: int, ilvl: int = 0) -> None:
    paragraph = document.add_paragraph(text)
    paragraph._p.get_or_add_pPr().append(
        parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>')
    )


@pytest.mark.parametrize(
    ("fmt", "label_12"),
    [
        ("chineseCounting", "第十二条"),
        ("chineseCountingThousand", "第十二条"),
        ("ideographDigital", "第一二条"),
        ("decimal", "第12条"),
    ],
)
def test_docx_automatic_article_numbering(fmt: str, label_12: str) -> None:
    document = docx.Document()
    add_numbering(document, 901, [(fmt, "第%1条"), ("chineseCounting", "（%2）")])
    for n in range(1, 13):
        numbered(document, f"第{n}个条文的内容：", 901)
        numbered(document, "第一项；", 901, ilvl=1)
        numbered(document, "第二项。", 901, ilvl=1)
    result = read_draft_file("numbered.docx", docx_bytes(document))
    assert [a.number for a in result.articles_flat()] == list(range(1, 13))
    assert list(result.articles_flat())[11].label == label_12
    # items restart at （一） in every article: the deeper level is reset.
    for art in result.articles_flat():
        assert [(i.label, i.text) for i in art.children[0].children] == [
            ("（一）", "第一项；"),
            ("（二）", "第二项。"),
        ]
    assert result.warnings == []


def test_docx_articles_numbered_continuously_across_chapters() -> None:
    document = docx.Document()
    add_numbering(document, 903, [("chineseCounting", "第%1章"), ("chineseCounting", "第%2条", 0)])
    for chapter in ("总则", "管理", "附则"):
        numbered(document, chapter, 903)
        for _ in range(4):
            numbered(document, "内容。", 903, ilvl=1)
    result = read_draft_file("x.docx", docx_bytes(document))
    assert [(c.label, c.title) for c in result.nodes] == [
        ("第一章", "总则"),
        ("第二章", "管理"),
        ("第三章", "附则"),
    ]
    assert [a.label for a in result.articles_flat()][-2:] == ["第十一条", "第十二条"]
    assert result.warnings == []


def test_docx_numbering_from_a_paragraph_style() -> None:
    document = docx.Document()
    add_numbering(document, 902, [("chineseCountingThousand", "第%1条")])
    style = document.styles.add_style("条文", WD_STYLE_TYPE.PARAGRAPH)
    style.element.get_or_add_pPr().append(parse_xml(f'<w:numPr {nsdecls("w")}><w:numId w:val="902"/></w:numPr>'))
    for n in range(1, 102):
        document.add_paragraph(f"内容{n}。", style="条文")
    lines = docx_lines(docx_bytes(document))
    assert lines[0].text == "第一条 内容1。"
    assert lines[100].text == "第一百零一条 内容101。"
    result = read_draft_file("styled.docx", docx_bytes(document))
    assert result.articles == 101 and result.warnings == []


def test_round_trip_company_law_through_word() -> None:
    original = parse_text((FIXTURES / "公司法(2023-12-29).md").read_text(encoding="utf-8"))
    data = write_docx(original)
    assert data.startswith(b"PK")
    again = read_draft_file("公司法.docx", data)
    assert again.to_dict() == original.to_dict()
    assert again.nodes == original.nodes
    assert again.preamble == original.preamble
    assert (again.chapters, again.sections, again.articles) == (15, 9, 266)


def test_round_trip_titles_items_subitems_and_tables() -> None:
    text = (
        "某某办法（草案）\n\n第一章 总则\n\n第1条（目的）为了规范，制定本办法。\n\n"
        "第2条 下列事项：\n（一）甲：\n1.子一；\n2.子二；\n（二）乙。\n\n"
        "| 级别 | 金额 |\n| 一级 | 100 |\n\n"
        "第二章 附则\n\n第3条 本办法自公布之日起施行。\n"
    )
    original = parse_text(text)
    again = read_draft_file("x.docx", write_docx(original))
    assert again.to_dict() == original.to_dict()
    assert again.subitems == 2
    assert next(again.articles_flat()).title == "目的"
