"""The public, read-only API (/api/v1/): what the public pages show, as JSON.

Each view reads through the selectors of the app that owns the data (drafts, comments, stats) and
shows only what the matching public page shows: published opinions under their public names, public
reasons, aggregate figures; never a phone, an e-mail, an IP address or an internal opinion in a thread.
"""

import base64
import binascii
import re

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from api import serializers as s
from api import services as token_services
from api.auth import HasScope, TokenAuthentication, TokenRateThrottle
from api.conditional import ConditionalMixin
from api.errors import ApiError
from api.models import TokenHolder, TokenScope
from api.parsers import SafeJSONParser, parse_json, read_body
from api.services import token_use_log
from cms.redaction import redact_contact_details
from comments import selectors as comment_selectors
from comments.models import Disposition, Opinion, Proposal
from contact_points.services import ContactPointError, ItemsError
from drafts.models import DraftPage, DraftStage, DraftStatus, DraftVersion, Provision
from drafts.selectors import draft_list_published
from handling.services import ConflictError, HandlingError
from referrals import selectors as referral_selectors
from referrals import services as referral_services
from stats import selectors as stats_selectors

PAGE_SIZE = 20
MAX_PAGE = 10_000


def _not_found():
    return ApiError("not_found", _("没有找到请求的内容。"), 404)


def _bounded(low: int, high: int) -> dict:
    """An integer query parameter's schema with the bounds _int_param enforces, so the schema says what is
    accepted (a fuzzer's schema-valid value is never refused)."""
    return {"type": "integer", "minimum": low, "maximum": high}


def _int_param(request, name: str, *, low: int = 0, high: int = 10**9) -> int | None:
    raw = request.query_params.get(name, "")
    if raw == "":
        return None
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        raise ApiError(
            "invalid_parameter",
            _("参数 %(name)s 应为 %(low)s 到 %(high)s 之间的整数。") % {"name": name, "low": low, "high": high},
            detail={"parameter": name},
        )
    return value


def _choice_param(request, name: str, choices) -> str | None:
    raw = request.query_params.get(name, "")
    if raw == "":
        return None
    if raw not in choices:
        raise ApiError(
            "invalid_parameter",
            _("参数 %(name)s 只能是：%(choices)s。") % {"name": name, "choices": "、".join(choices)},
            detail={"parameter": name},
        )
    return raw


def _draft(pk: int) -> DraftPage:
    draft = draft_list_published().filter(pk=pk).select_related("current_version").first()
    if draft is None:
        raise _not_found()
    return draft


def _draft_data(draft: DraftPage, now) -> dict:
    return {
        "id": draft.pk,
        "title": draft.title,
        "url": draft.url or "",
        "stage": draft.stage,
        "stage_display": draft.get_stage_display(),
        "status": draft.status(now),
        "drafting_body": draft.drafting_body,
        "summary": draft.summary,
        "opens_at": draft.opens_at,
        "closes_at": draft.closes_at,
        "current_version": draft.current_version.number if draft.current_version_id else None,
    }


def _version_data(version: DraftVersion) -> dict:
    return {
        "id": version.pk,
        "number": version.number,
        "stage": version.stage,
        "title": version.title,
        "created_at": version.created_at,
        "opinion_count": version.opinion_count,
    }


def _provision_data(p: Provision) -> dict:
    return {
        "id": p.pk,
        "kind": p.kind,
        "number": p.number,
        "label": p.label,
        "title": p.title,
        "text": p.text,
        "note": p.note,
        "opinion_count": p.opinion_count,
    }


class PublicView(ConditionalMixin, APIView):
    authentication_classes: list = []
    permission_classes: list = []


