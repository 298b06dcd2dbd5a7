"""No one learns whether an e-mail address or phone number has an account (issue 21, item 2): registration,
confirmation and password reset answer the same for every identifier, and every one of them is limited."""

import re
from urllib.parse import quote

import pytest
from django.core import mail
from django.urls import reverse

from cms import sms
from cms.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
STRONG = "Lüshi-falv-2026"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    def _post(url, data, follow=False):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data, follow=follow)

    return _post


@pytest.fixture
def known():
    return UserFactory(username="known", email="known@example.com", phone="13600136000")


def page(response, *identifiers) -> tuple[int, str]:
    """Status and page with the identifiers and the CSRF token blanked: what an asker can compare."""
    html = CSRF.sub("", response.content.decode())
    for identifier in identifiers:
        html = html.replace(identifier, "ID").replace(quote(identifier), "ID")
    return response.status_code, html


def register(post, identifier):
    data = {"identifier": identifier, "password": STRONG, "password_again": STRONG, "display_name": ""}
    return post(reverse("accounts:register"), data, follow=True)


@pytest.mark.parametrize(
    ("taken", "free"), [("KNOWN@example.com", "nobody@example.com"), ("13600136000", "13600136001")]
)
def test_registration_answers_the_same_for_a_taken_identifier(post, known, taken, free):
    a = register(post, taken)
    b = register(post, free)
    assert page(a, taken, taken.lower()) == page(b, free)
    assert "已注册" not in a.content.decode()
    assert User.objects.filter(pk=known.pk).count() == 1 and User.objects.count() == 2
    # The owner hears of it (a way to reset the password), no one else learns anything.
    if "@" in taken:
        assert [m.to for m in mail.outbox] == [["known@example.com"], ["nobody@example.com"]]
        assert "重置密码" in mail.outbox[0].body
    else:
        assert [number for number, _text in sms.outbox] == ["13600136000", "13600136001"]


def _codes(post, url, identifier, times, extra=None):
    return [post(url, {"identifier": identifier, "code": "000000", **(extra or {})}) for _ in range(times)]


@pytest.mark.parametrize("url_name", ["accounts:confirm", "accounts:reset_code"])
def test_code_pages_answer_the_same_for_known_and_unknown_identifiers(post, known, url_name):
    url = reverse(url_name)
    extra = {"password": STRONG, "password_again": STRONG} if url_name == "accounts:reset_code" else {}
    # The known account even has a fresh reset code waiting: guesses still look like anyone's.
    post(reverse("accounts:reset"), {"identifier": "known@example.com"})
    known_answers = _codes(post, url, "known@example.com", 7, extra)
    post(reverse("accounts:reset"), {"identifier": "nobody@example.com"})
    unknown_answers = _codes(post, url, "nobody@example.com", 7, extra)
    for a, b in zip(known_answers, unknown_answers, strict=True):
        assert page(a, "known@example.com") == page(b, "nobody@example.com")
    assert "错误次数过多" in known_answers[-1].content.decode()


@pytest.mark.parametrize("identifier", ["known@example.com", "nobody@example.com"])
def test_the_reset_form_limits_every_identifier(post, known, identifier):
    for _ in range(5):
        response = post(reverse("accounts:reset"), {"identifier": identifier})
        assert response.status_code == 302
    response = post(reverse("accounts:reset"), {"identifier": identifier})
    assert response.status_code == 200 and "发送过于频繁" in response.content.decode()


@pytest.mark.parametrize("identifier", ["13600136000", "13600136002"])
def test_confirm_resend_limits_every_identifier(post, known, identifier):
    for _ in range(5):
        post(reverse("accounts:confirm"), {"identifier": identifier, "resend": "1"})
    response = post(reverse("accounts:confirm"), {"identifier": identifier, "resend": "1"}, follow=True)
    assert "发送过于频繁" in response.content.decode()


@pytest.mark.parametrize(
    ("taken", "free"), [("known@example.com", "nobody@example.com"), ("13600136000", "13600136001")]
)
def test_registering_then_asking_again_answers_the_same_for_a_taken_identifier(client, post, known, taken, free):
    """A free identifier's registration sends a code (the new account's send limit counts it), a taken one's
    goes to the owner: asking for the code again must still hit the limit at the same request for both."""
    answers = {}
    for number, identifier in enumerate((taken, free)):
        client.defaults["REMOTE_ADDR"] = f"10.6.0.{number + 1}"
        register(post, identifier)
        answers[identifier] = [
            page(post(reverse("accounts:confirm"), {"identifier": identifier, "resend": "1"}, follow=True), identifier)
            for _ in range(7)
        ]
    assert answers[taken] == answers[free]
    assert "发送过于频繁" in answers[free][-1][1]
