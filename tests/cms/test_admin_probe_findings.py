"""Admin screens the probe (tests/probe) found open to people without the permission behind them."""

import pytest
from wagtail.models import Page

from cms.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def unpublished(draft):
    draft.title = "尚未公布的草案标题"
    draft.save_revision().publish()
    draft.unpublish()
    return draft


def test_a_moderator_cannot_open_the_move_confirmation_of_a_page(client, moderator, unpublished, home_page):
    client.force_login(moderator)
    url = f"/admin/pages/{unpublished.pk}/move/{home_page.pk}/confirm/"
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert "尚未公布的草案标题" not in client.get(response["Location"]).content.decode()
    client.post(url)
    assert Page.objects.get(pk=unpublished.pk).get_parent().pk == unpublished.get_parent().pk


def test_staff_may_still_confirm_a_move(client, staff, draft, home_page):
    client.force_login(staff)
    assert client.get(f"/admin/pages/{draft.pk}/move/{draft.get_parent().pk}/confirm/").status_code == 200


@pytest.mark.parametrize("model", ["api/apitoken", "handling/reasontemplate", "referrals/department"])
def test_snippet_choosers_refuse_a_moderator(client, moderator, model):
    client.force_login(moderator)
    for suffix in ("", "results/", "chosen-multiple/"):
        assert client.get(f"/admin/snippets/choose/{model}/{suffix}").status_code == 403


def test_the_api_token_chooser_lists_tokens_only_to_those_who_manage_them(client, staff):
    client.force_login(staff)
    assert client.get("/admin/snippets/choose/api/apitoken/").status_code == 403
    # What staff may read, they may still choose.
    assert client.get("/admin/snippets/choose/handling/reasontemplate/").status_code == 200
    admin = UserFactory(username="sysadmin", roles=[Role.ADMINISTRATOR])
    client.force_login(admin)
    assert client.get("/admin/snippets/choose/referrals/department/").status_code == 200
