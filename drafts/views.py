"""Public views of a draft: its text, one article, a print view, the Word file and the diff of versions.

They are reached through DraftPage's routes, so Wagtail has already checked that the page is live
and public (or that a staff member is previewing it).
"""

from __future__ import annotations

from urllib.parse import quote

from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from drafts import extensions
from drafts.changes import NEW, ArticleChange, article_change, change_note, previous_version, version_changes
from drafts.extensions import article_context, draft_context
from drafts.models import DraftPage, DraftVersion, Provision
from drafts.rendering import (
    COLUMNS,
    HEADING_KINDS,
    PARTED_ABOVE,
    Row,
    TextPart,
    fill_counts,
    mark_current_part,
    part_of,
    render_article,
    render_text,
    render_toc,
    rows_to_nodes,
    text_parts,
    version_rows,
)
from drafts.version_diff import redline_html, version_diff
from drafts.word import WordDraft, draft_docx

TEXT_CACHE_SECONDS = 24 * 3600
#: Rows of the version diff on one page: about 60 KB of HTML, whatever the size of the draft.
DIFF_PAGE_ROWS = 100
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _number(value: str | None) -> int | None:
    if value is None or value == "":
        return None
    try:
        number = int(value)
    except ValueError:
        raise Http404(_("没有这个版本。")) from None
    return number


def _version(request, draft: DraftPage, versions: list[DraftVersion]) -> DraftVersion | None:
    """The version asked for with ?version=N, or the current one."""
    number = _number(request.GET.get("version"))
    if number is None:
        return next((v for v in versions if v.pk == draft.current_version_id), versions[-1] if versions else None)
    for version in versions:
        if version.number == number:
            return version
    raise Http404(_("没有这个版本。"))


def _article_url_maker(draft: DraftPage, request, version: DraftVersion | None):
    base = draft.get_url(request) or ""
    query = "" if version is None or version.pk == draft.current_version_id else f"?version={version.number}"
    return lambda number: f"{base}articles/{number}/{query}"


def _version_query(draft: DraftPage, version: DraftVersion | None) -> str:
    """``version=N&`` for a version other than the current one, to go before further parameters."""
    return "" if version is None or version.pk == draft.current_version_id else f"version={version.number}&"


def _part_url_maker(draft: DraftPage, request, version: DraftVersion | None):
    """The address of one part of a long draft's text (``?chapter=N``), keeping the version asked for."""
    base = draft.get_url(request) or ""
    query = _version_query(draft, version)
    return lambda number: f"{base}?{query}chapter={number}"


def _cached_text(draft: DraftPage, version: DraftVersion, previous: DraftVersion | None, article_url, part_url) -> dict:
    """The rendered text and table of contents of a version, with a badge on each article changed since
    the ``previous`` version, cached until the text or notes of either change.

    A long draft's text is also cut into parts (drafts.rendering.text_parts): each part is a slice of
    the same text, and a second table of contents links each heading to the part it opens."""
    key = f"drafts:text:2:{version.pk}:{version.updated_at.timestamp()}:{get_language()}:{article_url(0)}"
    if previous is not None:
        key += f":{previous.pk}:{previous.updated_at.timestamp()}"
    cached = cache.get(key)
    if cached is None:
        rows = version_rows(version)
        changes = {}
        if previous is not None:
            changes = version_changes(previous, version)
        article_count = sum(1 for row in rows if row.kind == "article")
        parts = text_parts(rows) if article_count > PARTED_ABOVE else []
        pieces, offsets, offset = [], [], 0
        for part in parts or [TextPart(0, len(rows))]:
            piece = str(render_text(rows[part.start : part.end], article_url, count_placeholders=True, changes=changes))
            if pieces:
                offset += 1  # the newline joining the pieces
            pieces.append(piece)
            offsets.append((offset, offset + len(piece)))
            offset += len(piece)
        cached = {
            "text": "\n".join(pieces),
            "toc": str(render_toc(rows)),
            "articles": article_count,
            "parts": [
                {
                    "start": start,
                    "end": end,
                    "title": part.title,
                    "span": part.span,
                    "first": part.first_number,
                    "last": part.last_number,
                }
                for part, (start, end) in zip(parts, offsets, strict=True)
            ]
            if parts
            else [],
        }
        if parts:
            number_of = part_of(rows, parts)
            cached["parts_toc"] = str(render_toc(rows, lambda row: f"{part_url(number_of(row))}#{row.anchor}"))
        cache.set(key, cached, TEXT_CACHE_SECONDS)
    return cached


