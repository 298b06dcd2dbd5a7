"""Background work for contact points (django-q2 tasks: they take ids and send e-mail)."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from contact_points.models import OpinionBatch, Solicitation

logger = logging.getLogger(__name__)


def _send(subject: str, template: str, context: dict, recipients: list[str]) -> int:
    recipients = sorted({r for r in recipients if r})
    if not recipients:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        context = {**context, "site_name": settings.SITE_NAME, "base_url": settings.BASE_URL.rstrip("/")}
        send_mail(
            subject=settings.EMAIL_SUBJECT_PREFIX + subject,
            message=render_to_string(template, context),
            from_email=None,
            recipient_list=recipients,
        )
    return len(recipients)


def notify_solicitation(solicitation_id: int) -> int:
    """E-mail every coordinator of the points a solicitation asks. Returns how many were e-mailed.

    Each point's coordinators get their own message (their workspace link); an address is never
    shown to the coordinators of another point.
    """
    solicitation = Solicitation.objects.select_related("draft", "version").filter(pk=solicitation_id).first()
    if solicitation is None:
        return 0
    sent = 0
    for target in solicitation.targets.select_related("contact_point").prefetch_related("contact_point__coordinators"):
        point = target.contact_point
        for coordinator in point.coordinators.all():
            sent += _send(
                f"征询任务：《{solicitation.draft.title}》",
                "contact_points/email/solicitation.txt",
                {"solicitation": solicitation, "point": point, "coordinator": coordinator},
                [coordinator.email],
            )
    logger.info("solicitation %s: %s coordinators e-mailed", solicitation_id, sent)
    return sent


def _batch_mail(batch_id: int, subject: str, template: str) -> int:
    batch = OpinionBatch.objects.select_related("contact_point", "draft", "submitted_by").filter(pk=batch_id).first()
    if batch is None or batch.submitted_by is None:
        return 0
    return _send(subject, template, {"batch": batch}, [batch.submitted_by.email])


def notify_batch_submitted(batch_id: int) -> int:
    """Confirm to the coordinator that the batch arrived, with its number of opinions."""
    return _batch_mail(batch_id, "意见汇总已报送", "contact_points/email/batch_submitted.txt")


def notify_batch_received(batch_id: int) -> int:
    """Tell the coordinator that staff acknowledged receipt of the batch."""
    return _batch_mail(batch_id, "意见汇总已签收", "contact_points/email/batch_received.txt")
