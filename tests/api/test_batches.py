"""A contact point's system submits a batch: the spreadsheet's rules, all-or-nothing, once per key."""

import io
import json

import pytest

from api.models import IdempotentRequest
from comments.models import Channel, Opinion
from contact_points.models import BatchItem, OpinionBatch
from tests.api.test_tokens import _auth, _point_token, _token

pytestmark = pytest.mark.django_db
URL = "/api/v1/contact-points/batches/"


def _post(client, raw, body, key="k-1", **headers):
    data = body if isinstance(body, str | bytes) else json.dumps(body, ensure_ascii=False)
    if key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post(URL, data=data, content_type="application/json", **_auth(raw), **headers)


def _items(n=3):
    return [{"article": i % 10 + 1, "body": f"第{i}条意见", "proposer": "居民"} for i in range(n)]


def test_batch_creates_opinions_once_per_key(client, draft):
    token, raw = _point_token()
    first = _post(client, raw, {"draft": draft.pk, "items": [*_items(2), {"article": "总体", "body": "整体意见"}]})
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["created"] == 3
    opinions = Opinion.objects.filter(draft=draft, channel=Channel.CONTACT_POINT)
    assert opinions.count() == 3
    assert set(opinions.values_list("article__number", flat=True)) == {1, 2, None}
    assert OpinionBatch.objects.get(pk=body["batch"]).submitted_by == token.acting_user
    again = _post(client, raw, {"draft": draft.pk, "items": [*_items(2), {"article": "总体", "body": "整体意见"}]})
    assert again.status_code == 200 and again.json() == body and again["Idempotent-Replayed"] == "true"
    assert opinions.count() == 3
    other_payload = _post(client, raw, {"draft": draft.pk, "items": _items(1)})
    assert other_payload.status_code == 422 and other_payload.json()["code"] == "idempotency_key_reused"
    assert opinions.count() == 3


def test_every_faulty_item_is_listed_and_nothing_is_stored(client, draft):
    _token_obj, raw = _point_token()
    items = [
        {"article": 1, "body": "好的"},
        {"article": 99, "body": "没有这一条"},
        {"article": 2, "body": ""},
        {"article": "第十二条之一", "body": "x"},
        {"article": 3, "body": "x", "proposer_category": "外星人"},
        {"article": 3, "body": "x" * 5001},
        {"article": 3, "body": 12},
        {"article": 3, "body": "x", "colour": "red"},
        "not an object",
    ]
    response = _post(client, raw, {"draft": draft.pk, "items": items})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "items"
    indexes = sorted({e["index"] for e in body["detail"]})
    assert indexes == [6, 7, 8]  # the shape is checked first: wrong types and unknown fields
    response = _post(client, raw, {"draft": draft.pk, "items": items[:6]}, key="k-2")
    detail = response.json()["detail"]
    assert sorted({e["index"] for e in detail}) == [1, 2, 3, 4, 5]
    assert any("草案中没有第九十九条" in e["message"] for e in detail)
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in e["message"]) for e in detail)
    assert not Opinion.objects.exists() and not BatchItem.objects.exists()
    assert not IdempotentRequest.objects.exists()
    fixed = _post(client, raw, {"draft": draft.pk, "items": [items[0]]}, key="k-2")
    assert fixed.status_code == 201  # a refused key stored nothing, so it can be used for the corrected batch


@pytest.mark.parametrize(
    "data, code",
    [
        ("{not json", "malformed"),
        ("[]", "invalid"),
        ('{"draft": "1", "items": []}', "invalid"),
        ('{"draft": true, "items": []}', "invalid"),
        ('{"draft": 1, "items": {}}', "invalid"),
        ('{"draft": 1, "items": [], "x": 1}', "unknown_fields"),
        ('{"draft": 99999999, "items": [{"body": "x"}]}', "not_found"),
    ],
)
def test_garbage_bodies_get_json_errors(client, draft, data, code):
    _token_obj, raw = _point_token()
    response = _post(client, raw, data)
    assert 400 <= response.status_code < 500
    assert response.json()["code"] == code
    assert not Opinion.objects.exists()


def test_empty_batch_and_missing_key(client, draft):
    _token_obj, raw = _point_token()
    assert _post(client, raw, {"draft": draft.pk, "items": []}).json()["code"] == "empty"
    assert _post(client, raw, {"draft": draft.pk, "items": _items(1)}, key=None).json()["code"] == "idempotency_key"


def _body_of_size(draft, size: int) -> bytes:
    """A valid one-opinion batch padded with spaces (still valid JSON) to exactly `size` bytes."""
    body = json.dumps({"draft": draft.pk, "items": _items(1)}, ensure_ascii=False).encode()
    assert len(body) <= size
    return body[:-1] + b" " * (size - len(body)) + b"}"


def _assert_too_large(response, limit: int):
    assert response.status_code == 413, response.content
    body = response.json()
    assert body["code"] == "too_large" and body["detail"] == {"limit": limit}
    assert f"{limit:,} 字节" in body["message"] and "上限" in body["message"]
    assert not Opinion.objects.exists() and not IdempotentRequest.objects.exists()


