"""Issue 21 item 12: the admin's page chooser does not show a moderator the titles of unpublished drafts."""

import pytest

from tests.factories import DraftFactory

pytestmark = pytest.mark.django_db


def test_a_moderator_without_page_permissions_sees_only_live_pages_in_the_chooser(
    client, moderator, staff, draft_index
):
    hidden = DraftFactory(index=draft_index, slug="secret", title="尚未公开的保密条例（草案）", publish=False)
    shown = DraftFactory(index=draft_index, slug="open", title="已公开的示例条例（草案）")
    client.force_login(moderator)
    listing = client.get(f"/admin/choose-page/{draft_index.pk}/").json()["html"]
    assert shown.title in listing and hidden.title not in listing
    search = client.get("/admin/choose-page/search/", {"q": "条例"}).content.decode("unicode_escape")
    assert hidden.title not in search
    client.force_login(staff)  # staff edit pages: they choose among unpublished ones too
    assert hidden.title in client.get(f"/admin/choose-page/{draft_index.pk}/").json()["html"]
