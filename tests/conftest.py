import pytest

from cms import sms


@pytest.fixture(autouse=True)
def _clean_sms_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture(autouse=True)
def _clear_cache():
    """Throttles live in the cache; each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def home_page(db):
    from cms.models import HomePage

    return HomePage.objects.get()


@pytest.fixture
def draft_index(home_page):
    from drafts.models import DraftIndexPage

    index = DraftIndexPage(title="法规草案", slug="drafts")
    home_page.add_child(instance=index)
    index.save_revision().publish()
    return index
