"""The handling of opinions: dispositions and their append-only audit trail, reason templates, export jobs.

The disposition itself lives on `comments.Opinion` (its state); every change to it is written by
`handling.services`, which records a `HandlingEvent` in the same transaction.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cms.storage import private_storage
from comments.models import Disposition, Opinion


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
        db_table = "comments_reasontemplate"  # kept from before the app split

    def __str__(self) -> str:
        return self.text[:40]


class HandlingAction(models.TextChoices):
    DISPOSE = "dispose", _("处理")
    ASSIGN = "assign", _("分配")
    MERGE = "merge", _("合并")
    LINK = "link", _("关联修改条文")
    FORWARD = "forward", _("转办")


class AppendOnlyError(Exception):
    pass


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("处理记录只能追加，不能修改。")


class AppendOnlyRecord(models.Model):
    """Who did what, when, before, after, why: a record that can be added, never changed or deleted.

    Neither one record nor a queryset can be updated; a record cannot be deleted, nor can what it is
    about (PROTECT). Only a queryset delete remains, for the benchmark's clean-up.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    before = models.JSONField(_("修改前"), default=dict, blank=True)
    after = models.JSONField(_("修改后"), default=dict, blank=True)
    reason = models.TextField(_("理由"), blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    objects = AppendOnlyQuerySet.as_manager()

    # How `describe` names the keys of before/after, and the words for their coded values.
    change_labels: dict = {}
    value_labels: dict = {}

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("处理记录只能追加，不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("处理记录只能追加，不能删除。")

    def _readable(self, key: str, value) -> str:
        if value is None or value == "":
            return "—"
        if isinstance(value, bool):
            return str(_("是") if value else _("否"))
        labels = self.value_labels.get(key)
        if labels:
            return str(dict(labels).get(value, value))
        if key == "deadline":
            return str(value)[:16].replace("T", " ")
        return str(value)

    def log_data(self) -> dict:
        """What its entry in the site history keeps of the record (cms.audit): the record's id, the fields it
        changed as {field: [before, after]}, and the reason.

        Kept small, as one bulk step writes thousands of entries (and Chinese text is six bytes a character in
        JSON): a changed "reason" field that only repeats the record's reason is not kept twice.
        """
        before, after = self.before or {}, self.after or {}
        changed = {
            key: [before.get(key), value]
            for key, value in after.items()
            if before.get(key) != value and not (key == "reason" and value == self.reason)
        }
        return {"event": self.pk, "changes": changed, "reason": self.reason}

    @classmethod
    def describe_data(cls, data: dict) -> list[tuple[str, str, str]]:
        """`describe` of the record kept in a site-history entry's data."""
        changed = data.get("changes") or {}
        before = {key: values[0] for key, values in changed.items()}
        after = {key: values[1] for key, values in changed.items()}
        return cls(before=before, after=after).describe()

    def describe(self) -> list[tuple[str, str, str]]:
        """The fields this event changed, as (label, before, after) in words."""
        before, after = self.before or {}, self.after or {}
        return [
            (
                str(self.change_labels.get(key, key)),
                self._readable(key, before.get(key)),
                self._readable(key, after.get(key)),
            )
            for key in after
            if before.get(key) != after.get(key)
        ]


class HandlingEvent(AppendOnlyRecord):
    """Append-only record of every handling change of an opinion: who, when, before, after, why."""

    opinion = models.ForeignKey(Opinion, on_delete=models.PROTECT, related_name="handling_events")
    action = models.CharField(_("操作"), max_length=12, choices=HandlingAction.choices)

    change_labels = {
        "disposition": _("处理情况"),
        "reason": _("理由说明"),
        "reason_public": _("公开理由"),
        "assignee": _("承办人"),
        "merged_into": _("并入"),
        "resulting_article": _("修改后的条文"),
        "referral": _("转办"),
    }
    value_labels = {"disposition": Disposition.choices}

    class Meta(AppendOnlyRecord.Meta):
        verbose_name = _("处理记录")
        verbose_name_plural = _("处理记录")
        db_table = "comments_handlingevent"  # kept from before the app split
        indexes = [models.Index(fields=["opinion", "created_at"], name="handling_event_opinion")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.opinion_id}"


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
    # The file was deleted after EXPORT_RETENTION_DAYS (handling.exports.exports_expire); the job stays listed.
    EXPIRED = "expired", _("已过期")


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
    # The worker writing the file beats while it works (handling.exports.export_watchdog re-queues a job whose
    # heart stopped: a worker killed, a task the broker dropped) and counts its attempts.
    heartbeat_at = models.DateTimeField(_("最近心跳"), null=True, blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0, editable=False)

    class Meta:
        verbose_name = _("导出任务")
        verbose_name_plural = _("导出任务")
        ordering = ["-created_at", "-id"]
        db_table = "comments_exportjob"  # kept from before the app split

    def __str__(self) -> str:
        return f"{self.draft_id} {self.format} {self.state}"

    @property
    def percent(self) -> int:
        if self.state == ExportState.DONE:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0
