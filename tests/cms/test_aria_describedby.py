"""Every aria-describedby on a form page points at an element that exists (issue 22, WCAG 1.3.1/3.3.1)."""

import re
import uuid

import pytest

pytestmark = pytest.mark.django_db

DESCRIBEDBY = re.compile(r'aria-describedby="([^"]+)"')


def dangling(html):
    ids = set(re.findall(r'\sid="([^"]+)"', html))
    refs = [ref for value in DESCRIBEDBY.findall(html) for ref in value.split()]
    return [ref for ref in refs if ref not in ids], refs


def assert_tied(html):
    missing, refs = dangling(html)
    assert refs, "the page should describe at least one field"
    assert missing == []


def test_register_page_ties_password_rules_and_errors(client):
    assert_tied(client.get("/accounts/register/").content.decode())
    response = client.post("/accounts/register/", {"username": "", "password1": "123", "password2": "456"})
    html = response.content.decode()
    assert_tied(html)
    assert "_error" in " ".join(DESCRIBEDBY.findall(html))


def test_comment_box_rule_and_error_are_tied_to_the_box(client, draft, article, citizen):
    client.force_login(citizen)
    html = client.get(f"{draft.url}articles/5/").content.decode()
    assert_tied(html)
    body_box = re.search(r"<textarea[^>]*>", html).group(0)
    assert "_helptext" in body_box
    response = client.post(
        "/opinions/new/",
        {"draft": draft.pk, "article": article.pk, "body": "长" * 2001, "submission_key": str(uuid.uuid4())},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert_tied(html)
    assert "_helptext" in re.search(r"<textarea[^>]*>", html).group(0)


def test_profile_page_ties_its_help(client, citizen):
    client.force_login(citizen)
    assert_tied(client.get("/accounts/profile/").content.decode())
