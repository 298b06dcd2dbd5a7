"""Grassroots legislative contact points (基层立法联系点) and their coordinators."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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


class ContactPointOpinion(models.Model):
    """Ties an opinion to the contact point that submitted it.

    The link lives here rather than on Opinion so that dependencies keep pointing one way:
    contact points know about opinions, the comments app knows nothing of contact points.
    """

    opinion = models.OneToOneField(
        "comments.Opinion", on_delete=models.CASCADE, primary_key=True, related_name="contact_point_link"
    )
    contact_point = models.ForeignKey(ContactPoint, on_delete=models.PROTECT, related_name="opinion_links")

    class Meta:
        verbose_name = _("联系点意见")
        verbose_name_plural = _("联系点意见")

    def __str__(self) -> str:
        return f"{self.contact_point} · {self.opinion_id}"
