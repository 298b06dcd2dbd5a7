"""Benchmarks: production-like (DEBUG off, cached templates) against a database of their own."""

import importlib.util

from .base import *  # noqa: F403
from .base import BASE_DIR, DEFAULT_FROM_EMAIL, INSTALLED_APPS, env_database

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

# django-comments-xtd, the usual threaded-comments app for Django and Wagtail, rendered side by side
# with our own threads (bench/xtd.py). Only when requirements-bench.txt is installed (`make bench` does
# it), so that these settings load without it. django.contrib.sites is its dependency, separate from
# Wagtail's own Site model (wagtailcore_site, which serves the pages); migrating it creates the
# example.com row of django_site that SITE_ID = 1 names.
if all(importlib.util.find_spec(name) for name in ("django_comments_xtd", "django_comments", "rest_framework")):
    INSTALLED_APPS = [*INSTALLED_APPS, "django.contrib.sites", "django_comments_xtd", "django_comments"]
    SITE_ID = 1
    COMMENTS_APP = "django_comments_xtd"
    COMMENTS_XTD_MAX_THREAD_LEVEL = 1  # two levels, as ours: comments and replies to them
    COMMENTS_XTD_CONFIRM_EMAIL = False
    COMMENTS_XTD_THREADED_EMAILS = False
    COMMENTS_XTD_FROM_EMAIL = DEFAULT_FROM_EMAIL
    COMMENTS_XTD_CONTACT_EMAIL = DEFAULT_FROM_EMAIL
    # Its comment template reverses its URLs (reply, permalink, flag): cms.urls plus django_comments_xtd.urls.
    ROOT_URLCONF = "bench.urls"
