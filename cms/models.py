"""Accounts, the home page and the shared site models."""

import re

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

MAINLAND_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


class User(AbstractUser):
    """A person with an account: a citizen, or someone holding one of the roles in cms.roles.

    Phone, e-mail and real name are private: public pages only ever show `public_name`.
    """

    email = models.EmailField(_("电子邮箱"), blank=True)
    phone = models.CharField(_("手机号码"), max_length=11, blank=True)
    display_name = models.CharField(
        _("公开显示名称"),
        max_length=30,
        blank=True,
        help_text=_("在公开页面上显示；留空则显示为“匿名”。"),
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    objects = UserManager()

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.UniqueConstraint(Lower("email"), condition=~Q(email=""), name="user_email_unique_ci"),
            models.UniqueConstraint(fields=["phone"], condition=~Q(phone=""), name="user_phone_unique"),
        ]

    @property
    def public_name(self) -> str:
        """What a citizen's public comments show: the display name or 匿名."""
        return self.display_name or str(_("匿名"))

    def get_full_name(self) -> str:
        """The person's real name when given (Chinese order, 姓 then 名, no space between Chinese
        characters), else the display name. Wagtail's admin shows this."""
        last, first = self.last_name.strip(), self.first_name.strip()
        joiner = " " if (last + first).isascii() else ""
        return joiner.join(part for part in (last, first) if part) or self.display_name

    @property
    def known_name(self) -> str:
        """How the person is named wherever staff look (audit trail, referrals, exports, assignees) and to
        themselves (the site header, e-mails): a name, or the user name, never 匿名."""
        return self.get_full_name() or self.username

    def has_role(self, role: str) -> bool:
        """True when the user is in the group of that role (names in cms.roles.Role)."""
        if not self.is_authenticated:
            return False
        cached = getattr(self, "_role_names", None)
        if cached is None:
            cached = self._role_names = self._load_role_names()
        return role in cached

    @classmethod
    def role_names_sql(cls, select: str, user_id: str) -> str:
        """SELECT `select` over the names of the roles of the user `user_id` (an SQL expression: a column of
        an outer query, or %s). Plain SQL: every post asks (is the author staff?), and building
        `self.groups.values_list(...)` cost four times the query itself."""
        from django.contrib.auth.models import Group

        through = cls.groups.through._meta
        return (
            f"SELECT {select} FROM {Group._meta.db_table} g JOIN {through.db_table} ug "  # noqa: S608
            f"ON ug.group_id = g.id WHERE ug.user_id = {user_id}"
        )

    def _load_role_names(self) -> set[str]:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(self.role_names_sql("g.name", "%s"), [self.pk])
            return {name for (name,) in cursor.fetchall()}


class Verification(models.Model):
    """A one-time proof that a person controls an e-mail address or a phone: a link and a code.

    Only hashes are stored; the link token and code travel in the message and nowhere else.
    """

    class Purpose(models.TextChoices):
        CONFIRM = "confirm", _("确认账号")
        RESET = "reset", _("重置密码")

    class Channel(models.TextChoices):
        EMAIL = "email", _("电子邮箱")
        PHONE = "phone", _("手机短信")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    purpose = models.CharField(max_length=10, choices=Purpose.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    link_expires_at = models.DateTimeField()
    code_expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("验证记录")
        verbose_name_plural = _("验证记录")
        indexes = [models.Index(fields=["user", "purpose", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} · {self.user_id}"


class HomePage(Page):
    """The site's front page: open drafts, recently closed drafts, contact points and search."""

    intro = RichTextField(_("导语"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["drafts.DraftIndexPage"]
    max_count = 1

    class Meta:
        verbose_name = _("首页")

    def get_context(self, request, *args, **kwargs):
        """Each app adds its part of the front page through the `home_page_context` hook."""
        context = super().get_context(request, *args, **kwargs)
        for contribute in hooks.get_hooks("home_page_context"):
            context.update(contribute(request=request, now=timezone.now()))
        return context


class AccessEventKind(models.TextChoices):
    LOGIN_SUCCESS = "login_success", _("登录成功")
    LOGIN_FAILURE = "login_failure", _("登录失败")
    LOGOUT = "logout", _("退出登录")
    NOTES_DOWNLOAD = "notes_download", _("下载会议纪要")
    ATTACHMENT_DOWNLOAD = "attachment_download", _("下载交办附件")
    EXPORT_DOWNLOAD = "export_download", _("下载导出文件")
    ROLE_CHANGE = "role_change", _("角色变更")
    PERMISSION_CHANGE = "permission_change", _("权限变更")
    TOKEN_USE = "token_use", _("使用接口令牌")
    OTP_SETUP = "otp_setup", _("启用两步验证")
    OTP_VERIFY = "otp_verify", _("两步验证通过")
    OTP_FAILURE = "otp_failure", _("两步验证失败")
    OTP_DISABLE = "otp_disable", _("关闭两步验证")
    OTP_BACKUP_CODES = "otp_backup_codes", _("生成备用验证码")


class AppendOnlyQuerySet(models.QuerySet):
    """Access records are never changed or deleted through the ORM; only cms.access_audit's retention purge
    deletes, through the database's guard (see AccessAuditPurge)."""

    def update(self, **kwargs):
        raise TypeError("access events are append-only")

    def delete(self):
        raise TypeError("access events are append-only")


class AccessEvent(models.Model):
    """Who reached what, when and from where: sign-ins, downloads of private files, role changes, token use.

    Append-only, here and in the database (triggers in migration 0005 refuse UPDATE and DELETE). The user is
    kept as an id without a foreign-key constraint, so deleting an account leaves its record (and the name
    it had) in place; `username` is the name as typed for a failed sign-in.
    """

    kind = models.CharField(_("类型"), max_length=32, choices=AccessEventKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    username = models.CharField(_("用户名"), max_length=150, blank=True)
    object_type = models.CharField(_("对象类型"), max_length=100, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=255, blank=True)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    user_agent = models.CharField(_("浏览器标识"), max_length=512, blank=True)
    occurred_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("访问审计记录")
        verbose_name_plural = _("访问审计记录")
        indexes = [models.Index(fields=["kind", "-occurred_at"]), models.Index(fields=["user", "-occurred_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.username} · {self.occurred_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("access events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("access events are append-only")


class AccessAuditPurge(models.Model):
    """While a row here exists, the database lets DELETE remove access events older than its `before`.

    The retention purge (cms.access_audit.purge) inserts one, deletes and removes it in a single
    transaction, so no other connection ever sees it (PostgreSQL) or can write meanwhile (SQLite).
    """

    before = models.DateTimeField()

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return f"purge before {self.before:%Y-%m-%d}"
