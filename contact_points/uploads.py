"""Check files uploaded by coordinators: meeting notes and opinion sheets.

The kind of a file is decided from its content; the extension only has to agree with it,
because a renamed file (an .exe called 纪要.docx, a web page saved as .pdf) is either a
mistake or an attack.  The safety checks on Office zips and OLE containers are those of
drafts.readers, with messages that do not assume a draft regulation in Word.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from drafts.readers import (
    _OLE_MAGIC,
    _UNSUPPORTED_MAGICS,
    _ZIP_MAGICS,
    DraftFileError,
    _check_zip,
    _ole_error,
    decode_text,
)

__all__ = [
    "KIND_LABELS",
    "MAX_NOTE_BYTES",
    "NOTE_KINDS",
    "SHEET_KINDS",
    "UploadError",
    "check_note_upload",
    "check_sheet_upload",
    "sniff",
    "upload_errors",
]

MAX_NOTE_BYTES = 20 * 1024 * 1024

KIND_LABELS = {
    "docx": "Word 文档（.docx）",
    "xlsx": "Excel 表格（.xlsx）",
    "pdf": "PDF 文件（.pdf）",
    "png": "PNG 图片（.png）",
    "jpeg": "JPEG 图片（.jpg）",
    "gif": "GIF 图片（.gif）",
    "webp": "WebP 图片（.webp）",
    "csv": "CSV 文本（.csv）",
}
NOTE_KINDS = frozenset({"docx", "pdf", "png", "jpeg", "gif", "webp"})
SHEET_KINDS = frozenset({"xlsx", "csv"})

_ALL_FORMATS = "可接受的格式：" + "、".join(KIND_LABELS.values()) + "。"
_NOTE_FORMATS = "会议纪要可接受的格式：Word 文档（.docx）、PDF 文件（.pdf）、图片（.png、.jpg、.gif、.webp）。"
_SHEET_FORMATS = "意见表可接受的格式：Excel 表格（.xlsx）、CSV 文本（.csv）。"

# The extensions a user may give each kind; any other extension is not checked.
_EXTENSION_KINDS = {
    "docx": "docx",
    "xlsx": "xlsx",
    "pdf": "pdf",
    "png": "png",
    "jpg": "jpeg",
    "jpeg": "jpeg",
    "gif": "gif",
    "webp": "webp",
    "csv": "csv",
    "txt": "csv",
}
_ZIP_KINDS = {"word/document.xml": "docx", "xl/workbook.xml": "xlsx"}
_IMAGE_MAGICS = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
)
# Checked only once the content is known not to be text: "MZ" could start a CSV line.
_BINARY_MAGICS = (
    *_UNSUPPORTED_MAGICS,
    (b"MZ", "可执行程序（.exe）"),
    (b"\x7fELF", "可执行程序"),
)
_MARKUP_RE = re.compile(r"\s*<(?:!doctype|html|head|body|\?xml|svg|script|!--)", re.IGNORECASE)
# An encryption dictionary, inline or by reference, in a trailer or cross-reference stream.
_PDF_ENCRYPT_RE = re.compile(rb"/Encrypt\s*(?:<<|\d+\s+\d+\s+R)")

_EMPTY = "文件为空，请重新选择文件。"
_ENCRYPTED = "该文件设置了打开密码（已加密），系统无法读取。请取消密码保护后重新上传。"
# drafts.readers errors whose messages speak of a Word draft, told here for any upload.
_FROM_DRAFTS = {
    "corrupt": ("corrupt", "文件已损坏，无法打开。请在原来的软件中打开文件、重新保存后再上传。"),
    "zip_bomb": ("zip_bomb", "文件解压后的体积异常（疑似“压缩炸弹”），已拒绝处理。请检查文件后重新上传。"),
    "not_word": ("not_office", "该压缩文件既不是 Word 文档（.docx），也不是 Excel 表格（.xlsx）。"),
}


class UploadError(DraftFileError):
    """An uploaded file that is refused; ``message`` is for the user (Chinese), ``code`` for code.

    Codes: empty, too_large, encrypted, old_office, not_office, corrupt, zip_bomb, mismatch,
    unsupported.
    """


@contextmanager
def upload_errors(accepted: str = "") -> Iterator[None]:
    """Re-raise the errors of drafts.readers as UploadError, ``accepted`` appended to format errors."""
    try:
        yield
    except UploadError:
        raise
    except DraftFileError as error:
        code, message = _FROM_DRAFTS.get(error.code, (error.code, error.message))
        if code == "not_office":
            message += accepted
        raise UploadError(message, code) from error


def sniff(data: bytes, name: str = "") -> str:
    """The kind of an uploaded file, one of KIND_LABELS, read from its content.

    Raises UploadError for an empty, oversized, encrypted, damaged or unknown file, and for
    one whose content is not what its extension says.
    """
    return _checked(name, data, frozenset(KIND_LABELS), _ALL_FORMATS)


def check_note_upload(name: str, data: bytes) -> str:
    """Meeting notes: a Word document, a PDF or a photo of the notes."""
    return _checked(name, data, NOTE_KINDS, _NOTE_FORMATS)


def check_sheet_upload(name: str, data: bytes) -> str:
    """A sheet of opinions: an Excel workbook or a CSV text."""
    return _checked(name, data, SHEET_KINDS, _SHEET_FORMATS)


def _checked(name: str, data: bytes, kinds: frozenset[str], accepted: str) -> str:
    if not data or len(data) > MAX_NOTE_BYTES:
        raise _size_refusal(len(data))
    if data.startswith(_OLE_MAGIC):
        raise _ole_refusal(name, data, accepted)
    kind, label = _content(data, accepted)
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    expected = _EXTENSION_KINDS.get(suffix)
    if expected is not None and expected != kind:
        raise UploadError(f"文件内容与扩展名不符：扩展名是 .{suffix}，内容却是{label}。{accepted}", "mismatch")
    if kind == "pdf" and _PDF_ENCRYPT_RE.search(data):
        raise UploadError(_ENCRYPTED, "encrypted")
    if kind not in kinds:
        raise UploadError(f"不支持{label}。{accepted}", "unsupported")
    return kind


def _size_refusal(size: int) -> UploadError:
    if not size:
        return UploadError(_EMPTY, "empty")
    megabyte = 1024 * 1024
    return UploadError(
        f"文件过大（{size / megabyte:.1f} MB），上传的文件不能超过 {MAX_NOTE_BYTES // megabyte} MB。", "too_large"
    )


def _ole_refusal(name: str, data: bytes, accepted: str) -> UploadError:
    """An OLE container is an encrypted .docx/.xlsx or an old .doc/.xls (see _ole_error)."""
    if _ole_error(name, data).code == "encrypted":
        return UploadError(_ENCRYPTED, "encrypted")
    if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
        old, new = "Excel 表格（.xls）", "Excel 表格（.xlsx）"
    else:
        old, new = "Word 文档（.doc）", "Word 文档（.docx）"
    return UploadError(
        f"这是旧版 {old}，系统无法直接读取。请在 Office 中选择“另存为”，保存为{new}后重新上传。{accepted}",
        "old_office",
    )


def _content(data: bytes, accepted: str) -> tuple[str | None, str]:
    """(kind, label) of the content; kind is None for content no upload accepts."""
    for magic, kind in _IMAGE_MAGICS:
        if data.startswith(magic):
            return kind, KIND_LABELS[kind]
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp", KIND_LABELS["webp"]
    # The PDF header may follow a little junk (the specification allows 1 KB).
    if b"%PDF-" in data[:1024]:
        return "pdf", KIND_LABELS["pdf"]
    if data.startswith(_ZIP_MAGICS):
        with upload_errors(accepted):
            kind = _ZIP_KINDS[_check_zip(data, required_members=tuple(_ZIP_KINDS))]
        return kind, KIND_LABELS[kind]
    try:
        text = decode_text(data)
    except DraftFileError as error:
        if error.code == "empty":
            raise UploadError(_EMPTY, "empty") from error
    else:
        if _MARKUP_RE.match(text):
            return None, "网页（HTML）或 XML 文件"
        if text.startswith("{\\rtf"):
            return None, "RTF 文件"
        return "csv", "文本文件"
    label = next((label for magic, label in _BINARY_MAGICS if data.startswith(magic)), "无法识别的内容")
    return None, label
