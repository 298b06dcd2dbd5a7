"""Contact details typed into a text: blanked before anyone but staff reads it (issue 21, items 5 and 7)."""

import re

from django.utils.translation import gettext as _

# Mainland mobiles (also written 139 1234 5678, 139-1234-5678, +86 139…, 0086…), landlines (0571-87654321,
# 0571 8765 4321, 0571-8765-4321, (0571)87654321, （0571）87654321, +86 571 8765 4321), ID numbers (18 or 15 digits,
# also in groups 330102 19900101 1234), e-mail addresses.
_BEFORE, _AFTER = r"(?<![0-9A-Za-z])", r"(?![0-9A-Za-z])"
_MOBILE = r"(?:(?:\+|00)?86[\s-]?)?1[3-9]\d(?:[\s-]?\d){8}"
_AREA = r"(?:(?:\+|00)86[\s-]?[(（]?[1-9]\d{1,2}[)）]?|[(（]?0\d{2,3}[)）]?)"
_LANDLINE = _AREA + r"[\s-]?\d{3,4}[\s-]?\d{4}"
_ID_NUMBER = r"\d{6}[\s-]?\d{8}[\s-]?\d{3}[\dXx]|\d{15}"
_CONTACT_DETAILS = re.compile(
    rf"{_BEFORE}(?:{_MOBILE}|{_LANDLINE}|{_ID_NUMBER}){_AFTER}"
    r"|[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
)


def redact_contact_details(text: str) -> str:
    """Blank out phone numbers, ID numbers and e-mail addresses a proposer wrote into a text."""
    return _CONTACT_DETAILS.sub(_("（已隐去）"), text or "")


def has_contact_details(text: str) -> bool:
    return bool(_CONTACT_DETAILS.search(text or ""))
