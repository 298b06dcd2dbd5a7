"""Demo data of the handling app for `make run` (cms.demo runs each app's step in dependency order)."""

from datetime import timedelta

REASON_TEMPLATES = [
    ("adopted", "已采纳，在修改稿相应条款中予以体现。"),
    ("partly_adopted", "部分采纳：合理部分已在修改稿中体现，其余内容由配套文件规定。"),
    ("not_adopted", "上位法已有明确规定，本条例不再重复规定。"),
    ("not_adopted", "属于具体执行问题，建议由主管部门在实施细则中规定。"),
    ("", "已转有关部门研究办理。"),
]

CLOSED_DRAFT_OPINIONS = [
    ("letter", 3, "林某", "建议明确畲族传统村落的认定标准和程序。", "adopted", "已在修改稿第三条中增加认定程序。"),
    ("email", 8, "蓝某某", "畲语传承应当进入中小学课堂，建议增加相关规定。", "partly_adopted",
     "合理部分已体现：鼓励学校开设畲族文化课程；课时安排由教育部门确定。"),
    ("letter", None, "雷某", "建议条例名称改为《潮州市畲族文化保护传承条例》。", "not_adopted",
     "条例名称与上位法和省内同类法规保持一致。"),
    ("email", 12, "钟某", "传承人补助标准应当写入条例。", "not_adopted", "属于具体执行问题，由市民宗部门另行规定。"),
]  # fmt: skip


def _handling(users) -> None:
    """Reason templates, dispositions and a referral on the open draft, public feedback on the closed one."""
    from comments.models import Disposition, Opinion
    from comments.services import OfflineOpinion, opinions_import
    from drafts.models import DraftPage
    from handling import services as handling
    from handling.models import ReasonTemplate

    if ReasonTemplate.objects.exists():
        return
    for i, (disposition, text) in enumerate(REASON_TEMPLATES):
        ReasonTemplate.objects.create(text=text, disposition=disposition, sort_order=i)
    staff = users["staff"]
    closed = DraftPage.objects.filter(slug="chaozhou-she-culture").first()
    if closed is not None:
        articles = {a.number: a.pk for a in closed.current_version.provisions.filter(kind="article")}
        for channel, number, name, body, disposition, reason in CLOSED_DRAFT_OPINIONS:
            (opinion,) = opinions_import(
                draft=closed,
                version=closed.current_version,
                channel=channel,
                opinions=[OfflineOpinion(body=body, article_id=articles.get(number), proposer_name=name)],
                now=closed.closes_at - timedelta(days=10),
            )
            handling.opinions_dispose(staff=staff, opinion_ids=[opinion.pk], disposition=disposition, reason=reason)
    draft = DraftPage.objects.filter(slug="hangzhou-property-management").first()
    if draft is None:
        return
    top = Opinion.objects.filter(draft=draft, parent__isnull=True, moderation_state="published").order_by("pk")
    first, second, third = list(top[:3])
    handling.opinions_dispose(
        staff=staff, opinion_ids=[first.pk], disposition=Disposition.ADOPTED, reason=REASON_TEMPLATES[0][1]
    )
    handling.opinions_assign(staff=staff, opinion_ids=[second.pk, third.pk], assignee=staff)


def load(users: dict) -> None:
    """Reason templates; dispositions on the open draft; public feedback on the closed one."""
    _handling(users)
