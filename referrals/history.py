"""Referrals in Wagtail's site history (cms.audit): their actions, and the entry written with each ReferralEvent,
in the same transaction."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.log_actions import log

from cms import audit
from referrals.models import ReferralAction, ReferralEvent

PREFIX = "referrals"


def register_actions(actions) -> None:
    """转办：<action> for each step of a referral."""
    audit.register_actions(actions, PREFIX, gettext_lazy("转办"), ReferralAction.choices, ReferralEvent.describe_data)


def log_referral_event(event: ReferralEvent) -> None:
    """Mirror one referral event in the site history, on its referral."""
    referral = event.referral
    with translation.override(settings.LANGUAGE_CODE):
        title = _("第 %(pk)s 号转办（%(department)s）") % {"pk": referral.pk, "department": referral.department.name}
    log(
        referral,
        f"{PREFIX}.{event.action}",
        user=event.actor,
        uuid=audit.operation_uuid(),
        title=title,
        data=event.log_data(),
        timestamp=event.created_at,
    )
