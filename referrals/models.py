"""Referrals (交办—督办—办复): opinions forwarded to a government department for implementation oversight,
tracked as a state machine until the department's reply is accepted and rated.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cms.storage import private_storage
from comments.models import Opinion
from handling.models import AppendOnlyRecord


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
        db_table = "comments_department"  # kept from before the app split

    def __str__(self) -> str:
        return self.name


class ReferralState(models.TextChoices):
    SENT = "sent", _("已交办")
    ACKNOWLEDGED = "acknowledged", _("已签收")
    REPLIED = "replied", _("已答复")
    CLOSED = "closed", _("已办结")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASICALLY = "basically", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class Referral(models.Model):
    """交办: opinions forwarded to a department for implementation oversight, tracked until answered."""

    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("承办单位")
    )
    draft = models.ForeignKey(
        "drafts.DraftPage", on_delete=models.PROTECT, related_name="referrals", verbose_name=_("法规草案")
    )
    instructions = models.TextField(_("交办要求"), blank=True)
    deadline = models.DateTimeField(_("办理期限"))
    state = models.CharField(_("状态"), max_length=12, choices=ReferralState.choices, default=ReferralState.SENT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("交办时间"), default=timezone.now)
    acknowledged_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    reply = models.TextField(_("答复"), blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    extension_until = models.DateTimeField(_("申请延期至"), null=True, blank=True)
    extension_reason = models.TextField(_("延期理由"), blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    rating = models.CharField(_("满意度"), max_length=12, choices=Satisfaction.choices, blank=True)
    rating_comment = models.TextField(_("评价意见"), blank=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    reopened = models.BooleanField(_("曾因不满意重新办理"), default=False)
    reminded_at = models.DateTimeField(_("到期提醒时间"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("最近督办时间"), null=True, blank=True)
    revision = models.PositiveIntegerField(default=0, editable=False)
    opinions = models.ManyToManyField(
        Opinion, through="ReferralOpinion", related_name="referrals", verbose_name=_("转办的意见")
    )

    class Meta:
        verbose_name = _("转办")
        verbose_name_plural = _("转办")
        ordering = ["-created_at", "-id"]
        db_table = "comments_referral"  # kept from before the app split
        indexes = [models.Index(fields=["department", "state", "deadline"], name="referral_inbox")]

    def __str__(self) -> str:
        return f"{self.department} · {self.created_at:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.state != ReferralState.CLOSED

    def is_overdue(self, now=None) -> bool:
        return (
            self.state in (ReferralState.SENT, ReferralState.ACKNOWLEDGED) and (now or timezone.now()) > self.deadline
        )


class ReferralAttachment(models.Model):
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("文件"), upload_to="referrals/%Y/%m/", storage=private_storage)
    original_name = models.CharField(_("文件名"), max_length=255)
    size = models.PositiveIntegerField(_("大小"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = _("答复附件")
        verbose_name_plural = _("答复附件")
        ordering = ["uploaded_at", "id"]
        db_table = "comments_referralattachment"  # kept from before the app split

    def __str__(self) -> str:
        return self.original_name


class ReferralOpinion(models.Model):
    """One opinion in one referral. An opinion returned to undecided may be forwarded again later."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="items")
    opinion = models.ForeignKey(Opinion, on_delete=models.PROTECT, related_name="referral_items")

    class Meta:
        verbose_name = _("转办的意见")
        verbose_name_plural = _("转办的意见")
        constraints = [models.UniqueConstraint(fields=["referral", "opinion"], name="referral_opinion_once")]

    def __str__(self) -> str:
        return f"{self.referral_id} ← {self.opinion_id}"


class ReferralAction(models.TextChoices):
    FORWARD = "forward", _("转办")
    ACKNOWLEDGE = "acknowledge", _("签收转办")
    REPLY = "reply", _("答复")
    EXTEND = "extend", _("申请延期")
    EXTENSION = "extension", _("延期审批")
    RETURN = "return", _("退回重办")
    CLOSE = "close", _("办结")
    RATE = "rate", _("评价")
    REOPEN = "reopen", _("重新办理")


class ReferralEvent(AppendOnlyRecord):
    """Append-only record of every step of a referral: who, when, before, after, why."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("操作"), max_length=12, choices=ReferralAction.choices)

    change_labels = {
        "state": _("状态"),
        "deadline": _("期限"),
        "extension_until": _("申请延期至"),
        "rating": _("满意度"),
        "reopened": _("重新办理"),
    }
    value_labels = {"state": ReferralState.choices, "rating": Satisfaction.choices}

    class Meta(AppendOnlyRecord.Meta):
        verbose_name = _("转办记录")
        verbose_name_plural = _("转办记录")
        indexes = [models.Index(fields=["referral", "created_at"], name="referral_event_referral")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.referral_id}"
