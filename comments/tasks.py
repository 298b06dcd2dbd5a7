"""Background work for opinions (django-q2 tasks: they take ids and call plain functions)."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from comments.models import ModerationState, Opinion

logger = logging.getLogger(__name__)

SUBJECTS = {
    ModerationState.PUBLISHED: "您的意见已公开",
    ModerationState.REJECTED: "您的意见未通过审核",
    "handled": "您的意见已处理",
}


def notify_author(opinion_id: int, event: str) -> bool:
    """E-mail the author that an opinion was published, rejected or handled. Returns whether sent.

    Accounts with only a mobile number see the news under 我的意见; no text message is sent for it.
    """
    opinion = Opinion.objects.select_related("author", "draft", "article").filter(pk=opinion_id).first()
    if opinion is None or opinion.author is None or not opinion.author.email or event not in SUBJECTS:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "opinion": opinion,
            "event": event,
            "site_name": settings.SITE_NAME,
            "my_opinions_url": settings.BASE_URL.rstrip("/") + "/my/opinions/",
        }
        send_mail(
            subject=settings.EMAIL_SUBJECT_PREFIX + SUBJECTS[event],
            message=render_to_string("comments/email/notification.txt", context),
            from_email=None,
            recipient_list=[opinion.author.email],
        )
    logger.info("opinion %s: told its author (%s)", opinion_id, event)
    return True


def notify_authors(opinion_ids: list[int], event: str) -> int:
    """notify_author for many opinions in one task (a bulk disposition). Returns how many were e-mailed."""
    return sum(notify_author(pk, event) for pk in opinion_ids)


def check_campaigns() -> int:
    """Compare newly posted opinions for campaigns (queued after posts, and every minute)."""
    from django.core.cache import cache

    from comments import campaigns

    cache.delete(campaigns.QUEUED)  # posts from now on queue another run
    return campaigns.check_all()
