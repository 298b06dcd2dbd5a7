"""Every URL pattern of the project, with real ids from the demo data (`cms.demo.demo_load`).

`patterns()` walks the resolver and yields one `Row` per pattern (its full route, its name with namespaces,
its view); `Ids` picks, from the loaded demo data, the objects a role may legitimately ask for (the
coordinator's own contact point, the liaison's own referral, a live draft with opinions ...), and `url_for`
fills each route's parameters with them. A route whose parameters cannot be filled from the demo data gets
the nearest real object's id or, for ids the demo never creates (upload sessions, workflow states), an id
that does not exist: the probe then expects a refusal or a 404, never a 500.
"""

import re
from dataclasses import dataclass, field
from functools import cached_property

from django.urls import URLPattern, URLResolver, get_resolver

MISSING = 999999  # an id no demo row has


@dataclass(frozen=True)
class Row:
    route: str  # the concatenated pattern, e.g. "workspace/<int:pk>/batches/<int:batch_id>/"
    name: str  # "contact_points:batch"; unnamed patterns get "?<route>"
    callback: object = field(compare=False, repr=False)

    @property
    def is_admin(self) -> bool:
        return self.route.startswith("admin/")


def patterns() -> list[Row]:
    rows: list[Row] = []

    def walk(resolver, prefix, namespaces):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                spaces = namespaces + ([entry.namespace] if entry.namespace else [])
                walk(entry, prefix + str(entry.pattern), spaces)
            elif isinstance(entry, URLPattern):
                route = prefix + str(entry.pattern)
                name = ":".join([*namespaces, entry.name]) if entry.name else f"?{route}"
                rows.append(Row(route, name, entry.callback))

    walk(get_resolver(), "", [])
    return rows


def view_model(row: Row):
    """The model a generic (viewset) view is about, when it says so."""
    callback = row.callback
    for holder in (getattr(callback, "view_initkwargs", None) or {}, getattr(callback, "view_class", None)):
        model = holder.get("model") if isinstance(holder, dict) else getattr(holder, "model", None)
        if isinstance(model, type) and hasattr(model, "_meta"):
            return model
    return None


def _first(model, **filters):
    return model.objects.filter(**filters).order_by("pk").first()


