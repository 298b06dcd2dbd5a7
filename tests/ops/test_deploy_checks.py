"""manage.py check --deploy with the production settings: clean with a full environment, and each new
warning when its setting is missing or wrong."""

import pytest
from django.test import override_settings

from ops import checks
from ops.backup import backup_create
from tests.commands import manage


@pytest.fixture
def production_env(transactional_db, file_roots, tmp_path):
    """A full production environment, with a backup made a moment ago."""
    backup_create()
    return {
        "SECRET_KEY": "k3y-" + "x1y2z3w4" * 7,
        "ALLOWED_HOSTS": "lifa.example.gov.cn",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'site.sqlite3'}",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "EMAIL_URL": "smtp://lifa:secret@mail.example.gov.cn:587?tls=1",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "PRIVATE_MEDIA_ROOT": str(tmp_path / "private"),
        "BACKUP_DIR": str(tmp_path / "backups"),
    }


def _check_deploy(env):
    return manage("check", "--deploy", "--fail-level", "WARNING", env_vars=env, settings="cms.settings.production")


def test_check_deploy_is_clean_with_a_full_production_environment(production_env):
    result = _check_deploy(production_env)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("change", "warning"),
    [
        ({"BACKUP_DIR": None}, "ops.W001"),
        ({"BACKUP_DIR": "/nonexistent/backups"}, "ops.W001"),
        ({"BACKUP_MAX_AGE_HOURS": "0"}, "ops.W002"),
        ({"CSP_REPORT_ONLY": "true"}, "ops.W003"),
        ({"EMAIL_URL": None}, "ops.W005"),
    ],
)
def test_check_deploy_warns_without_a_key_setting(production_env, change, warning):
    env = {**production_env, **{k: v for k, v in change.items() if v is not None}}
    for key, value in change.items():
        if value is None:
            env.pop(key)
    result = _check_deploy(env)
    assert result.returncode != 0
    assert warning in result.stderr


def test_an_empty_backup_dir_warns_that_there_is_no_backup(tmp_path, settings):
    settings.BACKUP_DIR = str(tmp_path)
    assert [w.id for w in checks.backups_are_made(None)] == ["ops.W002"]


@pytest.mark.parametrize(
    ("ldap", "warns"),
    [
        ({"LDAP_SERVER_URI": "ldap://ldap.example.gov.cn"}, True),
        ({"LDAP_SERVER_URI": "ldaps://ldap.example.gov.cn"}, False),
        ({"LDAP_SERVER_URI": "ldap://ldap.example.gov.cn", "LDAP_START_TLS": True}, False),
        ({"LDAP_SERVER_URI": ""}, False),
        ({}, False),
    ],
)
def test_ldap_without_tls_warns(ldap, warns):
    with override_settings(**ldap):
        found = [w.id for w in checks.ldap_is_encrypted(None)]
    assert found == (["ops.W004"] if warns else [])


def test_the_health_middleware_must_come_first(settings):
    assert checks.health_answers_first(None) == []
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != "ops.middleware.HealthCheckMiddleware"]
    assert [w.id for w in checks.health_answers_first(None)] == ["ops.W007"]