def _chosen_part(request, parts: list[dict]) -> int | None:
    """The 1-based number of the part of a long draft to show, or None for the whole text: ``?full=1``
    asks for the whole text, ``?chapter=N`` for a part, ``?article=N`` for the part holding that article;
    the first part by default. A draft short enough to be one page is always whole."""
    if not parts or request.GET.get("full"):
        return None
    chapter, article = request.GET.get("chapter"), request.GET.get("article")
    if chapter:
        number = _whole_number(chapter)
        if number is None or not 1 <= number <= len(parts):
            raise Http404(_("没有这一部分。"))
        return number
    if article:
        number = _whole_number(article)
        for index, part in enumerate(parts, start=1):
            if number is not None and part["first"] is not None and part["first"] <= number <= part["last"]:
                return index
        raise Http404(_("没有这一条。"))
    return 1


def _whole_number(value: str) -> int | None:
    try:
        return int(value)
    except ValueError:
        return None


def draft_text(request, draft: DraftPage):
    versions = list(draft.versions.order_by("number"))
    version = _version(request, draft, versions)
    article_url = _article_url_maker(draft, request, version)
    part_url = _part_url_maker(draft, request, version)
    cached = {"text": "", "toc": "", "articles": 0, "parts": []}
    counts: dict[int, int] = {}
    if version is not None:
        cached = _cached_text(draft, version, previous_version(versions, version), article_url, part_url)
        counts = dict(
            Provision.objects.filter(version=version, kind="article", opinion_count__gt=0).values_list(
                "id", "opinion_count"
            )
        )
    parts = cached["parts"]
    chosen = _chosen_part(request, parts)
    text, part = cached["text"], None
    if chosen is not None:
        part = {**parts[chosen - 1], "number": chosen, "url": part_url(chosen)}
        text = text[part["start"] : part["end"]]
        if chosen > 1:
            part["previous"] = {**parts[chosen - 2], "url": part_url(chosen - 1)}
        if chosen < len(parts):
            part["next"] = {**parts[chosen], "url": part_url(chosen + 1)}
    base = f"{draft.get_url(request)}?{_version_query(draft, version)}"
    return draft.render(
        request,
        template="drafts/draft_page.html",
        context_overrides={
            "version": version,
            "versions": versions,
            "is_current": version is not None and version.pk == draft.current_version_id,
            "article_count": cached["articles"],
            # rendered (and escaped) by render_toc
            "toc_html": mark_current_part(cached["parts_toc"], part["url"]) if part else mark_safe(cached["toc"]),  # noqa: S308
            "text_html": fill_counts(text, counts, article_url, open_for_comment=draft.is_open()),
            "part": part,
            "part_count": len(parts),
            "full_url": f"{base}full=1" if parts else "",
            # Where the page's script sends an old link to an article of the whole text (#article-N).
            "article_query_url": f"{base}article=" if parts else "",
            "attachments": list(draft.attachments.select_related("document")),
            **draft_context(request, draft, version),
        },
    )


def draft_print(request, draft: DraftPage):
    versions = list(draft.versions.order_by("number"))
    version = _version(request, draft, versions)
    if version is None:
        raise Http404(_("这部草案还没有正文。"))
    rows = version_rows(version)
    return draft.render(
        request,
        template="drafts/draft_print.html",
        context_overrides={
            "version": version,
            "text_html": render_text(rows, _article_url_maker(draft, request, version)),
        },
    )


