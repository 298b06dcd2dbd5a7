"""Where an opinion came from beyond its channel: the contact point that submitted it, for example.

Comments knows nothing of contact points. An app that records a source for opinions (contact_points)
registers a `SourceProvider` in its `AppConfig.ready()`; handling, referrals and the exports ask this
module for a source's name, filter by it, or find who speaks for it, without knowing its models.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import CharField, F, Q, QuerySet, Value
from django.db.models.functions import Coalesce

from cms.extensions import ExtensionPoint


@dataclass(frozen=True)
class SourceProvider:
    """One kind of source. Paths are ORM lookups from `Opinion`; functions return public, safe values."""

    key: str  # short name of the kind, e.g. "contact_point"
    id_path: str  # e.g. "contact_point_link__contact_point_id"
    name_path: str  # e.g. "contact_point_link__contact_point__name"
    # The users who speak for the source of an opinion (coordinators of the point): a lookup from Opinion
    # to user ids, so that "may this user see / rate this" is one query.
    speaker_path: str
    page_url: Callable[[int], str]  # the speakers' own page that lists the source's opinions (by source id)


providers = ExtensionPoint("comments.sources", "SourceProvider objects, registered by apps that record sources.")
register_source = providers.register


def annotate_name(qs: QuerySet, alias: str = "source_name") -> QuerySet:
    """Add each opinion's source name ("" when it has none) as `alias`."""
    paths = [F(p.name_path) for p in providers]
    if not paths:
        return qs.annotate(**{alias: Value("", output_field=CharField())})
    return qs.annotate(**{alias: Coalesce(*paths, Value(""), output_field=CharField())})


def has_source() -> Q:
    """Opinions that came through a registered source."""
    q = Q(pk__in=[])
    for p in providers:
        q |= Q(**{f"{p.id_path}__isnull": False})
    return q


def filter_source(qs: QuerySet, source_id: int) -> QuerySet:
    q = Q(pk__in=[])
    for p in providers:
        q |= Q(**{p.id_path: source_id})
    return qs.filter(q)


def source_choices(qs: QuerySet) -> list[tuple[int, str]]:
    """(id, name) of the sources of the opinions in `qs`, by name."""
    found: list[tuple[int, str]] = []
    for p in providers:
        found += list(
            qs.filter(**{f"{p.id_path}__isnull": False})
            .values_list(p.id_path, p.name_path)
            .distinct()
            .order_by(p.name_path)
        )
    return found


def spoken_for_by(user) -> Q:
    """Opinions whose source the user speaks for (e.g. as a coordinator of the contact point)."""
    q = Q(pk__in=[])
    if user is None or not user.is_authenticated:
        return q
    for p in providers:
        q |= Q(**{p.speaker_path: user.pk})
    return q


def speakers(qs: QuerySet) -> list[tuple[int, str, int]]:
    """(user id, provider key, source id) for everyone who speaks for the sources of the opinions in `qs`."""
    found: set[tuple[int, str, int]] = set()
    for p in providers:
        for user_id, source_id in qs.values_list(p.speaker_path, p.id_path):
            if user_id is not None:
                found.add((user_id, p.key, source_id))
    return sorted(found)


def page_url(key: str, source_id: int) -> str:
    for p in providers:
        if p.key == key:
            return p.page_url(source_id)
    return ""
