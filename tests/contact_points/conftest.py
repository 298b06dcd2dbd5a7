import io
from datetime import timedelta

import pytest
from django.utils import timezone
from docx import Document

from cms.roles import Role
from drafts.parser import parse_text
from drafts.services import draft_create
from tests.factories import ContactPointFactory, UserFactory

TEXT = "\n\n".join(
    ["示例条例", "第一章 总则"]
    + [f"第{n}条 这是第{n}条的内容，规定了物业服务人和业主的权利义务。" for n in "一二三四五"]
    + ["第二章 附则"]
    + [f"第{n}条 这是第{n}条的内容。" for n in "六七八九十"]
)


def docx_bytes(paragraphs: list[str]) -> bytes:
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.fixture
def draft(draft_index):
    now = timezone.now()
    return draft_create(
        index=draft_index,
        result=parse_text(TEXT),
        title="示例条例（草案）",
        slug="sample",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=10),
        publish=True,
    )


@pytest.fixture
def coordinator(db):
    return UserFactory(username="coord1", display_name="王联络员", roles=[Role.COORDINATOR])


@pytest.fixture
def intruder(db):
    """The coordinator of another contact point."""
    return UserFactory(username="coord2", display_name="李联络员", roles=[Role.COORDINATOR])


@pytest.fixture
def point(coordinator):
    point = ContactPointFactory(name="湖滨街道基层立法联系点", district="上城区")
    point.coordinators.add(coordinator)
    return point


@pytest.fixture
def other_point(intruder):
    point = ContactPointFactory(name="浙江大学基层立法联系点", district="西湖区", kind="university")
    point.coordinators.add(intruder)
    return point


@pytest.fixture
def staff(db):
    return UserFactory(username="staff1", display_name="法工委", roles=[Role.STAFF])