class DraftListView(PublicView):
    @extend_schema(
        summary="草案列表 · Drafts",
        description="公开的法规草案，按截止时间倒序，每页 20 件。Published drafts, newest deadline first, 20 a page.",
        parameters=[
            OpenApiParameter("stage", str, enum=list(DraftStage.values), description="审议阶段 · stage"),
            OpenApiParameter(
                "year", _bounded(1949, 9999), description="征求意见开始的年份 · year the comment period opened"
            ),
            OpenApiParameter("status", str, enum=["drafting", "open", "closed"], description="征求意见状态 · status"),
            OpenApiParameter("page", _bounded(1, MAX_PAGE), description="页码，从 1 开始 · page number"),
        ],
        responses=s.DraftSerializer(many=True),
    )
    def get(self, request):
        now = timezone.now()
        qs = draft_list_published().select_related("current_version")
        stage = _choice_param(request, "stage", list(DraftStage.values))
        if stage:
            qs = qs.filter(stage=stage)
        year = _int_param(request, "year", low=1949, high=9999)
        if year:
            qs = qs.filter(opens_at__year=year)
        status = _choice_param(request, "status", [DraftStatus.DRAFTING, DraftStatus.OPEN, DraftStatus.CLOSED])
        if status == DraftStatus.OPEN:
            qs = qs.filter(opens_at__lte=now, closes_at__gt=now) | qs.filter(opens_at__lte=now, closes_at=None)
        elif status == DraftStatus.CLOSED:
            qs = qs.filter(opens_at__lte=now, closes_at__lte=now)
        elif status == DraftStatus.DRAFTING:
            qs = qs.filter(opens_at=None) | qs.filter(opens_at__gt=now)
        page_number = _int_param(request, "page", low=1, high=MAX_PAGE) or 1
        page = Paginator(qs, PAGE_SIZE)
        try:
            drafts = page.page(page_number)
        except EmptyPage:
            drafts = []
        stamps = [d.last_published_at for d in drafts if d.last_published_at]
        self.last_modified = max(stamps) if stamps else None
        return Response([_draft_data(d, now) for d in drafts], headers={"X-Total-Count": str(page.count)})


class DraftDetailView(PublicView):
    @extend_schema(summary="一件草案 · One draft", responses=s.DraftDetailSerializer)
    def get(self, request, draft_id: int):
        draft = _draft(draft_id)
        self.last_modified = draft.last_published_at
        data = _draft_data(draft, timezone.now())
        data["versions"] = [_version_data(v) for v in draft.versions.order_by("number")]
        return Response(data)


#: The tree of a version (without its opinion counts) is kept rendered for this long; it is keyed by the
#: version's updated_at, which is touched whenever the version's text or notes change.
TREE_CACHE_SECONDS = 24 * 3600
_COUNT_MARK = re.compile(rb'"opinion_count":-(\d+)')


def _tree_json(version: DraftVersion) -> bytes:
    """The version's provisions nested in text order as JSON, each opinion count left as a mark (minus the
    provision's id) for _fill_counts: the text is cached, the counts change with every opinion posted."""
    key = f"api:tree:{version.pk}:{version.updated_at.timestamp()}"
    cached = cache.get(key)
    if cached is None:
        nodes: dict[int, dict] = {}
        roots: list[dict] = []
        for p in Provision.objects.filter(version=version).order_by("position"):
            node = {**_provision_data(p), "opinion_count": -p.pk, "children": []}
            nodes[p.pk] = node
            parent = nodes.get(p.parent_id) if p.parent_id else None
            (parent["children"] if parent is not None else roots).append(node)
        cached = JSONRenderer().render(roots)
        cache.set(key, cached, TREE_CACHE_SECONDS)
    return cached


def _fill_counts(tree: bytes, version: DraftVersion) -> bytes:
    counts = dict(Provision.objects.filter(version=version, opinion_count__gt=0).values_list("id", "opinion_count"))
    return _COUNT_MARK.sub(lambda m: b'"opinion_count":%d' % counts.get(int(m.group(1)), 0), tree)


