"""Permissions of referrals: the department acts on its own referrals, proposers rate them once closed."""

import rules

from cms.rules import is_staff
from comments import sources
from referrals.models import ReferralState


@rules.predicate
def is_department_liaison(user, referral) -> bool:
    """The user is a liaison of the department the referral was sent to."""
    if referral is None or not user.is_authenticated:
        return False
    return referral.department.liaisons.filter(pk=user.pk).exists()


@rules.predicate
def is_proposer(user, referral) -> bool:
    """The author of one of its opinions, or someone who speaks for their source (a point's coordinator)."""
    if referral is None or not user.is_authenticated:
        return False
    opinions = referral.opinions.all()
    return opinions.filter(author=user).exists() or opinions.filter(sources.spoken_for_by(user)).exists()


@rules.predicate
def is_closed(user, referral) -> bool:
    return referral is not None and referral.state == ReferralState.CLOSED


# Acknowledge, reply, ask for more time: the department's liaisons.
rules.add_perm("referrals.act_for_department", is_department_liaison)
# Rate the handling (满意 / 基本满意 / 不满意).
rules.add_perm("referrals.rate_referral", is_proposer)
# Read the reply and its attachments: the department and staff always, the proposers once it is closed.
rules.add_perm("referrals.read_reply", is_department_liaison | is_staff | (is_closed & is_proposer))
