import os
import uuid

import pytest
import redis

URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"


@pytest.fixture
def redis_cache(settings):
    client = redis.Redis.from_url(URL)
    try:
        client.ping()
    except redis.ConnectionError:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no Redis at {URL}")
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    settings.CACHES = {"default": {"BACKEND": "cms.cache.RedisCache", "LOCATION": URL, "KEY_PREFIX": prefix}}
    yield client
    keys = list(client.scan_iter(match=f"{prefix}:*"))
    if keys:
        client.delete(*keys)
    client.close()
