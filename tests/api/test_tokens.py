"""Token endpoints: who may ask (anonymous, wrong, expired, revoked, wrong holder), 429s, the use log."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from api import services
from api.models import ApiToken, ApiTokenUse
from comments.models import Channel, ModerationState, Opinion
from tests.factories import ContactPointFactory, DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/staff/opinions/"


def _token(**fields) -> tuple[ApiToken, str]:
    fields = {"name": "报表系统", "holder": "staff", "scope": "opinions:read", **fields}
    fields.setdefault("expires_at", timezone.now() + timedelta(days=30))
    token = ApiToken(**fields)
    raw = services.token_create(token=token)
    return token, raw


def _auth(raw: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def opinions(draft, article):
    public = Opinion.objects.create(
        draft=draft,
        version=draft.current_version,
        article=article,
        body="网上意见",
        moderation_state=ModerationState.PUBLISHED,
        disposition="adopted",
        disposition_reason="已采纳",
    )
    internal = Opinion.objects.create(
        draft=draft,
        version=draft.current_version,
        article=article,
        channel=Channel.CONTACT_POINT,
        proposer_name="王某",
        body="线下意见",
        moderation_state=ModerationState.INTERNAL,
        disposition="not_adopted",
        disposition_reason="内部理由",
        reason_public=False,
    )
    return public, internal


def test_staff_token_reads_every_opinion_with_disposition_and_the_use_is_logged(client, opinions):
    token, raw = _token()
    response = client.get(URL, **_auth(raw))
    assert response.status_code == 200
    rows = {r["body"]: r for r in response.json()["results"]}
    assert rows["线下意见"]["disposition_reason"] == "内部理由" and rows["线下意见"]["reason_public"] is False
    assert rows["网上意见"]["disposition"] == "adopted"
    use = ApiTokenUse.objects.get(token=token)
    assert (use.method, use.path, use.status) == ("GET", URL, 200)
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_the_key_is_stored_hashed(db):
    token, raw = _token()
    stored = ApiToken.objects.filter(pk=token.pk).values_list(flat=True)
    assert raw not in str(list(ApiToken.objects.filter(pk=token.pk).values()))
    assert stored and token.key_hash != raw and len(token.key_hash) == 64


@pytest.mark.parametrize(
    "make, status, code",
    [
        (lambda: None, 401, "not_authenticated"),
        (lambda: "lt_nothing_wrong", 401, "authentication_failed"),
        (lambda: _token(expires_at=timezone.now() - timedelta(seconds=1))[1], 401, "token_expired"),
        (lambda: _revoked(), 401, "token_revoked"),
        (lambda: _department_token()[1], 403, "permission_denied"),
        (lambda: _point_token()[1], 403, "permission_denied"),
    ],
)
def test_refused_tokens_get_json_errors_and_no_data(client, opinions, make, status, code):
    raw = make()
    response = client.get(URL, **(_auth(raw) if raw else {}))
    assert response.status_code == status
    body = response.json()
    assert body["code"] == code and any("\u4e00" <= ch <= "\u9fff" for ch in body["message"])
    assert "线下意见" not in response.content.decode()


def _point_token(scope: str = "batches:submit", **fields):
    from cms.roles import Role

    point = ContactPointFactory()
    coordinator = UserFactory(roles=[Role.COORDINATOR])
    point.coordinators.add(coordinator)
    return _token(holder="contact_point", contact_point=point, acting_user=coordinator, scope=scope, **fields)


def _department_token():
    from cms.roles import Role

    department = DepartmentFactory()
    liaison = UserFactory(roles=[Role.LIAISON])
    department.liaisons.add(liaison)
    return _token(holder="department", department=department, acting_user=liaison, scope="referrals")


def _revoked() -> str:
    token, raw = _token()
    services.token_revoke(token=token)
    return raw


def test_malformed_authorization_header(client, db):
    response = client.get(URL, HTTP_AUTHORIZATION="Token a b c")
    assert response.status_code == 401 and response.json()["code"] == "authentication_failed"
    response = client.get(URL, HTTP_AUTHORIZATION="Bearer \u00ff\u00fe")
    assert response.status_code == 401
    response = client.get(URL, HTTP_AUTHORIZATION="Bearer 令牌")
    assert response.status_code == 401 and response.json()["code"] == "authentication_failed"


def test_rate_limit_gives_429_with_retry_after(client, db):
    token, raw = _token(rate_per_minute=2)
    assert client.get(URL, **_auth(raw)).status_code == 200
    assert client.get(URL, **_auth(raw)).status_code == 200
    refused = client.get(URL, **_auth(raw))
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert refused.json()["code"] == "throttled"
    other, other_raw = _token(rate_per_minute=2)
    assert client.get(URL, **_auth(other_raw)).status_code == 200  # the limit is per token
    assert ApiTokenUse.objects.filter(token=token, status=429).count() == 1


def test_bad_parameters_are_json_errors(client, db):
    _token_obj, raw = _token()
    response = client.get(URL + "?after=x", **_auth(raw))
    assert response.status_code == 400 and response.json()["code"] == "invalid_parameter"


def test_binding_must_match_the_holder(db):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        _token(holder="department")
    with pytest.raises(ValidationError):
        _token(holder="staff", contact_point=ContactPointFactory())
    with pytest.raises(ValidationError):  # a contact point token acts for one of the point's coordinators
        _token(holder="contact_point", contact_point=ContactPointFactory(), acting_user=UserFactory())
    assert not ApiToken.objects.exists()


def test_admin_creates_a_token_shows_the_key_once_and_revokes_it(client, db):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(admin)
    response = client.post(
        "/admin/snippets/api/apitoken/add/",
        {
            "name": "数字人大平台",
            "holder": "staff",
            "scope": "opinions:read",
            "expires_at": (timezone.localtime() + timedelta(days=90)).strftime("%Y-%m-%d %H:%M"),
            "rate_per_minute": "60",
        },
        follow=True,
    )
    assert response.status_code == 200
    token = ApiToken.objects.get(name="数字人大平台")
    shown = [str(m) for m in response.context["messages"]]
    key = next(re.search(r"lt_[0-9a-f]{8}_[\w-]+", m).group(0) for m in shown if "lt_" in m)
    assert client.get(URL, **_auth(key)).status_code == 200
    response = client.post(
        f"/admin/snippets/api/apitoken/edit/{token.pk}/",
        {
            "name": "数字人大平台",
            "holder": "staff",
            "scope": "opinions:read",
            "expires_at": (timezone.localtime() + timedelta(days=90)).strftime("%Y-%m-%d %H:%M"),
            "rate_per_minute": "60",
            "revoke": "on",
        },
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert client.get(URL, **_auth(key)).status_code == 401


def test_admin_refuses_a_department_token_without_department(client, db):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(admin)
    response = client.post(
        "/admin/snippets/api/apitoken/add/",
        {
            "name": "x",
            "holder": "department",
            "scope": "opinions:read",
            "expires_at": "2099-01-01 00:00",
            "rate_per_minute": "60",
        },
    )
    assert response.status_code == 200
    assert "承办单位令牌须绑定一个承办单位" in response.content.decode()
    assert not ApiToken.objects.exists()
