"""Reads of the revision workspace: the outline of a working copy with what changed, one article with its
opinions and proposals, and what to warn of before publishing or exporting."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count
from django.utils.safestring import mark_safe

from comments.models import ADOPTING, COUNTED_STATES, Opinion
from drafts.matching import normalize_text
from drafts.models import Provision
from drafts.text_diff import char_diff, diff_html
from revisions.models import Revision, RevisionLink, RevisionNode, RevisionStatus

#: The opinions an article's page lists for linking; more are linked by their numbers.
OPINIONS_SHOWN = 300


def open_revision(draft) -> Revision | None:
    return Revision.objects.filter(draft=draft, status=RevisionStatus.OPEN).select_related("base_version").first()


@dataclass
class OutlineRow:
    node: RevisionNode
    status: str  # "same" | "changed" | "added" | "deleted" | "moved"
    links: int = 0
    base_label: str = ""
    checks: list[str] = field(default_factory=list)


def node_status(node: RevisionNode, source: tuple | None) -> str:
    """What became of a row against its ``source`` in the base version ((title, text, number, …), or None)."""
    if node.deleted:
        return "deleted"
    if node.source_id is None:
        return "added"
    title, text, number = source[:3] if source else ("", "", None)
    if node.is_article and (normalize_text(text) != normalize_text(node.text) or title != node.title):
        return "changed"
    if not node.is_article and title != node.title:
        return "changed"
    if number != node.number:
        return "moved"
    return "same"


def base_sources(revision: Revision) -> dict[int, tuple[str, str, int | None, str]]:
    """(title, text, number, label) of each heading and article of the version the copy was opened from."""
    return {
        pk: (title, text, number, label)
        for pk, title, text, number, label in Provision.objects.filter(
            version_id=revision.base_version_id, kind__in=("part", "subpart", "chapter", "section", "article")
        ).values_list("pk", "title", "text", "number", "label")
    }


def outline(revision: Revision) -> list[OutlineRow]:
    """Every heading and article of the copy in order, each with what became of it."""
    sources = base_sources(revision)
    links = dict(
        RevisionLink.objects.filter(node__revision=revision)
        .values("node_id")
        .annotate(n=Count("id"))
        .values_list("node_id", "n")
    )
    rows = []
    for node in RevisionNode.objects.filter(revision=revision).order_by("position", "id"):
        source = sources.get(node.source_id) if node.source_id else None
        rows.append(
            OutlineRow(
                node,
                node_status(node, source),
                links.get(node.pk, 0),
                source[3] if source else "",
                list(node.checks),
            )
        )
    return rows


def redline(old: str, new: str):
    return mark_safe(diff_html(char_diff(old, new)))  # noqa: S308 - diff_html escapes


@dataclass
class NodeDetail:
    node: RevisionNode
    base_text: str
    base_title: str
    base_label: str
    redline: str
    status: str
    opinions: list[Opinion]
    opinions_total: int
    linked: set[int]
    linked_elsewhere: list[int]
    proposals: list[Opinion]


def node_detail(revision: Revision, node: RevisionNode) -> NodeDetail:
    source = (
        Provision.objects.filter(pk=node.source_id).values_list("title", "text", "number", "label").first()
        if node.source_id
        else None
    )
    base_title, base_text, base_number, base_label = source or ("", "", None, "")
    status = node_status(node, source)
    about = Opinion.objects.filter(
        draft_id=revision.draft_id,
        article__lineage=node.lineage,
        parent__isnull=True,
        moderation_state__in=COUNTED_STATES,
    )
    total = about.count()
    opinions = list(
        about.select_related("version", "proposal").order_by("cluster", "pk")[:OPINIONS_SHOWN]
        if node.is_article
        else []
    )
    linked = set(RevisionLink.objects.filter(node=node).values_list("opinion_id", flat=True))
    shown = {o.pk for o in opinions}
    proposals = [o for o in opinions if getattr(o, "proposal", None) is not None]
    return NodeDetail(
        node=node,
        base_text=base_text,
        base_title=base_title,
        base_label=base_label,
        redline=redline(base_text, node.text) if node.is_article and status == "changed" else "",
        status=status,
        opinions=opinions,
        opinions_total=total,
        linked=linked,
        linked_elsewhere=sorted(linked - shown),
        proposals=proposals,
    )


def group_members(revision: Revision, clusters: list[int]) -> list[int]:
    """Every opinion of the draft in the given near-duplicate groups: a group is linked as a whole."""
    if not clusters:
        return []
    return list(
        Opinion.objects.filter(
            draft_id=revision.draft_id, cluster__in=clusters, parent__isnull=True, moderation_state__in=COUNTED_STATES
        ).values_list("pk", flat=True)
    )


@dataclass
class Warnings:
    adopted_unlinked: list[Opinion]
    adopted_unlinked_total: int
    changes_without_reason: list[RevisionNode]
    checks: list[RevisionNode]


def adopted_unlinked(draft):
    """Opinions of the draft marked 采纳 or 部分采纳 that no change points to: no article of a later version
    (``resulting_article``) and no link to a change of a working copy."""
    linked = RevisionLink.objects.filter(node__revision__draft=draft).values("opinion_id")
    return (
        Opinion.objects.filter(
            draft=draft,
            parent__isnull=True,
            moderation_state__in=COUNTED_STATES,
            disposition__in=ADOPTING,
            resulting_article__isnull=True,
        )
        .exclude(pk__in=linked)
        .order_by("pk")
    )


def changes_without_reason(revision: Revision) -> list[RevisionNode]:
    """The articles of a working copy that changed (edited, added, deleted) but carry no 修改理由."""
    sources = base_sources(revision)
    nodes = RevisionNode.objects.filter(revision=revision, kind="article", reason="").order_by("position")
    return [n for n in nodes if node_status(n, sources.get(n.source_id)) not in ("same", "moved")]


def publish_warnings(revision: Revision, *, limit: int = 50) -> Warnings:
    """Before publishing: opinions marked 采纳 or 部分采纳 with no linked change, changes with no reason, and
    citations still to check."""
    unlinked = adopted_unlinked(revision.draft)
    without_reason = changes_without_reason(revision)
    checks = list(RevisionNode.objects.filter(revision=revision, deleted=False).exclude(checks=[]).order_by("position"))
    return Warnings(list(unlinked[:limit]), unlinked.count(), without_reason, checks)


def change_counts(rows: list[OutlineRow]) -> dict[str, int]:
    counts = {"changed": 0, "added": 0, "deleted": 0, "moved": 0}
    for row in rows:
        if row.node.is_article and row.status in counts:
            counts[row.status] += 1
    return counts
