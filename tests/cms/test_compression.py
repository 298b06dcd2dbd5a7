import gzip

import pytest

from tests.factories import DraftFactory

pytestmark = pytest.mark.django_db


def test_html_is_gzipped_by_the_app_when_the_browser_accepts_it(client, draft_index):
    DraftFactory(index=draft_index, title="压缩测试条例")
    plain = client.get("/")
    packed = client.get("/", headers={"accept-encoding": "gzip, deflate, br"})
    assert plain.status_code == packed.status_code == 200
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    body = gzip.decompress(packed.content)
    assert "压缩测试条例" in body.decode()
    assert len(packed.content) < len(plain.content) / 2


def test_csrf_token_differs_between_two_compressed_responses(client):
    # BREACH mitigation we rely on: the masked CSRF token changes with every response.
    first = gzip.decompress(client.get("/accounts/login/", headers={"accept-encoding": "gzip"}).content).decode()
    second = gzip.decompress(client.get("/accounts/login/", headers={"accept-encoding": "gzip"}).content).decode()
    token = 'name="csrfmiddlewaretoken" value="'
    assert token in first
    assert first.split(token)[1][:64] != second.split(token)[1][:64]
