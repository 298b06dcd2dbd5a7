"""Start-up refuses bad configuration, naming the variable; production settings are deploy-clean."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from cms import env
from tests.commands import manage

PRODUCTION_ENV = {
    "SECRET_KEY": "k3y-" + "x1y2z3w4" * 7,
    "ALLOWED_HOSTS": "lifa.example.gov.cn",
    "DATABASE_URL": "sqlite:///:memory:",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DATABASE_URL", "mysql://root@localhost/x"),
        ("DATABASE_URL", "not a url"),
        ("REDIS_URL", "http://127.0.0.1:6379"),
        ("ELASTICSEARCH_URL", "localhost:9200"),
        ("DEBUG", "maybe"),
        ("EMAIL_URL", "pop3://mail"),
        ("Q_WORKERS", "two"),
    ],
)
def test_bad_value_stops_start_up_naming_the_variable(name, value):
    result = manage("check", env_vars={name: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert name in result.stderr.splitlines()[-1]


def test_production_refuses_debug():
    result = manage("check", env_vars={**PRODUCTION_ENV, "DEBUG": "true"}, settings="cms.settings.production")
    assert result.returncode != 0 and "DEBUG" in result.stderr.splitlines()[-1]


@pytest.mark.parametrize("secret", [None, "dev-only-secret-key-not-for-production", "too-short"])
def test_production_refuses_missing_default_or_weak_secret(secret):
    env_vars = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    if secret is not None:
        env_vars["SECRET_KEY"] = secret
    result = manage("check", env_vars=env_vars, settings="cms.settings.production")
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr.splitlines()[-1]


def test_production_requires_allowed_hosts():
    env_vars = {k: v for k, v in PRODUCTION_ENV.items() if k != "ALLOWED_HOSTS"}
    result = manage("check", env_vars=env_vars, settings="cms.settings.production")
    assert result.returncode != 0 and "ALLOWED_HOSTS" in result.stderr.splitlines()[-1]


# check --deploy clean with a full production environment (a backup directory with a fresh backup, a mail
# server): tests/ops/test_deploy_checks.py.


def test_check_deploy_warns_when_limits_are_counted_per_process():
    env_vars = {k: v for k, v in PRODUCTION_ENV.items() if k != "REDIS_URL"}
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", env_vars=env_vars, settings="cms.settings.production"
    )
    assert result.returncode != 0 and "cms.W001" in result.stderr


def test_env_helpers_parse_good_values(monkeypatch):
    monkeypatch.setenv("X_BOOL", "Yes")
    monkeypatch.setenv("X_LIST", "a.example, b.example,,")
    monkeypatch.setenv("X_DB", "postgres://u:p@db.internal:5433/lifa")
    assert env.env_bool("X_BOOL", False) is True
    assert env.env_list("X_LIST", []) == ["a.example", "b.example"]
    db = env.env_database("X_DB", "sqlite:///x")
    assert (db["HOST"], db["PORT"], db["NAME"]) == ("db.internal", 5433, "lifa")
    assert env.env_bool("X_UNSET", True) is True


def test_env_email_url(monkeypatch):
    monkeypatch.setenv("X_MAIL", "smtp://user:secret@mail.example.gov.cn:587?tls=1")
    config = env.env_email("X_MAIL", "console://")
    assert config["EMAIL_HOST"] == "mail.example.gov.cn" and config["EMAIL_PORT"] == 587
    assert config["EMAIL_USE_TLS"] and not config["EMAIL_USE_SSL"]


@pytest.mark.parametrize(
    ("url", "backend"),
    [("console://", "console"), ("locmem://", "locmem"), ("file:///tmp/mail", "filebased")],
)
def test_email_urls_the_readme_documents_are_accepted(monkeypatch, url, backend):
    monkeypatch.setenv("X_MAIL", url)
    assert (
        env.env_email("X_MAIL", "smtp://mail")["EMAIL_BACKEND"] == f"django.core.mail.backends.{backend}.EmailBackend"
    )


def test_an_smtp_url_without_a_host_is_refused(monkeypatch):
    monkeypatch.setenv("X_MAIL", "smtp://")
    with pytest.raises(ImproperlyConfigured, match="X_MAIL"):
        env.env_email("X_MAIL", "console://")


def test_required_variable_missing_names_it(monkeypatch):
    monkeypatch.delenv("X_REQUIRED", raising=False)
    with pytest.raises(ImproperlyConfigured, match="X_REQUIRED"):
        env.env_str("X_REQUIRED")