class VersionDetailView(PublicView):
    @extend_schema(
        summary="一个版本的条文树 · A version's provision tree",
        description="编、章、节、条、款按原文顺序嵌套；一次查询。Parts, chapters, sections, articles and "
        "paragraphs nested in text order.",
        responses=s.VersionDetailSerializer,
    )
    def get(self, request, draft_id: int, number: int):
        draft = _draft(draft_id)
        version = DraftVersion.objects.filter(draft=draft, number=number).first()
        if version is None:
            raise _not_found()
        self.last_modified = version.updated_at
        head = JSONRenderer().render({**_version_data(version), "draft": draft.pk, "preamble": version.preamble})
        body = head[:-1] + b',"provisions":' + _fill_counts(_tree_json(version), version) + b"}"
        response = HttpResponse(body, content_type="application/json")
        response.api_conditional = True  # ETag and 304 as the other public reads (ConditionalMixin)
        return response


def _public_provision(provision_id: int) -> Provision:
    provision = Provision.objects.select_related("version").filter(pk=provision_id).first()
    if provision is None or not draft_list_published().filter(pk=provision.version.draft_id).exists():
        raise _not_found()
    return provision


class ArticleDetailView(PublicView):
    @extend_schema(summary="一条条文 · One article", responses=s.ArticleSerializer)
    def get(self, request, provision_id: int):
        p = _public_provision(provision_id)
        self.last_modified = p.version.updated_at
        data = {
            **_provision_data(p),
            "draft": p.version.draft_id,
            "version": p.version.number,
            "parent": p.parent_id,
        }
        return Response(data)


def _reply_data(o) -> dict:
    return {
        "id": o.pk,
        "author": o.public_name,
        "is_official": o.is_official,
        "body": redact_contact_details(o.body),
        "created_at": o.created_at,
        "support_count": o.support_count,
    }


OPINION_PARAMETERS = [
    OpenApiParameter("sort", str, enum=["new", "top"], description="new 最新在前 / top 附议最多在前 · order"),
    OpenApiParameter("cursor", str, description="上一页返回的 next_cursor · the previous page's next_cursor"),
]


def _opinion_page(request, *, draft_id: int, article_id: int | None) -> dict:
    sort = _choice_param(request, "sort", ["new", "top"]) or "new"
    cursor = request.query_params.get("cursor", "")
    if cursor and comment_selectors.parse_cursor(sort, cursor) is None:
        raise ApiError(
            "invalid_parameter", _("cursor 无效，请使用上一页返回的 next_cursor。"), detail={"parameter": "cursor"}
        )
    page = comment_selectors.thread_page(draft_id=draft_id, article_id=article_id, sort=sort, cursor=cursor or None)
    ids = [o.pk for o in page.opinions]
    proposals = {p.opinion_id: p for p in Proposal.objects.filter(opinion_id__in=ids)} if ids else {}
    results = []
    for opinion, replies in page:
        proposal = proposals.get(opinion.pk)
        results.append(
            {
                **_reply_data(opinion),
                "article": opinion.article_id,
                "reply_count": opinion.reply_count,
                "proposal": {"kind": proposal.kind, "base_text": proposal.base_text, "text": proposal.text}
                if proposal
                else None,
                "replies": [_reply_data(r) for r in replies],
            }
        )
    return {"sort": page.sort, "next_cursor": page.next_cursor, "results": results}


class ArticleOpinionsView(PublicView):
    @extend_schema(
        summary="一条条文下已发布的意见 · Published opinions on an article",
        description="只含已公开发布的意见（不含线下渠道、待审核、隐藏的意见），署显示名称或“匿名”；"
        "每页 20 条，用 cursor 翻页。Published opinions only, under public names; 20 a page, cursor-paginated.",
        parameters=OPINION_PARAMETERS,
        responses=s.OpinionPageSerializer,
    )
    def get(self, request, provision_id: int):
        p = _public_provision(provision_id)
        return Response(_opinion_page(request, draft_id=p.version.draft_id, article_id=p.pk))


class DraftOpinionsView(PublicView):
    @extend_schema(
        summary="对草案整体的已发布意见 · Published opinions on the draft as a whole",
        parameters=OPINION_PARAMETERS,
        responses=s.OpinionPageSerializer,
    )
    def get(self, request, draft_id: int):
        draft = _draft(draft_id)
        return Response(_opinion_page(request, draft_id=draft.pk, article_id=None))


