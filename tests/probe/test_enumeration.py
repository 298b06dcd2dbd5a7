"""No answer tells whether an e-mail address or phone number has an account: registration, confirmation
(code and resend), password reset (form and code) and the two login forms answer a taken identifier exactly
as a free one, request after request (the throttles included). Each pair of askers has addresses of its
own, so one pair's throttle never colours the other's answers."""

import itertools

import pytest
from django.test import Client
from django.urls import reverse

from tests.cms.test_enumeration import STRONG, page

pytestmark = pytest.mark.django_db

ADDRESSES = (f"10.8.{n // 250}.{n % 250 + 1}" for n in itertools.count())
TAKEN_PHONE = "13600136000"
FREE_PHONE = "13600136001"


@pytest.fixture
def known(ids):
    citizen = ids.users["citizen"]
    citizen.phone = TAKEN_PHONE
    citizen.save(update_fields=["phone"])
    return citizen


def _flows():
    code = {"code": "000000"}
    passwords = {"password": STRONG, "password_again": STRONG}
    return {
        "register": [(reverse("accounts:register"), {**passwords, "display_name": ""})],
        "confirm code": [(reverse("accounts:confirm"), code)] * 7,
        "confirm resend": [(reverse("accounts:confirm"), {"resend": "1"})] * 7,
        "register, then resend": [(reverse("accounts:register"), {**passwords, "display_name": ""})]
        + [(reverse("accounts:confirm"), {"resend": "1"})] * 7,
        "reset": [(reverse("accounts:reset"), {})] * 7,
        "reset code": [(reverse("accounts:reset"), {})] + [(reverse("accounts:reset_code"), {**code, **passwords})] * 7,
        "login": [(reverse("accounts:login"), {"password": "wrong-password-1"})] * 7,
        "page login": [("/_util/login/", {"username": None, "password": "wrong-password-1"})] * 7,
    }


def _answers(flow, identifier, django_capture_on_commit_callbacks):
    client = Client(REMOTE_ADDR=next(ADDRESSES))
    answers = []
    for url, data in flow:
        data = {key: identifier if value is None else value for key, value in data.items()}
        data.setdefault("identifier", identifier)
        with django_capture_on_commit_callbacks(execute=True):
            answers.append(client.post(url, data, follow=True))
    return answers


@pytest.mark.parametrize(
    ("taken", "free"),
    [
        ("CITIZEN@example.com", "nobody@example.com"),
        ("citizen@example.com", "nobody2@example.com"),
        (TAKEN_PHONE, FREE_PHONE),
    ],
)
def test_every_form_answers_a_taken_identifier_as_a_free_one(
    known, taken, free, tally, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    failures = []
    for number, (name, flow) in enumerate(_flows().items()):
        # A fresh free identifier for each form (registering one makes it taken) and no limits left over.
        cache.clear()
        free = free.replace("@", f"{number}@") if "@" in free else str(int(free) + number)
        a = _answers(flow, taken, django_capture_on_commit_callbacks)
        b = _answers(flow, free, django_capture_on_commit_callbacks)
        for step, (x, y) in enumerate(zip(a, b, strict=True)):
            same = page(x, taken, taken.lower()) == page(y, free)
            what = f"{name} step {step}: {taken} answered {x.status_code}, {free} answered {y.status_code}"
            if not tally.check(same and x.status_code < 500, what):
                failures.append(what)
    assert not failures, "\n".join(failures)
