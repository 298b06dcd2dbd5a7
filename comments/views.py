"""Public opinion views: threads, posting, support, reports, withdrawal and "my opinions".

Every page works with plain links and forms; thread.js only makes them quicker (load on demand,
support without reloading). A fragment is asked for with `?partial=1`.
"""

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cms.throttle import client_ip
from cms.views import safe_next_url
from comments import selectors, services
from comments.forms import OpinionForm, ReportForm
from comments.models import ADOPTING, Disposition, ModerationState, Opinion
from comments.rendering import OpinionRenderer
from comments.services import OpinionError
from drafts import lookup
from drafts.models import DraftPage, DraftStatus, Provision
from drafts.text_diff import char_diff
from drafts.version_diff import redline_html


def _int(value) -> int | None:
    """A positive database id from a query or form value, or None (never a 500 on "²" or "1e3")."""
    value = str(value or "")
    return int(value) if value.isascii() and value.isdigit() else None


def _live_draft(pk) -> DraftPage:
    """A published draft that visitors may see (no view restriction on it or above it)."""
    pk = _int(pk)
    draft = lookup.live_draft(pk) if pk is not None else None
    if draft is None:
        raise Http404(_("没有这部草案。"))
    return draft


def article_url(draft: DraftPage, article) -> str:
    """An article's page, or the page of opinions on the whole draft. Built without the request:
    Wagtail then reads the site root paths from the cache instead of looking the site up each time."""
    if article is None:
        return reverse("comments:draft_thread", args=[draft.pk])
    return f"{getattr(draft, 'lookup_url', None) or draft.url}articles/{article.number}/"


def _opinion_url(opinion: Opinion) -> str:
    return f"{article_url(opinion.draft, opinion.article)}#opinion-{opinion.pk}"


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def thread_context(request, draft: DraftPage, version, article) -> dict:
    """Context for an article's (or the whole draft's) thread block; also the article page's extension."""
    article_id = article.id if article is not None else None
    page = selectors.thread_page(
        draft_id=draft.pk,
        article_id=article_id,
        sort=request.GET.get("sort", "new"),
        cursor=request.GET.get("after"),
        user=request.user,
    )
    can_post = version is not None and version.pk == draft.current_version_id and draft.is_open() and draft.live
    form = None
    if can_post and request.user.is_authenticated:
        form = OpinionForm(
            initial={"draft": draft.pk, "article": article_id or "", "submission_key": uuid.uuid4()},
            max_length=draft.opinion_max_length,
            article=article,
        )
    renderer = OpinionRenderer(request, can_post=can_post, supported=page.supported)
    return {
        "template": "comments/_thread.html",
        "thread": page,
        "thread_items": renderer.thread_items(page),
        "thread_article": article,
        "thread_url": article_url(draft, article),
        "thread_fragment_url": (
            reverse("comments:article_thread", args=[article_id])
            if article_id
            else reverse("comments:draft_thread", args=[draft.pk])
        ),
        "thread_count": article.opinion_count if article is not None else None,
        # On an earlier version's article page, sort and page links stay on that version.
        "version_query": (
            f"version={version.number}&" if version is not None and version.pk != draft.current_version_id else ""
        ),
        "can_post": can_post,
        "opinion_form": form,
        "draft": draft,
    }


def draft_block_context(request, draft: DraftPage, version) -> dict:
    """The draft page's block about opinions on the draft as a whole (a draft-page extension)."""
    return {
        "template": "comments/_draft_block.html",
        "general_opinion_count": version.general_opinion_count if version is not None else 0,
        "general_thread_url": reverse("comments:draft_thread", args=[draft.pk]),
        "feedback_url": reverse("comments:feedback", args=[draft.pk]) if draft.status() == DraftStatus.CLOSED else "",
    }


def adopted_behind_changes(old, new, provision_ids: list[int]) -> dict[int, list]:
    """The diff page's extension: the published opinions adopted into each article of the newer version.

    Only published ones: the text of an opinion kept internal (a letter, a contact point's meeting) or
    withdrawn never appears on a public page."""
    found: dict[int, list] = {}
    adopted = Opinion.objects.filter(
        resulting_article_id__in=provision_ids,
        moderation_state=ModerationState.PUBLISHED,
        disposition__in=ADOPTING,
    )
    for opinion in adopted.only("pk", "body", "disposition", "resulting_article_id", "channel").order_by("pk"):
        found.setdefault(opinion.resulting_article_id, []).append(opinion)
    return found


FEEDBACK_ROWS = 100


