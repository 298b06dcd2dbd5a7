from datetime import timedelta

import pytest
from django.utils import timezone

from cms.roles import Role
from drafts.parser import parse_text
from drafts.services import draft_create
from tests.factories import UserFactory

TEXT = "\n\n".join(
    ["示例条例"] + [f"第{n}条 这是第{n}条的内容，规定了物业服务人和业主的权利义务。" for n in "一二三四五六七八九十"]
)


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
def article(draft):
    return draft.current_version.provisions.get(kind="article", number=5)


@pytest.fixture
def citizen(db):
    return UserFactory(username="citizen1", display_name="老张")


@pytest.fixture
def other(db):
    return UserFactory(username="citizen2", display_name="小李")


@pytest.fixture
def moderator(db):
    return UserFactory(username="mod", roles=[Role.MODERATOR])


@pytest.fixture
def staff(db):
    return UserFactory(username="staff1", display_name="法工委", roles=[Role.STAFF])
