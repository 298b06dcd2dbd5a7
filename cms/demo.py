"""Demo data for `make run`: one account per role, contact points, departments and two real drafts.

Loading is idempotent: a second run finds the demo in place and only prints the accounts.
"""

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from cms.models import HomePage
from cms.roles import Role

DEMO_PASSWORD = "Demo-2026!"  # noqa: S105 - printed on start; demo sites only
FIXTURES = Path(__file__).resolve().parent.parent / "drafts" / "fixtures"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str | None
    description: str
    email: str = ""
    display_name: str = ""


DEMO_ACCOUNTS = [
    DemoAccount("citizen", None, "市民", email="citizen@example.com", display_name="热心市民"),
    DemoAccount("staff", Role.STAFF, "法工委工作人员", email="staff@example.com"),
    DemoAccount("moderator", Role.MODERATOR, "审核员", email="moderator@example.com"),
    DemoAccount("coordinator", Role.COORDINATOR, "联系点联络员（湖滨街道）", email="coordinator@example.com"),
    DemoAccount("liaison", Role.LIAISON, "承办单位联络人（市住保房管局）", email="liaison@example.com"),
    DemoAccount("admin", Role.ADMINISTRATOR, "系统管理员（超级用户）", email="admin@example.com"),
]

CONTACT_POINTS = [
    ("上城区湖滨街道基层立法联系点", "subdistrict", "上城区", "上城区东坡路 7 号", 2016),
    ("西湖区翠苑一区社区基层立法联系点", "community", "西湖区", "西湖区翠苑一区 12 幢", 2018),
    ("浙江大学光华法学院基层立法联系点", "university", "西湖区", "西湖区之江路 51 号", 2015),
    ("钱塘律师事务所基层立法联系点", "law_firm", "钱塘区", "钱塘区白杨街道 6 号大街 452 号", 2020),
    ("余杭区良渚街道基层立法联系点", "subdistrict", "余杭区", "余杭区良渚街道古墩路 1 号", 2019),
    ("滨江区高新企业基层立法联系点", "enterprise", "滨江区", "滨江区网商路 699 号", 2021),
    ("临平区人大代表联络站基层立法联系点", "agency", "临平区", "临平区迎宾路 369 号", 2017),
]

DEPARTMENTS = [
    ("杭州市住房保障和房产管理局", "市住保房管局"),
    ("杭州市城市管理局", "市城管局"),
    ("杭州市市场监督管理局", "市市场监管局"),
    ("杭州市司法局", "市司法局"),
    ("潮州市民族宗教事务局", "市民宗局"),
    ("潮州市文化广电旅游体育局", "市文广旅体局"),
]


def _accounts() -> dict[str, object]:
    User = get_user_model()
    users = {}
    for account in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=account.username,
            defaults={
                "email": account.email,
                "display_name": account.display_name,
                "is_active": True,
                "confirmed_at": timezone.now(),
                "is_superuser": account.username == "admin",
                "is_staff": account.username == "admin",
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        if account.role:
            user.groups.add(Group.objects.get(name=str(account.role)))
        users[account.username] = user
    return users


def _contact_points(coordinator) -> None:
    from contact_points.models import ContactPoint

    for i, (name, kind, district, address, year) in enumerate(CONTACT_POINTS):
        point, _created = ContactPoint.objects.get_or_create(
            name=name,
            defaults={
                "kind": kind,
                "district": district,
                "address": address,
                "phone": f"0571-8{i + 1:03d}{i + 1:04d}",
                "established_on": timezone.localdate().replace(year=year, month=3, day=1),
            },
        )
        if i == 0:
            point.coordinators.add(coordinator)


def _departments(liaison) -> None:
    from comments.models import Department

    for i, (name, short_name) in enumerate(DEPARTMENTS):
        department, _created = Department.objects.get_or_create(name=name, defaults={"short_name": short_name})
        if i == 0:
            department.liaisons.add(liaison)


def _drafts(staff) -> None:
    from drafts.models import DraftIndexPage, DraftPage, DraftStage
    from drafts.parser import parse_text
    from drafts.services import draft_create

    home = HomePage.objects.first()
    index = DraftIndexPage.objects.first()
    if index is None:
        index = DraftIndexPage(title="法规草案", slug="drafts", intro="<p>正在征求意见和已结束征求意见的法规草案。</p>")
        home.add_child(instance=index)
        index.save_revision().publish()
    if DraftPage.objects.exists():
        return
    now = timezone.now()
    open_text = (FIXTURES / "杭州市物业管理条例(2021-08-09).md").read_text(encoding="utf-8")
    draft_create(
        index=index,
        result=parse_text(open_text),
        title="杭州市物业管理条例（修订草案征求意见稿）",
        slug="hangzhou-property-management",
        stage=DraftStage.SOLICITATION,
        drafting_body="杭州市住房保障和房产管理局",
        summary="规范物业管理活动，完善业主大会和业主委员会制度，加强物业服务监督管理。",
        opens_at=now - timedelta(days=7),
        closes_at=now + timedelta(days=30),
        publish=True,
        created_by=staff,
    )
    closed_text = (FIXTURES / "潮州市畲族文化保护条例(2021-04-29).md").read_text(encoding="utf-8")
    draft_create(
        index=index,
        result=parse_text(closed_text),
        title="潮州市畲族文化保护条例（草案）",
        slug="chaozhou-she-culture",
        stage=DraftStage.FIRST_READING,
        drafting_body="潮州市民族宗教事务局",
        summary="加强畲族文化的保护、传承和发展。",
        opens_at=now - timedelta(days=90),
        closes_at=now - timedelta(days=30),
        publish=True,
        created_by=staff,
    )


@transaction.atomic
def demo_load() -> list[DemoAccount]:
    users = _accounts()
    _contact_points(users["coordinator"])
    _departments(users["liaison"])
    _drafts(users["staff"])
    home = HomePage.objects.first()
    if home and not home.intro:
        home.intro = "<p>阅读正在征求意见的法规草案，对具体条文发表意见；基层立法联系点在这里汇总群众意见。</p>"
        home.save_revision().publish()
    return DEMO_ACCOUNTS
