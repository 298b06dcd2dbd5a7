"""Opinions from every channel, and the departments that receive forwarded ones."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cms.storage import private_storage


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
    # Opinions that came in through a contact point, a letter or an e-mail: handled like the rest,
    # never shown in the public threads (their proposers did not post them to be published).
    INTERNAL = "internal", _("不公开（线下渠道）")


class Disposition(models.TextChoices):
    UNDECIDED = "undecided", _("待处理")
    ADOPTED = "adopted", _("采纳")
    PARTLY_ADOPTED = "partly_adopted", _("部分采纳")
    NOT_ADOPTED = "not_adopted", _("未采纳")
    MERGED = "merged", _("已合并")
    FORWARDED = "forwarded", _("转为法规实施监督建议")


# What every figure, export and feedback page counts: published online opinions and those received offline
# (pending, rejected, hidden and withdrawn ones are not counted), and which dispositions count as adopted.
COUNTED_STATES = (ModerationState.PUBLISHED, ModerationState.INTERNAL)
ADOPTING = (Disposition.ADOPTED, Disposition.PARTLY_ADOPTED)


class Opinion(models.Model):
    """One opinion on a draft, on one article or on the draft as a whole, whatever its channel.

    Threads are two levels deep: a reply's `parent` is always a top-level opinion; `reply_to` is the
    opinion it answers (the parent itself, or another reply in the same thread).
    """

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
    reply_to = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("回复对象")
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
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("审核人"),
    )
    moderated_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    held_words = models.CharField(
        _("命中的敏感词"), max_length=255, blank=True, help_text=_("含敏感词的意见一律留待人工审核。")
    )
    is_campaign = models.BooleanField(
        _("疑似集中提交"), default=False, help_text=_("多名用户提交了相同或几乎相同的内容。")
    )
    # Online opinions are compared for campaigns in batches after they are posted (comments.campaigns).
    campaign_checked = models.BooleanField(default=False, editable=False)
    report_count = models.PositiveIntegerField(_("举报数"), default=0)
    text_hash = models.CharField(_("内容指纹"), max_length=40, blank=True, editable=False)
    submission_key = models.UUIDField(_("提交标识"), null=True, blank=True, editable=False)
    disposition = models.CharField(
        _("处理情况"), max_length=20, choices=Disposition.choices, default=Disposition.UNDECIDED
    )
    disposition_reason = models.TextField(_("理由说明"), blank=True)
    reason_public = models.BooleanField(
        _("公开理由"), default=True, help_text=_("在草案的公开反馈中显示处理情况的理由。")
    )
    disposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("处理人"),
    )
    disposed_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_opinions",
        verbose_name=_("承办人"),
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="absorbed",
        verbose_name=_("并入的意见"),
    )
    resulting_article = models.ForeignKey(
        "drafts.Provision",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="adopted_opinions",
        verbose_name=_("采纳后修改的条文"),
        help_text=_("后续版本中因采纳本意见而修改的条文。"),
    )
    referral = models.ForeignKey(
        "comments.Referral",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="opinions",
        verbose_name=_("转办"),
    )
    # Near-duplicate groups (campaigns) across every channel: the smallest id of the group, and its size.
    cluster = models.BigIntegerField(_("相似意见组"), null=True, blank=True, db_index=True)
    cluster_size = models.PositiveIntegerField(_("相似意见数"), default=1)
    # Bumped on every handling change: a form carries the revision it was read at, so that a second
    # person saving over a change they have not seen gets a conflict instead of a lost update.
    revision = models.PositiveIntegerField(default=0, editable=False)
    support_count = models.PositiveIntegerField(_("附议数"), default=0)
    reply_count = models.PositiveIntegerField(_("回复数"), default=0)
    ip_address = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    created_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("意见")
        verbose_name_plural = _("意见")
        permissions = [
            ("moderate_opinion", _("可以审核意见")),
            ("dispose_opinion", _("可以处理意见（采纳、转办、导出）")),
        ]
        indexes = [
            models.Index(fields=["article", "moderation_state", "-created_at"], name="opinion_thread"),
            models.Index(fields=["draft", "disposition"], name="opinion_draft_disposition"),
            models.Index(fields=["author", "-created_at"], name="opinion_author"),
            # Thread pages: published top-level opinions of one article, newest or most supported first.
            models.Index(
                fields=["article", "-id"],
                condition=models.Q(parent__isnull=True, moderation_state="published"),
                name="opinion_thread_new",
            ),
            models.Index(
                fields=["article", "-support_count", "-id"],
                condition=models.Q(parent__isnull=True, moderation_state="published"),
                name="opinion_thread_top",
            ),
            models.Index(
                fields=["parent", "id"], condition=models.Q(moderation_state="published"), name="opinion_replies"
            ),
            models.Index(fields=["moderation_state", "draft", "-id"], name="opinion_moderation_queue"),
            models.Index(fields=["draft", "text_hash"], name="opinion_text_hash"),
            models.Index(fields=["draft", "assignee"], name="opinion_draft_assignee"),
            models.Index(fields=["id"], condition=models.Q(campaign_checked=False), name="opinion_campaign_unchecked"),
            # Search catch-up reads what changed after its watermark (search.services.catch_up).
            models.Index(fields=["updated_at"], name="opinion_updated"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "submission_key"],
                condition=models.Q(submission_key__isnull=False),
                name="opinion_submission_once",
            ),
        ]

    def __str__(self) -> str:
        return self.body[:40]

    @property
    def is_public(self) -> bool:
        return self.moderation_state == ModerationState.PUBLISHED

    @property
    def public_name(self) -> str:
        """What a public page shows of the author: the display name or 匿名, nothing else."""
        if self.is_official:
            return str(_("立法机关工作人员"))
        if self.author_id is None:
            return self.proposer_name or str(_("匿名"))
        return self.author.public_name


class OpinionFingerprint(models.Model):
    """MinHash bands of an opinion's text: opinions sharing a band are candidates for near-duplicates."""

    opinion = models.ForeignKey(Opinion, on_delete=models.CASCADE, related_name="fingerprints")
    draft = models.ForeignKey("drafts.DraftPage", on_delete=models.CASCADE, related_name="+")
    band = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["draft", "band"], name="fingerprint_band")]

    def __str__(self) -> str:
        return f"{self.opinion_id}:{self.band}"