def _article_rows(version: DraftVersion, number: int) -> tuple[Row, list[Row]]:
    """The article with its paragraphs and items, and the headings above it: three queries."""
    article = (
        Provision.objects.filter(version=version, kind="article", number=number)
        .only("position", "parent_id")
        .order_by("position")
        .first()
    )
    if article is None:
        raise Http404(_("没有这一条。"))
    # The article runs until the next article or heading; read ahead a little and cut there.
    ahead = 200
    values = list(
        Provision.objects.filter(version=version, position__gte=article.position)
        .order_by("position")
        .values_list(*COLUMNS)[:ahead]
    )
    rows = [Row(*values[0])]
    for row_values in values[1:]:
        row = Row(*row_values)
        if row.kind == "article" or row.kind in HEADING_KINDS:
            break
        rows.append(row)
    else:
        if len(values) == ahead:  # an article longer than the look-ahead: read it whole
            end = (
                Provision.objects.filter(
                    version=version, position__gt=article.position, kind__in=["article", *HEADING_KINDS]
                )
                .order_by("position")
                .values_list("position", flat=True)
                .first()
            )
            span = Provision.objects.filter(version=version, position__gte=article.position)
            if end is not None:
                span = span.filter(position__lt=end)
            rows = [Row(*v) for v in span.order_by("position").values_list(*COLUMNS)]
    by_id = {row.id: row for row in rows}
    for row in rows[1:]:
        if row.parent_id in by_id:
            by_id[row.parent_id].children.append(row)
    # The headings above (编 > 分编 > 章 > 节): all headings before the article, then the parent links.
    trail: list[Row] = []
    if article.parent_id is not None:
        headings = {
            v[0]: Row(*v)
            for v in Provision.objects.filter(
                version=version, kind__in=HEADING_KINDS, position__lt=article.position
            ).values_list(*COLUMNS)
        }
        parent_id = article.parent_id
        while parent_id in headings:
            trail.insert(0, headings[parent_id])
            parent_id = trail[0].parent_id
    return rows[0], trail


def draft_article(request, draft: DraftPage, number: int):
    versions = list(draft.versions.order_by("number"))
    version = _version(request, draft, versions)
    if version is None:
        raise Http404(_("这部草案还没有正文。"))
    article, trail = _article_rows(version, number)
    previous = previous_version(versions, version)
    change = article_change(previous, version, article.id) if previous is not None else None
    neighbours = dict(
        Provision.objects.filter(version=version, kind="article", number__in=[number - 1, number + 1]).values_list(
            "number", "label"
        )
    )
    article_url = _article_url_maker(draft, request, version)
    return draft.render(
        request,
        template="drafts/article_page.html",
        context_overrides={
            "version": version,
            "article": article,
            "trail": trail,
            # render_article escapes every piece of text it writes.
            "article_html": mark_safe(  # noqa: S308
                render_article(article, article_url(number), link_label=False, change=change.status if change else None)
            ),
            "change": _change_context(draft, request, previous, version, article, change),
            "previous": (article_url(number - 1), neighbours[number - 1]) if number - 1 in neighbours else None,
            "next": (article_url(number + 1), neighbours[number + 1]) if number + 1 in neighbours else None,
            # The whole text of a short draft, the part holding the article of a long one (?article=N).
            "text_url": f"{draft.get_url(request)}?{_version_query(draft, version)}article={number}#{article.anchor}",
            **article_context(request, draft, version, article),
        },
    )


