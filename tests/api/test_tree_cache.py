"""The version tree is kept rendered per version, with its opinion counts always current."""

import pytest

from drafts.models import Provision

pytestmark = pytest.mark.django_db


def _article(tree: dict, provision_id: int) -> dict:
    stack = list(tree["provisions"])
    while stack:
        node = stack.pop()
        if node["id"] == provision_id:
            return node
        stack.extend(node["children"])
    raise AssertionError(provision_id)


def test_counts_are_current_while_the_text_is_cached(client, draft, article):
    url = f"/api/v1/drafts/{draft.pk}/versions/1/"
    first = client.get(url)
    assert _article(first.json(), article.pk)["opinion_count"] == 0
    # Posting and publishing opinions moves the kept counter, as comments.services does with F().
    Provision.objects.filter(pk=article.pk).update(opinion_count=3)
    second = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200  # the count changed, so the ETag did
    body = second.json()
    assert _article(body, article.pk)["opinion_count"] == 3
    assert all(
        _article(body, p)["opinion_count"] == 0
        for p in Provision.objects.filter(version=draft.current_version)
        .exclude(pk=article.pk)
        .values_list("pk", flat=True)
    )
    assert client.get(url, HTTP_IF_NONE_MATCH=second["ETag"]).status_code == 304


def test_a_change_of_text_that_touches_the_version_is_served_at_once(client, draft, article):
    url = f"/api/v1/drafts/{draft.pk}/versions/1/"
    assert _article(client.get(url).json(), article.pk)["text"] == article.text
    Provision.objects.filter(pk=article.pk).update(text="改写后的条文。")
    draft.current_version.save()  # touches updated_at, as every change of a version's text does
    assert _article(client.get(url).json(), article.pk)["text"] == "改写后的条文。"
