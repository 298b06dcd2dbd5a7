"""Tests: fast hashing, local memory cache and e-mail, tasks run synchronously."""

from .base import *  # noqa: F403
from .base import Q_CLUSTER

DEBUG = False
SECRET_KEY = "test-only-secret-key"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SMS_BACKEND = "cms.sms.LocmemBackend"
Q_CLUSTER = {**Q_CLUSTER, "sync": True}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "private": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
# Serve static files straight from the apps, without `collectstatic`.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# The search contract tests search right after writing.
ELASTICSEARCH_WAIT_FOR_REFRESH = True

# Every commit queues its background work at once (production coalesces it, QUEUE_DEBOUNCE_SECONDS).
QUEUE_DEBOUNCE_SECONDS = 0
# Every test starts with an empty cache: every process-local copy must be asked for again.
GENERATION_FRESH_SECONDS = 0
# Every probe runs its checks (tests change what they check between requests).
HEALTH_MEMO_SECONDS = 0
