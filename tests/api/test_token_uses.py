"""The token use log in the Wagtail admin: superusers only, filtered by token and date, downloadable."""

from datetime import timedelta

import pytest
from django.utils import timezone

from api import services
from api.models import ApiToken, ApiTokenUse
from cms.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
URL = "/admin/api/token-uses/"


def _token(name: str) -> ApiToken:
    token = ApiToken(name=name, holder="staff", scope="opinions:read", expires_at=timezone.now() + timedelta(days=9))
    services.token_create(token=token)
    return token


@pytest.fixture
def uses(db):
    report, other = _token("报表系统"), _token("数字人大平台")
    now = timezone.now()
    ApiTokenUse.objects.create(token=report, at=now, method="GET", path="/api/v1/staff/opinions/?after=7", status=200)
    ApiTokenUse.objects.create(
        token=report, at=now - timedelta(days=40), method="GET", path="/api/v1/staff/opinions/old", status=200
    )
    ApiTokenUse.objects.create(token=other, at=now, method="POST", path="/api/v1/other-system/", status=403)
    return report, other


def test_superuser_filters_uses_by_token_and_date(client, uses):
    report, _other = uses
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    html = client.get(URL).content.decode()
    assert "/api/v1/staff/opinions/?after=7" in html and "/api/v1/other-system/" in html
    html = client.get(URL, {"token": report.pk}).content.decode()
    assert "/api/v1/staff/opinions/?after=7" in html and "/api/v1/other-system/" not in html
    since = (timezone.localdate() - timedelta(days=2)).isoformat()
    html = client.get(URL, {"token": report.pk, "at_from": since}).content.decode()
    assert "/api/v1/staff/opinions/?after=7" in html and "/api/v1/staff/opinions/old" not in html
    until = (timezone.localdate() - timedelta(days=30)).isoformat()
    html = client.get(URL, {"at_to": until}).content.decode()
    assert "/api/v1/staff/opinions/old" in html and "?after=7" not in html
    sheet = client.get(URL, {"token": report.pk, "export": "csv"})
    assert sheet.status_code == 200
    text = b"".join(sheet.streaming_content).decode() if sheet.streaming else sheet.content.decode()
    assert "/api/v1/staff/opinions/?after=7" in text and "/api/v1/other-system/" not in text


def test_menu_item_only_for_superusers(client, uses):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    assert URL in client.get("/admin/").content.decode()
    client.force_login(UserFactory(username="staff9", roles=[Role.STAFF]))
    assert client.get(URL).status_code in (302, 403)
    assert URL not in client.get("/admin/").content.decode()


def test_others_are_refused(client, uses):
    assert client.get(URL).status_code == 302  # to the sign-in page
    client.force_login(UserFactory(username="c1"))
    assert client.get(URL).status_code in (302, 403)
    assert client.get(URL + "results/").status_code in (302, 403)
