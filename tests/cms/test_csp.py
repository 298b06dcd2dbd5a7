"""Content-Security-Policy (issue 21 item 11): strict on public pages, Wagtail's inline scripts allowed in the
admin only; the browser tests fail on any violation (tests/e2e/conftest.py)."""

import pytest

pytestmark = pytest.mark.django_db


def test_public_pages_get_the_strict_policy(client, draft):
    policy = client.get(draft.url).headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "style-src 'self';" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy


def test_the_admin_allows_inline_scripts_but_nothing_from_elsewhere(client, staff):
    client.force_login(staff)
    policy = client.get("/admin/").headers["Content-Security-Policy"]
    assert "script-src 'self' 'unsafe-inline'" in policy
    assert "default-src 'self'" in policy and "http" not in policy


def test_report_only_when_asked(client, draft, settings):
    from django.test import override_settings

    with override_settings(CSP_REPORT_ONLY=True):
        from django.test import Client

        response = Client().get(draft.url)
    assert "Content-Security-Policy-Report-Only" in response.headers
    assert "Content-Security-Policy" not in response.headers