def test_a_body_over_the_batch_limit_is_refused_with_a_json_413(client, draft, settings):
    settings.API_BATCH_MAX_BYTES = 4096
    _token_obj, raw = _point_token()
    _assert_too_large(_post(client, raw, _body_of_size(draft, 4097)), 4096)


def test_a_body_just_under_the_limit_is_read_even_over_djangos_own_limit(client, draft, settings):
    settings.API_BATCH_MAX_BYTES = 4096
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000  # other views keep Django's limit; this one has its own
    _token_obj, raw = _point_token()
    response = _post(client, raw, _body_of_size(draft, 4096))
    assert response.status_code == 201, response.content
    assert Opinion.objects.count() == 1
    again = _post(client, raw, _body_of_size(draft, 4096))
    assert again.status_code == 200 and again["Idempotent-Replayed"] == "true" and again.json() == response.json()
    assert Opinion.objects.count() == 1


def test_the_limit_holds_when_content_length_lies_is_missing_or_invalid(client, draft, settings):
    settings.API_BATCH_MAX_BYTES = 4096
    _token_obj, raw = _point_token()
    big = _body_of_size(draft, 5000)
    # Declared over the limit: refused before anything is read.
    _assert_too_large(_post(client, raw, _body_of_size(draft, 100), CONTENT_LENGTH="999999"), 4096)
    # Missing or not a number, on a server that marks the input as terminated (gunicorn): counted while read.
    for length in ("", "abc", "-1"):
        stream = {"wsgi.input": io.BytesIO(big), "wsgi.input_terminated": True, "CONTENT_LENGTH": length}
        _assert_too_large(_post(client, raw, big, **stream), 4096)
    # Declared shorter than what is sent: only the declared bytes are read, and they are not valid JSON.
    short = _post(client, raw, big, CONTENT_LENGTH="100")
    assert short.status_code == 400 and short.json()["code"] == "malformed"
    assert not Opinion.objects.exists()


def test_a_missing_length_with_a_small_terminated_body_is_accepted(client, draft):
    _token_obj, raw = _point_token()
    body = _body_of_size(draft, 300)
    stream = {"wsgi.input": io.BytesIO(body), "wsgi.input_terminated": True, "CONTENT_LENGTH": ""}
    response = _post(client, raw, body, **stream)
    assert response.status_code == 201, response.content
    assert Opinion.objects.count() == 1


def test_only_a_contact_point_token_with_the_scope_submits(client, draft):
    _staff, staff_raw = _token()
    _reader, reader_raw = _point_token(scope="opinions:read")
    for raw in (staff_raw, reader_raw):
        response = _post(client, raw, {"draft": draft.pk, "items": _items(1)})
        assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    anonymous = client.post(URL, data="{}", content_type="application/json", HTTP_IDEMPOTENCY_KEY="a")
    assert anonymous.status_code == 401
    assert not Opinion.objects.exists()


def test_keys_belong_to_one_point(client, draft):
    _a, raw_a = _point_token()
    _b, raw_b = _point_token()
    first = _post(client, raw_a, {"draft": draft.pk, "items": _items(1)}, key="same")
    second = _post(client, raw_b, {"draft": draft.pk, "items": _items(1)}, key="same")
    assert first.status_code == second.status_code == 201
    assert first.json()["batch"] != second.json()["batch"]  # another point's key never replays its batch


def test_a_coordinator_no_longer_of_the_point_is_refused(client, draft):
    token, raw = _point_token()
    token.contact_point.coordinators.remove(token.acting_user)
    response = _post(client, raw, {"draft": draft.pk, "items": _items(1)})
    assert response.status_code == 403
    assert not Opinion.objects.exists()


def test_an_item_may_propose_a_wording_as_the_spreadsheet_column_does(client, draft):
    _token_obj, raw = _point_token()
    third = draft.current_version.provisions.get(kind="article", number=3)
    items = [
        {"article": 3, "body": "加个顿号", "proposal": third.text.replace("权利义务", "权利、义务")},
        {"article": 4, "body": "删掉", "proposal": "删除本条"},
        {"article": 5, "body": "照抄", "proposal": draft.current_version.provisions.get(number=5, kind="article").text},
    ]
    refused = _post(client, raw, {"draft": draft.pk, "items": items})
    assert refused.status_code == 422
    assert [(e["index"], "与现在的条文相同" in e["message"]) for e in refused.json()["detail"]] == [(2, True)]
    assert not Opinion.objects.exists()
    created = _post(client, raw, {"draft": draft.pk, "items": items[:2]}, key="k-2")
    assert created.status_code == 201, created.content
    assert Opinion.objects.get(body="加个顿号").proposal.text == third.text.replace("权利义务", "权利、义务")
    assert Opinion.objects.get(body="删掉").proposal.kind == "delete"
