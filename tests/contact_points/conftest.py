import io

import pytest
from docx import Document

from cms.roles import Role
from tests.factories import ContactPointFactory, UserFactory


def docx_bytes(paragraphs: list[str]) -> bytes:
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


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
