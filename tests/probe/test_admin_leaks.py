"""An unpublished draft's title reaches no one in the admin who may not edit pages: the moderator, whose
admin shows the live public pages only (issue 21 item 12), meets it in no chooser, listing, filter or report."""

import json

import pytest

pytestmark = pytest.mark.django_db

SECRET_TITLE = "探针尚未公布的修订草案"


@pytest.fixture
def unpublished(ids, django_capture_on_commit_callbacks):
    draft = ids.draft
    with django_capture_on_commit_callbacks(execute=True):
        draft.title = SECRET_TITLE
        draft.save_revision().publish()
        draft.unpublish()
    return draft


def _text(response) -> str:
    """The response as a reader meets it: JSON (choosers, the admin API) with its escapes undone."""
    body = response.content.decode()
    if response.get("Content-Type", "").startswith("application/json"):
        return json.dumps(json.loads(body), ensure_ascii=False)
    return body


def test_a_moderator_meets_no_unpublished_title(ids, clients, unpublished, tally):
    parent = unpublished.get_parent()
    urls = [
        "/admin/",
        "/admin/api/main/pages/?child_of=" + str(parent.pk),
        "/admin/api/main/pages/?search=" + SECRET_TITLE[:4],
        f"/admin/api/main/pages/{unpublished.pk}/",
        "/admin/choose-page/",
        f"/admin/choose-page/{parent.pk}/",
        "/admin/choose-page/search/?q=" + SECRET_TITLE[:4],
        "/admin/opinions/moderation/",
        "/admin/opinions/moderation/?state=pending",
        "/admin/reports/site-history/",
        f"/admin/pages/{unpublished.pk}/move/{parent.pk}/confirm/",
        f"/admin/pages/{unpublished.pk}/",
        "/search/?q=" + SECRET_TITLE[:4],
    ]
    failures = []
    for url in urls:
        response = clients["moderator"].get(url)
        body = _text(response)
        what = f"moderator GET {url}: {response.status_code}, shows the unpublished title"
        if not tally.check(SECRET_TITLE not in body, what):
            failures.append(what)
    # Staff, who edit pages, still find it where they work.
    staff_sees = SECRET_TITLE in _text(clients["staff"].get(f"/admin/choose-page/{parent.pk}/"))
    tally.check(staff_sees, "staff no longer see the unpublished draft in the page chooser")
    assert staff_sees
    assert not failures, "\n".join(failures)
