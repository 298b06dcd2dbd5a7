"""Registration cannot be used to send texts to strangers without limit (issue 21, item 3): limits per client
address (an hour and a day), a limit on every code page per address, and a daily cap on texts sent that stops
sending and alerts the staff once."""

import pytest
from django.core import mail
from django.urls import reverse

from cms import sms
from cms.models import User
from cms.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
STRONG = "Lüshi-falv-2026"


@pytest.fixture
def register(client, django_capture_on_commit_callbacks):
    def _register(identifier, ip="203.0.113.7"):
        data = {"identifier": identifier, "password": STRONG, "password_again": STRONG, "display_name": ""}
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
