"""Draft regulations as Wagtail pages, their versions, and the provision tree of each version."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index


class DraftIndexPage(Page):
    """The list of all drafts; the single parent of every DraftPage."""

    intro = RichTextField(_("导语"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["drafts.DraftPage"]

    class Meta:
        verbose_name = _("法规草案列表")

    def get_context(self, request, *args, **kwargs):
        from drafts.selectors import draft_list_published

        context = super().get_context(request, *args, **kwargs)
        context["drafts"] = draft_list_published().child_of(self)
        return context


class DraftStage(models.TextChoices):
    SOLICITATION = "solicitation", _("征求意见稿")
    FIRST_READING = "first_reading", _("一审稿")
    SECOND_READING = "second_reading", _("二审稿")
    THIRD_READING = "third_reading", _("三审稿")
    REVISED = "revised", _("修改稿")


class DraftStatus(models.TextChoices):
    DRAFTING = "drafting", _("未开始征求意见")
    OPEN = "open", _("正在征求意见")
    CLOSED = "closed", _("征求意见已结束")


class DraftPage(Page):
    """A draft regulation open (or once open) for public comment."""

    drafting_body = models.CharField(_("起草单位"), max_length=200, blank=True)
    stage = models.CharField(_("审议阶段"), max_length=20, choices=DraftStage.choices, default=DraftStage.SOLICITATION)
    summary = models.TextField(_("内容摘要"), blank=True)
    explanation = RichTextField(_("起草说明"), blank=True)
    explanation_document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("起草说明附件"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    opens_at = models.DateTimeField(_("征求意见开始时间"), null=True, blank=True)
    closes_at = models.DateTimeField(_("征求意见截止时间"), null=True, blank=True)
    how_to_submit = RichTextField(
        _("书面意见提交方式"), blank=True, help_text=_("信函地址、电子邮箱等线下提交意见的方式。")
    )
    current_version = models.ForeignKey(
        "drafts.DraftVersion",
        verbose_name=_("当前版本"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [FieldPanel("drafting_body"), FieldPanel("stage"), FieldPanel("summary")], heading=_("基本信息")
        ),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]), FieldPanel("how_to_submit")],
            heading=_("征求意见期"),
        ),
        MultiFieldPanel([FieldPanel("explanation"), FieldPanel("explanation_document")], heading=_("起草说明")),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("drafting_body")]

    parent_page_types = ["drafts.DraftIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("法规草案")
        verbose_name_plural = _("法规草案")

    def status(self, now=None) -> str:
        now = now or timezone.now()
        if self.opens_at is None or now < self.opens_at:
            return DraftStatus.DRAFTING
        if self.closes_at is not None and now >= self.closes_at:
            return DraftStatus.CLOSED
        return DraftStatus.OPEN

    def is_open(self, now=None) -> bool:
        return self.status(now) == DraftStatus.OPEN

    def get_status_display(self) -> str:
        return DraftStatus(self.status()).label

    def get_context(self, request, *args, **kwargs):
        from drafts.selectors import provision_tree

        context = super().get_context(request, *args, **kwargs)
        version = self.current_version
        context["version"] = version
        context["tree"] = provision_tree(version=version) if version else []
        return context


class DraftVersion(models.Model):
    """One text of a draft (征求意见稿, 一审稿 …); opinions stay tied to the version they were on."""

    draft = models.ForeignKey(DraftPage, on_delete=models.CASCADE, related_name="versions", verbose_name=_("法规草案"))
    number = models.PositiveSmallIntegerField(_("版本序号"))
    stage = models.CharField(_("审议阶段"), max_length=20, choices=DraftStage.choices, default=DraftStage.SOLICITATION)
    title = models.CharField(_("标题"), max_length=255)
    preamble = models.TextField(_("题注"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("草案版本")
        verbose_name_plural = _("草案版本")
        constraints = [models.UniqueConstraint(fields=["draft", "number"], name="draftversion_unique_number")]
        ordering = ["draft", "number"]

    def __str__(self) -> str:
        return f"{self.title}（{self.get_stage_display()}）"


class ProvisionKind(models.TextChoices):
    PART = "part", _("编")
    SUBPART = "subpart", _("分编")
    CHAPTER = "chapter", _("章")
    SECTION = "section", _("节")
    ARTICLE = "article", _("条")
    PARAGRAPH = "paragraph", _("款")
    ITEM = "item", _("项")
    SUBITEM = "subitem", _("目")


class Provision(models.Model):
    """A node of a version's text: a heading (编, 章, 节), an article (条) or a part of one.

    The tree is stored flat in document order (`position`) with a parent link, so a whole version
    loads in one query and is assembled in memory.
    """

    version = models.ForeignKey(DraftVersion, on_delete=models.CASCADE, related_name="provisions")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    kind = models.CharField(_("类型"), max_length=10, choices=ProvisionKind.choices)
    number = models.PositiveIntegerField(_("序号"), null=True, blank=True)
    label = models.CharField(_("编号"), max_length=40, blank=True)
    title = models.CharField(_("标题"), max_length=255, blank=True)
    text = models.TextField(_("正文"), blank=True)
    position = models.PositiveIntegerField(_("顺序"))
    depth = models.PositiveSmallIntegerField(default=0)
    # Kept up to date by the comment services, so no page counts opinions per request.
    opinion_count = models.PositiveIntegerField(_("意见数"), default=0)

    class Meta:
        verbose_name = _("条文")
        verbose_name_plural = _("条文")
        ordering = ["version", "position"]
        constraints = [models.UniqueConstraint(fields=["version", "position"], name="provision_unique_position")]
        indexes = [models.Index(fields=["version", "kind", "number"], name="provision_kind_number")]

    def __str__(self) -> str:
        return f"{self.label} {self.title}".strip()
