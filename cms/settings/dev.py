"""Development: the embedded defaults (SQLite, ORM broker, console e-mail) with DEBUG on."""

from .base import *  # noqa: F403
from .base import env_bool, env_str

DEBUG = env_bool("DEBUG", True)
DEV_SECRET_KEY = "dev-only-secret-key-not-for-production"  # noqa: S105 - refused by production.py
SECRET_KEY = env_str("SECRET_KEY", DEV_SECRET_KEY)
# Serve static files straight from the apps, without `collectstatic`.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
