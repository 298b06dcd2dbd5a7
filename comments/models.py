"""Opinions from every channel: threads, support, reports, moderation, sensitive words, fingerprints."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cms.redaction import redact_contact_details


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
    # Near-duplicate groups (campaigns) across every channel: the smallest id of the group, and its size.
    cluster = models.BigIntegerField(_("相似意见组"), null=True, blank=True, db_index=True)
    cluster_size = models.PositiveIntegerField(_("相似意见数"), default=1)
    # Compared with the draft's earlier opinions for its group (comments.clusters): only new ones are.
    clustered = models.BooleanField(default=False, db_default=False, editable=False)
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
            models.Index(fields=["draft", "id"], condition=models.Q(clustered=False), name="opinion_unclustered"),
            # Search catch-up reads what changed after its watermark (search.services.catch_up).
            models.Index(fields=["updated_at"], name="opinion_updated"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "submission_key"],
                condition=models.Q(submission_key__isnull=False),
                name="opinion_submission_once",
            ),
            # One text per citizen and draft (comments.services.opinion_post checks first; this settles posts
            # arriving at once with different keys). Withdrawn opinions free their text; offline channels
            # (no author: contact points, letters, e-mail) legitimately hold the same text for many proposers.
            models.UniqueConstraint(
                fields=["author", "draft", "text_hash"],
                condition=models.Q(author__isnull=False, channel=Channel.ONLINE)
                & ~models.Q(text_hash="")
                & ~models.Q(moderation_state=ModerationState.WITHDRAWN),
                name="opinion_text_once",
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
            return redact_contact_details(self.proposer_name) or str(_("匿名"))
        return self.author.public_name


class ProposalKind(models.TextChoices):
    MODIFY = "modify", _("修改为")
    INSERT = "insert", _("在本条后增加一条")
    DELETE = "delete", _("删除本条")


class Proposal(models.Model):
    """A proposed wording (修改建议) attached to one opinion.

    It stays tied to the text it was made on: `base_text` is the article's text in the opinion's version
    when the proposal was made, so a later version never changes what the redline shows. `text` is the
    proposed wording of the article (modify) or of the new article after it (insert); empty for delete.
    Its 款 and 项 are kept as lines.
    """

    opinion = models.OneToOneField(
        Opinion, on_delete=models.CASCADE, null=True, blank=True, related_name="proposal", verbose_name=_("意见")
    )
    # A proposal typed before its opinion exists (a contact point's batch item, until the batch is submitted)
    # waits under a key its app chooses ("batchitem:12"); it gets its opinion on submission and keeps the key.
    # A key rather than a foreign key: the comments app knows nothing of the apps that stage proposals.
    staged_for = models.CharField(max_length=60, null=True, blank=True, unique=True, editable=False)
    kind = models.CharField(_("修改建议类型"), max_length=10, choices=ProposalKind.choices, default=ProposalKind.MODIFY)
    base_text = models.TextField(_("原条文"), blank=True)
    text = models.TextField(_("建议修改为"), blank=True)
    created_at = models.DateTimeField(_("提出时间"), default=timezone.now)

    class Meta:
        verbose_name = _("修改建议")
        verbose_name_plural = _("修改建议")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(opinion__isnull=False) | models.Q(staged_for__isnull=False),
                name="proposal_has_opinion_or_stage",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:40]}"


class OpinionFingerprint(models.Model):
    """MinHash bands of an opinion's text: opinions sharing a band are candidates for near-duplicates."""

    opinion = models.ForeignKey(Opinion, on_delete=models.CASCADE, related_name="fingerprints")
    draft = models.ForeignKey("drafts.DraftPage", on_delete=models.CASCADE, related_name="+")
    band = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["draft", "band"], name="fingerprint_band")]

    def __str__(self) -> str:
        return f"{self.opinion_id}:{self.band}"


class ClusterBand(models.Model):
    """The first opinion of a draft (smallest id, not an exact twin of an earlier one) with a MinHash band:
    the one a new opinion with that band is compared with when it joins the groups (comments.clusters).
    One row per band and draft, so a regrouping reads a few rows per new opinion, not the draft."""

    draft = models.ForeignKey("drafts.DraftPage", on_delete=models.CASCADE, related_name="+")
    band = models.BigIntegerField()
    opinion = models.ForeignKey(Opinion, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["draft", "band"], name="cluster_band_once")]

    def __str__(self) -> str:
        return f"{self.draft_id}:{self.band} → {self.opinion_id}"


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
