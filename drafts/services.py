"""Writes for drafts: create a draft page and store a parsed text as one of its versions."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from drafts.models import DraftIndexPage, DraftPage, DraftStage, DraftVersion, Provision
from drafts.parser import Node, ParseResult


def _provision_rows(version: DraftVersion, nodes: list[Node]) -> list[list[tuple[Provision, Node | None]]]:
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
        by_node[id(node)] = provision
        if len(levels) <= depth:
            levels.append([])
        levels[depth].append((provision, by_node[id(parent)] if parent is not None else None))
        stack.extend((child, node, depth + 1) for child in reversed(node.children))
    return levels


@transaction.atomic
def draft_version_create(
    *, draft: DraftPage, result: ParseResult, stage: str = DraftStage.SOLICITATION, created_by=None
) -> DraftVersion:
    """Store a parsed text as the draft's next version and make it the current one."""
    if not result.is_valid:
        raise ValidationError([w.message for w in result.errors])
    number = (draft.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = DraftVersion(
        draft=draft,
        number=number,
        stage=stage,
        title=(result.title or draft.title)[:255],
        preamble=result.preamble,
        created_by=created_by,
    )
    version.full_clean()
    version.save()
    # One INSERT per depth: parents get their keys before their children are written.
    for level in _provision_rows(version, result.nodes):
        for provision, parent in level:
            provision.parent = parent
        Provision.objects.bulk_create([provision for provision, _parent in level], batch_size=2000)
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
    draft_version_create(draft=draft, result=result, stage=stage, created_by=created_by)
    revision = draft.save_revision(user=created_by)
    if publish:
        revision.publish(user=created_by)
        draft.refresh_from_db()
    return draft
