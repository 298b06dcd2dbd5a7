"""Upload safety shared by every upload (cms.uploads); drafts and contact points test their own use of it."""

import io
import zipfile

import docx
import pytest

from cms import uploads
from cms.uploads import UploadError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def ole(stream: str = "") -> bytes:
    return OLE_MAGIC + bytes(504) + stream.encode("utf-16-le") + bytes(100)


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def word_file(text: str = "第一条 内容。") -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def refusal(check, *args, **kwargs) -> UploadError:
    with pytest.raises(UploadError) as info:
        check(*args, **kwargs)
    assert info.value.message == str(info.value)
    return info.value


def test_sizes_are_checked_against_the_callers_limit() -> None:
    assert refusal(uploads.check_size, b"").code == "empty"
    error = refusal(uploads.check_size, b"x" * 2049, limit=2048)
    assert error.code == "too_large"
    uploads.check_size(b"x" * 2048, limit=2048)


@pytest.mark.parametrize(
    ("stream", "name", "code", "words"),
    [
        ("EncryptionInfo", "任何名字", "encrypted", "密码"),
        ("", "纪要.docx", "encrypted", "密码"),
        ("", "意见.xlsx", "encrypted", "密码"),
        ("WordDocument", "纪要.docx", "old_office", "Word 文档（.docx）"),
        ("Workbook", "意见.xls", "old_office", "Excel 表格（.xlsx）"),
        ("", "旧文件.xls", "old_office", "Excel 表格（.xlsx）"),
        ("", "旧文件", "old_office", "Word 文档（.docx）或Excel 表格（.xlsx）"),
    ],
)
def test_ole_containers_are_encrypted_or_old_office_files(stream, name, code, words) -> None:
    error = uploads.ole_refusal(name, ole(stream), "可接受的格式：某某。")
    assert (error.code, words in error.message) == (code, True)
    if code == "old_office":
        assert "另存为" in error.message and error.message.endswith("可接受的格式：某某。")


def test_an_old_file_of_a_kind_the_upload_does_not_take_is_unsupported_not_to_be_saved_anew() -> None:
    error = uploads.ole_refusal("意见.xls", ole("Workbook"), "只收 Word。", kinds=("docx",))
    assert error.code == "unsupported"
    assert "Excel" in error.message and ".xlsx" not in error.message


def test_a_zip_is_told_apart_by_its_members_and_the_wrong_one_named() -> None:
    assert uploads.check_office_zip(word_file()) == "docx"
    workbook = zip_bytes({"xl/workbook.xml": b"<workbook/>", "[Content_Types].xml": b""})
    assert uploads.check_office_zip(workbook, kinds=("docx", "xlsx")) == "xlsx"
    error = refusal(uploads.check_office_zip, workbook, kinds=("docx",), accepted="可接受的格式：某某。")
    assert error.code == "not_office"
    assert error.message == "该文件是Excel 表格（.xlsx），不是Word 文档（.docx）。可接受的格式：某某。"
    error = refusal(uploads.check_office_zip, zip_bytes({"a.txt": b"hi"}), kinds=("docx", "xlsx"))
    assert error.message == "该文件是压缩文件，不是Word 文档（.docx）或Excel 表格（.xlsx）。"


def test_zip_bombs_and_damaged_zips_are_refused_before_a_reader_sees_them() -> None:
    bomb = zip_bytes({"word/document.xml": bytes(8 * 1024 * 1024), "[Content_Types].xml": b""})
    assert refusal(uploads.check_office_zip, bomb).code == "zip_bomb"
    assert refusal(uploads.open_docx, bomb).code == "zip_bomb"
    data = word_file()
    assert refusal(uploads.open_docx, data[: len(data) // 2]).code == "corrupt"
    not_xml = zip_bytes({"word/document.xml": b"not xml", "[Content_Types].xml": b"nope"})
    assert refusal(uploads.open_docx, not_xml).code == "corrupt"
    assert uploads.open_docx(data).paragraphs[0].text == "第一条 内容。"


def test_text_is_decoded_and_the_callers_formats_named_when_it_is_not() -> None:
    assert uploads.decode_text("第一条".encode("gb18030")) == "第一条"
    assert uploads.decode_text(b"\xff\xfe" + "第一条".encode("utf-16-le")) == "第一条"
    error = refusal(uploads.decode_text, bytes(range(256)) * 8, accepted="可接受的格式：某某。")
    assert error.code == "encoding" and error.message.endswith("可接受的格式：某某。")
    assert refusal(uploads.decode_text, "\ufeff\u200b\u00ad\u3000\n".encode()).code == "empty"


@pytest.mark.parametrize(
    ("data", "label"),
    [
        (b"%PDF-1.7", "PDF 文件"),
        (b"\x89PNG\r\n\x1a\n", "图片文件（PNG）"),
        (b"Rar!\x1a\x07", "RAR 压缩包"),
        (b"MZ", None),
    ],
)
def test_binary_label_names_what_no_text_starts_like(data: bytes, label: str | None) -> None:
    # "MZ" may start a line of text: a program is only named once the content is known not to be text.
    assert uploads.binary_label(data + bytes(20)) == label


def test_check_upload_takes_only_the_kinds_asked_for() -> None:
    assert uploads.check_upload("纪要.docx", word_file(), kinds={"docx"}, accepted="") == "docx"
    error = refusal(uploads.check_upload, "意见.csv", "第一条,删除".encode(), kinds={"docx"}, accepted="只收 Word。")
    assert error.code == "unsupported" and error.message.endswith("只收 Word。")
    error = refusal(uploads.check_upload, "大.pdf", b"%PDF-" + bytes(4096), kinds={"pdf"}, accepted="", limit=4096)
    assert error.code == "too_large"


def _rewritten(data: bytes, change) -> bytes:
    """The .docx `data` with its members passed through change(members) (a dict name -> bytes)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    return zip_bytes(change(members))


def test_a_docx_carrying_a_macro_project_is_refused_as_such():
    data = _rewritten(word_file(), lambda m: {**m, "word/vbaProject.bin": OLE_MAGIC + bytes(600)})
    error = refusal(uploads.open_docx, data)
    assert error.code == "macro" and "宏" in error.message and "已损坏" not in error.message


def test_a_renamed_docm_is_refused_as_a_macro_file():
    def docm(members):
        types = members["[Content_Types].xml"].replace(
            b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
            b"application/vnd.ms-word.document.macroEnabled.main+xml",
        )
        return {**members, "[Content_Types].xml": types}

    error = refusal(uploads.open_docx, _rewritten(word_file(), docm))
    assert error.code == "macro"


def test_a_billion_laughs_docx_is_refused_with_its_own_message():
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + b"".join(
            b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10)
        )
        + b']><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">&lol9;</w:document>'
    )
    error = refusal(uploads.open_docx, _rewritten(word_file(), lambda m: {**m, "word/document.xml": laughs}))
    assert error.code == "xml_entities" and "已损坏" not in error.message


def test_an_ordinary_docx_still_opens():
    assert uploads.open_docx(word_file("第一条 普通的内容。")).paragraphs[0].text == "第一条 普通的内容。"
