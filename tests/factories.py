import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from contact_points.models import ContactPoint, ContactPointKind
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


def open_draft(text: str, title: str, slug: str = ""):
    """A published draft regulation, open for comment since yesterday for twenty days, under a new list page."""
    from datetime import timedelta

    from cms.models import HomePage
    from drafts.models import DraftIndexPage
    from drafts.parser import parse_text
    from drafts.services import draft_create

    home = HomePage.objects.get()
    index = DraftIndexPage(title="法规草案", slug="drafts")
    home.add_child(instance=index)
    index.save_revision().publish()
    now = timezone.now()
    return draft_create(
        index=index,
        result=parse_text(text),
        title=title,
        slug=slug,
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=20),
        publish=True,
    )
