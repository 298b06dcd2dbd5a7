"""Safety checks on uploaded files, for every upload of the platform.

Drafts (drafts.readers), meeting notes and opinion sheets (contact_points.uploads) come from
staff, coordinators and the public, so a file is judged by its content, never by its name: an
extension says little, and a renamed file (an .exe called 纪要.docx, a web page saved as .pdf)
is either a mistake or an attack.  Here are the checks all of them need: size limits, the kind
of a file from its first bytes, old and encrypted Office files (OLE containers), zip bombs and
damaged zips (a .docx or .xlsx is a zip), encrypted PDFs, and text in an unknown encoding.

Every refusal is an UploadError whose ``message`` tells the user, in Chinese, what to do;
``accepted``, where a function takes it, is a sentence naming the formats the caller accepts,
appended to the messages about a wrong format.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterable
from itertools import islice

from docx import Document
from docx.document import Document as WordDocument

__all__ = [
    "ALL_FORMATS",
    "KIND_LABELS",
    "MAX_UNCOMPRESSED_BYTES",
    "MAX_UPLOAD_BYTES",
    "UploadError",
    "binary_label",
    "check_office_zip",
    "check_size",
    "check_upload",
    "decode_text",
    "is_ole",
    "is_zip",
    "ole_refusal",
    "open_docx",
    "sniff",
]

#: The largest file anyone may upload.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
#: A zip whose members would inflate beyond this is refused as a zip bomb.
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
#: Highest compression ratio accepted for a large member (real XML compresses ~10:1).
MAX_COMPRESSION_RATIO = 100
#: Members smaller than this cannot do harm whatever their ratio.
RATIO_CHECK_MIN_BYTES = 1024 * 1024
MAX_ZIP_MEMBERS = 10_000

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
ALL_FORMATS = "可接受的格式：" + "、".join(KIND_LABELS.values()) + "。"

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
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
# The member that makes a zip an Office file of each kind, and members of formats users confuse
# with them.
_ZIP_MEMBERS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}
_OTHER_ZIP_FORMATS = (
    ("word/document.xml", "Word 文档（.docx）"),
    ("xl/workbook.xml", "Excel 表格（.xlsx）"),
    ("ppt/presentation.xml", "PowerPoint 演示文稿（.pptx）"),
    ("content.xml", "OpenDocument 文件（.odt 等）"),
)
_OLD_OFFICE_LABELS = {"docx": "Word 文档（.doc）", "xlsx": "Excel 表格（.xls）"}
_IMAGE_MAGICS = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
)
# Formats no upload of text accepts, told apart by their first bytes.
_BINARY_MAGICS: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "PDF 文件"),
    (b"\x89PNG\r\n\x1a\n", "图片文件（PNG）"),
    (b"\xff\xd8\xff", "图片文件（JPEG）"),
    (b"GIF87a", "图片文件（GIF）"),
    (b"GIF89a", "图片文件（GIF）"),
    (b"BM", "图片文件（BMP）"),
    (b"II*\x00", "图片文件（TIFF）"),
    (b"MM\x00*", "图片文件（TIFF）"),
    (b"{\\rtf", "RTF 文件"),
    (b"Rar!", "RAR 压缩包"),
    (b"7z\xbc\xaf\x27\x1c", "7z 压缩包"),
)
# Programs, checked only once the content is known not to be text: "MZ" could start a CSV line.
_PROGRAM_MAGICS = ((b"MZ", "可执行程序（.exe）"), (b"\x7fELF", "可执行程序"))
_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
_MARKUP_RE = re.compile(r"\s*<(?:!doctype|html|head|body|\?xml|svg|script|!--)", re.IGNORECASE)
# An encryption dictionary, inline or by reference, in a trailer or cross-reference stream.
_PDF_ENCRYPT_RE = re.compile(rb"/Encrypt\s*(?:<<|\d+\s+\d+\s+R)")
# C0/C1 controls (except tab, newlines, form feed), private-use areas, lone surrogates.
_ODD_CHARS_RE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff\ue000-\uf8ff\U000f0000-\U0010ffff]")
# Blank in every way a text can be: whitespace, and the invisible characters (zero-width spaces,
# BOM, soft hyphen) that drafts.parser drops.
_BLANK_RE = re.compile(r"[\s\u200b-\u200d\u2060\ufeff\u00ad]*")

_EMPTY = "文件为空，请重新选择文件。"
_ENCRYPTED = "该文件设置了打开密码（已加密），系统无法读取。请取消密码保护后重新上传。"
_CORRUPT = "文件已损坏，无法打开。请在原来的软件中打开文件、重新保存后再上传。"
_MACRO = "文件含有宏（VBA 代码），出于安全考虑不予接受。请在 Word 中“另存为”不含宏的 .docx 文件后重新上传。"
_XML_ENTITIES = (
    "文件含有 XML 实体声明（Office 文件不会含有，可能是恶意构造的文件），已拒绝处理。请在原来的软件中重新保存后上传。"
)
_ZIP_BOMB = "文件解压后的体积异常（疑似“压缩炸弹”），已拒绝处理。请检查文件后重新上传。"


class UploadError(ValueError):
    """An uploaded file that is refused; ``message`` is for the user (Chinese), ``code`` for code.

    Codes: empty, too_large, encrypted, old_office, not_office, corrupt, zip_bomb, macro, xml_entities,
    mismatch, unsupported, encoding.
    """

    def __init__(self, message: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


# --- size and kind --------------------------------------------------------------------


def check_size(data: bytes, *, limit: int = MAX_UPLOAD_BYTES) -> None:
    """Refuse an empty file and one larger than ``limit`` bytes."""
    if not data:
        raise UploadError(_EMPTY, "empty")
    if len(data) > limit:
        megabyte = 1024 * 1024
        raise UploadError(
            f"文件过大（{len(data) / megabyte:.1f} MB），上传的文件不能超过 {limit // megabyte} MB。", "too_large"
        )


def is_ole(data: bytes) -> bool:
    """An OLE2 container: an old Office file (.doc, .xls) or an encrypted new one."""
    return data.startswith(_OLE_MAGIC)


def is_zip(data: bytes) -> bool:
    return data.startswith(_ZIP_MAGICS)


def binary_label(data: bytes) -> str | None:
    """What a file no text can start like is (PDF 文件, 图片文件（PNG）, …), or None."""
    return next((label for magic, label in _BINARY_MAGICS if data.startswith(magic)), None)


def sniff(data: bytes, name: str = "") -> str:
    """The kind of an uploaded file, one of KIND_LABELS, read from its content.

    Raises UploadError for an empty, oversized, encrypted, damaged or unknown file, and for
    one whose content is not what its extension says.
    """
    return check_upload(name, data, kinds=frozenset(KIND_LABELS), accepted=ALL_FORMATS)


def check_upload(name: str, data: bytes, *, kinds: Iterable[str], accepted: str, limit: int = MAX_UPLOAD_BYTES) -> str:
    """The kind of an upload that must be one of ``kinds`` (KIND_LABELS keys) and whose extension,
    when it names a kind, must agree with its content."""
    check_size(data, limit=limit)
    kinds = frozenset(kinds)
    if is_ole(data):
        raise ole_refusal(name, data, accepted, kinds=kinds)
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
    if is_zip(data):
        kind = check_office_zip(data, kinds=_ZIP_MEMBERS, accepted=accepted)
        return kind, KIND_LABELS[kind]
    try:
        text = decode_text(data)
    except UploadError as error:
        if error.code == "empty":
            raise
    else:
        if _MARKUP_RE.match(text):
            return None, "网页（HTML）或 XML 文件"
        if text.startswith("{\\rtf"):
            return None, "RTF 文件"
        return "csv", "文本文件"
    label = next(
        (label for magic, label in (*_BINARY_MAGICS, *_PROGRAM_MAGICS) if data.startswith(magic)), "无法识别的内容"
    )
    return None, label


# --- Office files ---------------------------------------------------------------------


def ole_refusal(name: str, data: bytes, accepted: str = "", *, kinds: Iterable[str] = _ZIP_MEMBERS) -> UploadError:
    """Why an OLE container is refused: an encrypted .docx/.xlsx, or an old .doc/.xls to save as
    the new format, when ``kinds`` accepts it.

    Stream names are stored in UTF-16LE in the container's directory; an OLE file named as a
    new Office file and holding neither a Word nor an Excel stream can only be an encrypted one.
    """
    kinds = set(kinds)
    suffix = name.lower().rsplit(".", 1)[-1] if "." in name else ""
    if "EncryptionInfo".encode("utf-16-le") in data:
        return UploadError(_ENCRYPTED, "encrypted")
    if "WordDocument".encode("utf-16-le") in data:
        new = "docx"
    elif "Book".encode("utf-16-le") in data:  # Workbook, or Book in Excel 5
        new = "xlsx"
    elif suffix in _ZIP_MEMBERS:
        return UploadError(_ENCRYPTED, "encrypted")
    else:
        new = {"doc": "docx", "xls": "xlsx"}.get(suffix)
    offered = [kind for kind in _ZIP_MEMBERS if kind in kinds and new in (None, kind)]
    old = _OLD_OFFICE_LABELS.get(new, "Office 二进制文件")
    if not offered:
        return UploadError(f"不支持旧版 {old}。{accepted}", "unsupported")
    return UploadError(
        f"这是旧版 {old}，系统无法直接读取。请在 Office 中选择“另存为”，"
        f"保存为{'或'.join(KIND_LABELS[kind] for kind in offered)}后重新上传。{accepted}",
        "old_office",
    )


def check_office_zip(data: bytes, *, kinds: Iterable[str] = ("docx",), accepted: str = "") -> str:
    """Which of ``kinds`` ("docx", "xlsx") a zip is, after refusing corrupt archives, zip bombs
    and zips that are none of them.

    Declared sizes are checked before anything is decompressed; then every member is inflated
    once with a running cap, because declared sizes can lie and because this also surfaces CRC
    errors before python-docx or openpyxl get the file.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise UploadError(_CORRUPT, "corrupt") from exc
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ZIP_MEMBERS or (sum(info.file_size for info in infos) > MAX_UNCOMPRESSED_BYTES):
            raise UploadError(_ZIP_BOMB, "zip_bomb")
        for info in infos:
            ratio_limit = MAX_COMPRESSION_RATIO * max(info.compress_size, 1)
            if info.file_size > RATIO_CHECK_MIN_BYTES and info.file_size > ratio_limit:
                raise UploadError(_ZIP_BOMB, "zip_bomb")
        names = {info.filename for info in infos}
        kind = next((kind for kind in kinds if _ZIP_MEMBERS[kind] in names), None)
        if kind is None:
            found = next((label for member, label in _OTHER_ZIP_FORMATS if member in names), "压缩文件")
            wanted = "或".join(KIND_LABELS[kind] for kind in kinds)
            raise UploadError(f"该文件是{found}，不是{wanted}。{accepted}", "not_office")
        _inflate_all(archive)
        # Macros (a VBA project, or a macro-enabled .docm/.xlsm renamed): refused with their own message.
        content_types = archive.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
        if any(name.lower().endswith(("vbaproject.bin", "vbadata.xml")) for name in names) or (
            b"macroEnabled" in content_types
        ):
            raise UploadError(_MACRO, "macro")
    return kind