def _closed_draft(draft_id: int) -> DraftPage:
    draft = _draft(draft_id)
    if draft.status() != DraftStatus.CLOSED:
        raise ApiError("not_closed", _("征求意见结束后才公布意见处理情况。"), 404)
    return draft


class FeedbackView(PublicView):
    @extend_schema(
        summary="意见处理情况反馈 · Public feedback",
        description="征求意见结束后公布，与“意见处理情况反馈”页相同。Published after the period closes, as on the "
        "feedback page.",
        responses=s.FeedbackSerializer,
    )
    def get(self, request, draft_id: int):
        draft = _closed_draft(draft_id)
        totals, articles = comment_selectors.feedback_summary(draft.pk)
        return Response(
            {
                "draft": draft.pk,
                "total": sum(totals.values()),
                "totals": {value: totals.get(value, 0) for value in Disposition.values},
                "articles": [
                    {
                        "article": a.article.pk if a.article else None,
                        "label": a.article.label if a.article else _("对草案整体的意见"),
                        "counts": a.counts,
                        "total": a.total,
                    }
                    for a in articles
                ],
            }
        )


class FeedbackOpinionsView(PublicView):
    @extend_schema(
        summary="一条条文的意见及处理结果 · Opinions of an article with their dispositions",
        description="与反馈页一致：处理结果，及公开的理由说明；每页 50 条。As on the feedback page; 50 a page.",
        parameters=[
            OpenApiParameter(
                "article",
                {"type": "string", "pattern": "^(general|[1-9][0-9]{0,17})$"},
                required=True,
                description="条文编号，或 general 表示对草案整体",
            ),
            OpenApiParameter("page", _bounded(1, MAX_PAGE), description="页码 · page number"),
        ],
        responses=s.FeedbackOpinionPageSerializer,
    )
    def get(self, request, draft_id: int):
        draft = _closed_draft(draft_id)
        raw = request.query_params.get("article", "")
        if raw == "general":
            article_id = None
        else:
            article_id = _int_param(request, "article", low=1, high=2**63 - 1)
            if article_id is None:
                raise ApiError("invalid_parameter", _("请给出 article 参数。"), detail={"parameter": "article"})
        page_number = _int_param(request, "page", low=1, high=MAX_PAGE) or 1
        paginator = Paginator(comment_selectors.feedback_opinions(draft.pk, article_id), 50)
        try:
            page = paginator.page(page_number)
        except (EmptyPage, PageNotAnInteger):
            raise _not_found() from None
        results = [
            {
                "id": o.pk,
                "channel": o.channel,
                "source": getattr(o, "source_name", "") or "",
                "author": o.public_name,
                "body": redact_contact_details(o.body),
                "disposition": o.disposition,
                "disposition_display": o.get_disposition_display(),
                "reason": o.disposition_reason if o.reason_public else "",
            }
            for o in page.object_list
        ]
        return Response(
            {"count": paginator.count, "page": page.number, "pages": paginator.num_pages, "results": results}
        )


class StatisticsView(PublicView):
    @extend_schema(
        summary="一件草案的统计 · A draft's statistics",
        description="与统计页相同的数字，征求意见结束后公布。"
        "The figures of the statistics page, after the period closes.",
        parameters=[OpenApiParameter("draft_id", OpenApiTypes.INT, OpenApiParameter.PATH)],
        responses=s.StatisticsSerializer,
    )
    def get(self, request, draft_id: int):
        draft = _closed_draft(draft_id)
        tally = stats_selectors.draft_tally(draft.pk)
        self.last_modified = tally.computed_at
        return Response({"draft": draft.pk, "computed_at": tally.computed_at, "data": tally.data})


class TokenView(APIView):
    """Base of the token endpoints: a Bearer token of the right holder and scope, rate-limited, logged."""

    authentication_classes = [TokenAuthentication]
    permission_classes = [HasScope]
    throttle_classes = [TokenRateThrottle]
    parser_classes = [SafeJSONParser]
    token_holder = ""
    token_scope = ""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        token = getattr(request._request, "api_token", None)
        if token is not None:
            token_use_log(token=token, method=request.method, path=request.path, status=response.status_code)
        return response


