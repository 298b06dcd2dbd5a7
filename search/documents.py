"""What is indexed: live drafts, the articles of each of their versions, and opinions (all of them, each
with who may see it). Built from plain values in chunks, so a rebuild of a million opinions streams."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import F, OuterRef, Subquery
from django.utils import timezone

from cms.redaction import redact_contact_details
from search.backends.base import PUBLIC, SearchDoc

CHUNK = 2000


def _year(value) -> int | None:
    return timezone.localtime(value).year if value else None


def draft_docs(draft_ids=None) -> Iterator[SearchDoc]:
    from drafts.models import DraftPage

    drafts = DraftPage.objects.live()
    if draft_ids is not None:
        drafts = drafts.filter(pk__in=draft_ids)
    for draft in drafts:
        yield SearchDoc(
            key=f"draft:{draft.pk}",
            kind="draft",
            object_id=draft.pk,
            title=draft.title,
            body="\n".join(filter(None, [draft.summary, draft.drafting_body])),
            url=draft.url or "",
            draft_id=draft.pk,
            draft_title=draft.title,
            year=_year(draft.opens_at),
        )


def _chapters(version_id: int) -> dict[int, str]:
    """Article id → its chapter's label ("第二章 物业管理区域"), for one version."""
    from drafts.models import Provision, ProvisionKind

    rows = Provision.objects.filter(version_id=version_id).values_list("pk", "kind", "label", "title", "parent_id")
    by_id = {pk: (kind, label, title, parent) for pk, kind, label, title, parent in rows}
    result = {}
    for pk, (kind, _label, _title, parent) in by_id.items():
        if kind != ProvisionKind.ARTICLE:
            continue
        while parent is not None and by_id[parent][0] not in (ProvisionKind.CHAPTER,):
            parent = by_id[parent][3]
        if parent is not None:
            result[pk] = f"{by_id[parent][1]} {by_id[parent][2]}".strip()
    return result


def article_docs(version_ids=None) -> Iterator[SearchDoc]:
    from drafts.models import DraftVersion, Provision, ProvisionKind

    versions = DraftVersion.objects.filter(draft__live=True).select_related("draft")
    if version_ids is not None:
        versions = versions.filter(pk__in=version_ids)
    for version in versions.iterator(chunk_size=100):
        draft = version.draft
        chapters = _chapters(version.pk)
        current = version.pk == draft.current_version_id
        stage = "" if current else f"（{version.get_stage_display()}）"
        base = draft.url or ""
        for pk, number, label, title, text in (
            Provision.objects.filter(version=version, kind=ProvisionKind.ARTICLE)
            .order_by("position")
            .values_list("pk", "number", "label", "title", "text")
        ):
            yield SearchDoc(
                key=f"article:{pk}",
                kind="article",
                object_id=pk,
                title=f"{label} {title}".strip() + stage,
                body=text,
                url=f"{base}articles/{number}/" if current and number else base,
                draft_id=draft.pk,
                draft_title=draft.title,
                chapter=chapters.get(pk, ""),
                article_number=number,
                year=_year(draft.opens_at),
                superseded=not current,
            )


def opinion_docs(opinion_ids=None, *, since=None) -> Iterator[SearchDoc]:
    from comments.models import Channel, ModerationState, Opinion
    from drafts.models import DraftPage
    from referrals.models import ReferralOpinion

    draft_urls = {d.pk: d.url or "" for d in DraftPage.objects.live()}
    # A department reads the opinions of its referrals: the newest referral an opinion was forwarded in.
    newest_department = (
        ReferralOpinion.objects.filter(opinion=OuterRef("pk"))
        .order_by("-referral_id")
        .values("referral__department_id")[:1]
    )
    opinions = Opinion.objects.filter(draft__live=True)
    if opinion_ids is not None:
        opinions = opinions.filter(pk__in=opinion_ids)
    if since is not None:
        opinions = opinions.filter(updated_at__gt=since)
    rows = opinions.values_list(
        "pk",
        "body",
        "draft_id",
        "draft__title",
        "article__number",
        "article__label",
        "channel",
        "disposition",
        "moderation_state",
        "created_at",
        "updated_at",
        "parent_id",
        "parent__moderation_state",
        F("contact_point_link__contact_point_id"),
        F("contact_point_link__contact_point__name"),
        Subquery(newest_department),
    ).order_by("pk")
    for (
        pk, body, draft_id, draft_title, number, label, channel, disposition, state, created, updated,
        parent_id, parent_state, point_id, point_name, department_id,
    ) in rows.iterator(chunk_size=CHUNK):  # fmt: skip
        # A reply is public only while its thread is: a hidden opinion takes its replies out of public search.
        public = (
            channel == Channel.ONLINE
            and state == ModerationState.PUBLISHED
            and (parent_id is None or parent_state == ModerationState.PUBLISHED)
        )
        access = [PUBLIC] if public else ["staff"]
        if point_id:
            access.append(f"point:{point_id}")
        if department_id:
            access.append(f"dept:{department_id}")
        # Read by someone not staff (the public, a coordinator, a department's liaison): the index holds the text
        # with phone numbers, e-mails and ID numbers blanked, as their pages show it (issue 21 item 7). Staff find
        # such an opinion by its other words and read it whole on its page.
        if access != ["staff"]:
            body = redact_contact_details(body)
        where = label or "整体意见"
        yield SearchDoc(
            key=f"opinion:{pk}",
            kind="opinion",
            object_id=pk,
            title=f"对{where}的回复" if parent_id else f"对{where}的意见",
            body=body,
            url=_opinion_url(draft_urls.get(draft_id, ""), draft_id, number, pk, parent_id, public),
            draft_id=draft_id,
            draft_title=draft_title,
            article_number=number,
            channel=channel,
            disposition=disposition,
            contact_point_id=point_id,
            contact_point_name=point_name or "",
            year=_year(created),
            access=access,
            source_updated=updated,
        )


def _opinion_url(draft_url: str, draft_id: int, number, pk: int, parent_id, public: bool) -> str:
    """A public opinion links to its place in its thread; any other to the staff page."""
    top = parent_id or pk
    if not public:
        return f"/admin/opinions/{top}/"
    if number:
        return f"{draft_url}articles/{number}/#opinion-{top}"
    return f"/opinions/drafts/{draft_id}/#opinion-{top}"


def all_docs() -> Iterator[SearchDoc]:
    yield from draft_docs()
    yield from article_docs()
    yield from opinion_docs()


def count_all() -> int:
    from comments.models import Opinion
    from drafts.models import DraftPage, Provision, ProvisionKind

    return (
        DraftPage.objects.live().count()
        + Provision.objects.filter(version__draft__live=True, kind=ProvisionKind.ARTICLE).count()
        + Opinion.objects.filter(draft__live=True).count()
    )
