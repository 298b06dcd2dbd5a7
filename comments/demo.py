"""Demo data of the comments app for `make run` (cms.demo runs each app's step in dependency order)."""

from django.contrib.auth import get_user_model
from django.utils import timezone

DEMO_RESIDENTS = [("resident1", "湖滨老王"), ("resident2", "退休教师陈老师"), ("resident3", "小区业委会委员")]
DEMO_OPINIONS = [
    ("resident1", 5, "建议明确物业服务人收集业主人脸、车牌等信息前，应当征得业主书面同意，并公示用途和保存期限。"),
    ("resident2", 5, "第五条只说“依法保护”，太笼统。建议增加一款：物业服务人不得向第三方提供业主的电话号码。"),
    ("resident3", 16, "筹集和使用维修资金的表决门槛过高，老旧小区很难达到，建议对紧急维修规定简易程序。"),
    ("resident1", 20, "电子投票很方便，但要照顾不会用手机的老年人，建议写明纸质投票与电子投票具有同等效力。"),
    ("resident2", None, "条例名称和结构都很清楚。建议在附则中对“物业服务人”“非业主使用人”作出定义。"),
]


def _opinions(users) -> None:
    from comments import services
    from comments.models import Opinion
    from drafts.models import DraftPage

    draft = DraftPage.objects.filter(slug="hangzhou-property-management").first()
    if draft is None or Opinion.objects.filter(draft=draft).exists():
        return
    User = get_user_model()
    residents = {}
    for username, display_name in DEMO_RESIDENTS:
        residents[username], _created = User.objects.get_or_create(
            username=username,
            defaults={"display_name": display_name, "is_active": True, "confirmed_at": timezone.now()},
        )
    articles = {a.number: a.pk for a in draft.current_version.provisions.filter(kind="article")}
    posted = []
    for username, number, body in DEMO_OPINIONS:
        opinion, _created = services.opinion_post(
            user=residents[username], draft=draft, body=body, article_id=articles.get(number)
        )
        posted.append(opinion)
    services.opinions_moderate(moderator=users["moderator"], opinion_ids=[o.pk for o in posted], action="publish")
    reply, _created = services.opinion_post(
        user=residents["resident3"],
        draft=draft,
        body="同意，我们小区就发生过电话号码被泄露给装修公司的事。",
        reply_to_id=posted[1].pk,
    )
    services.opinions_moderate(moderator=users["moderator"], opinion_ids=[reply.pk], action="publish")
    services.opinion_post(
        user=users["staff"],
        draft=draft,
        reply_to_id=posted[2].pk,
        body="感谢您的意见。关于紧急维修资金的使用程序，我们正在会同住保房管部门研究，将在修改稿中予以完善。",
    )
    for supporter in ("resident2", "resident3", "citizen"):
        user = residents.get(supporter) or users[supporter]
        services.opinion_support(user=user, opinion_id=posted[0].pk)
    services.opinion_post(
        user=users["citizen"],
        draft=draft,
        article_id=articles.get(12),
        body="物业管理区域调整的决定期限二十个工作日偏长，建议缩短为十个工作日。",
    )
    rejected, _created = services.opinion_post(user=users["citizen"], draft=draft, body="楼下超市的鸡蛋又涨价了。")
    services.opinions_moderate(
        moderator=users["moderator"], opinion_ids=[rejected.pk], action="reject", reason="与草案内容无关"
    )


def load(users: dict) -> None:
    """Published opinions, replies and support from a few residents on the open draft."""
    _opinions(users)
