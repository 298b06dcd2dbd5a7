"""Read settings from the environment, failing loudly on a bad value.

Every helper raises ImproperlyConfigured naming the variable, so a typo in a deployment
stops start-up with a message instead of running with a surprising default.
"""

import os
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_MISSING = object()
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _raw(name: str, default):
    value = os.environ.get(name)
    if value is None:
        if default is _MISSING:
            raise ImproperlyConfigured(f"环境变量 {name} 未设置 (environment variable {name} is required)")
        return None
    return value.strip()


def env_str(name: str, default=_MISSING) -> str:
    value = _raw(name, default)
    return default if value is None else value


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name, default)
    if value is None:
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"环境变量 {name} 的值 {value!r} 无效，应为 true 或 false (environment variable {name} must be true or false)"
    )


def env_int(name: str, default: int) -> int:
    value = _raw(name, default)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(
            f"环境变量 {name} 的值 {value!r} 不是整数 (environment variable {name} must be an integer)"
        ) from None


def env_float(name: str, default: float) -> float:
    value = _raw(name, default)
    if value is None:
        return default
    try:
        return float(value)
    except ValueError:
        raise ImproperlyConfigured(
            f"环境变量 {name} 的值 {value!r} 不是数字 (environment variable {name} must be a number)"
        ) from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name, default)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_url(name: str, default: str | None, *, schemes: tuple[str, ...], bare: tuple[str, ...] = ()) -> str | None:
    """A URL whose scheme is one of `schemes`, or the default when unset or empty.

    A URL of the `bare` schemes needs nothing after the scheme (console://); the others need a place.
    """
    value = _raw(name, default)
    if not value:
        return default
    parts = urlsplit(value)
    if parts.scheme not in schemes or not (parts.netloc or parts.path or parts.scheme in bare):
        raise ImproperlyConfigured(
            f"环境变量 {name} 的值 {value!r} 无效，应以 {' 或 '.join(s + '://' for s in schemes)} 开头 "
            f"(environment variable {name} must be a {'/'.join(schemes)} URL)"
        )
    return value


def env_database(name: str, default: str) -> dict:
    url = env_url(name, default, schemes=("sqlite", "postgres", "postgresql", "pgsql"))
    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except Exception as exc:  # dj_database_url raises several kinds on a malformed URL
        raise ImproperlyConfigured(f"环境变量 {name} 无效 (environment variable {name}): {exc}") from exc
    if config["ENGINE"].endswith("sqlite3"):
        # The ORM task broker and the web server write the same file: wait for locks, and take
        # the write lock at the start of a transaction so that concurrent writers queue instead
        # of failing with "database is locked".
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    return config


def env_email(name: str, default: str) -> dict:
    """Django e-mail settings from one URL: smtp://user:pass@host:port, smtps://…, console://, locmem://."""
    url = env_url(name, default, schemes=("smtp", "smtps", "console", "locmem", "file"), bare=("console", "locmem"))
    parts = urlsplit(url)
    backends = {
        "smtp": "django.core.mail.backends.smtp.EmailBackend",
        "smtps": "django.core.mail.backends.smtp.EmailBackend",
        "console": "django.core.mail.backends.console.EmailBackend",
        "locmem": "django.core.mail.backends.locmem.EmailBackend",
        "file": "django.core.mail.backends.filebased.EmailBackend",
    }
    config = {"EMAIL_BACKEND": backends[parts.scheme]}
    if parts.scheme in ("smtp", "smtps"):
        try:
            port = parts.port or (465 if parts.scheme == "smtps" else 25)
        except ValueError:
            raise ImproperlyConfigured(f"环境变量 {name} 的端口无效 (bad port in {name})") from None
        config.update(
            EMAIL_HOST=parts.hostname or "",
            EMAIL_PORT=port,
            EMAIL_HOST_USER=parts.username or "",
            EMAIL_HOST_PASSWORD=parts.password or "",
            EMAIL_USE_SSL=parts.scheme == "smtps",
            EMAIL_USE_TLS=parts.scheme == "smtp" and "tls=1" in (parts.query or ""),
        )
    elif parts.scheme == "file":
        config["EMAIL_FILE_PATH"] = parts.path
    return config
