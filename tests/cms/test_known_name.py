"""匿名 is for a citizen's public comments only: wherever staff look, and in the header, a person is named."""

from django.urls import reverse

from cms.roles import Role
from comments.models import ModerationState, Opinion
from handling import services as handling
from tests.factories import UserFactory


def test_a_person_is_named_by_real_name_display_name_or_user_name_never_anonymous(db):
    plain = UserFactory(username="clerk7", display_name="")
    assert plain.public_name == "匿名" and plain.known_name == "clerk7"
    shown = UserFactory(username="clerk8", display_name="法工委小王")
    assert shown.known_name == "法工委小王"
    real = UserFactory(username="clerk9", display_name="小王", last_name="王", first_name="小明")
    assert real.get_full_name() == "王小明" and real.known_name == "王小明"
    latin = UserFactory(username="clerk10", display_name="", last_name="Wang", first_name="Ming")
    assert latin.known_name == "Wang Ming"


def test_the_header_shows_who_is_logged_in(client, db):
    coordinator = UserFactory(username="hubin-coord", display_name="", roles=[Role.COORDINATOR])
    client.force_login(coordinator)
    page = client.get("/").content.decode()
    assert "hubin-coord" in page


def test_the_handling_history_names_the_clerk_not_anonymous(client, draft, article, citizen):
    clerk = UserFactory(username="clerk-li", display_name="", roles=[Role.STAFF])
    opinion = Opinion.objects.create(
        draft=draft,
        version=draft.current_version,
        article=article,
        author=citizen,
        body="建议明确物业服务收费标准。",
        moderation_state=ModerationState.PUBLISHED,
    )
    handling.opinions_dispose(staff=clerk, opinion_ids=[opinion.pk], disposition="adopted", reason="已采纳")
    client.force_login(clerk)
    page = client.get(reverse("opinions_handle", args=[opinion.pk])).content.decode()
    history = page[page.index("处理记录") :]
    assert "clerk-li" in history and "匿名" not in history
