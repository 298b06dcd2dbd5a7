"""Writes of the revision workspace: open a working copy, edit, insert, delete and move its articles and
headings, link the opinions behind each change, and publish it as the draft's next version.

Every write checks that the person may edit the draft (publishing: publish it). An article's save names the
``row_version`` it was typed on; a save over someone else's newer one is refused as a conflict and nothing is
written (the form keeps what was typed). Inserts, deletes and moves renumber the copy and rewrite the
citations that pointed at renumbered articles in the same transaction (revisions.structure).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from cms.schedules import enqueue, enqueue_on_commit
from comments.models import COUNTED_STATES, Opinion
from drafts.citations import ARTICLE_LABEL_RE, HEADING_LABEL_RE, continues_citation
from drafts.models import DraftPage, DraftStage, DraftVersion, Provision
from drafts.parser import Node, ParseResult, parse_text
from drafts.services import draft_version_create
from drafts.text import tree_text
from handling.services import opinions_link_changes
from revisions import selectors, structure
from revisions.models import HEADING_KINDS, LEVELS, Revision, RevisionLink, RevisionNode, RevisionStatus

#: The longest article text a working copy takes (the longest article of the Civil Code has some 600).
MAX_ARTICLE_CHARS = 10000
MAX_REASON_CHARS = 2000
MAX_LINKS = 5000

_NODE_COLUMNS = ("id", "kind", "number", "label", "text", "deleted", "checks", "position", "row_version")


class RevisionError(ValidationError):
    """A refused revision action, with a message in Chinese for the person who tried it."""


class RevisionConflict(RevisionError):
    """Someone else saved the article since the form was opened."""


# --- who may ---------------------------------------------------------------------------------


def can_edit(user, draft: DraftPage) -> bool:
    return user.is_authenticated and draft.permissions_for_user(user).can_edit()


def can_publish(user, draft: DraftPage) -> bool:
    return can_edit(user, draft) and draft.permissions_for_user(user).can_publish()


def _check_edit(user, draft: DraftPage) -> None:
    if not can_edit(user, draft):
        raise PermissionDenied(_("您没有修改这部草案的权限。"))


def _open_revision(revision_id: int, user) -> Revision:
    """Lock an open working copy for a write."""
    revision = Revision.objects.select_for_update().select_related("draft").filter(pk=revision_id).first()
    if revision is None:
        raise RevisionError(_("找不到这份修改稿。"), code="missing")
    _check_edit(user, revision.draft)
    if revision.status != RevisionStatus.OPEN:
        raise RevisionError(
            _("这份修改稿已%(status)s，不能再修改。") % {"status": revision.get_status_display()}, code="closed"
        )
    return revision


def _touch(revision: Revision, *, structure_changed: bool = False) -> None:
    revision.updated_at = timezone.now()
    fields = ["updated_at"]
    if structure_changed:
        revision.structure_version += 1
        fields.append("structure_version")
    revision.save(update_fields=fields)


# --- open ------------------------------------------------------------------------------------


@transaction.atomic
def revision_open(*, draft: DraftPage, user) -> Revision:
    """The draft's open working copy, made from its current version if it has none."""
    _check_edit(user, draft)
    DraftPage.objects.select_for_update().filter(pk=draft.pk).first()
    existing = Revision.objects.filter(draft=draft, status=RevisionStatus.OPEN).first()
    if existing is not None:
        return existing
    draft.refresh_from_db(fields=["current_version"])
    if draft.current_version_id is None:
        raise RevisionError(_("这部草案还没有条文，请先导入草案文本。"), code="empty")
    revision = Revision.objects.create(
        draft=draft, base_version_id=draft.current_version_id, created_by=user, stage=_next_stage(draft)
    )
    rows = (
        Provision.objects.filter(version_id=draft.current_version_id, kind__in=(*HEADING_KINDS, "article"))
        .order_by("position")
        .values_list("id", "kind", "number", "label", "title", "text", "lineage")
    )
    nodes = [
        RevisionNode(
            revision=revision,
            position=index,
            kind=kind,
            number=number,
            label=label,
            title=title,
            text=text,
            source_id=pk,
            lineage=lineage,
        )
        for index, (pk, kind, number, label, title, text, lineage) in enumerate(rows, start=1)
    ]
    RevisionNode.objects.bulk_create(nodes, batch_size=2000)
    return revision


