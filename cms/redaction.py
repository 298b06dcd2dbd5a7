"""Contact details typed into a text: blanked before anyone but staff reads it (issue 21, items 5 and 7)."""

import re

from django.utils.translation import gettext as _

# Mainland mobiles (also written 139 1234 5678, 139-1234-5678, +86 139…), landlines, ID numbers (18 or 15
# digits), e-mail addresses.
_CONTACT_DETAILS = re.compile(
    r"(?<![0-9A-Za-z])(?:(?:\+|00)?86[\s-]?)?1[3-9]\d(?:[\s-]?\d){8}(?![0-9A-Za-z])"
    r"|(?<![0-9A-Za-z])(?:0\d{2,3}[\s-]?\d{7,8}|\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])"
    r"|[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
)


def redact_contact_details(text: str) -> str:
    """Blank out phone numbers, ID numbers and e-mail addresses a proposer wrote into a text."""
    return _CONTACT_DETAILS.sub(_("（已隐去）"), text or "")


def has_contact_details(text: str) -> bool:
    return bool(_CONTACT_DETAILS.search(text or ""))
