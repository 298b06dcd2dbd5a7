"""No page carries inline script or style, so that a strict Content-Security-Policy can be turned on.

Scripts and styles live in the apps' static/ folders; data a script needs travels in data- attributes
or json_script (a <script type="application/json"> is data, never run). Checked three ways: the
templates as written, the Python code that builds HTML (charts, article text, threads), and the main
pages as served with the demo data.
"""

import ast
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments.models import ModerationState, Opinion
from contact_points.models import Meeting, OpinionBatch, Solicitation
from drafts.models import DraftPage
from handling.models import ExportJob
from referrals.models import Referral

ROOT = Path(__file__).resolve().parents[2]
# Script types a browser never runs: data for scripts, not code.
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction"}


class _InlineCodeFinder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._inline_script: str | None = None

    def handle_starttag(self, tag, attrs):
        self._check(tag, attrs)

    def handle_startendtag(self, tag, attrs):
        self._check(tag, attrs)

    def _check(self, tag, attrs):
        position = f"line {self.getpos()[0]}"
        for name, value in attrs:
            if name == "style":
                self.found.append(f'<{tag} style="{value}"> ({position})')
            elif name.startswith("on") and len(name) > 2:
                self.found.append(f"<{tag} {name}=…> ({position})")
            elif name in URL_ATTRIBUTES and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f'<{tag} {name}="{value}"> ({position})')
        if tag == "style":
            self.found.append(f"<style> block ({position})")
        attributes = dict(attrs)
        if tag == "script" and "src" not in attributes:
            kind = (attributes.get("type") or "").strip().lower()
            if kind not in DATA_SCRIPT_TYPES:
                self._inline_script = position

    def handle_data(self, data):
        if self._inline_script and data.strip():
            self.found.append(f"inline <script> ({self._inline_script}): {data.strip()[:60]}")
            self._inline_script = None

    def handle_endtag(self, tag):
        if tag == "script":
            self._inline_script = None


def find_inline_code(html: str) -> list[str]:
    """Every inline script body, event-handler attribute, javascript: address, style attribute and
    <style> block in a piece of HTML."""
    finder = _InlineCodeFinder()
    finder.feed(html)
    finder.close()
    return finder.found


# Django template syntax, blanked out so that the markup around it parses as HTML.
_TEMPLATE_SYNTAX = re.compile(r"\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}", re.DOTALL)


def _blank_template_syntax(source: str) -> str:
    return _TEMPLATE_SYNTAX.sub(lambda match: re.sub(r"[^\n]", " ", match.group()), source)


def _project_apps() -> list[Path]:
    """The folders of the project's own apps (not Wagtail's or Django's)."""
    folders = [Path(config.path).resolve() for config in apps.get_app_configs()]
    return [folder for folder in folders if folder.is_relative_to(ROOT) and ".venv" not in folder.parts]


def _project_templates() -> list[Path]:
    return sorted(path for app in _project_apps() for path in app.glob("templates/**/*.html"))


def _project_modules() -> list[Path]:
    return sorted(
        path for app in _project_apps() for path in app.rglob("*.py") if "migrations" not in path.relative_to(app).parts
    )


# What marks a Python string as HTML with inline code in it.
_HTML_INLINE_CODE = re.compile(
    r"""<script\b(?![^>]*\ssrc=)|<style\b|\sstyle\s*=\s*["']|\son[a-z]+\s*=\s*["']|javascript:""", re.IGNORECASE
)


def _html_strings(module: Path) -> list[tuple[int, str]]:
    """The string literals of a module (f-strings' literal parts included) that hold inline code."""
    found = []
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and _HTML_INLINE_CODE.search(node.value):
            found.append((node.lineno, node.value.strip()[:80]))
    return found


# --- the checker itself ------------------------------------------------------------------


@pytest.mark.parametrize(
    "markup",
    [
        "<script>alert(1)</script>",
        "<script type='module'>import('/x.js')</script>",
        '<p style="color: red">红</p>',
        '<svg viewBox="0 0 1 1" style="max-width:32rem"></svg>',
        '<button onclick="window.print()">打印</button>',
        '<form onsubmit="return false">',
        '<a href="javascript:history.back()">返回</a>',
        "<style>p { color: red; }</style>",
    ],
)
def test_checker_finds_each_kind_of_inline_code(markup):
    assert find_inline_code(markup)


@pytest.mark.parametrize(
    "markup",
    [
        '<script src="/static/comments/js/thread.js" defer></script>',
        '<script id="data" type="application/json">{"a": 1}</script>',
        '<link rel="stylesheet" href="/static/cms/css/site.css">',
        '<p class="typed-text" data-fill-target="id_reason">style=“x”, onclick 与 javascript: 只是文字</p>',
        '<rect x="1" y="2" width="30" height="4" fill="#a4161a"/>',
    ],
)
def test_checker_lets_external_files_data_and_svg_attributes_through(markup):
    assert find_inline_code(markup) == []


def test_template_syntax_is_blanked_without_moving_lines():
    source = '<td{% if n %} class="num"{% endif %}>\n{{ value|json_script:"v" }}<p style="{{ x }}">'
    blanked = _blank_template_syntax(source)
    assert blanked.count("\n") == source.count("\n") and "{" not in blanked
    [found] = find_inline_code(blanked)
    assert found.startswith("<p style=") and found.endswith("(line 2)")


# --- templates and Python code as written -------------------------------------------------


def test_templates_have_no_inline_script_or_style():
    templates = _project_templates()
    assert len(templates) > 50  # the search really looked in the apps
    offenders = {
        str(path.relative_to(ROOT)): found
        for path in templates
        if (found := find_inline_code(_blank_template_syntax(path.read_text(encoding="utf-8"))))
    }
    assert offenders == {}


