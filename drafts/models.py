"""Draft regulations as Wagtail pages, their versions, and the provision tree of each version."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index


class DraftIndexPage(Page):
    """The list of all drafts; the single parent of every DraftPage."""

    intro = RichTextField(_("导语"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["drafts.DraftPage"]

    class Meta:
        verbose_name = _("法规草案列表")

    def route(self, request, path_components):
        """Find the draft and its specific page in one query (Wagtail's default takes two)."""
        if path_components:
            draft = DraftPage.objects.child_of(self).filter(slug=path_components[0]).first()
            if draft is None or not draft.live:
                raise Http404
            return draft.route(request, path_components[1:])
        return super().route(request, path_components)

    def get_context(self, request, *args, **kwargs):
        from drafts.forms import DraftFilterForm
        from drafts.selectors import draft_list_published

        context = super().get_context(request, *args, **kwargs)
        drafts = draft_list_published().child_of(self)
        years = sorted({d.year for d in drafts.exclude(opens_at=None).values_list("opens_at", flat=True)}, reverse=True)
        form = DraftFilterForm(request.GET or None, years=years)
        context["filter_form"] = form
        context["drafts"] = form.filter(drafts) if request.GET else drafts
        return context


class DraftStage(models.TextChoices):
    SOLICITATION = "solicitation", _("征求意见稿")
    FIRST_READING = "first_reading", _("一审稿")
    SECOND_READING = "second_reading", _("二审稿")
    THIRD_READING = "third_reading", _("三审稿")
    REVISED = "revised", _("修改稿")

    @classmethod
    def from_note(cls, note: str) -> str | None:
        """The stage a 稿别 printed under a title names (征求意见稿 → solicitation), or None."""
        return _STAGE_NOTES.get(note)


_STAGE_NOTES = {
    "征求意见稿": DraftStage.SOLICITATION,
    "一审稿": DraftStage.FIRST_READING,
    "二审稿": DraftStage.SECOND_READING,
    "三审稿": DraftStage.THIRD_READING,
    "修改稿": DraftStage.REVISED,
    "修订稿": DraftStage.REVISED,
}


class DraftStatus(models.TextChoices):
    DRAFTING = "drafting", _("未开始征求意见")
    OPEN = "open", _("正在征求意见")
    CLOSED = "closed", _("征求意见已结束")


class ModerationMode(models.TextChoices):
    PRE = "pre", _("先审后发：意见经审核后公开")
    POST = "post", _("先发后审：意见提交后即公开，审核员事后检查")


class DraftPage(RoutablePageMixin, Page):
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
    moderation_mode = models.CharField(
        _("审核方式"), max_length=4, choices=ModerationMode.choices, default=ModerationMode.PRE
    )
    opinion_max_length = models.PositiveIntegerField(
        _("每条意见的字数上限"),
        default=2000,
        validators=[MinValueValidator(50), MaxValueValidator(20000)],
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
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("moderation_mode"), FieldPanel("opinion_max_length")])],
            heading=_("网上意见"),
        ),
        MultiFieldPanel([FieldPanel("explanation"), FieldPanel("explanation_document")], heading=_("起草说明")),
        InlinePanel("attachments", heading=_("附件"), label=_("附件")),
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

    # Public views live in drafts/views.py; these routes only hand over to them.
    @path("")
    def text_view(self, request):
        from drafts import views

        return views.draft_text(request, self)

    @path("articles/<int:number>/")
    def article_view(self, request, number):
        from drafts import views

        return views.draft_article(request, self, number)

    @path("poster/")
    def poster_view(self, request):
        from drafts import views

        return views.draft_poster(request, self)

    @path("articles/<int:number>/poster/")
    def article_poster_view(self, request, number):
        from drafts import views

        return views.draft_poster(request, self, number)

    @path("print/")
    def print_view(self, request):
        from drafts import views

        return views.draft_print(request, self)

    @path("word/")
    def word_view(self, request):
        from drafts import views

        return views.draft_word(request, self)

    @path("diff/")
    def diff_view(self, request):
        from drafts import views

        return views.draft_diff(request, self)


class DraftAttachment(Orderable):
    """A file published with a draft: the explanatory statement, background material, a comparison table."""

    page = ParentalKey(DraftPage, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(
        "wagtaildocs.Document", verbose_name=_("文件"), on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(_("名称"), max_length=200, blank=True, help_text=_("留空则使用文件标题。"))

    panels = [FieldPanel("document"), FieldPanel("title")]

    class Meta(Orderable.Meta):
        verbose_name = _("附件")
        verbose_name_plural = _("附件")

    def __str__(self) -> str:
        return self.title or self.document.title


class DraftVersion(models.Model):
    """One text of a draft (征求意见稿, 一审稿 …); opinions stay tied to the version they were on."""

    draft = models.ForeignKey(DraftPage, on_delete=models.CASCADE, related_name="versions", verbose_name=_("法规草案"))
    number = models.PositiveSmallIntegerField(_("版本序号"))
    stage = models.CharField(_("审议阶段"), max_length=20, choices=DraftStage.choices, default=DraftStage.SOLICITATION)
    title = models.CharField(_("标题"), max_length=255)
    preamble = models.TextField(_("题注"), blank=True)
    source_name = models.CharField(_("来源文件"), max_length=255, blank=True)
    source_text = models.TextField(_("导入文本"), blank=True, help_text=_("导入时确认的全文，便于核对和重新导入。"))
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    # Touched whenever the version's text or notes change: the rendered text is cached under it.
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept counters of published opinions (updated with F() by the comments services, never counted
    # per request): all of them, and those on the draft as a whole.
    opinion_count = models.PositiveIntegerField(_("意见数"), default=0)
    general_opinion_count = models.PositiveIntegerField(_("整体意见数"), default=0)

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
    # An article's identity across versions: a revised text's article matched to this one shares it.
    lineage = models.UUIDField(_("条文标识"), default=uuid.uuid4, editable=False, db_index=True)
    # Lineages of the other articles this one was split from or merged with, when the match found any.
    derived_from = models.JSONField(_("拆分或合并来源"), default=list, blank=True)
    note = models.TextField(_("释义"), blank=True, help_text=_("用通俗的话解释本条（民言民语），显示在条文下方。"))
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

    @property
    def anchor(self) -> str:
        return f"article-{self.number}" if self.kind == ProvisionKind.ARTICLE else f"{self.kind}-{self.position}"
