"""Demo data for `make run`: one account per role, contact points, departments and two real drafts.

Loading is idempotent: a second run finds the demo in place and only prints the accounts.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from cms.models import HomePage
from cms.roles import Role

DEMO_PASSWORD = "Demo-2026!"  # noqa: S105 - printed on start; demo sites only


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
    DemoAccount("coordinator2", Role.COORDINATOR, "联系点联络员（翠苑一区社区）", email="coordinator2@example.com"),
    DemoAccount("liaison", Role.LIAISON, "承办单位联络人（市住保房管局）", email="liaison@example.com"),
    DemoAccount("admin", Role.ADMINISTRATOR, "系统管理员（超级用户）", email="admin@example.com"),
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


def _app_steps():
    """The `demo` module of each project app, in INSTALLED_APPS order (the dependency order)."""
    from importlib import import_module
    from importlib.util import find_spec

    from django.conf import settings

    for name in settings.INSTALLED_APPS:
        if name != "cms" and "." not in name and find_spec(f"{name}.demo") is not None:
            yield import_module(f"{name}.demo")


@transaction.atomic
def demo_load() -> list[DemoAccount]:
    """Each app loads its own demo data after the apps it builds on (every step is idempotent)."""
    users = _accounts()
    for step in _app_steps():
        step.load(users)
    home = HomePage.objects.first()
    if home and not home.intro:
        home.intro = "<p>阅读正在征求意见的法规草案，对具体条文发表意见；基层立法联系点在这里汇总群众意见。</p>"
        home.save_revision().publish()
    return DEMO_ACCOUNTS