def test_python_code_builds_no_html_with_inline_script_or_style():
    modules = _project_modules()
    assert any(path.parent.name == "charts" and path.name == "svg.py" for path in modules)
    offenders = {str(path.relative_to(ROOT)): found for path in modules if (found := _html_strings(path))}
    assert offenders == {}


def test_server_error_page_has_no_inline_style():
    # Rendered without a request, as Django renders it when everything else has failed.
    html = render_to_string("500.html")
    assert "cms/css/error.css" in html
    assert find_inline_code(html) == []


# --- the main pages as served ---------------------------------------------------------------


def _demo_pages() -> list[tuple[str, str | None, str]]:
    """(what, who, url) for the main pages of every audience, with real ids from the demo data."""
    now = timezone.now()
    drafts = DraftPage.objects.live().order_by("pk")
    open_draft = next(draft for draft in drafts if draft.is_open(now))
    closed_draft = next(draft for draft in drafts if not draft.is_open(now))
    opinion = Opinion.objects.filter(draft=open_draft, moderation_state=ModerationState.PUBLISHED, parent=None)[0]
    referral = Referral.objects.order_by("pk")[0]
    received = OpinionBatch.objects.filter(state="received")[0]
    open_batch = OpinionBatch.objects.filter(contact_point__coordinators__username="coordinator")[0]
    point = open_batch.contact_point_id
    meeting = Meeting.objects.filter(contact_point=point)[0]
    # An export still running, so that the exports page loads its progress script.
    ExportJob.objects.create(draft=open_draft, format="docx", state="running", total=10, done=3)
    return [
        ("home", None, "/"),
        ("draft page", None, open_draft.url),
        ("article page", None, open_draft.url + "articles/5/"),
        ("draft page seen by staff (Wagtail's user bar)", "staff", open_draft.url),
        ("diff", None, open_draft.url + "diff/"),
        ("print view", None, open_draft.url + "print/"),
        ("thread", None, reverse("comments:draft_thread", args=[open_draft.pk])),
        ("replies", None, reverse("comments:replies", args=[opinion.pk])),
        ("public feedback", None, reverse("comments:feedback", args=[closed_draft.pk])),
        ("search", None, reverse("search") + "?q=物业"),
        ("statistics", None, reverse("stats:index")),
        ("draft statistics", None, reverse("stats:draft", args=[closed_draft.pk])),
        ("year statistics", None, reverse("stats:year", args=[now.year])),
        ("contact points", None, reverse("contact_points_public:list")),
        ("contact point", None, reverse("contact_points_public:detail", args=[received.contact_point_id])),
        ("login", None, reverse("accounts:login")),
        ("register", None, reverse("accounts:register")),
        ("not found", None, "/no-such-page/"),
        ("my opinions", "citizen", reverse("my_opinions")),
        ("coordinator workspace", "coordinator", reverse("contact_points:home", args=[point])),
        ("coordinator batch", "coordinator", reverse("contact_points:batch", args=[point, open_batch.pk])),
        ("coordinator meeting", "coordinator", reverse("contact_points:meeting", args=[point, meeting.pk])),
        ("liaison inbox", "liaison", reverse("referrals:inbox")),
        ("liaison referral", "liaison", reverse("referrals:detail", args=[referral.pk])),
        ("admin home", "staff", "/admin/"),
        ("staff workspace", "staff", reverse("opinions_all") + f"?draft={open_draft.pk}"),
        ("opinion handling", "staff", reverse("opinions_handle", args=[opinion.pk])),
        ("moderation queue", "moderator", reverse("opinions_moderation")),
        ("exports", "staff", reverse("opinions_exports") + f"?draft={open_draft.pk}"),
        ("referral board", "staff", reverse("referrals_board")),
        ("referral (admin)", "staff", reverse("referrals_admin", args=[referral.pk])),
        ("draft import", "staff", reverse("drafts_import")),
        ("article notes", "staff", reverse("drafts_notes", args=[open_draft.pk]) + "?number=1"),
        ("statistics (admin)", "staff", reverse("stats_home")),
        ("draft statistics (admin)", "staff", reverse("stats_draft", args=[closed_draft.pk])),
        ("staff search", "staff", reverse("search_staff") + "?q=物业"),
        ("solicitation", "staff", reverse("contact_points_admin:solicitation", args=[Solicitation.objects.get().pk])),
        ("received batch", "staff", reverse("contact_points_admin:batch", args=[received.pk])),
    ]


@pytest.mark.django_db
def test_main_pages_render_without_inline_script_or_style():
    call_command("load_demo")
    pages = _demo_pages()
    users = {user.username: user for user in get_user_model().objects.filter(username__in={w for _, w, _ in pages})}
    clients: dict[str | None, Client] = {None: Client()}
    offenders, statuses = {}, {}
    for what, who, url in pages:
        if who not in clients:
            clients[who] = Client()
            clients[who].force_login(users[who])
        response = clients[who].get(url)
        statuses[what] = response.status_code
        if found := find_inline_code(response.content.decode()):
            offenders[f"{what} ({url})"] = found
    assert {what: status for what, status in statuses.items() if status != 200} == {"not found": 404}
    assert offenders == {}


@pytest.mark.django_db
def test_expired_form_page_has_no_inline_script_or_javascript_address():
    response = Client(enforce_csrf_checks=True).post(reverse("accounts:login"), {"username": "x"})
    assert response.status_code == 403
    html = response.content.decode()
    assert 'data-action="back"' in html
    assert find_inline_code(html) == []
