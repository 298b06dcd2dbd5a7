"""Contact details a proposer wrote never reach a reader who is not staff (issue 21 items 5 and 7): mobile
numbers with spaces, dashes, +86 or 0086, landlines with area codes in every common spelling, e-mail
addresses and ID numbers, in an opinion's text and in a proposer's name, on every page and answer where
such a reader meets them (the thread, the API, search; a department's referral page and its search)."""

import html
import re

import pytest
from django.urls import reverse

from comments.models import Channel, Disposition, ModerationState, Opinion
from search import services as search_services
from tests.probe.policy import ROLES

pytestmark = pytest.mark.django_db

# Each variant its own number, so that a leak names its spelling.
VARIANTS = {
    "mobile": "13911110001",
    "mobile spaced": "139 1111 0002",
    "mobile dashed": "139-1111-0003",
    "mobile +86": "+86 139 1111 0004",
    "mobile +86 joined": "+8613911110005",
    "mobile 0086": "0086-139-1111-0006",
    "landline": "0571-87650007",
    "landline spaced": "0571 8765 0008",
    "landline dashed twice": "0571-8765-0009",
    "landline brackets": "(0571)87650010",
    "landline full-width brackets": "（0571）87650011",
    "landline +86": "+86 571 8765 0012",
    "e-mail": "zhang.san0013@example.com",
    "e-mail subdomain": "li_si+0014@mail.example.com.cn",
    "ID number": "330102199001010015",
    "ID number X": "33010219900101001X",
    "ID number grouped": "330102 19900101 0017",
    "a proposer's mobile": "13911110099",
}


def _fitting_name(limit: int = 100) -> str:
    """A proposer's name carrying as many whole variants as the column holds (PostgreSQL enforces the length)."""
    name = "林某"
    for variant in VARIANTS.values():
        if len(name) + 1 + len(variant) > limit:
            break
        name += " " + variant
    return name


def _digits_tail(variant: str) -> str | None:
    digits = re.sub(r"\D", "", variant)
    return digits[-8:] if len(digits) >= 8 else None


def _leaks(content: str) -> list[str]:
    text = html.unescape(content)
    squeezed = re.sub(r"[\s\-()（）]", "", text)
    found = []
    for label, variant in VARIANTS.items():
        tail = _digits_tail(variant)
        if variant in text or (tail and tail in squeezed) or ("@" in variant and variant.split("@")[0] in text):
            found.append(label)
    return found


BODY = "探针意见：请联系我。" + "；".join(VARIANTS.values()) + "。"


@pytest.fixture
def published(ids, django_capture_on_commit_callbacks):
    """A published online opinion on the open draft, and an internal letter whose proposer's name carries
    contact details, both referred to the liaison's department."""
    from referrals.models import ReferralOpinion

    with django_capture_on_commit_callbacks(execute=True):
        online = Opinion.objects.create(
            draft=ids.draft,
            version=ids.draft.current_version,
            article=ids.provision,
            author=ids.users["citizen"],
            body=BODY,
            moderation_state=ModerationState.PUBLISHED,
        )
        letter = Opinion.objects.create(
            draft=ids.draft,
            version=ids.draft.current_version,
            article=ids.provision,
            channel=Channel.LETTER,
            proposer_name=_fitting_name(),
            body=BODY,
            moderation_state=ModerationState.INTERNAL,
        )
        for opinion in (online, letter):
            ReferralOpinion.objects.create(referral=ids.referral, opinion=opinion)
    with django_capture_on_commit_callbacks(execute=True):
        search_services.catch_up()
    return online, letter


def _check(tally, what, response):
    leaks = _leaks(response.content.decode())
    tally.check(response.status_code == 200 and not leaks, f"{what}: {response.status_code}, shows {leaks}")
    return leaks


def test_no_reader_but_staff_sees_contact_details(ids, clients, published, tally):
    online, _letter = published
    closed_article = ids.closed_draft.current_version.provisions.filter(kind="article").order_by("pk").first()
    Opinion.objects.create(
        draft=ids.closed_draft,
        version=ids.closed_draft.current_version,
        article=closed_article,
        proposer_name="王某 13911110099",
        body=BODY,
        moderation_state=ModerationState.PUBLISHED,
        disposition=Disposition.ADOPTED,
        disposition_reason="采纳。",
        reason_public=True,
    )
    pages = {
        "anonymous": [
            reverse("comments:article_thread", args=[ids.provision.pk]),
            reverse("comments:draft_thread", args=[ids.draft.pk]),
            reverse("api:article_opinions", args=[ids.provision.pk]),
            reverse("api:draft_opinions", args=[ids.draft.pk]),
            reverse("search") + "?q=探针意见",
            reverse("comments:feedback", args=[ids.closed_draft.pk]) + f"?article={closed_article.pk}",
            reverse("api:feedback_opinions", args=[ids.closed_draft.pk]) + f"?article={closed_article.pk}",
        ],
        "citizen": [reverse("search") + "?q=探针意见", reverse("comments:report", args=[online.pk])],
        "coordinator": [reverse("search") + "?q=探针意见"],
        "moderator": [reverse("search") + "?q=探针意见"],
        "liaison": [
            reverse("referrals:detail", args=[ids.referral.pk]),
            reverse("search") + "?q=探针意见",
        ],
    }
    failures = {}
    for role, urls in pages.items():
        for url in urls:
            leaks = _check(tally, f"{role} GET {url}", clients[role].get(url))
            if leaks:
                failures[f"{role} {url}"] = leaks
    assert not failures, failures
    assert set(ROLES) >= set(pages)