def _next_stage(draft: DraftPage) -> str:
    order = [choice for choice, _label in DraftStage.choices if choice != DraftStage.REVISED]
    current = draft.current_version.stage if draft.current_version_id else DraftStage.SOLICITATION
    if current in order and order.index(current) + 1 < len(order):
        return order[order.index(current) + 1]
    return DraftStage.REVISED


@transaction.atomic
def revision_discard(*, revision_id: int, user) -> Revision:
    revision = _open_revision(revision_id, user)
    revision.status = RevisionStatus.DISCARDED
    revision.save(update_fields=["status"])
    return revision


# --- an article's text -----------------------------------------------------------------------

_BLANK_LINES_RE = re.compile(r"\n\s*\n+")


def clean_article_text(text: str) -> str:
    """One 款 (or 项) a line, no blank lines, no spaces at the ends of lines."""
    lines = [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return "\n".join(line for line in lines if line)


def check_article_text(text: str) -> list[str]:
    """What makes a text unusable as one article (messages in Chinese), or nothing."""
    if not text:
        return [_("条文内容不能为空。如要删除本条，请使用“删除本条”。")]
    errors = []
    if len(text) > MAX_ARTICLE_CHARS:
        errors.append(
            _("条文不能超过 %(limit)s 字（现有 %(count)s 字）。") % {"limit": MAX_ARTICLE_CHARS, "count": len(text)}
        )
    for index, line in enumerate(text.split("\n"), start=1):
        article = ARTICLE_LABEL_RE.match(line)
        if article and not continues_citation(article["rest"]):
            errors.append(
                _(
                    "第 %(line)s 行以“%(label)s”开头，发布时会成为另一条。"
                    "条号由系统自动编排，请删去它；如要增加条文，请用“在本条后增加一条”。"
                )
                % {"line": index, "label": line[: article.end("num") + 1]}
            )
        elif HEADING_LABEL_RE.match(line) and not continues_citation(HEADING_LABEL_RE.match(line)["rest"]):
            errors.append(
                _("第 %(line)s 行像是章节标题（“%(text)s”）。章节请用“增加章节”，不要写在条文中。")
                % {"line": index, "text": line[:12]}
            )
    return errors


def _linkable(revision: Revision, opinion_ids: Iterable[int]) -> list[int]:
    ids = sorted({int(pk) for pk in opinion_ids})
    if len(ids) > MAX_LINKS:
        raise RevisionError(_("一条修改最多关联 %(n)s 条意见。") % {"n": MAX_LINKS}, code="links")
    if not ids:
        return []
    found = set(
        Opinion.objects.filter(
            pk__in=ids, draft_id=revision.draft_id, parent__isnull=True, moderation_state__in=COUNTED_STATES
        ).values_list("pk", flat=True)
    )
    missing = [pk for pk in ids if pk not in found]
    if missing:
        raise RevisionError(
            _("第 %(ids)s 号意见不是本草案的有效意见，不能关联。") % {"ids": "、".join(map(str, missing[:10]))},
            code="links",
        )
    return ids


def _live_numbers(revision: Revision) -> set[int]:
    return set(
        RevisionNode.objects.filter(revision=revision, kind="article", deleted=False).values_list("number", flat=True)
    )


def _own_titles(revision: Revision) -> list[str]:
    return [revision.draft.title]


@transaction.atomic
def node_save(
    *,
    revision_id: int,
    node_id: int,
    user,
    row_version: int,
    text: str | None = None,
    title: str | None = None,
    reason: str | None = None,
    reason_public: bool | None = None,
    opinion_ids: Iterable[int] | None = None,
) -> RevisionNode:
    """Save what was typed for one article or heading (only the fields given change).

    Refused as a conflict when the row was saved by someone else after ``row_version``; nothing is
    written then. The checks of citations are recomputed for the text saved.
    """
    revision = _open_revision(revision_id, user)
    node = RevisionNode.objects.select_for_update().filter(pk=node_id, revision=revision).first()
    if node is None:
        raise RevisionError(_("修改稿中没有这一条，可能已被他人删除。请刷新后再试。"), code="missing")
    if node.row_version != row_version:
        who = node.edited_by.known_name if node.edited_by_id and node.edited_by else _("他人")
        raise RevisionConflict(
            _("%(label)s在您打开后已被%(who)s修改，您的修改没有保存。您输入的内容仍在下面，请对照最新文本后再保存。")
            % {"label": node.label, "who": who},
            code="conflict",
        )
    errors: list[str] = []
    if text is not None and node.is_article:
        text = clean_article_text(text)
        errors += check_article_text(text)
    if title is not None:
        title = title.strip()
        if len(title) > 255:
            errors.append(_("标题不能超过 255 字。"))
        if not node.is_article and not title:
            errors.append(_("章节标题不能为空。"))
    if reason is not None:
        reason = reason.strip()
        if len(reason) > MAX_REASON_CHARS:
            errors.append(_("修改理由不能超过 %(n)s 字。") % {"n": MAX_REASON_CHARS})
    if errors:
        raise RevisionError(errors, code="invalid")
    links = _linkable(revision, opinion_ids) if opinion_ids is not None else None
    if text is not None and node.is_article:
        node.text = text
        node.checks = structure.dangling_references(text, _live_numbers(revision), own_titles=_own_titles(revision))
    if title is not None:
        node.title = title
    if reason is not None:
        node.reason = reason
    if reason_public is not None:
        node.reason_public = reason_public
    node.row_version += 1
    node.edited_at = timezone.now()
    node.edited_by = user
    node.save()
    if links is not None:
        _set_links(node, links)
    _touch(revision)
    return node


def _set_links(node: RevisionNode, opinion_ids: list[int]) -> None:
    current = set(RevisionLink.objects.filter(node=node).values_list("opinion_id", flat=True))
    wanted = set(opinion_ids)
    if current - wanted:
        RevisionLink.objects.filter(node=node, opinion_id__in=current - wanted).delete()
    if wanted - current:
        RevisionLink.objects.bulk_create([RevisionLink(node=node, opinion_id=pk) for pk in sorted(wanted - current)])


# --- structure -------------------------------------------------------------------------------


def _units(revision: Revision) -> tuple[list[RevisionNode], list[structure.Unit]]:
    nodes = list(RevisionNode.objects.filter(revision=revision).order_by("position", "id").only(*_NODE_COLUMNS))
    units = [structure.Unit(n.pk, n.kind, n.number, n.label, n.text, n.deleted, list(n.checks)) for n in nodes]
    return nodes, units


def _restructure(
    revision: Revision,
    nodes: list[RevisionNode],
    units: list[structure.Unit],
    order: list[int],
    before: list[structure.Unit] | None = None,
) -> None:
    """Put the units in ``order`` (indexes into ``units``), renumber, rewrite citations, save what changed.

    ``before`` is the snapshot of the units taken before a unit was marked deleted or restored.
    """
    before = before if before is not None else structure.snapshot(units)
    after = [units[i] for i in order]
    structure.number(after)
    structure.rewrite_references(before, after, own_titles=_own_titles(revision))
    by_key = {n.pk: n for n in nodes}
    changed: list[RevisionNode] = []
    for position, unit in enumerate(after, start=1):
        node = by_key[unit.key]
        text_changed = node.text != unit.text or node.checks != unit.checks
        moved = node.position != position or node.number != unit.number or node.label != unit.label
        if moved or text_changed or node.deleted != unit.deleted:
            node.position, node.number, node.label = position, unit.number, unit.label
            node.text, node.checks, node.deleted = unit.text, unit.checks, unit.deleted
            if text_changed:
                node.row_version += 1
            changed.append(node)
    RevisionNode.objects.bulk_update(
        changed, ["position", "number", "label", "text", "checks", "deleted", "row_version"], batch_size=1000
    )
    _touch(revision, structure_changed=True)


def _block(units: list, start: int) -> range:
    """The unit at ``start`` with everything under it (a heading's articles and lower headings)."""
    kind = units[start].kind
    if kind == "article":
        return range(start, start + 1)
    level = LEVELS[kind]
    end = start + 1
    while end < len(units) and LEVELS[units[end].kind] > level:
        end += 1
    return range(start, end)


def _index(units: list[structure.Unit], node_id: int) -> int:
    for index, unit in enumerate(units):
        if unit.key == node_id:
            return index
    raise RevisionError(_("修改稿中没有这一条，可能已被他人删除。请刷新后再试。"), code="missing")


@transaction.atomic
def node_insert(
    *,
    revision_id: int,
    after_id: int | None,
    user,
    kind: str = "article",
    text: str = "",
    title: str = "",
    reason: str = "",
    opinion_ids: Iterable[int] = (),
) -> RevisionNode:
    """A new article (or heading) after the given row (``after_id`` None: at the very start).

    An article inserted after a heading becomes the first under it; a heading inserted after an article
    starts there and takes the articles after it up to the next heading of its level or above.
    """
    revision = _open_revision(revision_id, user)
    if kind not in (*HEADING_KINDS, "article"):
        raise RevisionError(_("无法识别的条文类型。"), code="kind")
    text, title, reason = clean_article_text(text), title.strip(), reason.strip()
    errors = check_article_text(text) if kind == "article" else ([] if title else [_("章节标题不能为空。")])
    if len(title) > 255:
        errors.append(_("标题不能超过 255 字。"))
    if errors:
        raise RevisionError(errors, code="invalid")
    links = _linkable(revision, opinion_ids)
    nodes, units = _units(revision)
    at = 0 if after_id is None else _index(units, after_id) + 1
    top = RevisionNode.objects.filter(revision=revision).aggregate(p=Max("position"))["p"] or 0
    node = RevisionNode.objects.create(
        revision=revision,
        position=top + 1,
        kind=kind,
        title=title,
        text=text,
        reason=reason,
        lineage=uuid.uuid4(),
        edited_at=timezone.now(),
        edited_by=user,
    )
    nodes.append(node)
    units.append(structure.Unit(node.pk, kind, None, "", text, False, []))
    order = [*range(at), len(units) - 1, *range(at, len(units) - 1)]
    _restructure(revision, nodes, units, order)
    node.refresh_from_db()
    node.checks = structure.dangling_references(text, _live_numbers(revision), own_titles=_own_titles(revision))
    node.save(update_fields=["checks"])
    if links:
        _set_links(node, links)
    return node


@transaction.atomic
def node_delete(*, revision_id: int, node_id: int, user, reason: str | None = None) -> RevisionNode | None:
    """Delete an article or a heading (its articles stay, under the heading before it).

    A row of the base version stays in the copy marked deleted, with its reason and opinions, for the
    对照表; a row added in this copy simply goes. Returns the deleted row (None when it went).
    """
    revision = _open_revision(revision_id, user)
    nodes, units = _units(revision)
    index = _index(units, node_id)
    node = next(n for n in nodes if n.pk == node_id)
    if node.deleted:
        raise RevisionError(_("%(label)s已经删除。") % {"label": node.label}, code="deleted")
    if node.is_article and sum(1 for u in units if u.is_article and not u.deleted) == 1:
        raise RevisionError(_("不能删除最后一条条文。"), code="last")
    if reason is not None:
        node.reason = reason.strip()[:MAX_REASON_CHARS]
        node.save(update_fields=["reason"])
    before = structure.snapshot(units)
    if node.source_id is None:
        node.delete()
        del nodes[index], units[index]
        _restructure(revision, nodes, units, list(range(len(units))), before)
        return None
    units[index].deleted = True
    _restructure(revision, nodes, units, list(range(len(units))), before)
    node.refresh_from_db()
    return node


@transaction.atomic
def node_restore(*, revision_id: int, node_id: int, user) -> RevisionNode:
    """Bring a deleted row back where it stood."""
    revision = _open_revision(revision_id, user)
    nodes, units = _units(revision)
    index = _index(units, node_id)
    if not units[index].deleted:
        raise RevisionError(_("这一条没有被删除。"), code="not_deleted")
    before = structure.snapshot(units)
    units[index].deleted = False
    _restructure(revision, nodes, units, list(range(len(units))), before)
    return RevisionNode.objects.get(pk=node_id)


@transaction.atomic
def node_move(*, revision_id: int, node_id: int, after_id: int | None, user) -> RevisionNode:
    """Move an article, or a heading with everything under it, to just after another row.

    Moved after a heading of its own level or above, a heading goes after that heading's whole block
    (第三章 moved after 第五章 lands after 第五章's last article). ``after_id`` None: to the very start.
    """
    revision = _open_revision(revision_id, user)
    nodes, units = _units(revision)
    start = _index(units, node_id)
    block = _block(units, start)
    if after_id is None:
        at = 0
    else:
        target = _index(units, after_id)
        if target in block:
            raise RevisionError(_("不能移到它自己或它下面的条文之后。"), code="move")
        moving_heading = units[start].kind != "article"
        if (
            moving_heading
            and units[target].kind != "article"
            and LEVELS[units[target].kind] <= LEVELS[units[start].kind]
        ):
            target = _block(units, target)[-1]
        at = target + 1
    rest = [i for i in range(len(units)) if i not in block]
    at_in_rest = sum(1 for i in rest if i < at)
    order = [*rest[:at_in_rest], *block, *rest[at_in_rest:]]
    if order == list(range(len(units))):
        raise RevisionError(_("位置没有变化。"), code="move")
    _restructure(revision, nodes, units, order)
    return RevisionNode.objects.get(pk=node_id)


@transaction.atomic
def checks_clear(*, revision_id: int, node_id: int, user) -> None:
    """A person checked the citations listed on a row: recompute what is still wrong, drop the rest."""
    revision = _open_revision(revision_id, user)
    node = RevisionNode.objects.select_for_update().get(pk=node_id, revision=revision)
    node.checks = (
        structure.dangling_references(node.text, _live_numbers(revision), own_titles=_own_titles(revision))
        if node.is_article
        else []
    )
    node.row_version += 1
    node.save(update_fields=["checks", "row_version"])


# --- proposals -------------------------------------------------------------------------------


@transaction.atomic
def proposal_apply(*, revision_id: int, node_id: int, opinion_id: int, user, row_version: int) -> RevisionNode:
    """Apply an opinion's proposed wording to the article it was made on, linking the opinion."""
    revision = _open_revision(revision_id, user)
    node = RevisionNode.objects.filter(pk=node_id, revision=revision, kind="article").first()
    opinion = Opinion.objects.filter(pk=opinion_id, draft_id=revision.draft_id).select_related("proposal").first()
    proposal = getattr(opinion, "proposal", None) if opinion else None
    if node is None or proposal is None:
        raise RevisionError(_("找不到这条修改建议。"), code="missing")
    links = {*RevisionLink.objects.filter(node=node).values_list("opinion_id", flat=True), opinion.pk}
    if proposal.kind == "delete":
        node_save(revision_id=revision.pk, node_id=node.pk, user=user, row_version=row_version, opinion_ids=links)
        node_delete(revision_id=revision.pk, node_id=node.pk, user=user)
        return RevisionNode.objects.get(pk=node.pk)
    if proposal.kind == "insert":
        if node.row_version != row_version:
            raise RevisionConflict(
                _("%(label)s在您打开后已被他人修改，请刷新后再试。") % {"label": node.label}, code="conflict"
            )
        return node_insert(
            revision_id=revision.pk, after_id=node.pk, user=user, text=proposal.text, opinion_ids=[opinion.pk]
        )
    return node_save(
        revision_id=revision.pk,
        node_id=node.pk,
        user=user,
        row_version=row_version,
        text=proposal.text,
        opinion_ids=links,
    )


# --- publish ---------------------------------------------------------------------------------


def _tree(nodes: list[RevisionNode]) -> tuple[list[Node], list[RevisionNode]]:
    """The live rows as a parse tree (headings holding what is under them) and the articles in order."""
    roots: list[Node] = []
    stack: list[tuple[int, Node]] = []
    articles: list[RevisionNode] = []
    for row in nodes:
        if row.deleted:
            continue
        node = Node(row.kind, row.number, row.label, row.title, row.text if row.is_article else "")
        level = LEVELS[row.kind]
        while stack and stack[-1][0] >= level:
            stack.pop()
        (stack[-1][1].children if stack else roots).append(node)
        if not row.is_article:
            stack.append((level, node))
        else:
            articles.append(row)
    return roots, articles


@transaction.atomic
def revision_publish(*, revision_id: int, user, stage: str, base_version_id: int | None = None) -> DraftVersion:
    """Publish the working copy as the draft's next (current) version.

    Articles keep their lineage through the tracked edits: nothing is re-matched. Opinions linked to a
    change point to the article it became (``Opinion.resulting_article``, in the handling audit trail).
    Refused, with nothing written, when the draft got a newer version after the copy was opened, when a
    citation names an article the copy no longer has, or when nothing changed.
    """
    revision = _open_revision(revision_id, user)
    draft = revision.draft
    if not can_publish(user, draft):
        raise PermissionDenied(_("您没有发布这部草案的权限。"))
    if stage not in DraftStage.values:
        raise RevisionError(_("请选择审议阶段。"), code="stage")
    DraftPage.objects.select_for_update().filter(pk=draft.pk).first()
    draft.refresh_from_db(fields=["current_version"])
    if draft.current_version_id != revision.base_version_id or (
        base_version_id is not None and base_version_id != revision.base_version_id
    ):
        current = draft.current_version
        raise RevisionError(
            _(
                "这份修改稿是在%(base)s上打开的，之后本草案已有了新的当前版本（%(current)s），不能再发布。"
                "修改稿已保留；请对照新版本，放弃这份修改稿后重新打开。"
            )
            % {"base": revision.base_version, "current": current},
            code="stale",
        )
    nodes = list(RevisionNode.objects.filter(revision=revision).order_by("position", "id"))
    sources = selectors.base_sources(revision)
    if all(selectors.node_status(n, sources.get(n.source_id)) == "same" for n in nodes):
        raise RevisionError(_("修改稿与当前版本相同，没有可以发布的修改。"), code="unchanged")
    live = {n.number for n in nodes if n.is_article and not n.deleted}
    problems = []
    for node in nodes:
        if node.is_article and not node.deleted:
            problems += [
                f"{node.label}：{message}"
                for message in structure.dangling_references(node.text, live, own_titles=_own_titles(revision))
            ]
            problems += [f"{node.label}：{message}" for message in check_article_text(node.text)]
    if problems:
        raise RevisionError(problems[:50], code="references")
    roots, live_articles = _tree(nodes)
    base = revision.base_version
    result = ParseResult(title=base.title, preamble=base.preamble, nodes=roots)
    # The text goes through the importer's own parser, so its 款 and 项 are exactly what an import makes.
    reparsed = parse_text(tree_text(result))
    parsed_articles = list(reparsed.articles_flat())
    if [a.number for a in parsed_articles] != [n.number for n in live_articles]:
        raise RevisionError(_("修改稿的条文无法按顺序读出，请检查是否有条文以“第……条”开头。"), code="parse")
    identities = {
        id(parsed): (node.lineage, [])
        for parsed, node in zip(parsed_articles, live_articles, strict=True)
        if node.source_id is not None
    }
    # The draft row is locked above: no other version can take this one's number meanwhile.
    version = draft_version_create(
        draft=draft,
        result=reparsed,
        stage=stage,
        created_by=user,
        source_name=_("修改稿"),
        source_text=tree_text(reparsed),
        identities=identities,
    )
    new_articles = list(
        Provision.objects.filter(version=version, kind="article").order_by("position").values_list("pk", flat=True)
    )
    by_node = dict(zip([n.pk for n in live_articles], new_articles, strict=True))
    for node in nodes:
        if node.pk in by_node:
            node.published_provision_id = by_node[node.pk]
    RevisionNode.objects.bulk_update([n for n in nodes if n.pk in by_node], ["published_provision"], batch_size=2000)
    # Pointing thousands of opinions at their new articles (each with its audit event) is a task after the
    # commit: the version is published at once, the links follow within seconds (revisions.tasks).
    enqueue_on_commit("revisions.tasks.link_published", revision.pk)
    DraftPage.objects.filter(pk=draft.pk).update(stage=stage)
    Revision.objects.filter(pk=revision.pk).update(
        status=RevisionStatus.PUBLISHED,
        published_version=version,
        published_at=timezone.now(),
        published_by=user,
        stage=stage,
    )
    return version


#: A published copy whose links are not done this long after publishing lost its task: it is queued again.
RELINK_AFTER = timedelta(minutes=2)


def relink_stalled(draft: DraftPage, now=None) -> None:
    """Queue the linking task again for a published copy of the draft whose task never finished."""
    now = now or timezone.now()
    stalled = Revision.objects.filter(
        draft=draft, status=RevisionStatus.PUBLISHED, linked_at__isnull=True, published_at__lt=now - RELINK_AFTER
    ).values_list("pk", flat=True)
    for pk in stalled:
        enqueue("revisions.tasks.link_published", pk)


def link_published(revision_id: int) -> int:
    """Point each opinion linked to a published change at the article the change became, through the
    handling audit trail (as the publisher). Idempotent: opinions already pointing there are left alone.
    Returns how many opinions were linked."""
    revision = Revision.objects.select_related("published_by").get(pk=revision_id)
    if revision.status != RevisionStatus.PUBLISHED:
        return 0
    links: dict[int, int] = {}
    rows = RevisionLink.objects.filter(node__revision=revision, node__published_provision__isnull=False)
    for opinion_id, article_id in rows.values_list("opinion_id", "node__published_provision_id"):
        links[opinion_id] = article_id
    with transaction.atomic():
        events = opinions_link_changes(actor=revision.published_by, links=links)
        Revision.objects.filter(pk=revision.pk).update(linked_at=timezone.now())
    return len(events)