STAFF_PAGE_SIZE = 100


class StaffOpinionsView(TokenView):
    token_holder = TokenHolder.STAFF
    token_scope = TokenScope.OPINIONS_READ

    @extend_schema(
        summary="全部意见及处理结果（工作人员令牌）· Every opinion with its disposition (staff token)",
        description="各渠道、各状态的全部意见，含处理结果和理由（含未公开的理由），按编号升序，每页 100 条。"
        "不含联系方式。Every opinion of every channel and state with disposition and reasons, by id, 100 a page; "
        "no contact details.",
        parameters=[
            OpenApiParameter("draft", _bounded(1, 2**63 - 1), description="草案编号 · draft id"),
            OpenApiParameter(
                "after", _bounded(0, 2**63 - 1), description="上一页最后一条的编号 · last id of the previous page"
            ),
        ],
        responses=s.StaffOpinionPageSerializer,
    )
    def get(self, request):
        qs = Opinion.objects.select_related("author").order_by("id")
        draft_id = _int_param(request, "draft", low=1, high=2**63 - 1)
        if draft_id:
            qs = qs.filter(draft_id=draft_id)
        after = _int_param(request, "after", low=0, high=2**63 - 1)
        if after:
            qs = qs.filter(id__gt=after)
        rows = list(qs[: STAFF_PAGE_SIZE + 1])
        results = [
            {
                "id": o.pk,
                "draft": o.draft_id,
                "version": o.version_id,
                "article": o.article_id,
                "parent": o.parent_id,
                "channel": o.channel,
                "moderation_state": o.moderation_state,
                "author": o.public_name,
                "body": o.body,
                "created_at": o.created_at,
                "disposition": o.disposition,
                "disposition_reason": o.disposition_reason,
                "reason_public": o.reason_public,
                "disposed_at": o.disposed_at,
                "merged_into": o.merged_into_id,
                "resulting_article": o.resulting_article_id,
            }
            for o in rows[:STAFF_PAGE_SIZE]
        ]
        next_after = results[-1]["id"] if len(rows) > STAFF_PAGE_SIZE else None
        return Response({"next_after": next_after, "results": results})


ITEM_FIELDS = {"article", "body", "proposer", "proposer_category", "proposal"}


def _batch_items(data) -> tuple[int, list]:
    """The request's draft id and items, or an ApiError naming what is wrong (every faulty item listed)."""
    if not isinstance(data, dict):
        raise ApiError("invalid", _('请求内容应为 JSON 对象：{"draft": 草案编号, "items": [...]}。'))
    unknown = sorted(set(data) - {"draft", "items"})
    if unknown:
        raise ApiError("unknown_fields", _("不认识的字段：%(fields)s。") % {"fields": "、".join(unknown)})
    draft_id, items = data.get("draft"), data.get("items")
    if not isinstance(draft_id, int) or isinstance(draft_id, bool) or not 1 <= draft_id < 2**63:
        raise ApiError("invalid", _("draft 应为草案编号（整数）。"), detail={"field": "draft"})
    if not isinstance(items, list):
        raise ApiError("invalid", _("items 应为意见列表。"), detail={"field": "items"})
    problems = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            problems.append((index, _("每条意见应为 JSON 对象。")))
            continue
        extra = sorted(set(item) - ITEM_FIELDS)
        if extra:
            problems.append((index, _("不认识的字段：%(fields)s。") % {"fields": "、".join(map(str, extra))}))
        for name in ("body", "proposer", "proposer_category", "proposal"):
            if item.get(name) is not None and not isinstance(item[name], str):
                problems.append((index, _("%(field)s 应为文字。") % {"field": name}))
        article = item.get("article")
        if article is not None and (isinstance(article, bool) or not isinstance(article, int | str)):
            problems.append((index, _("article 应为条号（如 12 或“第十二条”），对草案整体的意见留空。")))
    if problems:
        raise _items_error(problems)
    return draft_id, items


