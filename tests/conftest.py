import pytest

from cms import sms
from cms.roles import Role
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _clean_sms_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture(autouse=True)
def _clear_cache():
    """Throttles live in the cache, the search breaker in the process; each test starts with neither."""
    from django.core.cache import cache

    from search import selectors

    cache.clear()
    selectors.breaker.reset()
    yield
    cache.clear()
    selectors.breaker.reset()


@pytest.fixture
def home_page(db):
    from cms.models import HomePage

    return HomePage.objects.get()


@pytest.fixture
def draft_index(home_page):
    from tests.factories import DraftIndexPageFactory

    return DraftIndexPageFactory(parent=home_page)


@pytest.fixture
def draft(draft_index):
    """The sample regulation (ten articles in two chapters), published and open for comment."""
    from tests.factories import DraftFactory

    return DraftFactory(index=draft_index, slug="sample")


@pytest.fixture
def latest_schema_after():
    """The database back at the latest migrations after a test that migrated backwards: going back unapplies
    what depends on the migration it stops at (later migrations, other apps'), which later tests need."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def pytest_collection_modifyitems(items):
    """Every transactional test puts back the rows that migrations create when it is done.

    A transactional test ends by emptying the tables; without serialized rollback, post_migrate
    then re-creates content types and permissions under new keys, which later tests trip over.
    """
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker and marker.kwargs.get("transaction") and not marker.kwargs.get("serialized_rollback"):
            item.add_marker(pytest.mark.django_db(**{**marker.kwargs, "serialized_rollback": True}), append=False)


# Serialized rollback (the browser tests' way of getting back the rows that migrations create)
# looks for the serialized contents on the connection object. Playwright's sync API runs its
# event loop in this thread, and around it Django hands out other connection objects, ones that
# never saw the serialization; so the contents go on the connection class, where all of them see it.
@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    from django.db import connections

    for alias in connections:
        contents = getattr(connections[alias], "_test_serialized_contents", None)
        if contents is not None:
            type(connections[alias])._test_serialized_contents = contents
    return django_db_setup


@pytest.fixture(scope="session", autouse=True)
def _flush_passes_the_access_audit():
    """A transactional test ends by emptying every table; the access records refuse DELETE (SQLite's flush is a
    DELETE per table; PostgreSQL's TRUNCATE is not a row operation), so they go first, through the one
    controlled way rows leave that table (cms.access_audit.delete_before)."""
    from datetime import UTC, datetime

    from django.test import TransactionTestCase

    original = TransactionTestCase._fixture_teardown

    def teardown(self):
        from django.db import connections

        from cms.access_audit import delete_before

        for alias in self._databases_names(include_mirrors=False):
            if connections[alias].vendor == "sqlite":
                delete_before(datetime.max.replace(tzinfo=UTC))
        original(self)

    TransactionTestCase._fixture_teardown = teardown
    yield
    TransactionTestCase._fixture_teardown = original


# People and an article of the shared draft, used by the comments, handling and referrals tests.


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
