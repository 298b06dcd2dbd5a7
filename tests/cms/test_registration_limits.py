"""Registration cannot be used to send texts to strangers without limit (issue 21, item 3): limits per client
address (an hour and a day), a limit on every code page per address, and a daily cap on texts sent that stops
sending and alerts the staff once; after REGISTER_CHALLENGE_AFTER registrations from one address, a challenge
drawn on the server (cms.challenge) that must be answered before anything is sent."""

import base64
import io
import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from PIL import Image

from cms import challenge, sms
from cms.models import User
from cms.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
STRONG = "Lüshi-falv-2026"


def challenge_key(response) -> str | None:
    found = re.search(r'name="challenge_key" value="([^"]+)"', response.content.decode())
    return found.group(1) if found else None


def challenge_answers(key: str) -> list[str]:
    """The answers the server keeps for a challenge: the picture's digits, then the text question's."""
    return cache.get(challenge._cache_key(key))["answers"]


@pytest.fixture
def register(client, django_capture_on_commit_callbacks):
    """Register as a person would: open the form, answer its challenge if it shows one (unless `answer` is
    given: None to leave it out), send."""

    def _register(identifier, ip="203.0.113.7", answer="solve", display_name=""):
        page = client.get(reverse("accounts:register"), REMOTE_ADDR=ip)
        data = {"identifier": identifier, "password": STRONG, "password_again": STRONG, "display_name": display_name}
        key = challenge_key(page)
        if key and answer is not None:
            solved = {"solve": challenge_answers(key)[0], "solve-in-words": challenge_answers(key)[1]}
            data.update(challenge_key=key, challenge_answer=solved.get(answer, answer))
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("accounts:register"), data, REMOTE_ADDR=ip)

    return _register


def test_registrations_from_one_address_are_limited(register):
    for i in range(5):
        assert register(f"1380013800{i}").status_code == 302
    response = register("13800138009")
    assert response.status_code == 429
    assert "请求过多" in response.content.decode()
    assert len(sms.outbox) == 5 and User.objects.count() == 5
    assert register("13800138009", ip="198.51.100.2").status_code == 302  # another address is not affected


@pytest.mark.parametrize(
    ("url_name", "data"),
    [
        ("accounts:confirm", {"identifier": "a@example.com", "code": "123456"}),
        ("accounts:confirm", {"identifier": "a@example.com", "resend": "1"}),
        ("accounts:reset", {"identifier": "a@example.com"}),
        (
            "accounts:reset_code",
            {"identifier": "a@example.com", "code": "123456", "password": STRONG, "password_again": STRONG},
        ),
    ],
)
def test_every_code_page_is_limited_per_address(client, url_name, data):
    for i in range(30):
        varied = {**data, "identifier": f"a{i}@example.com"}  # a new identifier each time: only the address counts
        assert client.post(reverse(url_name), varied).status_code != 429
    response = client.post(reverse(url_name), {**data, "identifier": "z@example.com"})
    assert response.status_code == 429 and "请求过多" in response.content.decode()


def test_the_daily_text_cap_stops_sending_and_alerts_the_staff_once(register, settings):
    settings.SMS_DAILY_CAP = 3
    UserFactory(username="staffer", email="staff@example.com", roles=[Role.STAFF])
    UserFactory(username="citizen", email="citizen@example.com")
    for i in range(3):
        assert register(f"1390013900{i}", ip=f"203.0.113.{i}").status_code == 302
    assert len(sms.outbox) == 3
    alerts = [m for m in mail.outbox if "上限" in m.subject]
    assert len(alerts) == 1 and alerts[0].to == ["staff@example.com"]
    response = register("13900139009", ip="203.0.113.50")
    assert response.status_code == 200 and "短信发送量已达上限" in response.content.decode()
    assert len(sms.outbox) == 3 and not User.objects.filter(phone="13900139009").exists()
    # An e-mail registration still works, and the alert is not repeated.
    assert register("new@example.com", ip="203.0.113.51").status_code == 302
    assert len([m for m in mail.outbox if "上限" in m.subject]) == 1


def test_after_three_registrations_the_form_shows_a_challenge(client, register):
    for i in range(3):
        assert register(f"1370013700{i}").status_code == 302
    page = client.get(reverse("accounts:register"), REMOTE_ADDR="203.0.113.7")
    html = page.content.decode()
    assert 'src="data:image/png;base64,' in html and "文字题" in html
    assert re.search(r"[一二三四五六七八九]加[一二三四五六七八九]等于多少", html)
    picture = re.search(r'src="data:image/png;base64,([^"]+)"', html).group(1)
    assert Image.open(io.BytesIO(base64.b64decode(picture))).size == (200, 70)
    # Another address is asked nothing.
    assert challenge_key(client.get(reverse("accounts:register"), REMOTE_ADDR="198.51.100.2")) is None


def test_the_fourth_registration_without_an_answer_sends_nothing(register):
    for i in range(3):
        register(f"1370013700{i}")
    sent_texts, sent_mails = len(sms.outbox), len(mail.outbox)
    for answer in (None, "", "00000"):
        response = register("13700137009", answer=answer, display_name="老王")
        assert response.status_code == 200
        assert len(sms.outbox) == sent_texts and len(mail.outbox) == sent_mails
        assert not User.objects.filter(phone="13700137009").exists()
    html = response.content.decode()
    assert "验证码不正确或已过期" in html
    # What was typed is still there, under a new challenge.
    assert 'value="13700137009"' in html and 'value="老王"' in html and challenge_key(response)
    email = register("new@example.com", answer="12345")
    assert email.status_code == 200 and len(mail.outbox) == sent_mails


def test_the_picture_or_the_text_question_passes(register):
    for i in range(3):
        register(f"1370013700{i}")
    assert register("13700137005").status_code == 302  # the picture's digits
    assert register("13700137006", answer="solve-in-words").status_code == 302
    assert len(sms.outbox) == 5


def test_the_text_question_answers_in_words(client, settings):
    settings.REGISTER_CHALLENGE_AFTER = 0
    page = client.get(reverse("accounts:register"))
    key = challenge_key(page)
    first, second = re.search(r"([一二三四五六七八九])加([一二三四五六七八九])", page.content.decode()).groups()
    total = "一二三四五六七八九".index(first) + "一二三四五六七八九".index(second) + 2
    assert challenge_answers(key)[1] == str(total)
    assert challenge.challenge_check(key=key, answer=f" {total} ".translate(FULL_WIDTH))  # full-width digits too


FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def test_a_challenge_is_spent_by_its_first_check():
    new = challenge.challenge_new()
    digits = challenge_answers(new.key)[0]
    assert challenge.challenge_check(key=new.key, answer=digits)
    assert not challenge.challenge_check(key=new.key, answer=digits)
    wrong_first = challenge.challenge_new()
    digits = challenge_answers(wrong_first.key)[0]
    assert not challenge.challenge_check(key=wrong_first.key, answer="1")
    assert not challenge.challenge_check(key=wrong_first.key, answer=digits)  # no second guess
    assert not challenge.challenge_check(key="made-up", answer="12345")


def test_a_challenge_expires_after_ten_minutes(monkeypatch):
    now = [1_800_000_000.0]
    monkeypatch.setattr(challenge, "clock", lambda: now[0])
    late, in_time = challenge.challenge_new(), challenge.challenge_new()
    now[0] += challenge.CHALLENGE_TTL_SECONDS - 1
    assert challenge.challenge_check(key=in_time.key, answer=challenge_answers(in_time.key)[0])
    now[0] += 2
    assert not challenge.challenge_check(key=late.key, answer=challenge_answers(late.key)[0])
