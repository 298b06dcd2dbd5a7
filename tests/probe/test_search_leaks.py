"""Search shows nothing a page no longer shows (issue 21 item 6), on the database backend, for every role but
staff: after a draft is unpublished or deleted, an opinion hidden, rejected or withdrawn, or the opinion a reply
answers hidden; and never the internal (offline-channel) opinions."""

import re

import pytest
from django.db.models import F

from cms.roles import Role
from comments import services as comment_services
from comments.models import Channel, Disposition, ModerationState, Opinion
from search import selectors
from search import services as search_services
from tests.probe.policy import ROLES

pytestmark = pytest.mark.django_db

NOT_STAFF = [role for role in ROLES if role not in {"staff", "superuser"}]


def _phrase(text: str) -> str:
    """A few characters of the text that a reader would type (the index has every pair of characters)."""
    runs = sorted(re.findall(r"[\u4e00-\u9fff]{4,}", text), key=len, reverse=True)
    return runs[0][:6] if runs else text[:6]


def _hits(ids, role, text):
    username = ROLES[role]
    user = ids.users[username] if username else None
    return selectors.search(text=text, user=user).hits


def _indexed(change, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        change()
    with django_capture_on_commit_callbacks(execute=True):
        search_services.catch_up()


def _check_gone(ids, tally, what, text, gone, roles=NOT_STAFF):
    failures = []
    for role in roles:
        left = [hit.key for hit in _hits(ids, role, text) if gone(hit)]
        if not tally.check(not left, f"{what}: {role} still finds {left} for {text!r}"):
            failures.append((role, left))
    assert not failures, failures


def _published_top(ids, **filters):
    return (
        Opinion.objects.filter(
            channel=Channel.ONLINE, moderation_state=ModerationState.PUBLISHED, parent=None, **filters
        )
        .order_by("pk")
        .first()
    )


@pytest.fixture
def moderator(ids):
    return ids.users["moderator"]


@pytest.mark.parametrize("action", ["hide", "reject"])
def test_a_moderated_opinion_leaves_search(ids, moderator, action, tally, django_capture_on_commit_callbacks):
    opinion = _published_top(ids)
    text, key = _phrase(opinion.body), f"opinion:{opinion.pk}"
    assert tally.check(key in {h.key for h in _hits(ids, "anonymous", text)}, f"{key} not found before {action}")
    _indexed(
        lambda: comment_services.opinions_moderate(
            moderator=moderator, opinion_ids=[opinion.pk], action=action, reason="探针"
        ),
        django_capture_on_commit_callbacks,
    )
    _check_gone(ids, tally, f"{action} {key}", text, lambda hit: hit.key == key)


def test_a_withdrawn_opinion_leaves_search(ids, tally, django_capture_on_commit_callbacks):
    opinion = _published_top(ids, author__isnull=False, disposition=Disposition.UNDECIDED)
    text, key = _phrase(opinion.body), f"opinion:{opinion.pk}"
    assert tally.check(key in {h.key for h in _hits(ids, "anonymous", text)}, f"{key} not found before withdrawing")
    _indexed(
        lambda: comment_services.opinion_withdraw(user=opinion.author, opinion_id=opinion.pk),
        django_capture_on_commit_callbacks,
    )
    _check_gone(ids, tally, f"withdraw {key}", text, lambda hit: hit.key == key)


def test_a_reply_leaves_search_with_the_opinion_it_answers(ids, moderator, tally, django_capture_on_commit_callbacks):
    top = _published_top(ids)
    reply = Opinion.objects.create(
        draft=top.draft,
        version=top.version,
        article=top.article,
        parent=top,
        author=ids.users["citizen"],
        body="探针回复：楼道堆放杂物的处理办法应当写明。",
        moderation_state=ModerationState.PUBLISHED,
    )
    Opinion.objects.filter(pk=top.pk).update(reply_count=F("reply_count") + 1)  # as posting a reply counts it
    _indexed(lambda: None, django_capture_on_commit_callbacks)
    key = f"opinion:{reply.pk}"
    assert tally.check(key in {h.key for h in _hits(ids, "anonymous", "楼道堆放")}, "the reply was never indexed")
    _indexed(
        lambda: comment_services.opinions_moderate(
            moderator=moderator, opinion_ids=[top.pk], action="hide", reason="探针"
        ),
        django_capture_on_commit_callbacks,
    )
    _check_gone(ids, tally, f"hide the thread of {key}", "楼道堆放", lambda hit: hit.key == key)


def test_an_unpublished_draft_leaves_search(ids, tally, django_capture_on_commit_callbacks):
    draft = ids.draft
    article = ids.provision
    texts = [draft.title[:6], _phrase(article.text if hasattr(article, "text") else draft.title)]
    opinion = _published_top(ids, draft=draft)
    texts.append(_phrase(opinion.body))
    url = draft.url
    _indexed(lambda: draft.unpublish(), django_capture_on_commit_callbacks)
    for text in texts:
        _check_gone(
            ids,
            tally,
            f"unpublish draft {draft.pk}",
            text,
            lambda hit: hit.url.startswith(url) or hit.draft_title == draft.title,
        )


def test_a_deleted_draft_leaves_every_search(ids, tally, django_capture_on_commit_callbacks):
    from tests.factories import DraftFactory

    with django_capture_on_commit_callbacks(execute=True):
        draft = DraftFactory(index=ids.draft.get_parent().specific, slug="probe-deleted", title="探针删除条例")
    _indexed(lambda: None, django_capture_on_commit_callbacks)
    assert tally.check(bool(_hits(ids, "anonymous", "探针删除")), "the new draft was never indexed")
    pk = draft.pk
    _indexed(lambda: draft.delete(), django_capture_on_commit_callbacks)
    _check_gone(ids, tally, f"delete draft {pk}", "探针删除", lambda hit: True, roles=list(ROLES))


def test_internal_opinions_are_never_searched_by_the_public(ids, tally):
    internal = Opinion.objects.filter(moderation_state=ModerationState.INTERNAL).order_by("pk")
    assert internal.exists()
    for opinion in internal:
        key = f"opinion:{opinion.pk}"
        text = _phrase(opinion.body)
        # A department's liaison and a point's coordinator may search what was referred to them or collected by
        # them: the anonymous reader and a plain citizen never.
        _check_gone(
            ids, tally, f"internal {key}", text, lambda hit, key=key: hit.key == key, roles=["anonymous", "citizen"]
        )


assert Role  # roles are the demo accounts': see policy.ROLES
