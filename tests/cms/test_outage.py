"""In an outage (PostgreSQL or Redis down) a person gets a 503 that says plainly nothing was saved and that
the typed text is still in the browser; with Redis down, pages and sessions keep working without it and a
rate limit fails closed, never open."""

import pytest
from django.core.cache import cache
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

from comments import services
from comments.models import Opinion

pytestmark = pytest.mark.django_db

NO_REDIS = {
    "default": {
        "BACKEND": "cms.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there: refused at once
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}


def test_a_post_during_a_database_outage_gets_503_saying_nothing_was_saved(draft, article, citizen, monkeypatch):
    def down(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(services, "opinion_post", down)
    client = Client(raise_request_exception=False)
    client.force_login(citizen)
    data = {"draft": draft.pk, "article": article.pk, "body": "建议明确物业服务收费标准。"}
    response = client.post(reverse("comments:new"), data)
    assert response.status_code == 503 and response["Retry-After"] == "30"
    body = response.content.decode()
    assert "您刚才提交的内容没有保存" in body and "返回" in body and "not saved" in body
    assert not Opinion.objects.exists()


def test_a_bug_is_still_a_500(client, monkeypatch, draft, article, citizen):
    def bug(**kwargs):
        raise ZeroDivisionError

    monkeypatch.setattr(services, "opinion_post", bug)
    client = Client(raise_request_exception=False)
    client.force_login(citizen)
    response = client.post(reverse("comments:new"), {"draft": draft.pk, "article": article.pk, "body": "意见"})
    assert response.status_code == 500 and "Retry-After" not in response


def test_with_redis_down_pages_and_sessions_work_and_counting_fails_closed(settings, draft, article, citizen):
    settings.CACHES = NO_REDIS
    assert cache.get("anything") is None  # a miss, not an error
    cache.set("anything", 1)  # dropped, not an error
    client = Client(raise_request_exception=False)
    client.force_login(citizen)  # the session is stored in the database (cached_db)
    page = client.get(draft.url)
    assert page.status_code == 200 and citizen.known_name in page.content.decode()
    response = client.post(
        reverse("comments:new"), {"draft": draft.pk, "article": article.pk, "body": "建议明确物业服务收费标准。"}
    )
    # Posting counts against a limit in Redis: without it, no post, and the page says so (never unlimited).
    assert response.status_code == 503 and "没有保存" in response.content.decode()
    assert not Opinion.objects.exists()
