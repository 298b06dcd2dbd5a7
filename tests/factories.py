from datetime import timedelta

import factory
import wagtail_factories
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from cms.models import HomePage
from contact_points.models import ContactPoint, ContactPointKind
from drafts.models import DraftIndexPage, DraftPage
from drafts.numerals import to_chinese
from drafts.parser import parse_text
from drafts.services import draft_create
from referrals.models import Department

PASSWORD = "Correct-Horse-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    display_name = factory.Sequence(lambda n: f"市民{n}")
    is_active = True
    confirmed_at = factory.LazyFunction(timezone.now)
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or []:
            self.groups.add(Group.objects.get(name=str(role)))


class ContactPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactPoint

    name = factory.Sequence(lambda n: f"第{n}基层立法联系点")
    kind = ContactPointKind.COMMUNITY
    district = "上城区"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    name = factory.Sequence(lambda n: f"市第{n}局")


def sample_text(articles: int = 10) -> str:
    """A short regulation: its first half of ``articles`` under 第一章 总则, the rest under 第二章 附则."""
    half = (articles + 1) // 2
    lines = ["示例条例", "第一章 总则"]
    for n in range(1, articles + 1):
        if n == half + 1:
            lines.append("第二章 附则")
        number = to_chinese(n)
        lines.append(f"第{number}条 这是第{number}条的内容，规定了物业服务人和业主的权利义务。")
    return "\n\n".join(lines)


class DraftIndexPageFactory(wagtail_factories.PageFactory):
    """The published list page that drafts live under, on the home page the migrations made."""

    class Meta:
        model = DraftIndexPage
        skip_postgeneration_save = True

    title = "法规草案"
    slug = "drafts"
    parent = factory.LazyFunction(lambda: HomePage.objects.get())

    @factory.post_generation
    def publish(self, create, extracted, **kwargs):
        if create:
            self.save_revision().publish()


class DraftFactory(factory.Factory):
    """A published draft regulation made as staff make one: ``text`` parsed into version 1 by draft_create.

    It is open for comment since yesterday for ten more days; ``closed=True`` gives one whose
    twenty-day period ended yesterday. Without ``index``, a new list page is made for it.
    """

    class Meta:
        model = DraftPage

    class Params:
        closed = factory.Trait(
            opens_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=20)),
            closes_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=1)),
        )

    index = factory.SubFactory(DraftIndexPageFactory)
    text = factory.LazyFunction(sample_text)
    title = "示例条例（草案）"
    slug = factory.Sequence(lambda n: f"draft-{n}")
    drafting_body = ""
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=10))
    publish = True

    @classmethod
    def _create(cls, model_class, *, text: str, **kwargs) -> DraftPage:
        return draft_create(result=parse_text(text), **kwargs)
