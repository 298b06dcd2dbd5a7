"""Wagtail bulk actions on our own staff lists (the workspace, the moderation queue).

A list ticks rows with Wagtail's bulk-action checkboxes; the chosen action opens Wagtail's bulk-action
view (/admin/bulk/<app>/<model>/<action>/?id=…&next=…), which shows the selected rows beside the
action's form and, on submit, calls the app's service. Each list shows only its own actions (several
lists may act on one model), and a refusal from the service is shown on the same page with what was
typed kept, so nothing is lost.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import classproperty
from wagtail.admin import messages
from wagtail.admin.views.bulk_action import BulkAction
from wagtail.admin.views.bulk_action.registry import bulk_action_registry

MAX_SELECTED = 2000


class ListingBulkAction(BulkAction):
    """A bulk action shown on one of our lists (`listing`), open to holders of `permission`.

    Subclasses set `model`, `listing`, `permission`, `form_class` and implement `perform(objects, form)`,
    which calls one service and returns the message shown to staff, or raises `error_class`.
    """

    model = None
    listing = ""
    permission = ""
    error_class: type[ValidationError] = ValidationError
    template_name = "cms/admin/bulk_action.html"
    action_button_text = ""
    #: Rows carry their revision (hidden rev-<pk> fields) so a concurrent change is refused, not overwritten.
    locks_revisions = False

    @classproperty
    def models(cls):
        return [cls.model]

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @classmethod
    def selectable(cls, queryset):
        """The rows of `queryset` this action may be asked to act on (e.g. no replies)."""
        return queryset

    @classmethod
    def get_queryset(cls, model, object_ids):
        ids = [int(pk) for pk in object_ids if str(pk).isdigit()][:MAX_SELECTED]
        return list(cls.selectable(model.objects.filter(pk__in=ids)).order_by("pk"))

    def listing_queryset(self, params):
        """The rows the list shows for its query string `params` ("select all in listing")."""
        raise NotImplementedError

    def get_all_objects_in_listing_query(self, parent_id):
        return self.listing_queryset(self.request.GET).values_list("pk", flat=True)[:MAX_SELECTED]

    def listed_beyond_limit(self) -> int:
        """How many rows "select all in listing" asked for, when that is more than one action takes (else 0)."""
        if "all" not in self.request.GET.getlist("id"):
            return 0
        total = self.listing_queryset(self.request.GET).count()
        return total if total > MAX_SELECTED else 0

    def revisions(self) -> dict[int, int]:
        found = {}
        for key, value in self.request.POST.items():
            pk = key.removeprefix("rev-")
            if key.startswith("rev-") and pk.isdigit() and value.isdigit():
                found[int(pk)] = int(value)
        return found

    def perform(self, objects: list, form) -> str:
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        return context | {
            "listed": self.listed_beyond_limit(),
            "max_selected": MAX_SELECTED,
            "action": self,
            "action_button_text": self.action_button_text or self.display_name,
            "page_title": self.display_name,
        }

    def form_valid(self, form):
        objects, _ = self.get_actionable_objects()
        try:
            message = self.perform(objects, form)
        except self.error_class as exc:
            for text in exc.messages:
                form.add_error(None, text)
            return self.form_invalid(form)
        messages.success(self.request, message)
        return redirect(self.next_url)

    # Wagtail's own bookkeeping, unused: perform() returns the message.
    @classmethod
    def execute_action(cls, objects, **kwargs):
        raise NotImplementedError


def listing_buttons(model, listing: str) -> list[dict]:
    """The bulk actions of one list, for its footer: url, label and aria label, in priority order."""
    meta = model._meta
    actions = [
        action
        for action in bulk_action_registry.get_bulk_actions_for_model(meta.app_label, meta.model_name)
        if getattr(action, "listing", "") == listing
    ]
    return [
        {
            "url": reverse("wagtail_bulk_action", args=[meta.app_label, meta.model_name, action.action_type]),
            "label": action.display_name,
            "aria_label": action.aria_label,
            "classes": " ".join(sorted(action.classes)),
        }
        for action in sorted(actions, key=lambda a: a.action_priority)
    ]
