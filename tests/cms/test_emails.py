"""One e-mail path (cms.emails): every message is a subject, a text body and an HTML body rendered from its own
three templates in the site language, sent through Django's mail API; nothing else in the project sends mail."""

import ast
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import translation

from cms import emails
from tests.cms.test_no_inline_script_or_style import find_inline_code

ROOT = Path(__file__).resolve().parents[2]
PREFIX = settings.EMAIL_SUBJECT_PREFIX


def html_of(message) -> str:
    """The HTML alternative of a message (there is exactly one)."""
    ((content, kind),) = message.alternatives
    assert kind == "text/html"
    return content


@pytest.fixture
def demo_templates(settings, tmp_path):
    """A message "demo/note" in a template folder of its own."""
    folder = tmp_path / "demo" / "emails"
    folder.mkdir(parents=True)
    (folder / "note-subject.txt").write_text("{% load i18n %}{{ title }}\n  {% translate '我的意见' %}\n", "utf-8")
    (folder / "note-body.txt").write_text("{% load i18n %}{% translate '我的意见' %}: {{ body }}\n", "utf-8")
    (folder / "note-body.html").write_text(
        '{% extends "emails/base.html" %}{% load i18n %}{% block content %}<p>{% translate "我的意见" %}: '
        "{{ body }}</p>{% endblock %}",
        "utf-8",
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    return folder


def test_a_message_has_a_one_line_subject_a_plain_text_body_and_an_escaped_html_body(demo_templates):
    message = emails.message("demo/note", "a@example.com", {"title": "A & <B>", "body": '<script>x</script> & "q"'})
    assert message.subject == f"{PREFIX}A & <B> 我的意见"
    assert message.to == ["a@example.com"]
    assert message.body == '我的意见: <script>x</script> & "q"\n'
    html = html_of(message)
    assert "&lt;script&gt;x&lt;/script&gt; &amp; &quot;q&quot;" in html and "<script>" not in html
    assert f'<html lang="{settings.LANGUAGE_CODE}">' in html and settings.SITE_NAME in html
    assert "请勿直接回复" in html  # the footer of emails/base.html
    assert find_inline_code(html) == []


def test_a_message_is_written_in_the_site_language_whatever_language_is_active(demo_templates):
    with translation.override("en"):
        chinese = emails.message("demo/note", "a@example.com", {"title": "t", "body": "b"})
    english = emails.message("demo/note", "a@example.com", {"title": "t", "body": "b"}, language="en")
    assert chinese.subject.endswith("我的意见") and "我的意见" in chinese.body
    assert english.subject.endswith("My opinions") and "My opinions" in english.body and 'lang="en"' in html_of(english)


def test_send_each_sends_every_message_over_one_connection(demo_templates, monkeypatch):
    opened = []
    real = emails.get_connection

    def counting_connection(*args, **kwargs):
        opened.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(emails, "get_connection", counting_connection)
    people = ["a@example.com", "b@example.com", "c@example.com"]
    sent = emails.send_each("demo/note", [emails.Mail([p], {"title": p, "body": p}) for p in people])
    assert sent == 3 and len(opened) == 1
    assert [m.to for m in mail.outbox] == [[p] for p in people]
    assert [m.subject for m in mail.outbox] == [f"{PREFIX}{p} 我的意见" for p in people]
    # Nobody to write to: no message and no connection.
    assert emails.send_each("demo/note", [emails.Mail([], {"title": "t", "body": "b"})]) == 0
    assert emails.send("demo/note", [], {}) == 0
    assert len(opened) == 1 and len(mail.outbox) == 3


@pytest.mark.parametrize("name", ["note", "demo/", "/note", "demo/emails/note"])
def test_a_message_name_is_app_slash_message(name):
    with pytest.raises(ValueError, match="<app>/<message>"):
        emails.message(name, "a@example.com", {})


def _project_apps() -> list[Path]:
    folders = [Path(config.path).resolve() for config in apps.get_app_configs()]
    return [f for f in folders if f.is_relative_to(ROOT) and ".venv" not in f.parts]


def _email_templates() -> dict[str, set[str]]:
    """Each message ("<app>/<message>") found in the project's templates, with the parts it has."""
    found: dict[str, set[str]] = {}
    pattern = re.compile(r"^(?P<message>[^_].*)-(?P<part>subject\.txt|body\.txt|body\.html)$")
    for app in _project_apps():
        for path in app.glob("templates/*/emails/*"):
            match = pattern.match(path.name)
            if match:
                name = f"{path.parent.parent.name}/{match['message']}"
                found.setdefault(name, set()).add(match["part"])
    return found


def test_every_message_has_its_subject_text_and_html_templates():
    found = _email_templates()
    assert {"accounts/verification", "comments/opinion-handled", "referrals/referral-sent", "referrals/digest"} <= set(
        found
    )
    assert {name: parts for name, parts in found.items() if parts != {"subject.txt", "body.txt", "body.html"}} == {}


SENDING = {"send_mail", "send_mass_mail", "mail_admins", "mail_managers", "EmailMessage", "EmailMultiAlternatives"}


def test_nothing_but_cms_emails_sends_mail():
    """The one path: no other module of the project builds or sends a message with Django's mail API."""
    wrong = []
    for app in _project_apps():
        for path in app.rglob("*.py"):
            if path == ROOT / "cms" / "emails.py" or "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = []
                if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("django.core.mail"):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.Attribute):
                    names = [node.attr]
                if SENDING.intersection(names) or "send_messages" in names:
                    wrong.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert wrong == []


# Accounts: the verification message --------------------------------------------------------------


@pytest.fixture
def register(client, django_capture_on_commit_callbacks):
    def _register(identifier):
        data = {"identifier": identifier, "password": "Lüshi-falv-2026", "password_again": "Lüshi-falv-2026"}
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("accounts:register"), data)

    return _register


@pytest.mark.django_db
def test_the_confirmation_message_carries_link_and_code_in_both_bodies(register):
    register("wang@example.com")
    (message,) = mail.outbox
    assert message.to == ["wang@example.com"] and message.subject == f"{PREFIX}确认账号"
    link = re.search(r"http://\S+/accounts/confirm/\S+/", message.body).group(0)
    code = re.search(r"验证码：(\d{6})", message.body).group(1)
    html = html_of(message)
    assert f'<a href="{link}">{link}</a>' in html and f"验证码：{code}" in html
    assert find_inline_code(html) == []


@pytest.mark.django_db
def test_the_confirmation_message_is_in_the_language_the_person_registered_in(client, register):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    # The locale middleware activates the visitor's language in this thread: given back afterwards.
    with translation.override(translation.get_language()):
        register("li@example.com")
    (message,) = mail.outbox
    assert message.subject == f"{PREFIX}Confirm account"
    assert "Confirm account" in message.body and "验证码" not in message.body
    assert 'lang="en"' in html_of(message)
