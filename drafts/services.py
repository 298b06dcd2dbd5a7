"""Writes for drafts: create a draft page and store a parsed text as one of its versions."""

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from drafts.matching import ArticleRef, MatchResult, apply_corrections, match_articles
from drafts.models import DraftIndexPage, DraftPage, DraftStage, DraftVersion, Provision
from drafts.parser import Node, ParseResult


@dataclass
class VersionMatch:
    """How the articles of a new text line up with the draft's current version."""

    old: list[dict]  # id, number, label, title, text, lineage of each current article
    new: list[Node]  # the new text's articles
    result: MatchResult


def version_match(
    *, draft: DraftPage, result: ParseResult, corrections: dict[int, int | None] | None = None
) -> VersionMatch | None:
    """Match a new text's articles to the current version's (None when the draft has no text yet)."""
    if draft.current_version_id is None:
        return None
    old = list(
        Provision.objects.filter(version_id=draft.current_version_id, kind="article")
        .order_by("position")
        .values("id", "number", "label", "title", "text", "lineage")
    )
    new = list(result.articles_flat())
    old_refs = [ArticleRef(o["number"] or 0, o["label"], o["text"], o["title"]) for o in old]
    new_refs = [ArticleRef(n.number or 0, n.label, n.text, n.title) for n in new]
    matched = match_articles(old_refs, new_refs)
    if corrections:
        matched = apply_corrections(old_refs, new_refs, matched, corrections)
    return VersionMatch(old, new, matched)


def _identities(match: VersionMatch | None) -> dict[int, tuple[uuid.UUID, list[str]]]:
    """For each matched or derived new article (by id of its node): its lineage and derived-from lineages."""
    if match is None:
        return {}
    identities: dict[int, tuple[uuid.UUID, list[str]]] = {}
    lineage = [o["lineage"] for o in match.old]
    for pair in match.result.pairs:
        identities[id(match.new[pair.new])] = (lineage[pair.old], [])
    for old_index, new_indices in match.result.splits.items():
        for new_index in new_indices:
            node_id = id(match.new[new_index])
            own = identities.get(node_id, (uuid.uuid4(), []))
            identities[node_id] = (own[0], [*own[1], str(lineage[old_index])])
    for new_index, old_indices in match.result.merges.items():
        node_id = id(match.new[new_index])
        own = identities.get(node_id, (uuid.uuid4(), []))
        identities[node_id] = (own[0], [*own[1], *(str(lineage[i]) for i in old_indices)])
    return identities


def _provision_rows(
    version: DraftVersion, nodes: list[Node], identities: dict[int, tuple[uuid.UUID, list[str]]] | None = None
) -> list[list[tuple[Provision, Node | None]]]:
    """Provisions grouped by depth, each with its parent's node, in document order."""
    levels: list[list[tuple[Provision, Node | None]]] = []
    position = 0
    stack: list[tuple[Node, Node | None, int]] = [(node, None, 0) for node in reversed(nodes)]
    by_node: dict[int, Provision] = {}
    while stack:
        node, parent, depth = stack.pop()
        position += 1
        provision = Provision(
            version=version,
            kind=node.kind,
            number=node.number,
            label=node.label[:40],
            title=node.title[:255],
            text=node.text,
            position=position,
            depth=depth,
        )
        if identities and id(node) in identities:
            provision.lineage, provision.derived_from = identities[id(node)]
        by_node[id(node)] = provision
        if len(levels) <= depth:
            levels.append([])
        levels[depth].append((provision, by_node[id(parent)] if parent is not None else None))
        stack.extend((child, node, depth + 1) for child in reversed(node.children))
    return levels


@transaction.atomic
def draft_version_create(
    *,
    draft: DraftPage,
    result: ParseResult,
    stage: str = DraftStage.SOLICITATION,
    created_by=None,
    source_name: str = "",
    source_text: str = "",
    corrections: dict[int, int | None] | None = None,
    make_current: bool = True,
    identities: dict[int, tuple[uuid.UUID, list[str]]] | None = None,
) -> DraftVersion:
    """Store a parsed text as the draft's next version (by default the current one).

    Articles matched to the current version's keep their identity (lineage); `corrections`
    (new article index -> old article index, or None for "a new article") override the matcher.
    A text whose articles already know their identity (the revision workspace's tracked edits) gives
    `identities` ({id(article node): (lineage, derived-from lineages)}) and is not matched at all.
    """
    if not result.is_valid:
        raise ValidationError([w.message for w in result.errors])
    # Lock the draft row: two imports at once must not both take the same version number.
    DraftPage.objects.select_for_update().filter(pk=draft.pk).first()
    if identities is None:
        identities = _identities(version_match(draft=draft, result=result, corrections=corrections))
    number = (draft.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = DraftVersion(
        draft=draft,
        number=number,
        stage=stage,
        title=(result.title or draft.title)[:255],
        preamble=result.preamble,
        source_name=source_name[:255],
        source_text=source_text,
        created_by=created_by,
    )
    version.full_clean()
    version.save()
    # One INSERT per depth: parents get their keys before their children are written.
    for level in _provision_rows(version, result.nodes, identities):
        for provision, parent in level:
            provision.parent = parent
        Provision.objects.bulk_create([provision for provision, _parent in level], batch_size=2000)
    if make_current:
        # The version it replaces changes too (its articles become an earlier version's): whatever reads
        # versions by `updated_at` (the search index) sees both.
        DraftVersion.objects.filter(pk=draft.current_version_id).update(updated_at=timezone.now())
        DraftPage.objects.filter(pk=draft.pk).update(current_version=version)
        draft.current_version = version
    return version


@transaction.atomic
def draft_create(
    *,
    index: DraftIndexPage,
    result: ParseResult,
    title: str = "",
    slug: str = "",
    stage: str = DraftStage.SOLICITATION,
    drafting_body: str = "",
    summary: str = "",
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
    publish: bool = False,
    created_by=None,
    source_name: str = "",
    source_text: str = "",
) -> DraftPage:
    """Create a draft page (unpublished unless asked) holding the parsed text as version 1."""
    title = (title or result.title).strip()
    if not title:
        raise ValidationError(_("请填写法规草案的标题。"))
    if opens_at and closes_at and closes_at <= opens_at:
        raise ValidationError(_("征求意见截止时间必须晚于开始时间。"))
    draft = DraftPage(
        title=title,
        slug=slug,
        drafting_body=drafting_body,
        stage=stage,
        summary=summary,
        opens_at=opens_at,
        closes_at=closes_at,
        live=False,
        owner=created_by,
    )
    index.add_child(instance=draft)
    draft_version_create(
        draft=draft, result=result, stage=stage, created_by=created_by, source_name=source_name, source_text=source_text
    )
    revision = draft.save_revision(user=created_by)
    if publish:
        revision.publish(user=created_by)
        draft.refresh_from_db()
    return draft