def _inflate_all(archive: zipfile.ZipFile) -> None:
    """Inflate every member with a running cap; refuse XML parts that declare a DTD or entities (Office never
    writes them; they are how a billion-laughs file expands)."""
    total = 0
    try:
        for info in archive.infolist():
            is_xml = info.filename.lower().endswith((".xml", ".rels"))
            tail = b""
            with archive.open(info) as member:
                while chunk := member.read(64 * 1024):
                    total += len(chunk)
                    if total > MAX_UNCOMPRESSED_BYTES:
                        raise UploadError(_ZIP_BOMB, "zip_bomb")
                    if is_xml and (b"<!DOCTYPE" in tail + chunk or b"<!ENTITY" in tail + chunk):
                        raise UploadError(_XML_ENTITIES, "xml_entities")
                    tail = chunk[-16:]
    # RuntimeError: a password-protected member; NotImplementedError: unknown compression.
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
        raise UploadError(_CORRUPT, "corrupt") from exc


def open_docx(data: bytes, *, accepted: str = "") -> WordDocument:
    """A .docx opened by python-docx, after the zip's safety checks."""
    check_office_zip(data, kinds=("docx",), accepted=accepted)
    try:
        return Document(io.BytesIO(data))
    except Exception as exc:  # anything python-docx/lxml raise means an unreadable file
        raise UploadError(_CORRUPT, "corrupt") from exc


