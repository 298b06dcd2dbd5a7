"""What contact points may upload: meeting notes and opinion sheets.

The file's kind is read from its content and the safety checks are those of every upload
(cms.uploads); this says which kinds each upload accepts, and up to what size.
"""

from __future__ import annotations

from cms.uploads import check_upload

__all__ = ["MAX_NOTE_BYTES", "NOTE_KINDS", "SHEET_KINDS", "check_note_upload", "check_sheet_upload"]

MAX_NOTE_BYTES = 20 * 1024 * 1024

NOTE_KINDS = frozenset({"docx", "pdf", "png", "jpeg", "gif", "webp"})
SHEET_KINDS = frozenset({"xlsx", "csv"})

_NOTE_FORMATS = "会议纪要可接受的格式：Word 文档（.docx）、PDF 文件（.pdf）、图片（.png、.jpg、.gif、.webp）。"
_SHEET_FORMATS = "意见表可接受的格式：Excel 表格（.xlsx）、CSV 文本（.csv）。"


def check_note_upload(name: str, data: bytes) -> str:
    """Meeting notes: a Word document, a PDF or a photo of the notes."""
    return check_upload(name, data, kinds=NOTE_KINDS, accepted=_NOTE_FORMATS, limit=MAX_NOTE_BYTES)


def check_sheet_upload(name: str, data: bytes) -> str:
    """A sheet of opinions: an Excel workbook or a CSV text."""
    return check_upload(name, data, kinds=SHEET_KINDS, accepted=_SHEET_FORMATS, limit=MAX_NOTE_BYTES)
