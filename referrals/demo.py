"""Demo data of the referrals app for `make run` (cms.demo runs each app's step in dependency order)."""

from datetime import timedelta

from django.utils import timezone

DEPARTMENTS = [
    ("杭州市住房保障和房产管理局", "市住保房管局"),
    ("杭州市城市管理局", "市城管局"),
    ("杭州市市场监督管理局", "市市场监管局"),
    ("杭州市司法局", "市司法局"),
    ("潮州市民族宗教事务局", "市民宗局"),
    ("潮州市文化广电旅游体育局", "市文广旅体局"),
]


def _departments(liaison) -> None:
    from referrals.models import Department

    for i, (name, short_name) in enumerate(DEPARTMENTS):
        department, _created = Department.objects.get_or_create(name=name, defaults={"short_name": short_name})
        if i == 0:
            department.liaisons.add(liaison)


def _referral(users) -> None:
    """One opinion of the open draft forwarded to the liaison's department, waiting in 「转办件」."""
    from comments.models import Opinion
    from drafts.models import DraftPage
    from referrals import services as referrals
    from referrals.models import Department, Referral

    draft = DraftPage.objects.filter(slug="hangzhou-property-management").first()
    if draft is None or Referral.objects.exists():
        return
    top = Opinion.objects.filter(draft=draft, parent__isnull=True, moderation_state="published").order_by("pk")
    third = list(top[:3])[-1]
    staff, now = users["staff"], timezone.now()
    department = Department.objects.filter(liaisons=users["liaison"]).first()
    if department is not None:
        referrals.opinions_forward(
            staff=staff,
            opinion_ids=[third.pk],
            department=department,
            deadline=now + timedelta(days=20),
            instructions="请结合物业专项维修资金管理办法研究紧急维修程序，并答复我委。",
        )


def load(users: dict) -> None:
    """Six departments, the demo liaison in the first, and one referral waiting for it."""
    _departments(users["liaison"])
    _referral(users)
