from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from drafts.comparison import Article, ChangeNote, Comparison, Text, compare, heading_text
from drafts.extensions import comparison_notes
from drafts.models import DraftPage, DraftVersion, Provision, ProvisionKind
from drafts.parser import HEADING_LEVELS


def draft_list_open(*, now: datetime) -> QuerySet[DraftPage]:
    return DraftPage.objects.live().public().filter(opens_at__lte=now, closes_at__gt=now).order_by("closes_at")


def draft_list_recently_closed(*, now: datetime, limit: int = 5) -> QuerySet[DraftPage]:
    return DraftPage.objects.live().public().filter(closes_at__lte=now).order_by("-closes_at")[:limit]


def draft_list_published() -> QuerySet[DraftPage]:
    return DraftPage.objects.live().public().order_by("-closes_at", "-first_published_at")


def version_text(version: DraftVersion) -> tuple[Text, list[int]]:
    """A stored version as the 对照表 compares it, with the provision id of each article (in order).

    Articles carry their lineage as key, so two versions pair as the importer matched them.
    """
    provisions = (
        Provision.objects.filter(version=version, kind__in=[*HEADING_LEVELS, ProvisionKind.ARTICLE])
        .order_by("position")
        .values_list("id", "parent_id", "kind", "number", "label", "title", "text", "lineage")
    )
    headings: dict[int, tuple[str, ...]] = {}  # heading id -> the headings down to it
    articles: list[Article] = []
    ids: list[int] = []
    for pk, parent_id, kind, number, label, title, text, lineage in provisions:
        above = headings.get(parent_id, ())
        if kind == ProvisionKind.ARTICLE:
            articles.append(Article(number, label, text, title, above, lineage))
            ids.append(pk)
        else:
            headings[pk] = (*above, heading_text(label, title))
    created = timezone.localtime(version.created_at)
    name = f"{version.get_stage_display()}（{created.year}年{created.month}月{created.day}日）"
    return Text(version.title, name, articles, version.number), ids


def version_comparison(*, old: DraftVersion, new: DraftVersion) -> Comparison:
    """Two stored versions of a draft compared, each change with the reasons and opinions behind it
    (what the apps registered in ``drafts.extensions.comparison_extensions`` know of)."""
    old_text, old_ids = version_text(old)
    new_text, new_ids = version_text(new)
    found = comparison_notes(old, new, [*new_ids, *old_ids])
    notes = {
        article.key: ChangeNote.combine(found[pk])
        for article, pk in zip(new_text.articles, new_ids, strict=True)
        if found.get(pk)
    }
    # An article the newer version no longer has keeps the reasons given for deleting it (by its old id).
    for article, pk in zip(old_text.articles, old_ids, strict=True):
        if article.key not in notes and found.get(pk):
            notes[article.key] = ChangeNote.combine(found[pk])
    return compare(old_text, new_text, notes=notes)


def article_successors(*, articles: list[Provision], version_id: int) -> dict[int, Provision]:
    """The article of the version ``version_id`` each of ``articles`` (of other versions) lives on as, by
    lineage, keyed by the older article's id; articles that did not survive are left out.  One query."""
    lineages: dict = {}
    for article in articles:
        lineages.setdefault(article.lineage, []).append(article.pk)
    later = (
        Provision.objects.filter(version_id=version_id, kind=ProvisionKind.ARTICLE, lineage__in=list(lineages))
        .select_related("version")
        .order_by("position")
    )
    return {pk: provision for provision in later for pk in lineages[provision.lineage]}
