"""Every role × every URL pattern, GET: allowed ones answer what the policy says, everyone else is refused,
nothing answers 500. Then forbidden POSTs, with and without a CSRF token, change nothing."""

import pytest
from django.apps import apps
from django.test import Client

from tests.probe.catalogue import MISSING, patterns, url_for
from tests.probe.policy import ADMIN_USERS, REFUSES_ONWARDS, ROLES, SENDS_TO_LOGIN, rule_for

pytestmark = [pytest.mark.probe_heavy, pytest.mark.django_db]

LOGIN = ("/accounts/login/", "/admin/login/")  # the admin's login page sends on to the one login page
ADMIN_HOME = "/admin/"
REFUSALS = {401, 403, 404, 405}
# Wagtail's error-test screen raises on purpose, for admin users only (it tests the 500 page).
RAISES_ON_PURPOSE = {"wagtailadmin_error_test"}


def refused(response, role: str, admin: bool, name: str = "") -> bool:
    if response.status_code in REFUSALS:
        return True
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith(LOGIN):
            return True
        if name in REFUSES_ONWARDS and REFUSES_ONWARDS[name] in location:
            return True
        return admin and role in ADMIN_USERS and location.split("?")[0] == ADMIN_HOME
    return False


def answered(response, rule, url: str, role: str, admin: bool, name: str) -> bool:
    status = response.status_code
    if str(MISSING) in url and (status == 404 or refused(response, role, admin)):
        return True  # an id the demo has none of: not found, or back to where one may choose
    if status not in rule.statuses:
        return False
    if status == 302 and name in SENDS_TO_LOGIN:
        return response["Location"].startswith(LOGIN)
    return not (status == 302 and refused(response, role, admin))


def _said(response) -> str:
    return f"{response.status_code} {response.get('Location', '')}".strip()


def get(client, url):
    try:
        return client.get(url), None
    except Exception as exc:  # a 500: the test client re-raises what the view raised
        return None, exc


def test_every_role_gets_every_url(ids, clients, tally):
    undecided, failures = [], []
    for row in patterns():
        rule = rule_for(row.name, row.route)
        if rule is None:
            undecided.append(row.name)
            tally.check(False, f"no policy for {row.name}")
            continue
        url = url_for(row, ids)
        admin = row.is_admin or row.name.startswith("wagtailadmin")
        for role, client in clients.items():
            allowed = role in rule.roles
            response, error = get(client, url)
            if error is not None:
                ok = row.name in RAISES_ON_PURPOSE and allowed
                what = f"{role} GET {url} ({row.name}): raised {type(error).__name__}: {error}"
            elif allowed:
                ok = answered(response, rule, url, role, admin, row.name)
                what = f"{role} GET {url} ({row.name}): allowed, answered {_said(response)}"
            else:
                ok = refused(response, role, admin, row.name)
                what = f"{role} GET {url} ({row.name}): forbidden, answered {_said(response)}"
            if not tally.check(ok, what):
                failures.append(what)
    assert not undecided, f"URLs without a policy: {undecided}"
    assert not failures, "\n".join(failures)


def _row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def test_forbidden_posts_are_refused_and_change_nothing(ids, clients, tally, django_capture_on_commit_callbacks):
    """Each role POSTs to every URL it may not open: without a CSRF token (403 whoever asks) and with one
    (the test client's default: the token is taken as valid), a refusal either way, and no row changes."""
    failures = []
    strict = {}
    for number, (role, client) in enumerate(clients.items(), start=1):
        strict[role] = Client(enforce_csrf_checks=True, REMOTE_ADDR=f"10.9.2.{number}")
        strict[role].cookies = client.cookies
    before = _row_counts()
    with django_capture_on_commit_callbacks(execute=True):
        for row in patterns():
            rule = rule_for(row.name, row.route)
            if rule is None or row.name in RAISES_ON_PURPOSE:
                continue
            url = url_for(row, ids)
            admin = row.is_admin or row.name.startswith("wagtailadmin")
            for role in ROLES:
                if role in rule.roles or (rule.statuses == {405} and role != "anonymous"):
                    continue
                for label, client in (("without CSRF", strict[role]), ("with CSRF", clients[role])):
                    response, error = None, None
                    try:
                        response = client.post(url, {"body": "probe", "title": "probe", "name": "probe"})
                    except Exception as exc:
                        error = exc
                    if error is not None:
                        ok, got = False, f"raised {type(error).__name__}: {error}"
                    else:
                        ok = refused(response, role, admin, row.name) or (
                            label == "without CSRF" and response.status_code == 403
                        )
                        got = f"{response.status_code} {response.get('Location', '')}"
                    what = f"{role} POST {label} {url} ({row.name}): {got}"
                    if not tally.check(ok, what):
                        failures.append(what)
    after = _row_counts()
    changed = {label: (before[label], after[label]) for label in before if before[label] != after[label]}
    # Sessions and audit rows may grow (a refused attempt is recorded); nothing else may.
    changed = {k: v for k, v in changed.items() if k not in AUDIT_MODELS}
    tally.check(not changed, f"forbidden POSTs changed rows: {changed}")
    assert not changed, changed
    assert not failures, "\n".join(failures)


AUDIT_MODELS = {
    "sessions.Session",
    "api.ApiTokenUse",
    "wagtailusers.UserProfile",  # Wagtail makes an admin user's (empty) profile on first sight
}
