# ruff: noqa: F811 - the referrals fixtures are imported and used as test arguments
"""The API against its own live schema (bench.api.fuzz): no server error, errors as JSON with a code and
a Chinese message, every success documented and valid against the schema. This is api.fuzz_failures
in CI, on a small data set: a closed draft with handled opinions, an open draft, a referral, a token
of each holder."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from bench.api import FuzzWorld, fuzz, schemathesis_fuzz
from comments.models import Disposition, Opinion
from tests.api.test_tokens import _point_token, _token
from tests.factories import DraftFactory
from tests.referrals.test_services import (  # noqa: F401 - fixtures
    coordinator,
    department,
    liaison,
    online_opinion,
    point,
    point_opinion,
    proposer,
    referral,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(draft, draft_index, article, referral, department, liaison, online_opinion):
    Opinion.objects.filter(pk=online_opinion.pk).update(
        disposition=Disposition.FORWARDED, disposition_reason="转有关部门研究", reason_public=True
    )
    type(draft).objects.filter(pk=draft.pk).update(
        opens_at=timezone.now() - timedelta(days=20), closes_at=timezone.now() - timedelta(days=1)
    )
    open_draft = DraftFactory(index=draft_index, slug="still-open", title="仍在征求意见的条例（草案）")
    _t, staff_key = _token()
    _t, point_key = _point_token()
    _t, department_key = _token(holder="department", department=department, acting_user=liaison, scope="referrals")
    return FuzzWorld(
        ids={
            "draft_id": draft.pk,
            "number": 1,
            "provision_id": article.pk,
            "referral_id": referral.pk,
            "article": article.pk,
        },
        tokens={"staff": staff_key, "contact_point": point_key, "department": department_key},
        batch_body={"draft": open_draft.pk, "items": [{"article": 3, "body": "建议明确物业公开收支的期限。"}]},
        reply_body={"text": "已研究，将在细则中明确。", "revision": None},
    )


def test_no_failures_against_the_live_schema(world):
    made, failures = fuzz(Client(), world, log=lambda message: None)
    assert made > 300
    assert failures == []


def test_schemathesis_finds_no_failure_against_the_live_schema(world):
    """Schemathesis (property-based, from the schema itself) over every operation: no server error, every
    status, content type, header and body as documented, schema-valid input accepted."""
    made, failures = schemathesis_fuzz(world, examples=15, log=print)
    assert made >= 15 * 20
    assert failures == []
