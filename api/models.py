"""API tokens: made and revoked in the Wagtail admin, stored hashed, bound to one holder, every use logged."""

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TokenHolder(models.TextChoices):
    CONTACT_POINT = "contact_point", _("基层立法联系点")
    DEPARTMENT = "department", _("承办单位")
    STAFF = "staff", _("立法机关工作人员")


class TokenScope(models.TextChoices):
    OPINIONS_READ = "opinions:read", _("读取全部意见及处理结果（工作人员）")
    BATCHES_SUBMIT = "batches:submit", _("报送联系点意见")
    REFERRALS = "referrals", _("办理转办（承办单位）")


def token_hash(raw: str) -> str:
    """Tokens are 32 random bytes: a plain SHA-256 is enough to store them (nothing to guess)."""
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    name = models.CharField(_("名称"), max_length=100, help_text=_("例如使用这个令牌的系统的名称。"))
    holder = models.CharField(_("持有方"), max_length=20, choices=TokenHolder.choices)
    contact_point = models.ForeignKey(
        "contact_points.ContactPoint", null=True, blank=True, on_delete=models.CASCADE, verbose_name=_("联系点")
    )
    department = models.ForeignKey(
        "referrals.Department", null=True, blank=True, on_delete=models.CASCADE, verbose_name=_("承办单位")
    )
    acting_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("代为报送的联络员"),
        help_text=_("联系点令牌须指定该联系点的一位联络员：接口报送的意见汇总记在他名下。"),
    )
    scope = models.CharField(_("权限范围"), max_length=30, choices=TokenScope.choices)
    prefix = models.CharField(_("令牌前缀"), max_length=12, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    rate_per_minute = models.PositiveIntegerField(_("每分钟请求上限"), default=120)
    expires_at = models.DateTimeField(_("有效期至"))
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now


class ApiTokenUse(models.Model):
    """One request made with a token (append-only)."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="uses")
    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    status = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = _("令牌使用记录")
        verbose_name_plural = _("令牌使用记录")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.method} {self.path} {self.status}"


class IdempotentRequest(models.Model):
    """The answer to a batch submitted under an Idempotency-Key: sent again when the key comes again."""

    contact_point = models.ForeignKey("contact_points.ContactPoint", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    payload_hash = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["contact_point", "key"], name="idempotent_request_unique")]

    def __str__(self) -> str:
        return self.key
