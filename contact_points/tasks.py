"""Background work for contact points (django-q2 tasks: they take ids and send e-mail through cms.emails)."""

import logging

from django.urls import reverse

from cms import emails
from contact_points.models import OpinionBatch, Solicitation

logger = logging.getLogger(__name__)


def _point_url(route: str, point_id: int) -> str:
    return emails.absolute_url(reverse(route, args=[point_id]))


def notify_solicitation(solicitation_id: int) -> int:
    """E-mail every coordinator of the points a solicitation asks. Returns how many were e-mailed.

    Each coordinator gets a message of their own (with their point's workspace link), so an address is
    never shown to anyone else; all of them go over one mail connection.
    """
    solicitation = Solicitation.objects.select_related("draft", "version").filter(pk=solicitation_id).first()
    if solicitation is None:
        return 0
    mails = []
    draft_url = solicitation.draft.url or ""
    if draft_url.startswith("/"):
        draft_url = emails.absolute_url(draft_url)
    for target in solicitation.targets.select_related("contact_point").prefetch_related("contact_point__coordinators"):
        point = target.contact_point
        workspace_url = _point_url("contact_points:home", point.pk)
        mails += [
            emails.Mail(
                [coordinator.email],
                {
                    "solicitation": solicitation,
                    "point": point,
                    "coordinator": coordinator,
                    "draft_url": draft_url,
                    "workspace_url": workspace_url,
                },
            )
            for coordinator in point.coordinators.all()
            if coordinator.email
        ]
    sent = emails.send_each("contact_points/solicitation", mails)
    logger.info("solicitation %s: %s coordinators e-mailed", solicitation_id, sent)
    return sent


def _batch_mail(batch_id: int, name: str) -> int:
    batch = OpinionBatch.objects.select_related("contact_point", "draft", "submitted_by").filter(pk=batch_id).first()
    if batch is None or batch.submitted_by is None or not batch.submitted_by.email:
        return 0
    feedback_url = _point_url("contact_points:feedback", batch.contact_point_id)
    return emails.send(name, batch.submitted_by.email, {"batch": batch, "feedback_url": feedback_url})


def notify_batch_submitted(batch_id: int) -> int:
    """Confirm to the coordinator that the batch arrived, with its number of opinions."""
    return _batch_mail(batch_id, "contact_points/batch-submitted")


def notify_batch_received(batch_id: int) -> int:
    """Tell the coordinator that staff acknowledged receipt of the batch."""
    return _batch_mail(batch_id, "contact_points/batch-received")