@require_GET
def draft_feedback(request, draft_id: int):
    """反馈: how a closed draft's opinions were handled, article by article, with the public reasons."""
    draft = _live_draft(draft_id)
    if draft.status() != DraftStatus.CLOSED:
        raise Http404(_("征求意见结束后才公布意见处理情况。"))
    generation = cache.get(selectors.feedback_generation_key(draft.pk), 0)
    # A new version changes what the articles became: it is a new summary.
    key = f"comments:feedback:{draft.pk}:{generation}:{draft.current_version_id}"
    totals, articles = cache.get(key) or (None, None)
    if totals is None:
        totals, articles = selectors.feedback_summary(draft.pk)
        selectors.feedback_outcomes(draft.pk, articles, current_version_id=draft.current_version_id)
        cache.set(key, (totals, articles), 600)
    for item in articles:
        for later in item.became:
            later.page_url = version_article_url(draft, later)
    chosen, page, internal_count = None, None, 0
    raw = request.GET.get("article", "")
    if raw:
        chosen = next((a for a in articles if str(a.article.pk if a.article else "general") == raw), None)
        if chosen is None:
            raise Http404
        article_id = chosen.article.pk if chosen.article else None
        opinions = selectors.feedback_opinions(draft.pk, article_id)
        page = Paginator(opinions, 50).get_page(request.GET.get("page"))
        internal_count = selectors.feedback_internal_count(draft.pk, article_id)
    # A Civil-Code-sized draft's table is 1,260 rows: it is read a hundred articles at a time (issue 22).
    table = None if chosen else Paginator(articles, FEEDBACK_ROWS).get_page(request.GET.get("page"))
    return render(
        request,
        "comments/feedback.html",
        {
            "draft": draft,
            "totals": [(label, totals.get(value, 0)) for value, label in Disposition.choices],
            "total": sum(totals.values()),
            "articles": table.object_list if table is not None else articles,
            "table_page": table,
            "chosen": chosen,
            "became": _became(chosen) if chosen and chosen.article else [],
            "page_obj": page,
            "internal_count": internal_count,
            "query": f"article={raw}" if raw else "",
        },
    )


def _became(chosen: selectors.FeedbackArticle) -> list[tuple[Provision, str]]:
    """The later articles the chosen one became, each with the redline against the text the opinions were
    written on."""
    return [(later, redline_html(char_diff(chosen.article.text, later.text))) for later in chosen.became]


def version_article_url(draft: DraftPage, article: Provision) -> str:
    """An article's page in its own version: the current one, or an earlier one with ``?version=N``."""
    url = article_url(draft, article)
    return url if article.version_id == draft.current_version_id else f"{url}?version={article.version.number}"


@require_GET
def article_thread(request, provision_id: int):
    """An article's thread as a fragment (for thread.js), or as a page of its own."""
    article = get_object_or_404(Provision.objects.select_related("version"), pk=provision_id, kind="article")
    draft = _live_draft(article.version.draft_id)
    context = thread_context(request, draft, article.version, article)
    return _thread_response(request, context, f"{article.label} · {draft.title}")


@require_GET
def draft_thread(request, draft_id: int):
    """Opinions on the draft as a whole."""
    draft = _live_draft(draft_id)
    context = thread_context(request, draft, draft.current_version, None)
    return _thread_response(request, context, _("对草案整体的意见 · %(title)s") % {"title": draft.title})


def _thread_response(request, context: dict, page_title: str):
    """The thread's items alone for thread.js (`?partial=1`), or a page of their own."""
    if request.GET.get("partial"):
        return render(request, "comments/_thread_items.html", context)
    return render(request, "comments/thread_page.html", {**context, "page_title": page_title})