def _items_error(problems) -> ApiError:
    return ApiError(
        "items",
        _("有 %(count)s 处错误，整批没有报送。") % {"count": len(problems)},
        422,
        detail=[{"index": index, "message": message} for index, message in problems],
    )


class BatchSubmitView(TokenView):
    token_holder = TokenHolder.CONTACT_POINT
    token_scope = TokenScope.BATCHES_SUBMIT

    @extend_schema(
        summary="联系点报送一批意见 · A contact point submits a batch of opinions",
        description="与上传表格相同的规则逐条检查；有任何错误则整批不报送，并列出每条错误的序号（从 0 起）和说明。"
        "必须带 Idempotency-Key 头：同一个键再次提交返回第一次的结果，不会重复报送。"
        f"请求体不超过 {settings.API_BATCH_MAX_BYTES:,} 字节（设置 API_BATCH_MAX_BYTES），超过则答 413（too_large）。"
        "Checked row by row with the spreadsheet upload's rules; any error refuses the whole batch and lists "
        "every faulty item by index. An Idempotency-Key header is required: the same key again returns the "
        f"first answer and adds nothing. Body at most {settings.API_BATCH_MAX_BYTES:,} bytes (setting "
        "API_BATCH_MAX_BYTES); over it the answer is 413 (too_large).",
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=True)],
        request=s.BatchRequestSerializer,
        responses={201: s.BatchResultSerializer, 200: s.BatchResultSerializer},
    )
    def post(self, request):
        key = request.headers.get("Idempotency-Key", "")
        if not key or len(key) > 100 or not key.isascii() or not key.isprintable():
            raise ApiError("idempotency_key", _("请提供 Idempotency-Key 头（不超过 100 个 ASCII 字符）。"))
        payload = read_body(request, settings.API_BATCH_MAX_BYTES)
        draft_id, items = _batch_items(parse_json(request, payload))
        draft = draft_list_published().filter(pk=draft_id).first()
        if draft is None:
            raise ApiError("not_found", _("没有这部草案。"), 404, detail={"field": "draft"})
        token = request.auth
        try:
            status, body, replayed = token_services.batch_submit(
                token=token, key=key, payload=payload, draft=draft, items=items
            )
        except ItemsError as exc:
            raise _items_error(exc.items) from None
        except ContactPointError as exc:
            raise ApiError(exc.code or "refused", " ".join(exc.messages), 422) from None
        except PermissionDenied:
            raise ApiError("permission_denied", _("令牌代为报送的联络员已不是该联系点的联络员。"), 403) from None
        response = Response(body, status=200 if replayed else status)
        if replayed:
            response["Idempotent-Replayed"] = "true"
        return response


class ReferralMixin:
    token_holder = TokenHolder.DEPARTMENT
    token_scope = TokenScope.REFERRALS

    def referral(self, request, referral_id: int):
        found = referral_selectors.referrals_of_liaison(request.auth.acting_user).filter(
            pk=referral_id, department_id=request.auth.department_id
        )
        referral = found.first()
        if referral is None:
            raise ApiError("not_found", _("没有找到这件转办。"), 404)
        return referral


def _referral_data(referral, now) -> dict:
    return {
        "id": referral.pk,
        "draft": referral.draft_id,
        "draft_title": referral.draft.title,
        "state": referral.state,
        "instructions": referral.instructions,
        "deadline": referral.deadline,
        "overdue": referral.state in referral_selectors.IN_HAND and referral.deadline < now,
        "created_at": referral.created_at,
        "acknowledged_at": referral.acknowledged_at,
        "replied_at": referral.replied_at,
        "reply": referral.reply,
        "revision": referral.revision,
    }


def _handling_error(exc: HandlingError) -> ApiError:
    status = 409 if isinstance(exc, ConflictError) else 422
    return ApiError(exc.code or "refused", " ".join(exc.messages), status)


