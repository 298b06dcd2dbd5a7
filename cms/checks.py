"""System checks for deployment (``manage.py check --deploy``)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, Tags.caches, deploy=True)
def limits_need_a_shared_cache(app_configs, **kwargs):
    """Without REDIS_URL the sign-in, code and posting limits live in each process's memory: every worker (and
    every restart) starts counting again, so N workers allow N times the limit."""
    if getattr(settings, "REDIS_URL", None):
        return []
    return [
        Warning(
            "未设置 REDIS_URL：登录、验证码和提交意见的次数限制只保存在每个进程的内存中，多个进程各自计数。"
            " (REDIS_URL is not set: login, code and posting limits are counted per process, not shared.)",
            hint="生产环境请设置 REDIS_URL，例如 redis://127.0.0.1:6379/0 (set REDIS_URL in production).",
            id="cms.W001",
        )
    ]