def _change_context(draft, request, previous, version, article: Row, change: ArticleChange | None) -> dict | None:
    """What the article's page says of its change since the previous version: the redline, the label it
    had, the public reasons and how many opinions were adopted into it."""
    if change is None:
        return None
    note = change_note(previous, version, article.id)
    return {
        "added": change.status == NEW,
        "previous": previous,
        "old_label": change.old_label if change.old_label != article.label else "",
        "html": redline_html(change.ops),
        "reasons": note.reasons,
        "opinions": len(note.opinions),
        "diff_url": f"{draft.get_url(request)}diff/?from={previous.number}&to={version.number}",
    }


def draft_word(request, draft: DraftPage):
    versions = list(draft.versions.order_by("number"))
    version = _version(request, draft, versions)
    if version is None:
        raise Http404(_("这部草案还没有正文。"))
    document = WordDraft(
        title=version.title or draft.title,
        stage_label=version.get_stage_display(),
        drafting_body=draft.drafting_body,
        preamble=version.preamble,
        nodes=rows_to_nodes(version_rows(version)),
    )
    filename = f"{draft.title}（{version.get_stage_display()}）.docx"
    response = HttpResponse(draft_docx(document), content_type=DOCX)
    response["Content-Disposition"] = (
        f"attachment; filename=\"draft-{draft.pk}.docx\"; filename*=UTF-8''{quote(filename)}"
    )
    return response


def draft_diff(request, draft: DraftPage):
    versions = list(draft.versions.order_by("number"))
    if len(versions) < 2:
        return draft.render(
            request, template="drafts/diff_page.html", context_overrides={"versions": versions, "rows": None}
        )
    by_number = {v.number: v for v in versions}
    old_number = _number(request.GET.get("from")) or versions[-2].number
    new_number = _number(request.GET.get("to")) or versions[-1].number
    if old_number not in by_number or new_number not in by_number:
        raise Http404(_("没有这个版本。"))
    old, new = by_number[old_number], by_number[new_number]
    rows = version_diff(old, new)
    counts = {status: sum(1 for row in rows if row.status == status) for status in ("added", "deleted", "changed")}
    counts["moved"] = sum(1 for row in rows if row.moved)
    # A renumbered Civil Code differs in every article: a page of rows at a time (issue 22).
    page = Paginator([row for row in rows if row.status != "same"], DIFF_PAGE_ROWS).get_page(request.GET.get("page"))
    behind = extensions.diff_context(old, new, [row.new.id for row in page.object_list if row.new is not None])
    for row in page.object_list:
        row.behind = behind.get(row.new.id, []) if row.new is not None else []
    return draft.render(
        request,
        template="drafts/diff_page.html",
        context_overrides={
            "versions": versions,
            "old": old,
            "new": new,
            "rows": page.object_list,
            "page_obj": page,
            "pager_query": f"from={old.number}&to={new.number}",
            "unchanged": sum(1 for row in rows if row.status == "same"),
            "counts": counts,
        },
    )


def draft_poster(request, draft: DraftPage, number: int | None = None):
    """A printable A4 poster (SVG) with a QR code to the draft's page, or to one article's (「扫码提意见」)."""
    from cms.dates import chinese_date
    from cms.emails import absolute_url
    from cms.posters import Poster, poster_svg

    title, path = draft.title, draft.url or ""
    if number is not None:
        label = (
            Provision.objects.filter(version_id=draft.current_version_id, kind="article", number=number)
            .values_list("label", flat=True)
            .first()
        )
        if label is None:
            raise Http404(_("当前版本中没有第 %(number)s 条。") % {"number": number})
        title, path = f"{draft.title} {label}", f"{path}articles/{number}/"
    lines = []
    if draft.opens_at and draft.closes_at:
        lines.append(
            _("征求意见时间：%(start)s至%(end)s")
            % {"start": chinese_date(draft.opens_at), "end": chinese_date(draft.closes_at)}
        )
    if draft.drafting_body:
        lines.append(_("起草单位：%(body)s") % {"body": draft.drafting_body})
    svg = poster_svg(Poster(title=title, url=absolute_url(path), call=_("扫码提意见"), lines=lines))
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(title)}.svg"
    return response
