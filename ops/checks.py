"""Deploy checks of operations (``manage.py check --deploy``): backups, the policy header, LDAP, mail, the
PostgreSQL client tools.

Start-up already refuses a production without SECRET_KEY or ALLOWED_HOSTS, or with DEBUG (cms.settings.production),
and cms.checks warns without REDIS_URL; these are the mistakes that still start.
"""

import os
import tempfile
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.checks import Tags, Warning, register
from django.utils import timezone

from ops.backup import backup_latest_time


@register(Tags.database, deploy=True)
def backups_are_made(app_configs, **kwargs):
    """BACKUP_DIR set, a writable directory, holding a backup younger than BACKUP_MAX_AGE_HOURS."""
    directory = settings.BACKUP_DIR
    if not directory:
        return [
            Warning(
                "未设置 BACKUP_DIR：不会自动备份数据库和上传的文件。 (BACKUP_DIR is not set: nothing is backed up.)",
                hint="设置 BACKUP_DIR 为一个可写目录（最好在另一块磁盘或网络存储上），见 README「运维」。",
                id="ops.W001",
            )
        ]
    path = Path(directory)
    if not _writable(path):
        return [
            Warning(
                f"备份目录 BACKUP_DIR 不存在或不可写，备份会失败。 (BACKUP_DIR is missing or not writable: {path})",
                hint="创建该目录，并让运行网站和后台任务的用户可写。",
                id="ops.W001",
            )
        ]
    latest = backup_latest_time(path)
    limit = timedelta(hours=settings.BACKUP_MAX_AGE_HOURS)
    if latest is None or timezone.now() - latest > limit:
        when = latest.isoformat() if latest else "无 none"
        return [
            Warning(
                f"最近一次备份早于 {settings.BACKUP_MAX_AGE_HOURS} 小时或还没有备份（{when}）。"
                f" (No backup younger than {settings.BACKUP_MAX_AGE_HOURS} hours.)",
                hint="运行 manage.py backup，并确认后台任务集群在运行（每日备份由它执行），"
                "或已配置 cron 或 systemd 定时器。",
                id="ops.W002",
            )
        ]
    return []


def _writable(path: Path) -> bool:
    if not path.is_dir() or not os.access(path, os.W_OK | os.X_OK):
        return False
    try:
        with tempfile.NamedTemporaryFile(dir=path, prefix=".write-check-"):
            return True
    except OSError:
        return False


@register(Tags.security, deploy=True)
def policy_is_enforced(app_configs, **kwargs):
    if not settings.CSP_REPORT_ONLY:
        return []
    return [
        Warning(
            "CSP_REPORT_ONLY 已开启：内容安全策略只报告不拦截。 (The Content-Security-Policy is report-only.)",
            hint="试用结束后去掉 CSP_REPORT_ONLY。",
            id="ops.W003",
        )
    ]


@register(Tags.security, deploy=True)
def ldap_is_encrypted(app_configs, **kwargs):
    """ldap:// without StartTLS sends staff passwords in clear text over the network."""
    uri = getattr(settings, "LDAP_SERVER_URI", "") or ""
    start_tls = getattr(settings, "LDAP_START_TLS", False) or getattr(settings, "AUTH_LDAP_START_TLS", False)
    plain = [part for part in uri.replace(",", " ").split() if part.lower().startswith("ldap://")]
    if not plain or start_tls:
        return []
    return [
        Warning(
            "LDAP_SERVER_URI 使用 ldap:// 且未启用 StartTLS：工作人员的密码会以明文在网络上传输。"
            " (LDAP over ldap:// without StartTLS sends passwords in clear text.)",
            hint="改用 ldaps://，或启用 StartTLS（LDAP_START_TLS=true）。",
            id="ops.W004",
        )
    ]


@register(Tags.compatibility, deploy=True)
def mail_is_sent(app_configs, **kwargs):
    """The development default prints e-mails to the console: nobody would receive them."""
    found = []
    if settings.EMAIL_BACKEND.endswith(("console.EmailBackend", "locmem.EmailBackend")):
        found.append(
            Warning(
                "EMAIL_URL 未设置为邮件服务器：确认邮件、重置密码和给工作人员的通知只会输出到控制台。"
                " (EMAIL_URL is not an SMTP server: e-mails are not sent.)",
                hint="设置 EMAIL_URL，例如 smtp://user:password@mail.example.gov.cn:587?tls=1。",
                id="ops.W005",
            )
        )
    return found


@register(Tags.database, deploy=True)
def pg_dump_matches_the_server(app_configs, **kwargs):
    """Backups need pg_dump, pg_restore and psql of at least the server's major version."""
    from django.db import DatabaseError, connection

    from ops.backup import server_major_version, tool_major_version

    if connection.vendor != "postgresql":
        return []
    try:
        server = server_major_version()
    except DatabaseError:
        return []  # the database checks report an unreachable database
    wrong = []
    for tool in ("pg_dump", "pg_restore", "psql"):
        major = tool_major_version(tool)
        if major is None or major < server:
            wrong.append(f"{tool} {major or '未安装 missing'}")
    if not wrong:
        return []
    return [
        Warning(
            f"PostgreSQL 客户端程序与服务器（{server}）不匹配：{'，'.join(wrong)}，备份和恢复会失败。"
            f" (PostgreSQL client tools older than the server or missing.)",
            hint=f"安装 postgresql-client-{server}。",
            id="ops.W006",
        )
    ]


@register(Tags.urls, deploy=True)
def health_answers_first(app_configs, **kwargs):
    """/healthz must come before the host check and the HTTPS redirect, or the load balancer's probe fails."""
    if settings.MIDDLEWARE and settings.MIDDLEWARE[0] == "ops.middleware.HealthCheckMiddleware":
        return []
    return [
        Warning(
            "ops.middleware.HealthCheckMiddleware 不在 MIDDLEWARE 的第一位：负载均衡器对 /healthz 的探测"
            "可能被主机名检查拒绝或被重定向到 HTTPS。 (The health middleware must come first.)",
            id="ops.W007",
        )
    ]
