"""Benchmarks: production-like (DEBUG off, cached templates) against a database of their own."""

from .base import *  # noqa: F403
from .base import BASE_DIR, env_database

DEBUG = False
SECRET_KEY = "bench-only-secret-key-not-for-production"  # noqa: S105 - refused by production.py
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
# Never the development database: the benchmark data set is dropped and rebuilt at will.
DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{BASE_DIR / 'bench.sqlite3'}")}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SMS_BACKEND = "cms.sms.LocmemBackend"
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
