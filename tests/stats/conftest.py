import random
from datetime import timedelta

import pytest

from comments.models import Channel, Disposition, ModerationState, Opinion
from contact_points.models import ContactPointOpinion
from tests.factories import ContactPointFactory, DraftFactory, UserFactory


@pytest.fixture
def closed_draft(draft_index):
    """The sample regulation, its twenty-day comment period over since yesterday."""
    return DraftFactory(index=draft_index, slug="sample", closed=True)


@pytest.fixture
def staff(db):
    from cms.roles import Role

    return UserFactory(username="staff1", roles=[Role.STAFF])


@pytest.fixture
def opinions(closed_draft):
    """120 opinions in every channel, state and disposition, spread over the period; returns them."""
    rng = random.Random(7)
    citizen = UserFactory(username="c1")
    points = [ContactPointFactory(name="甲联系点"), ContactPointFactory(name="乙联系点")]
    articles = list(closed_draft.current_version.provisions.filter(kind="article"))
    made = []
    for i in range(120):
        channel = rng.choice(Channel.values)
        state = (
            rng.choice([ModerationState.PUBLISHED, ModerationState.PENDING, ModerationState.REJECTED])
            if channel == Channel.ONLINE
            else ModerationState.INTERNAL
        )
        opinion = Opinion.objects.create(
            draft=closed_draft,
            version=closed_draft.current_version,
            article=rng.choice([*articles, None]),
            channel=channel,
            author=citizen if channel == Channel.ONLINE else None,
            body=f"意见{i}",
            moderation_state=state,
            disposition=rng.choice(Disposition.values),
            created_at=closed_draft.opens_at + timedelta(hours=i * 3),
        )
        if channel == Channel.CONTACT_POINT:
            ContactPointOpinion.objects.create(opinion=opinion, contact_point=rng.choice(points))
        made.append(opinion)
    return made