class ReferralListView(ReferralMixin, TokenView):
    @extend_schema(
        summary="本单位的转办 · The department's referrals",
        description="与联络人收件箱相同：open 未办结 / overdue 逾期 / closed 已办结。As the liaison inbox.",
        parameters=[OpenApiParameter("show", str, enum=list(referral_selectors.INBOX_FILTERS))],
        responses=s.ReferralSerializer(many=True),
    )
    def get(self, request):
        show = _choice_param(request, "show", list(referral_selectors.INBOX_FILTERS)) or "open"
        now = timezone.now()
        referrals = referral_selectors.referral_inbox(user=request.auth.acting_user, show=show, now=now).filter(
            department_id=request.auth.department_id
        )
        return Response([_referral_data(r, now) for r in referrals[:500]])


class ReferralDetailView(ReferralMixin, TokenView):
    @extend_schema(summary="一件转办及其意见 · One referral with its opinions", responses=s.ReferralDetailSerializer)
    def get(self, request, referral_id: int):
        referral = self.referral(request, referral_id)
        data = _referral_data(referral, timezone.now())
        data["opinions"] = [
            {
                "id": o.pk,
                "article": o.article.label if o.article_id else "",
                "channel": o.channel,
                "body": referral_selectors.redact_contact_details(o.body),
                "created_at": o.created_at,
            }
            for o in referral_selectors.referral_opinions(referral, for_staff=False)
        ]
        return Response(data)


class ReferralAcknowledgeView(ReferralMixin, TokenView):
    @extend_schema(summary="签收 · Acknowledge", request=None, responses=s.ReferralSerializer)
    def post(self, request, referral_id: int):
        referral = self.referral(request, referral_id)
        try:
            referral = referral_services.referral_acknowledge(liaison=request.auth.acting_user, referral_id=referral.pk)
        except HandlingError as exc:
            raise _handling_error(exc) from None
        except PermissionDenied:
            raise ApiError("permission_denied", _("这个令牌无权进行此操作。"), 403) from None
        return Response(_referral_data(referral, timezone.now()))


class ReferralReplyView(ReferralMixin, TokenView):
    @extend_schema(
        summary="答复（可带附件）· Reply, with attachments",
        description="与联络人收件箱相同的规则和期限；附件以 Base64 提交。Same rules as the liaison inbox.",
        request=s.ReplyRequestSerializer,
        responses=s.ReferralSerializer,
    )
    def post(self, request, referral_id: int):
        referral = self.referral(request, referral_id)
        data = request.data
        if not isinstance(data, dict) or set(data) - {"text", "revision", "attachments"}:
            raise ApiError("invalid", _("请求内容应为 JSON 对象，只含 text、revision、attachments。"))
        text, revision, attachments = data.get("text"), data.get("revision"), data.get("attachments") or []
        if not isinstance(text, str):
            raise ApiError("invalid", _("text 应为答复内容（文字）。"), detail={"field": "text"})
        if revision is not None and (not isinstance(revision, int) or isinstance(revision, bool)):
            raise ApiError("invalid", _("revision 应为整数。"), detail={"field": "revision"})
        files = []
        if not isinstance(attachments, list):
            raise ApiError("invalid", _("attachments 应为列表。"), detail={"field": "attachments"})
        for index, item in enumerate(attachments):
            try:
                name, content = item["name"], item["content_base64"]
                if not isinstance(name, str) or not name.strip() or not isinstance(content, str):
                    raise TypeError
                files.append((name.strip(), base64.b64decode(content, validate=True)))
            except (TypeError, KeyError, ValueError, binascii.Error):
                raise ApiError(
                    "invalid",
                    _('第 %(n)s 个附件应为 {"name": 文件名, "content_base64": Base64 内容}。') % {"n": index + 1},
                    detail={"field": "attachments", "index": index},
                ) from None
        try:
            referral = referral_services.referral_reply(
                liaison=request.auth.acting_user, referral_id=referral.pk, text=text, files=files, revision=revision
            )
        except HandlingError as exc:
            raise _handling_error(exc) from None
        except PermissionDenied:
            raise ApiError("permission_denied", _("这个令牌无权进行此操作。"), 403) from None
        return Response(_referral_data(referral, timezone.now()))