class Support(models.Model):
    """附议: one user supports one opinion, once."""

    opinion = models.ForeignKey(Opinion, on_delete=models.CASCADE, related_name="supports", verbose_name=_("意见"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="supports", verbose_name=_("用户")
    )
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("附议")
        verbose_name_plural = _("附议")
        constraints = [models.UniqueConstraint(fields=["opinion", "user"], name="support_once")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.opinion_id}"


class ReportReason(models.TextChoices):
    ABUSE = "abuse", _("辱骂、人身攻击")
    SPAM = "spam", _("广告、垃圾信息")
    PRIVACY = "privacy", _("泄露他人个人信息")
    ILLEGAL = "illegal", _("违法有害信息")
    OFF_TOPIC = "off_topic", _("与草案无关")
    OTHER = "other", _("其他")


class Report(models.Model):
    """举报: a user asks moderators to look at a published opinion."""

    opinion = models.ForeignKey(Opinion, on_delete=models.CASCADE, related_name="reports", verbose_name=_("意见"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports", verbose_name=_("举报人")
    )
    reason = models.CharField(_("举报理由"), max_length=20, choices=ReportReason.choices, default=ReportReason.OTHER)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("举报")
        verbose_name_plural = _("举报")
        constraints = [models.UniqueConstraint(fields=["opinion", "user"], name="report_once")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.opinion_id}（{self.get_reason_display()}）"


class ModerationEvent(models.Model):
    """Append-only record of every moderation change: who, when, before, after, why."""

    opinion = models.ForeignKey(Opinion, on_delete=models.CASCADE, related_name="moderation_events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    from_state = models.CharField(max_length=12, choices=ModerationState.choices)
    to_state = models.CharField(max_length=12, choices=ModerationState.choices)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("审核记录")
        verbose_name_plural = _("审核记录")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.opinion_id}: {self.from_state} → {self.to_state}"


class SensitiveWord(models.Model):
    """A word that holds an opinion for a moderator (never drops it)."""

    word = models.CharField(_("敏感词"), max_length=50, unique=True)
    is_active = models.BooleanField(_("启用"), default=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("添加时间"), default=timezone.now)

    class Meta:
        verbose_name = _("敏感词")
        verbose_name_plural = _("敏感词")
        ordering = ["word"]

    def __str__(self) -> str:
        return self.word


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


class ReasonTemplate(models.Model):
    """常用理由: a reason staff reuse when disposing opinions."""

    text = models.TextField(_("理由"))
    disposition = models.CharField(
        _("适用的处理情况"), max_length=20, choices=Disposition.choices, blank=True, help_text=_("留空表示都适用。")
    )
    is_active = models.BooleanField(_("启用"), default=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("常用理由")
        verbose_name_plural = _("常用理由")
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.text[:40]


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

    class Meta:
        verbose_name = _("转办")
        verbose_name_plural = _("转办")
        ordering = ["-created_at", "-id"]
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

    def __str__(self) -> str:
        return self.original_name


class HandlingAction(models.TextChoices):
    DISPOSE = "dispose", _("处理")
    ASSIGN = "assign", _("分配")
    MERGE = "merge", _("合并")
    LINK = "link", _("关联修改条文")
    FORWARD = "forward", _("转办")
    ACKNOWLEDGE = "acknowledge", _("签收转办")
    REPLY = "reply", _("答复")
    EXTEND = "extend", _("申请延期")
    EXTENSION = "extension", _("延期审批")
    RETURN = "return", _("退回重办")
    CLOSE = "close", _("办结")
    RATE = "rate", _("评价")
    REOPEN = "reopen", _("重新办理")


class AppendOnlyError(Exception):
    pass


class HandlingEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("处理记录只能追加，不能修改。")


class HandlingEvent(models.Model):
    """Append-only record of every handling change of an opinion or a referral: who, when, before, after, why.

    Neither one record nor a queryset can be updated; a record cannot be deleted, nor can the opinion or
    referral it belongs to (PROTECT). Only a queryset delete remains, for the benchmark's clean-up.
    """

    opinion = models.ForeignKey(
        Opinion, on_delete=models.PROTECT, null=True, blank=True, related_name="handling_events"
    )
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, null=True, blank=True, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(_("操作"), max_length=12, choices=HandlingAction.choices)
    before = models.JSONField(_("修改前"), default=dict, blank=True)
    after = models.JSONField(_("修改后"), default=dict, blank=True)
    reason = models.TextField(_("理由"), blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    objects = HandlingEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("处理记录")
        verbose_name_plural = _("处理记录")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["opinion", "created_at"], name="handling_event_opinion")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.opinion_id or ''}{self.referral_id or ''}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("处理记录只能追加，不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("处理记录只能追加，不能删除。")


class ExportFormat(models.TextChoices):
    DOCX = "docx", _("意见采纳情况表（Word）")
    SUMMARY = "summary", _("意见汇总报告（Word）")
    XLSX = "xlsx", _("意见表（Excel）")
    CSV = "csv", _("意见表（CSV）")


class ExportState(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("生成中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class ExportJob(models.Model):
    """An export built in the background; staff watch its progress and download it when done."""

    draft = models.ForeignKey(
        "drafts.DraftPage", on_delete=models.CASCADE, related_name="+", verbose_name=_("法规草案")
    )
    format = models.CharField(_("格式"), max_length=8, choices=ExportFormat.choices)
    state = models.CharField(_("状态"), max_length=8, choices=ExportState.choices, default=ExportState.QUEUED)
    done = models.PositiveIntegerField(_("已处理"), default=0)
    total = models.PositiveIntegerField(_("总数"), default=0)
    file = models.FileField(_("文件"), upload_to="exports/%Y/%m/", storage=private_storage, blank=True)
    error = models.TextField(_("错误"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("导出任务")
        verbose_name_plural = _("导出任务")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.draft_id} {self.format} {self.state}"

    @property
    def percent(self) -> int:
        if self.state == ExportState.DONE:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0