# --- text -----------------------------------------------------------------------------


def decode_text(data: bytes, *, accepted: str = "") -> str:
    """Decode text bytes: BOM first, then strict UTF-8, then GB18030 (a superset of GBK).

    GB18030 decodes almost any byte string, so its result must also look like text.  A text
    with nothing but blanks is refused as empty.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                break
            return _checked_text(text, accepted)
    for encoding in ("utf-8", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text):
            return _checked_text(text, accepted)
    raise UploadError(f"无法识别文件的文字编码。请将文件另存为 UTF-8 编码的文本后重新上传。{accepted}", "encoding")


def _looks_like_text(text: str) -> bool:
    """Few control or private-use characters: not binary data mis-decoded.

    A stray control character (a vertical tab pasted from Word) is tolerated; binary
    data decoded as GB18030 is full of them.
    """
    limit = max(3, len(text) // 100)
    # islice stops the scan as soon as the limit is passed.
    return len(list(islice(_ODD_CHARS_RE.finditer(text), limit + 1))) <= limit


def _checked_text(text: str, accepted: str) -> str:
    if not _looks_like_text(text):
        raise UploadError(f"文件不是可识别的文本文件。{accepted}", "encoding")
    if _BLANK_RE.fullmatch(text):
        raise UploadError(_EMPTY, "empty")
    return text
