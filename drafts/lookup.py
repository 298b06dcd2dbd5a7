"""Live drafts and their articles as every post looks them up, kept in each process while nothing changes.

Posting asks for the same draft and a few hundred articles thousands of times a minute. Each process keeps
what it looked up and drops it all when the shared generation (one cache key, asked at most once a second:
cms.generations) changes: any save or deletion of a draft, version, provision or view restriction, and any
publication, sets a new one. A process also drops its copies after MAX_AGE seconds, for changes no signal reports
(queryset updates).
"""

from __future__ import annotations

import copy
import threading
import time

from cms import generations

GENERATION_KEY = "drafts:lookup-generation"
MAX_AGE = 30  # seconds
FIELDS = ("id", "number", "label", "text", "version_id", "kind")  # what posting and its form page need
_lock = threading.Lock()
_state: dict = {"generation": None, "since": 0.0, "drafts": {}, "articles": {}}


def invalidate(**_kwargs) -> None:
    """Every process looks everything up again on its next request (a signal receiver, too)."""
    generations.renew(GENERATION_KEY)


def _current() -> dict:
    generation = generations.current(GENERATION_KEY)
    now = time.monotonic()
    with _lock:
        if _state["generation"] != generation or now - _state["since"] > MAX_AGE:
            _state.update(generation=generation, since=now, drafts={}, articles={})
        return _state


def live_draft(pk: int):
    """The published draft `pk` that visitors may see (no view restriction on it or above it), or None.
    A copy: callers may change it without touching what other requests get."""
    from wagtail.models import PageViewRestriction

    from drafts.models import DraftPage

    drafts = _current()["drafts"]
    if "restricted" not in drafts:
        drafts["restricted"] = PageViewRestriction.objects.exists()
    draft = drafts.get(pk)
    if draft is None:  # misses are not kept: ids that do not exist must not fill the memory
        found = DraftPage.objects.live()
        if drafts["restricted"]:
            found = found.public()
        draft = found.filter(pk=pk).first()
        if draft is None:
            return None
        draft.lookup_url = draft.url  # Wagtail reads the site's root paths from the cache for each .url
        drafts[pk] = draft
    return copy.copy(draft)


def index_url() -> str:
    """Where the list of drafts is (the first live, public draft index page), or "" when there is none.
    The site header links to it on every page: asked once per process until something is published."""
    from drafts.models import DraftIndexPage

    drafts = _current()["drafts"]
    if "index_url" not in drafts:
        index = DraftIndexPage.objects.live().public().order_by("path").first()
        drafts["index_url"] = index.url if index else ""
    return drafts["index_url"]


def article(pk: int, draft):
    """Article `pk` of any version of `draft` (the fields posting needs), or None."""
    from drafts.models import Provision

    draft_id = draft.pk
    articles = _current()["articles"]
    key = (pk, draft_id)
    found = articles.get(key)
    loaded = ("current version loaded", draft_id)
    if found is None and loaded not in articles and draft.current_version_id:
        # The first miss loads every article of the current version in one query (a big code has 1,260:
        # one query instead of one per article and process).
        articles[loaded] = True
        for row in Provision.objects.filter(version_id=draft.current_version_id, kind="article").only(*FIELDS):
            articles[(row.pk, draft_id)] = row
        found = articles.get(key)
    if found is None:  # misses are not kept, as for drafts
        found = Provision.objects.filter(pk=pk, kind="article", version__draft_id=draft_id).only(*FIELDS).first()
        if found is None:
            return None
        articles[key] = found
    return copy.copy(found)


def connect() -> None:
    from django.db.models.signals import post_delete, post_save
    from wagtail.models import PageViewRestriction
    from wagtail.signals import page_published, page_unpublished

    from drafts.models import DraftPage, DraftVersion, Provision

    for model in (DraftPage, DraftVersion, Provision, PageViewRestriction):
        for signal in (post_save, post_delete):
            signal.connect(invalidate, sender=model, weak=False, dispatch_uid=f"drafts-lookup-{model.__name__}")
    for signal in (page_published, page_unpublished):
        signal.connect(invalidate, weak=False, dispatch_uid=f"drafts-lookup-{id(signal)}")