class Ids:
    """The demo objects the probe asks about, read once per test database."""

    @cached_property
    def users(self):
        from cms.models import User

        return {user.username: user for user in User.objects.all()}

    @cached_property
    def draft(self):
        from comments.models import Opinion
        from drafts.models import DraftPage

        drafts = DraftPage.objects.live().public().order_by("pk")
        with_opinions = [d for d in drafts if Opinion.objects.filter(draft=d).exists()]
        return (with_opinions or list(drafts))[0]

    @cached_property
    def closed_draft(self):
        """A draft whose comment period is over (its feedback and statistics are published)."""
        from drafts.models import DraftPage, DraftStatus

        drafts = DraftPage.objects.live().public().order_by("pk")
        return next((d for d in drafts if d.status() == DraftStatus.CLOSED), self.draft)

    @cached_property
    def provision(self):
        return self.draft.current_version.provisions.filter(kind="article").order_by("pk").first()

    @cached_property
    def opinion(self):
        """A published top-level online opinion (support, report and replies are open to everyone on it)."""
        from comments.models import Channel, ModerationState, Opinion

        return _first(
            Opinion, draft=self.draft, parent=None, channel=Channel.ONLINE, moderation_state=ModerationState.PUBLISHED
        ) or _first(Opinion, draft=self.draft)

    @cached_property
    def own_opinion(self):
        """The citizen's own opinion (withdraw), or any when the demo citizen has none."""
        from comments.models import Opinion

        return _first(Opinion, author=self.users.get("citizen")) or self.opinion

    @cached_property
    def point(self):
        from contact_points.models import ContactPoint

        return _first(ContactPoint, coordinators=self.users["coordinator"])

    @cached_property
    def meeting(self):
        from contact_points.models import Meeting

        return _first(Meeting, contact_point=self.point)

    @cached_property
    def note(self):
        from contact_points.models import MeetingNote

        return _first(MeetingNote, meeting__contact_point=self.point)

    @cached_property
    def batch(self):
        from contact_points.models import OpinionBatch

        return _first(OpinionBatch, contact_point=self.point)

    @cached_property
    def item(self):
        from contact_points.models import BatchItem

        return _first(BatchItem, batch=self.batch)

    @cached_property
    def referral(self):
        from referrals.models import Referral

        return _first(Referral, department__liaisons=self.users["liaison"])

    @cached_property
    def attachment(self):
        from referrals.models import ReferralAttachment

        return _first(ReferralAttachment, referral=self.referral)

    def pk(self, model) -> int:
        row = _first(model)
        return row.pk if row else MISSING

    @cached_property
    def by_name(self) -> dict[str, object]:
        """Route parameters by name, the same object wherever the name appears (within one app's routes)."""
        from django.contrib.auth.models import Group
        from wagtail.documents import get_document_model
        from wagtail.images import get_image_model
        from wagtail.models import Collection, Revision

        revision = _first(Revision, object_id=str(self.draft.pk))
        return {
            "provision_id": self.provision.pk,
            "draft_id": self.draft.pk,
            "opinion_id": self.opinion.pk,
            "page_id": self.draft.pk,
            "parent_page_id": self.draft.get_parent().pk,
            "page_to_move_id": self.draft.pk,
            "destination_id": self.draft.get_parent().pk,
            "page_pk": self.draft.pk,
            "revision_id": revision.pk if revision else MISSING,
            "revision_id_a": "earliest",
            "revision_id_b": "latest",
            "document_id": self.pk(get_document_model()),
            "doc_id": self.pk(get_document_model()),
            "image_id": self.pk(get_image_model()),
            "collection_id": self.pk(Collection),
            "group_id": self.pk(Group),
            "meeting_id": self.meeting.pk if self.meeting else MISSING,
            "note_id": self.note.pk if self.note else MISSING,
            "batch_id": self.batch.pk if self.batch else MISSING,
            "item_id": self.item.pk if self.item else MISSING,
            "attachment_id": self.attachment.pk if self.attachment else MISSING,
            "point_id": self.point.pk,
            "year": self.draft.first_published_at.year if self.draft.first_published_at else 2026,
            "fmt": "xlsx",
            "token": "not-a-token",
            "uidb64": "MQ",
            "filter_spec": "original",
            "app_label": "comments",
            "app_name": "comments",
            "content_type_app_name": "drafts",
            "model_name": "sensitiveword",
            "content_type_model_name": "draftpage",
            "action": "delete",
            "action_name": "approve",
            "object_id": str(self.draft.pk),
        }

    def pk_for(self, row: Row) -> object:
        """`pk` means a different object on every screen: the view's model, else the screen's own object."""
        from django.contrib.auth.models import Group
        from wagtail.models import Site

        from comments.models import Opinion
        from contact_points.models import MeetingNote, OpinionBatch, Solicitation
        from handling.models import ExportJob
        from referrals.models import Referral

        by_screen = {
            "referrals:": self.referral.pk,
            "contact_points:": self.point.pk,
            "contact_points_public:": self.point.pk,
            "contact_points_admin:batch": self.pk(OpinionBatch),
            "contact_points_admin:note": self.pk(MeetingNote),
            "contact_points_admin:solicitation": self.pk(Solicitation),
            "opinions_handle": self.opinion.pk,
            "opinions_export": self.pk(ExportJob),
            "referrals_admin": self.referral.pk if self.referral else self.pk(Referral),
            "stats_draft": self.draft.pk,
            "wagtailadmin_api:pages": self.draft.pk,
            "wagtailusers_users": self.users["citizen"].pk,
            "wagtailusers_groups": self.pk(Group),
            "wagtailsites": self.pk(Site),
            "wagtailadmin_pages:revisions_compare": self.draft.pk,
        }
        for prefix, value in by_screen.items():
            if row.name.startswith(prefix):
                return value
        model = view_model(row)
        if model is not None:
            return self.pk(model)
        if "opinion" in row.name:
            return self.pk(Opinion)
        return MISSING

    def page_urls(self) -> list[str]:
        """Wagtail pages served by `wagtail_serve`: one of each page type, plus the draft's sub-routes."""
        from wagtail.models import Page

        urls, seen = [], set()
        for page in Page.objects.live().specific().order_by("path"):
            if type(page) in seen or not page.url:
                continue
            seen.add(type(page))
            urls.append(page.url)
        return urls


PARAM = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>|\(\?P<(?P<rname>\w+)>[^)]*\)")

# Routes written as regular expressions (or without names), with a real example each.
LITERAL = {
    "documents/^(\\d+)/(.*)$": lambda ids: f"/documents/{ids.by_name['document_id']}/file.pdf",
    "api/v1/^": lambda ids: "/api/v1/",
    "admin/^.*/$": lambda ids: "/admin/no-such-screen/",
    "^((?:[\\w\\-]+/)*)$": lambda ids: ids.draft.url,
}


# Routes about a closed draft (feedback and statistics are published when the comment period ends).
CLOSED_DRAFT = ("feedback", "statistics", "open_data", "stats:draft")


def _overrides(row: Row, ids: Ids) -> dict[str, object]:
    if any(word in row.name for word in CLOSED_DRAFT):
        return {"draft_id": ids.closed_draft.pk}
    if row.name == "api:version":
        return {"number": ids.draft.current_version.number}
    return {}


def _query(row: Row, ids: Ids) -> str:
    if row.name == "comments:new":
        return f"?draft={ids.draft.pk}&article={ids.provision.pk}"
    if row.name == "api:feedback_opinions":
        return "?article=general"
    return ""


def url_for(row: Row, ids: Ids) -> str:
    if row.route in LITERAL:
        return LITERAL[row.route](ids)
    overrides = _overrides(row, ids)

    def fill(match):
        name = match.group("name") or match.group("rname")
        if name in overrides:
            return str(overrides[name])
        value = ids.pk_for(row) if name == "pk" else ids.by_name.get(name, MISSING)
        return str(value)

    path = PARAM.sub(fill, row.route)
    path = path.replace("^", "").replace("$", "").replace("\\.", ".")
    return "/" + path + _query(row, ids)
