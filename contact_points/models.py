"""Grassroots legislative contact points (基层立法联系点) and their coordinators."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cms.storage import private_storage


class ContactPointKind(models.TextChoices):
    AGENCY = "agency", _("机关单位")
    SUBDISTRICT = "subdistrict", _("街道乡镇")
    COMMUNITY = "community", _("社区村")
    UNIVERSITY = "university", _("高校")
    LAW_FIRM = "law_firm", _("律师事务所")
    ENTERPRISE = "enterprise", _("企业")
    OTHER = "other", _("其他")


class ContactPoint(models.Model):
    name = models.CharField(_("名称"), max_length=100, unique=True)
    kind = models.CharField(_("类型"), max_length=20, choices=ContactPointKind.choices)
    district = models.CharField(_("所在区县"), max_length=50)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    established_on = models.DateField(_("设立日期"), null=True, blank=True)
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="contact_points", verbose_name=_("联络员")
    )
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("基层立法联系点")
        verbose_name_plural = _("基层立法联系点")
        ordering = ["district", "name"]

    def __str__(self) -> str:
        return self.name


class ProposerCategory(models.TextChoices):
    DEPUTY = "deputy", _("人大代表")
    RESIDENT = "resident", _("居民")
    ENTERPRISE = "enterprise", _("企业")
    EXPERT = "expert", _("专家学者")
    LAWYER = "lawyer", _("律师")
    OTHER = "other", _("其他")


class Solicitation(models.Model):
    """征询任务: staff send one version of a draft to chosen contact points, with a deadline."""

    draft = models.ForeignKey(
        "drafts.DraftPage", on_delete=models.PROTECT, related_name="solicitations", verbose_name=_("法规草案")
    )
    version = models.ForeignKey(
        "drafts.DraftVersion", on_delete=models.PROTECT, related_name="solicitations", verbose_name=_("草案版本")
    )
    deadline = models.DateTimeField(_("反馈截止时间"))
    note = models.TextField(_("说明"), blank=True, help_text=_("希望联系点重点征询的问题、组织方式等。"))
    contact_points = models.ManyToManyField(
        ContactPoint, through="SolicitationTarget", related_name="solicitations", verbose_name=_("联系点")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("发出时间"), default=timezone.now)

    class Meta:
        verbose_name = _("征询任务")
        verbose_name_plural = _("征询任务")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.draft.title}（{self.version.get_stage_display()}）"

    def is_overdue(self, now=None) -> bool:
        return (now or timezone.now()) >= self.deadline


class SolicitationTarget(models.Model):
    """One contact point asked by a solicitation; answered when it submits a batch for it."""

    solicitation = models.ForeignKey(Solicitation, on_delete=models.CASCADE, related_name="targets")
    contact_point = models.ForeignKey(ContactPoint, on_delete=models.CASCADE, related_name="solicitation_targets")
    answered_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("征询对象")
        verbose_name_plural = _("征询对象")
        constraints = [
            models.UniqueConstraint(fields=["solicitation", "contact_point"], name="solicitation_target_once")
        ]

    def __str__(self) -> str:
        return f"{self.solicitation_id} → {self.contact_point}"


class MeetingForm(models.TextChoices):
    SYMPOSIUM = "symposium", _("座谈会")
    VISIT = "visit", _("走访")
    SURVEY = "survey", _("问卷")
    ONLINE = "online", _("线上")


# The attendance fields of a meeting, one per proposer category, in display order.
ATTENDANCE_FIELDS = [
    ("attendance_deputy", ProposerCategory.DEPUTY),
    ("attendance_resident", ProposerCategory.RESIDENT),
    ("attendance_enterprise", ProposerCategory.ENTERPRISE),
    ("attendance_expert", ProposerCategory.EXPERT),
    ("attendance_lawyer", ProposerCategory.LAWYER),
    ("attendance_other", ProposerCategory.OTHER),
]


def _attendance_field(label):
    return models.PositiveIntegerField(label, default=0, validators=[MaxValueValidator(100000)])


class Meeting(models.Model):
    """A meeting, visit, survey or online session a contact point held on a draft."""

    contact_point = models.ForeignKey(
        ContactPoint, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("联系点")
    )
    draft = models.ForeignKey(
        "drafts.DraftPage", on_delete=models.PROTECT, related_name="+", verbose_name=_("征询的草案")
    )
    held_on = models.DateField(_("日期"))
    place = models.CharField(_("地点"), max_length=200, blank=True)
    form = models.CharField(_("形式"), max_length=12, choices=MeetingForm.choices, default=MeetingForm.SYMPOSIUM)
    attendance_deputy = _attendance_field(_("人大代表"))
    attendance_resident = _attendance_field(_("居民"))
    attendance_enterprise = _attendance_field(_("企业"))
    attendance_expert = _attendance_field(_("专家学者"))
    attendance_lawyer = _attendance_field(_("律师"))
    attendance_other = _attendance_field(_("其他"))
    summary = models.TextField(_("会议概要"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("记录时间"), default=timezone.now)

    class Meta:
        verbose_name = _("征询活动")
        verbose_name_plural = _("征询活动")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.get_form_display()}"

    @property
    def attendance_total(self) -> int:
        return sum(getattr(self, name) for name, _category in ATTENDANCE_FIELDS)


class MeetingNote(models.Model):
    """An uploaded record of a meeting: minutes (.docx, .pdf) or photos of handwritten notes."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="notes", verbose_name=_("征询活动"))
    file = models.FileField(_("文件"), upload_to="contact_points/notes/%Y/%m/", storage=private_storage)
    original_name = models.CharField(_("文件名"), max_length=255)
    kind = models.CharField(_("文件类型"), max_length=8)
    size = models.PositiveIntegerField(_("大小"))
    candidate_count = models.PositiveIntegerField(_("识别出的意见数"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = _("会议纪要")
        verbose_name_plural = _("会议纪要")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class BatchState(models.TextChoices):
    DRAFT = "draft", _("编辑中")
    SUBMITTED = "submitted", _("已报送")
    RECEIVED = "received", _("已签收")


class OpinionBatch(models.Model):
    """意见汇总: the opinions a contact point gathered on one draft, edited, then submitted once."""

    contact_point = models.ForeignKey(
        ContactPoint, on_delete=models.CASCADE, related_name="batches", verbose_name=_("联系点")
    )
    draft = models.ForeignKey(
        "drafts.DraftPage", on_delete=models.PROTECT, related_name="+", verbose_name=_("法规草案")
    )
    version = models.ForeignKey(
        "drafts.DraftVersion", on_delete=models.PROTECT, related_name="+", verbose_name=_("草案版本")
    )
    solicitation = models.ForeignKey(
        Solicitation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="batches",
        verbose_name=_("征询任务"),
    )
    state = models.CharField(_("状态"), max_length=10, choices=BatchState.choices, default=BatchState.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    is_late = models.BooleanField(_("逾期报送"), default=False)
    opinion_count = models.PositiveIntegerField(_("意见数"), default=0)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    received_at = models.DateTimeField(_("签收时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("意见汇总")
        verbose_name_plural = _("意见汇总")
        ordering = ["-created_at", "-id"]
        permissions = [("receive_opinionbatch", _("可以签收联系点报送的意见"))]
        constraints = [
            # One batch being edited per point and draft, even when 「新建意见汇总」 is pressed twice at once.
            models.UniqueConstraint(
                fields=["contact_point", "draft"], condition=models.Q(state="draft"), name="batch_one_open"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contact_point} · {self.draft.title}"

    @property
    def is_editable(self) -> bool:
        return self.state == BatchState.DRAFT


class ItemState(models.TextChoices):
    CANDIDATE = "candidate", _("待确认")
    ACCEPTED = "accepted", _("已确认")


class ItemSource(models.TextChoices):
    MANUAL = "manual", _("逐条录入")
    NOTES = "notes", _("会议纪要")
    SHEET = "sheet", _("表格导入")
    API = "api", _("接口报送")


class BatchItem(models.Model):
    """One opinion of a batch while the coordinator edits it; it becomes an Opinion on submission.

    Opinions read from meeting notes start as candidates the coordinator accepts, edits or drops.
    """

    batch = models.ForeignKey(OpinionBatch, on_delete=models.CASCADE, related_name="items", verbose_name=_("意见汇总"))
    state = models.CharField(_("状态"), max_length=10, choices=ItemState.choices, default=ItemState.ACCEPTED)
    source = models.CharField(_("来源"), max_length=8, choices=ItemSource.choices, default=ItemSource.MANUAL)
    article = models.ForeignKey(
        "drafts.Provision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("条文"),
        help_text=_("留空表示对草案整体的意见。"),
    )
    body = models.TextField(_("意见内容"))
    proposer_name = models.CharField(_("提出人"), max_length=100, blank=True)
    proposer_category = models.CharField(_("提出人类别"), max_length=12, choices=ProposerCategory.choices, blank=True)
    meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("征询活动")
    )
    note = models.ForeignKey(MeetingNote, on_delete=models.SET_NULL, null=True, blank=True, related_name="items")
    mentions = models.CharField(_("提及的条文"), max_length=255, blank=True)
    position = models.PositiveIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("汇总意见")
        verbose_name_plural = _("汇总意见")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.body[:40]


class ContactPointOpinion(models.Model):
    """Ties an opinion to the contact point that submitted it.

    The link lives here rather than on Opinion so that dependencies keep pointing one way:
    contact points know about opinions, the comments app knows nothing of contact points.
    """

    opinion = models.OneToOneField(
        "comments.Opinion", on_delete=models.CASCADE, primary_key=True, related_name="contact_point_link"
    )
    contact_point = models.ForeignKey(ContactPoint, on_delete=models.PROTECT, related_name="opinion_links")
    batch = models.ForeignKey(OpinionBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="links")
    meeting = models.ForeignKey(Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="links")
    proposer_category = models.CharField(_("提出人类别"), max_length=12, choices=ProposerCategory.choices, blank=True)

    class Meta:
        verbose_name = _("联系点意见")
        verbose_name_plural = _("联系点意见")

    def __str__(self) -> str:
        return f"{self.contact_point} · {self.opinion_id}"
