"""The revision workspace (修改稿): a working copy of a draft's current version that staff edit in place
and publish as the next version, every change carrying its reason and the opinions behind it.

A working copy is stored flat, one row per heading (编, 章, 节) or article in reading order, the way a
version's provisions are; an article's 款 and 项 are the lines of its text, as the importer stores them.
Each row remembers the article it was opened from (``source``), so what changed is always the row against
its source: nothing is re-matched when the copy is published, and an article keeps its identity (lineage).
Deleted articles stay as rows marked deleted, where they stood, so the 修改前后对照表 can show them
with their reasons.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from drafts.models import DraftStage

HEADING_KINDS = ("part", "subpart", "chapter", "section")
#: The depth of each heading (编 0 … 节 3); an article sits below every heading.
LEVELS = {"part": 0, "subpart": 1, "chapter": 2, "section": 3, "article": 4}
UNITS = {"part": "编", "subpart": "分编", "chapter": "章", "section": "节"}


class RevisionStatus(models.TextChoices):
    OPEN = "open", _("编辑中")
    PUBLISHED = "published", _("已发布")
    DISCARDED = "discarded", _("已放弃")


class Revision(models.Model):
    """A working copy of one version of a draft; at most one is open per draft."""

    draft = models.ForeignKey(
        "drafts.DraftPage", on_delete=models.CASCADE, related_name="working_copies", verbose_name=_("法规草案")
    )
    base_version = models.ForeignKey(
        "drafts.DraftVersion", on_delete=models.CASCADE, related_name="+", verbose_name=_("修改前的版本")
    )
    status = models.CharField(_("状态"), max_length=10, choices=RevisionStatus.choices, default=RevisionStatus.OPEN)
    stage = models.CharField(_("审议阶段"), max_length=20, choices=DraftStage.choices, default=DraftStage.REVISED)
    published_version = models.ForeignKey(
        "drafts.DraftVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("发布的版本"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # When the opinions linked to its changes were pointed at the published articles (a task after publishing).
    linked_at = models.DateTimeField(_("意见关联完成时间"), null=True, blank=True)
    # Bumped by every insert, delete and move: the outline a person is looking at may be stale.
    structure_version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("修改稿")
        verbose_name_plural = _("修改稿")
        constraints = [
            models.UniqueConstraint(
                fields=["draft"], condition=models.Q(status="open"), name="revision_one_open_per_draft"
            )
        ]

    def __str__(self) -> str:
        return f"{self.draft.title}（{self.get_status_display()}）"


class RevisionNode(models.Model):
    """A heading or an article of a working copy, in reading order (``position``)."""

    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="nodes")
    position = models.PositiveIntegerField(_("顺序"))
    kind = models.CharField(_("类型"), max_length=10)
    number = models.PositiveIntegerField(_("序号"), null=True, blank=True)
    label = models.CharField(_("编号"), max_length=40, blank=True)
    title = models.CharField(_("标题"), max_length=255, blank=True)
    text = models.TextField(_("正文"), blank=True)
    # The article (or heading) of the base version this row was opened from; None for a new one.
    source = models.ForeignKey("drafts.Provision", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    lineage = models.UUIDField(default=uuid.uuid4)
    deleted = models.BooleanField(_("已删除"), default=False)
    reason = models.TextField(_("修改理由"), blank=True)
    reason_public = models.BooleanField(
        _("公开修改理由"), default=True, help_text=_("公开的修改理由显示在新版本的条文下和两栏对照表以外的文件中。")
    )
    # References in the text a person must check after a renumbering (ambiguous or dangling).
    checks = models.JSONField(_("待核对的引用"), default=list, blank=True)
    # Optimistic locking: a save names the row_version it was typed on; an older one is a conflict.
    row_version = models.PositiveIntegerField(default=0)
    edited_at = models.DateTimeField(_("修改时间"), null=True, blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opinions = models.ManyToManyField(
        "comments.Opinion", through="RevisionLink", related_name="revision_nodes", verbose_name=_("意见来源")
    )
    # The article of the published version this row became.
    published_provision = models.ForeignKey(
        "drafts.Provision", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("修改稿条文")
        verbose_name_plural = _("修改稿条文")
        ordering = ["revision", "position"]
        indexes = [
            models.Index(fields=["revision", "position"], name="revisionnode_position"),
            models.Index(fields=["revision", "lineage"], name="revisionnode_lineage"),
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.title}".strip()

    @property
    def is_article(self) -> bool:
        return self.kind == "article"

    @property
    def level(self) -> int:
        return LEVELS[self.kind]


class RevisionLink(models.Model):
    """An opinion behind a change of an article of a working copy."""

    node = models.ForeignKey(RevisionNode, on_delete=models.CASCADE, related_name="links")
    opinion = models.ForeignKey("comments.Opinion", on_delete=models.CASCADE, related_name="revision_links")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("意见来源")
        verbose_name_plural = _("意见来源")
        constraints = [models.UniqueConstraint(fields=["node", "opinion"], name="revisionlink_unique")]
        indexes = [models.Index(fields=["opinion"], name="revisionlink_opinion")]

    def __str__(self) -> str:
        return f"{self.node_id}:{self.opinion_id}"
