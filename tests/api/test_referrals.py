# ruff: noqa: F811 - the referrals fixtures are imported and used as test arguments
"""A department's system: its referrals, acknowledgements and replies, as in the liaison inbox."""

import base64
import json

import pytest
from django.utils import timezone

from api import services
from api.models import ApiToken
from referrals.models import ReferralState
from tests.api.test_tokens import _auth, _point_token, _token
from tests.referrals.test_services import (  # noqa: F401 - fixtures
    coordinator,
    department,
    intruder,
    liaison,
    online_opinion,
    point,
    point_opinion,
    proposer,
    referral,
)

pytestmark = pytest.mark.django_db


def _department_token(department, liaison, **fields):
    return _token(holder="department", department=department, acting_user=liaison, scope="referrals", **fields)


def test_list_detail_acknowledge_and_reply(client, referral, department, liaison):
    _t, raw = _department_token(department, liaison)
    listed = client.get("/api/v1/referrals/", **_auth(raw)).json()
    assert [r["id"] for r in listed] == [referral.pk]
    detail = client.get(f"/api/v1/referrals/{referral.pk}/", **_auth(raw))
    text = detail.content.decode()
    assert "13900001111" not in text and "zhang@example.org" not in text and "王阿姨" not in text
    assert len(detail.json()["opinions"]) == 2
    acknowledged = client.post(f"/api/v1/referrals/{referral.pk}/acknowledge/", **_auth(raw))
    assert acknowledged.status_code == 200 and acknowledged.json()["state"] == ReferralState.ACKNOWLEDGED
    body = {
        "text": "已研究，将在细则中明确。",
        "revision": acknowledged.json()["revision"],
        "attachments": [{"name": "答复.txt", "content_base64": base64.b64encode("正文".encode()).decode()}],
    }
    replied = client.post(
        f"/api/v1/referrals/{referral.pk}/reply/", body, content_type="application/json", **_auth(raw)
    )
    assert replied.status_code == 200, replied.content
    referral.refresh_from_db()
    assert referral.state == ReferralState.REPLIED and referral.attachments.count() == 1
    again = client.post(f"/api/v1/referrals/{referral.pk}/reply/", body, content_type="application/json", **_auth(raw))
    assert again.status_code in (409, 422) and again.json()["code"] in ("conflict", "replied")


def test_stale_revision_and_garbage_are_refused(client, referral, department, liaison):
    _t, raw = _department_token(department, liaison)
    url = f"/api/v1/referrals/{referral.pk}/reply/"
    stale = client.post(url, {"text": "x", "revision": 999}, content_type="application/json", **_auth(raw))
    assert stale.status_code == 409 and stale.json()["code"] == "conflict"
    for bad in ({"text": 3}, {"text": "x", "attachments": [{"name": "a"}]}, {"text": "x", "extra": 1}, []):
        response = client.post(url, bad, content_type="application/json", **_auth(raw))
        assert response.status_code == 400, bad
    empty = client.post(url, {"text": "  "}, content_type="application/json", **_auth(raw))
    assert empty.status_code == 422 and empty.json()["code"] == "empty"
    referral.refresh_from_db()
    assert referral.state == ReferralState.SENT


def test_another_departments_token_sees_nothing(client, referral, intruder):
    other = intruder.departments.get()
    _t, raw = _department_token(other, intruder)
    assert client.get("/api/v1/referrals/", **_auth(raw)).json() == []
    assert client.get(f"/api/v1/referrals/{referral.pk}/", **_auth(raw)).status_code == 404
    assert client.post(f"/api/v1/referrals/{referral.pk}/acknowledge/", **_auth(raw)).status_code == 404
    referral.refresh_from_db()
    assert referral.state == ReferralState.SENT


def test_other_holders_and_dead_tokens_are_refused(client, referral, department, liaison):
    _s, staff_raw = _token()
    _p, point_raw = _point_token()
    token, raw = _department_token(department, liaison)
    for key in (staff_raw, point_raw):
        assert client.get("/api/v1/referrals/", **_auth(key)).status_code == 403
    services.token_revoke(token=token)
    assert client.post(f"/api/v1/referrals/{referral.pk}/acknowledge/", **_auth(raw)).status_code == 401
    expired, expired_raw = _department_token(department, liaison)
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
    assert client.get("/api/v1/referrals/", **_auth(expired_raw)).json()["code"] == "token_expired"
    referral.refresh_from_db()
    assert referral.state == ReferralState.SENT


def test_department_token_must_name_a_liaison(department):
    from django.core.exceptions import ValidationError

    from tests.factories import UserFactory

    with pytest.raises(ValidationError):
        _department_token(department, UserFactory())


def test_a_reply_keeps_djangos_own_body_limit(client, settings, department, liaison, referral):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    _t, key = _department_token(department, liaison)
    response = client.post(
        f"/api/v1/referrals/{referral.pk}/reply/",
        data=json.dumps({"text": "答复" * 1000}),
        content_type="application/json",
        **_auth(key),
    )
    assert response.status_code == 413 and response.json()["code"] == "too_large"
