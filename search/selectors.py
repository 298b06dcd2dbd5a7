"""Asking the configured backend, as someone: their access tokens, and the fallback to the database."""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils.translation import gettext as _

from cms.rules import is_staff
from search.backends import get_backend
from search.backends.base import KINDS, PUBLIC, SearchQuery, SearchResult
from search.backends.database import DatabaseBackend
from search.breaker import CircuitBreaker

logger = logging.getLogger(__name__)

# One breaker per process for the search cluster (the database backend needs none).
breaker = CircuitBreaker(
    failures=getattr(settings, "SEARCH_BREAKER_FAILURES", 3),
    cooldown=getattr(settings, "SEARCH_BREAKER_COOLDOWN", 30),
    max_waiting=getattr(settings, "SEARCH_BREAKER_MAX_WAITING", 2),
    stalled_after=getattr(settings, "SEARCH_BREAKER_STALLED_AFTER", 0.5),
)


def visible_drafts(is_staff: bool) -> tuple[int, ...]:
    """The drafts whose documents a search may return: the live, public ones; staff also those not (yet)
    published. A draft unpublished or deleted since it was indexed is left out at once (issue 21, item 6)."""
    from drafts.models import DraftPage

    drafts = DraftPage.objects.all() if is_staff else DraftPage.objects.live().public()
    return tuple(drafts.order_by("pk").values_list("pk", flat=True))


def access_tokens(user) -> tuple[list[str], bool]:
    """(tokens, is_staff): staff see everything; a coordinator their points' opinions; a liaison their
    departments' referred opinions; everyone what is public."""
    if user is None or not user.is_authenticated:
        return [PUBLIC], False
    if is_staff(user) or user.has_perm("comments.view_opinion"):
        return [PUBLIC, "staff"], True
    tokens = [PUBLIC]
    tokens += [f"point:{pk}" for pk in user.contact_points.filter(is_active=True).values_list("pk", flat=True)]
    tokens += [f"dept:{pk}" for pk in user.departments.filter(is_active=True).values_list("pk", flat=True)]
    return tokens, False


def search(
    *,
    text: str,
    user=None,
    draft_id: int | None = None,
    filters: dict | None = None,
    kinds=KINDS,
    page: int = 1,
    include_superseded: bool = False,
) -> SearchResult:
    """What `user` may see matching `text`; articles of earlier versions only with `include_superseded`."""
    tokens, is_staff = access_tokens(user)
    query = SearchQuery(
        text=text,
        tokens=tokens,
        is_staff=is_staff,
        draft_id=draft_id,
        kinds=tuple(kinds),
        filters=dict(filters or {}),
        page=max(1, min(page, 500)),
        include_superseded=include_superseded,
        drafts=visible_drafts(is_staff),
    )
    backend = get_backend()
    if isinstance(backend, DatabaseBackend):
        return backend.search(query)
    waiter = breaker.allow()
    if waiter is None:
        # The cluster failed just now, or enough searches already wait on it: do not hold this request too.
        return _from_database(query)
    try:
        result = backend.search(query)
    except Exception as exc:
        breaker.failure(waiter)
        logger.warning("search: %s failed (%s); answering from the database", backend.name, exc)
        return _from_database(query)
    breaker.success(waiter)
    return result


def _from_database(query: SearchQuery) -> SearchResult:
    result = DatabaseBackend().search(query)
    result.notice = _("全文检索服务暂时不可用，以下结果来自数据库检索，可能不够完整。")
    return result
