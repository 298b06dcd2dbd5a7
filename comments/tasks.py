"""Background work for opinions (django-q2 tasks: they take ids and call plain functions)."""

import logging

from django.urls import reverse

from cms import emails
from comments.models import ModerationState, Opinion

logger = logging.getLogger(__name__)

# What an author hears of; each is the e-mail "comments/opinion-<event>".
EVENTS = (ModerationState.PUBLISHED, ModerationState.REJECTED, "handled")


def notify_author(opinion_id: int, event: str) -> bool:
    """E-mail the author that an opinion was published, rejected or handled. Returns whether sent.

    Accounts with only a mobile number see the news under 我的意见; no text message is sent for it.
    """
    return notify_authors([opinion_id], event) == 1


def notify_authors(opinion_ids: list[int], event: str) -> int:
    """notify_author for many opinions in one task (a bulk disposition), over one mail connection.
    Returns how many were e-mailed.

    Each author gets a message of their own about their own opinion.
    """
    if event not in EVENTS:
        return 0
    opinions = (
        Opinion.objects.filter(pk__in=opinion_ids, author__isnull=False)
        .exclude(author__email="")
        .select_related("author", "draft", "article")
        .order_by("pk")
    )
    my_opinions_url = emails.absolute_url(reverse("my_opinions"))
    sent = emails.send_each(
        f"comments/opinion-{event}",
        (emails.Mail([o.author.email], {"opinion": o, "my_opinions_url": my_opinions_url}) for o in opinions),
    )
    logger.info("opinions %s: told %s authors (%s)", opinion_ids[:20], sent, event)
    return sent


def check_campaigns() -> int:
    """Compare newly posted opinions for campaigns (queued after posts, and every minute)."""
    from django.core.cache import cache

    from comments import campaigns

    cache.delete(campaigns.QUEUED)  # posts from now on queue another run
    return campaigns.check_all()
