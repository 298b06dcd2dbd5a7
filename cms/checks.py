"""System checks for deployment (``manage.py check --deploy``)."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from cms.roles import Role


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


@register(Tags.security)
def directory_settings(app_configs, **kwargs):
    """The directory's settings (cms/directory.py): a mistake there would give or take roles at every sign-in,
    so it stops start-up instead."""
    from cms import directory

    errors = []
    try:
        unknown = directory.unknown_roles()
    except directory.MappingError as exc:
        errors.append(
            Error(
                "LDAP_GROUP_ROLES 不是有效的 JSON 对象（键为目录组 DN，值为角色名称）。"
                f" (LDAP_GROUP_ROLES must be a JSON object of group DN to role name: {exc})",
                id="cms.E001",
            )
        )
    else:
        if unknown:
            errors.append(
                Error(
                    f"LDAP_GROUP_ROLES 中有未知的角色：{'、'.join(unknown)}。"
                    f" (unknown role names in LDAP_GROUP_ROLES: {', '.join(unknown)})",
                    hint="可用的角色 (roles): " + "、".join(str(role) for role in Role),
                    id="cms.E002",
                )
            )
    kinds = directory.known_unit_kinds()
    try:
        units = directory.group_units()
    except directory.MappingError as exc:
        errors.append(
            Error(
                "LDAP_GROUP_UNITS 不是有效的 JSON 对象（键为目录组 DN，值为“类型:编号或名称”）。"
                f" (LDAP_GROUP_UNITS must be a JSON object of group DN to kind:reference: {exc})",
                id="cms.E003",
            )
        )
        units = {}
    bad_kinds = sorted({kind for kind, _ref in units.values() if kind not in kinds})
    if bad_kinds:
        errors.append(
            Error(
                f"LDAP_GROUP_UNITS 中有未知的单位类型：{'、'.join(bad_kinds)}。"
                f" (unknown unit kinds in LDAP_GROUP_UNITS: {', '.join(bad_kinds)})",
                hint="可用的类型 (kinds): " + ", ".join(sorted(kinds)),
                id="cms.E004",
            )
        )
    if settings.LDAP_SERVER_URI and not settings.LDAP_USER_SEARCH_BASE:
        errors.append(
            Error(
                "已设置 LDAP_SERVER_URI，但未设置 LDAP_USER_SEARCH_BASE。"
                " (LDAP_SERVER_URI is set but LDAP_USER_SEARCH_BASE is not.)",
                id="cms.E005",
            )
        )
    if settings.LDAP_SERVER_URI and "%(user)s" not in settings.LDAP_USER_FILTER:
        errors.append(
            Error(
                "LDAP_USER_FILTER 中须含有 %(user)s（登录名所在的位置）。 (LDAP_USER_FILTER must contain %(user)s.)",
                id="cms.E007",
            )
        )
    if (settings.LDAP_GROUP_ROLES.strip() or settings.LDAP_GROUP_UNITS.strip()) and not settings.LDAP_GROUP_SEARCH_BASE:
        errors.append(
            Error(
                "设置了目录组的映射，但未设置 LDAP_GROUP_SEARCH_BASE，无法查到用户所在的组。"
                " (LDAP_GROUP_ROLES/LDAP_GROUP_UNITS need LDAP_GROUP_SEARCH_BASE.)",
                id="cms.E006",
            )
        )
    return errors
