"""Background work of referrals (django-q2 tasks: they take ids and call services): e-mails to departments,
proposers and staff, the daily reminders and escalations, the weekly digest."""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from cms import emails
from cms.roles import Role
from comments import sources
from referrals import services
from referrals.models import Referral, ReferralAction

logger = logging.getLogger(__name__)

# The events people hear of; each is the e-mail "referrals/referral-<event>".
EVENTS = ("sent", "reminder", "overdue", "returned", "reopened", "replied", "extension", "closed")
TO_DEPARTMENT = {"sent", "reminder", "overdue", "returned", "reopened"}
TO_CREATOR = {"overdue", "replied", "extension"}


@dataclass(frozen=True)
class _Recipient:
    email: str
    name: str
    link: str  # where this person acts on the referral
    page: str = ""  # their own page that lists it (proposers)
    coordinator: bool = False  # writes for a contact point rather than for themselves


def _absolute(route: str, *args) -> str:
    return emails.absolute_url(reverse(route, args=args))


def _referral_recipients(referral: Referral, event: str) -> list[_Recipient]:
    """Who hears of an event, each with the link that suits them; one address once."""
    people: list[_Recipient] = []
    if event in TO_DEPARTMENT:
        link = _absolute("referrals:detail", referral.pk)
        people += [
            _Recipient(user.email, user.known_name, link)
            for user in referral.department.liaisons.filter(is_active=True).exclude(email="").order_by("pk")
        ]
    creator = referral.created_by
    if event in TO_CREATOR and creator is not None and creator.is_active and creator.email:
        people.append(_Recipient(creator.email, creator.known_name, _absolute("referrals_admin", referral.pk)))
    if event == "closed":
        rate_link = _absolute("referrals:rate", referral.pk)
        authors = get_user_model().objects.filter(
            pk__in=referral.opinions.filter(author__isnull=False).values("author"), is_active=True
        )
        my_opinions = _absolute("my_opinions")
        people += [_Recipient(u.email, u.known_name, rate_link, my_opinions) for u in authors.exclude(email="")]
        # Contact points (and any other source) speak for their opinions: found through comments.sources.
        page_of: dict[int, str] = {}  # a coordinator of several points gets the first one's page
        for user_id, key, source_id in sources.speakers(referral.opinions.all()):
            page_of.setdefault(user_id, emails.absolute_url(sources.page_url(key, source_id)))
        coordinators = get_user_model().objects.filter(pk__in=page_of, is_active=True).exclude(email="")
        people += [
            _Recipient(u.email, u.known_name, rate_link, page_of[u.pk], True) for u in coordinators.order_by("pk")
        ]
    seen: set[str] = set()
    unique = []
    for person in people:
        if person.email.lower() not in seen:
            seen.add(person.email.lower())
            unique.append(person)
    return unique


def _last_reason(referral: Referral, action: str) -> str:
    event = referral.events.filter(action=action).order_by("-created_at", "-id").first()
    return event.reason if event else ""


def notify_referral(referral_id: int, event: str) -> int:
    """E-mail the people a referral event concerns. Returns how many addresses were e-mailed.

    A department hears of new, due, overdue, returned and reopened referrals; the staff member who
    forwarded it hears of replies, extension requests and overdue ones; proposers and their contact
    points hear that it was closed, with a link to rate it. Mail to a department carries no opinion text
    and nothing about the proposers: it links to the inbox, which shows what a department may see.
    """
    referral = Referral.objects.select_related("department", "draft", "created_by").filter(pk=referral_id).first()
    if referral is None or event not in EVENTS:
        return 0
    recipients = _referral_recipients(referral, event)
    if not recipients:
        logger.warning("referral %s: nobody to tell of %s", referral_id, event)
        return 0
    context = {
        "referral": referral,
        "opinion_count": referral.opinions.count(),
        "attachment_count": referral.attachments.count() if event == "replied" else 0,
        "note": _last_reason(referral, ReferralAction.RETURN) if event == "returned" else "",
    }
    # One message per person (nobody sees another's address), all over one connection.
    sent = emails.send_each(
        f"referrals/referral-{event}",
        [emails.Mail([person.email], {**context, "recipient": person}) for person in recipients],
    )
    logger.info("referral %s: told %s people (%s)", referral_id, sent, event)
    return sent


def referrals_remind_task() -> int:
    """Daily schedule: remind departments of referrals due within three days."""
    return services.referrals_remind()


def referrals_escalate_task() -> int:
    """Daily schedule: chase every overdue referral."""
    return services.referrals_escalate()


def referrals_weekly_digest() -> int:
    """Weekly schedule: e-mail every active staff member where each department stands. Returns addresses.

    Nothing is sent in a week with no open referral and none closed.
    """
    from referrals.selectors import referral_department_counts

    now = timezone.now()
    rows = [
        row
        for row in referral_department_counts(now=now, closed_since=now - timedelta(days=7))
        if row.open or row.closed_recently
    ]
    if not rows:
        return 0
    staff = (
        get_user_model()
        .objects.filter(is_active=True, groups__name=str(Role.STAFF))
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )
    totals = {
        key: sum(getattr(row, key) for row in rows) for key in ("open", "overdue", "awaiting_review", "closed_recently")
    }
    context = {
        "rows": rows,
        "totals": totals,
        "since": now - timedelta(days=7),
        "now": now,
        "board_url": _absolute("referrals_board"),
    }
    return emails.send_each(
        "referrals/digest", [emails.Mail([user.email], {**context, "recipient": user}) for user in staff]
    )
