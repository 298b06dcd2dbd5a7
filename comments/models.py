"""Opinions from every channel, and the departments that receive forwarded ones."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    ONLINE = "online", _("网上征求意见")
    CONTACT_POINT = "contact_point", _("基层立法联系点")
    LETTER = "letter", _("来信")
    EMAIL = "email", _("电子邮件")


class ModerationState(models.TextChoices):
    PENDING = "pending", _("待审核")
    PUBLISHED = "published", _("已发布")
    REJECTED = "rejected", _("未通过审核")
    HIDDEN = "hidden", _("已隐藏")
    WITHDRAWN = "withdrawn", _("已撤回")


class Disposition(models.TextChoices):
    UNDECIDED = "undecided", _("待处理")
    ADOPTED = "adopted", _("采纳")
    PARTLY_ADOPTED = "partly_adopted", _("部分采纳")
    NOT_ADOPTED = "not_adopted", _("未采纳")
    MERGED = "merged", _("已合并")
    FORWARDED = "forwarded", _("转为法规实施监督建议")


class Opinion(models.Model):
    """One opinion on a draft, on one article or on the draft as a whole, whatever its channel."""

    draft = models.ForeignKey(
        "drafts.DraftPage", on_delete=models.PROTECT, related_name="opinions", verbose_name=_("法规草案")
    )
    version = models.ForeignKey(
        "drafts.DraftVersion", on_delete=models.PROTECT, related_name="opinions", verbose_name=_("草案版本")
    )
    article = models.ForeignKey(
        "drafts.Provision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="opinions",
        verbose_name=_("条文"),
        help_text=_("留空表示对草案整体的意见。"),
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies", verbose_name=_("回复的意见")
    )
    channel = models.CharField(_("来源渠道"), max_length=20, choices=Channel.choices, default=Channel.ONLINE)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="opinions",
        verbose_name=_("提交人账号"),
    )
    proposer_name = models.CharField(
        _("提出人"), max_length=100, blank=True, help_text=_("联系点、来信等渠道中提出意见的人或单位。")
    )
    body = models.TextField(_("意见内容"))
    is_official = models.BooleanField(_("官方答复"), default=False)
    moderation_state = models.CharField(
        _("审核状态"), max_length=12, choices=ModerationState.choices, default=ModerationState.PENDING
    )
    moderation_reason = models.TextField(_("审核说明"), blank=True)
    disposition = models.CharField(
        _("处理情况"), max_length=20, choices=Disposition.choices, default=Disposition.UNDECIDED
    )
    disposition_reason = models.TextField(_("理由说明"), blank=True)
    support_count = models.PositiveIntegerField(_("附议数"), default=0)
    reply_count = models.PositiveIntegerField(_("回复数"), default=0)
    ip_address = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    created_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("意见")
        verbose_name_plural = _("意见")
        indexes = [
            models.Index(fields=["article", "moderation_state", "-created_at"], name="opinion_thread"),
            models.Index(fields=["draft", "disposition"], name="opinion_draft_disposition"),
            models.Index(fields=["author", "-created_at"], name="opinion_author"),
        ]

    def __str__(self) -> str:
        return self.body[:40]


class Department(models.Model):
    """A government department (承办单位) that receives opinions forwarded for implementation oversight."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    short_name = models.CharField(_("简称"), max_length=30, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)
    liaisons = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="departments", verbose_name=_("联络人")
    )

    class Meta:
        verbose_name = _("承办单位")
        verbose_name_plural = _("承办单位")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
