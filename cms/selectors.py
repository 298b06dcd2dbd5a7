from django.contrib.auth import get_user_model
from django.db.models import Q

from cms.models import MAINLAND_MOBILE_RE, AccessEvent, User


def normalize_identifier(identifier: str) -> str:
    """Strip spaces (and a +86 prefix on phone numbers); lower-case e-mail addresses."""
    value = "".join(identifier.split())
    if value.startswith("+86"):
        value = value[3:]
    if "@" in value:
        value = value.lower()
    return value


def identifier_kind(identifier: str) -> str | None:
    """'email', 'phone' or None for a normalized identifier."""
    if MAINLAND_MOBILE_RE.match(identifier):
        return "phone"
    if "@" in identifier:
        return "email"
    return None


def user_by_identifier(identifier: str) -> User | None:
    value = normalize_identifier(identifier)
    if not value:
        return None
    query = Q(username=value)
    kind = identifier_kind(value)
    if kind == "email":
        query |= Q(email__iexact=value)
    elif kind == "phone":
        query |= Q(phone=value)
    return get_user_model().objects.filter(query).order_by("pk").first()


def access_event_list():
    """The access records, newest first (the admin's report filters them)."""
    return AccessEvent.objects.order_by("-occurred_at", "-id")
