"""Hostile files at every upload a role may use (coordinator: meeting notes and opinion sheets; staff: a
draft's text; liaison: reply attachments): a .docx carrying a macro project, a renamed .docm, a billion-laughs
document and a zip bomb are refused with a message that says what is wrong, nothing is saved, nothing 500s."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.cms.test_uploads import OLE_MAGIC, _rewritten, word_file, zip_bytes

pytestmark = pytest.mark.django_db


def _laughs(members):
    xml = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + b"".join(
            b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10)
        )
        + b']><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">&lol9;</w:document>'
    )
    return {**members, "word/document.xml": xml}


def _docm(members):
    types = members["[Content_Types].xml"].replace(
        b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        b"application/vnd.ms-word.document.macroEnabled.main+xml",
    )
    return {**members, "[Content_Types].xml": types}


# name -> (file name, bytes, words the refusal must contain)
HOSTILE = {
    "macro project": (
        "纪要.docx",
        lambda: _rewritten(word_file(), lambda m: {**m, "word/vbaProject.bin": OLE_MAGIC + bytes(600)}),
        "宏",
    ),
    "renamed .docm": ("纪要.docx", lambda: _rewritten(word_file(), _docm), "宏"),
    "billion laughs": ("纪要.docx", lambda: _rewritten(word_file(), _laughs), ""),
    "zip bomb": (
        "纪要.docx",
        lambda: zip_bytes({"word/document.xml": bytes(8 * 1024 * 1024), "[Content_Types].xml": b""}),
        "",
    ),
}


def _rows():
    from contact_points.models import BatchItem, MeetingNote
    from drafts.models import DraftVersion
    from referrals.models import ReferralAttachment

    return [m.objects.count() for m in (MeetingNote, BatchItem, DraftVersion, ReferralAttachment)]


def _targets(ids):
    point, meeting, batch = ids.point, ids.meeting, ids.batch
    return {
        "coordinator": [
            (reverse("contact_points:note_upload", args=[point.pk, meeting.pk]), lambda f: {"file": f}),
            (reverse("contact_points:sheet_upload", args=[point.pk, batch.pk]), lambda f: {"file": f}),
        ],
        "staff": [
            (
                reverse("drafts_import_version", args=[ids.draft.pk]),
                lambda f: {"file": f, "stage": ids.draft.stage, "make_current": "on", "title": ""},
            )
        ],
        "liaison": [
            (
                reverse("referrals:reply", args=[ids.referral.pk]),
                lambda f: {"files": f, "text": "已研究。", "revision": ids.referral.revision},
            )
        ],
    }


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_hostile_files_are_refused_everywhere(ids, clients, kind, tally):
    name, make, words = HOSTILE[kind]
    data = make()
    failures = []
    for role, targets in _targets(ids).items():
        for url, form in targets:
            before = _rows()
            try:
                response = clients[role].post(url, form(SimpleUploadedFile(name, data)), follow=True)
                html = response.content.decode()
                ok = response.status_code in (200, 400) and "已损坏" not in html and (words in html)
                ok = ok and any(mark in html for mark in ("message--error", "error", "errorlist"))
                got = f"{response.status_code}"
            except Exception as exc:  # a 500
                ok, got = False, f"raised {type(exc).__name__}: {exc}"
            ok = ok and _rows() == before
            what = f"{kind}: {role} POST {url}: {got}, rows {before} -> {_rows()}"
            if not tally.check(ok, what):
                failures.append(what)
    assert not failures, "\n".join(failures)
