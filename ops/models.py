"""The task cluster's heartbeat: a schedule stamps it every minute, /healthz reads it."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Heartbeat(models.Model):
    """When a named background loop last ran to its end.

    django-q2's own cluster statistics live in the cache, which is each process's memory without Redis, so the
    web server could not read them; a row written by a scheduled task proves the whole chain at once: the
    scheduler queued it, the broker delivered it, a worker ran it and the database took the write.
    """

    name = models.CharField(_("名称"), max_length=40, unique=True)
    beat_at = models.DateTimeField(_("最近心跳"))

    class Meta:
        verbose_name = _("心跳")
        verbose_name_plural = _("心跳")

    def __str__(self) -> str:
        return f"{self.name} {self.beat_at:%Y-%m-%d %H:%M:%S}"
