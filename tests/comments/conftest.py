import pytest

from cms.roles import Role
from tests.factories import UserFactory, sample_text

# The text of the shared `draft` fixture (tests/conftest.py), which test_exports parses again as a new version.
TEXT = sample_text()


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