@require_GET
def replies(request, opinion_id: int):
    parent = selectors.public_opinion(opinion_id)
    if parent is None or parent.parent_id is not None:
        raise Http404(_("这条意见不存在或已不再公开。"))
    _live_draft(parent.draft_id)
    page = selectors.replies_page(parent=parent, cursor=request.GET.get("after"), user=request.user)
    can_post = parent.draft.is_open()
    renderer = OpinionRenderer(request, can_post=can_post, supported=page.supported)
    context = {
        "parent": parent,
        "thread": page,
        "thread_items": [(o, renderer.html(o), []) for o in page.opinions],
        "draft": parent.draft,
        "can_post": can_post,
    }
    if request.GET.get("partial"):
        return render(request, "comments/_replies_items.html", context)
    context["back_url"] = _opinion_url(parent)
    context["parent_html"] = renderer.html(parent)
    return render(request, "comments/replies_page.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def opinion_new(request):
    """The posting form: embedded in thread blocks, and a page of its own for replies and errors."""
    source = request.POST if request.method == "POST" else request.GET
    draft = _live_draft(source.get("draft") or 0)
    reply_to = None
    if source.get("reply_to"):
        reply_to_id = _int(source["reply_to"])
        reply_to = selectors.public_opinion(reply_to_id) if reply_to_id else None
        if reply_to is None or reply_to.draft_id != draft.pk:
            raise Http404(_("要回复的意见不存在或已不再公开。"))
    article = None
    if reply_to is not None:
        article = reply_to.article
    elif _int(source.get("article")):
        article = lookup.article(_int(source["article"]), draft)
    if request.method == "GET":
        initial = {
            "draft": draft.pk,
            "article": article.pk if article else "",
            "reply_to": reply_to.pk if reply_to else "",
            "submission_key": uuid.uuid4(),
        }
        form = OpinionForm(
            initial=initial, max_length=draft.opinion_max_length, article=article if not reply_to else None
        )
        return _form_page(request, draft, article, reply_to, form)

    form = OpinionForm(request.POST, max_length=draft.opinion_max_length, article=article if not reply_to else None)
    if not form.is_valid():
        return _form_page(request, draft, article, reply_to, form, status=400)
    proposal_kind, proposal_text = form.proposal()
    try:
        opinion, _created = services.opinion_post(
            user=request.user,
            draft=draft,
            body=form.cleaned_data["body"],
            article=article if not reply_to else None,
            # An article asked for but not found in this draft: the service says so.
            article_id=form.cleaned_data["article"] if article is None and not reply_to else None,
            reply_to_id=reply_to.pk if reply_to else None,
            ip=client_ip(request, trusted_proxies=settings.TRUSTED_PROXY_COUNT),
            submission_key=form.cleaned_data["submission_key"],
            proposal_kind=proposal_kind,
            proposal_text=proposal_text,
        )
    except OpinionError as exc:
        form.add_error(None, exc.messages[0])
        status = 429 if exc.code in ("rate_minute", "rate_day") else 400
        return _form_page(request, draft, article, reply_to, form, status=status)
    if opinion.moderation_state == ModerationState.PUBLISHED:
        messages.success(request, _("意见已发表。"))
        anchor = f"#opinion-{opinion.pk}"
    else:
        messages.success(request, _("意见已提交，审核通过后公开显示。您可以在“我的意见”中查看审核和处理情况。"))
        # Awaiting moderation, the new opinion is not in the thread yet: land on the confirmation.
        anchor = "#messages"
    return HttpResponseRedirect(safe_next_url(request, article_url(draft, article) + anchor))


def _form_page(request, draft, article, reply_to, form, status=200):
    renderer = OpinionRenderer(request, can_post=False, supported=set())
    context = {
        "draft": draft,
        "article": article,
        "reply_to": reply_to,
        "reply_to_html": renderer.html(reply_to) if reply_to else "",
        # A refused post keeps its form and text, even when the period has just closed.
        "keep_text": form.is_bound,
        "opinion_form": form,
        "can_post": draft.is_open() or services.may_post_outside_period(request.user, draft),
        "back_url": article_url(draft, article),
    }
    return render(request, "comments/form_page.html", context, status=status)


def _refused(request, exc: OpinionError, back: str):
    if _wants_json(request):
        return JsonResponse({"error": exc.messages[0]}, status=403 if exc.code == "login" else 400)
    messages.error(request, exc.messages[0])
    return HttpResponseRedirect(back)


@require_POST
def support(request, opinion_id: int):
    # Only a public opinion can be supported: any other (pending, internal, hidden, missing) is the same 404,
    # so the answer does not tell where an opinion nobody may see sits (issue 21, item 8).
    opinion = selectors.public_opinion(opinion_id)
    if opinion is None:
        raise Http404(_("这条意见不存在或已不再公开。"))
    _live_draft(opinion.draft_id)
    back = safe_next_url(request, _opinion_url(opinion))
    if not request.user.is_authenticated:
        if _wants_json(request):
            return JsonResponse({"error": _("请先登录再附议。")}, status=403)
        return redirect_to_login(back)
    try:
        count = services.opinion_support(user=request.user, opinion_id=opinion.pk)
    except OpinionError as exc:
        return _refused(request, exc, back)
    if _wants_json(request):
        return JsonResponse({"support_count": count, "supported": True})
    messages.success(request, _("已附议。"))
    return HttpResponseRedirect(back)


@login_required
@require_http_methods(["GET", "POST"])
def report(request, opinion_id: int):
    opinion = selectors.public_opinion(opinion_id)
    if opinion is None:
        raise Http404(_("这条意见不存在或已不再公开。"))
    _live_draft(opinion.draft_id)
    back = safe_next_url(request, _opinion_url(opinion))
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.opinion_report(user=request.user, opinion_id=opinion.pk, reason=form.cleaned_data["reason"])
        except OpinionError as exc:
            return _refused(request, exc, back)
        messages.success(request, _("举报已收到，审核员会尽快处理。"))
        return HttpResponseRedirect(back)
    return render(request, "comments/report_page.html", {"opinion": opinion, "form": form, "back_url": back})


@login_required
@require_POST
def withdraw(request, opinion_id: int):
    back = safe_next_url(request, reverse("my_opinions"))
    try:
        services.opinion_withdraw(user=request.user, opinion_id=opinion_id)
    except OpinionError as exc:
        return _refused(request, exc, back)
    messages.success(request, _("意见已撤回。"))
    return HttpResponseRedirect(back)


@login_required
@require_GET
def my_opinions(request):
    page = selectors.my_opinions(user=request.user, page_number=request.GET.get("page"))
    return render(request, "comments/my_opinions.html", {"page_obj": page, "opinions": page.object_list})
