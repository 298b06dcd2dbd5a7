"""Wagtail ModelViewSets of staff screens whose records change through services only.

Every staff list of the platform (solicitations, batches, referrals, the moderation queue, the opinion
workspace, the exports) is a `StaffViewSet`: Wagtail's index with its filter panel, pagination and
bulk-action checkboxes, and only the views the screen has; what changes a record is a service, called by
a bulk action (cms.bulk_actions) or by the screen's own form.
"""

from django.urls import path
from wagtail.admin.admin_url_finder import ModelAdminURLFinder
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet


class RoutedOnlyMixin:
    """Only the views named in `routes` ({view name: route}) exist, and no view links to one that does not:
    Wagtail would otherwise offer "add" (or edit, delete, history) to a user with the model permission and
    fail to reverse its address (found by the probe as the superuser).

    A view named in `routes` is the screen's own view class in `route_views`, or else the viewset's
    `<name>_view` (Wagtail's index, results, inspect, add)."""

    routes: dict[str, str] = {}
    #: The screen's own views ({view name: view class}), beside Wagtail's.
    route_views: dict[str, type] = {}
    #: The view an object's admin link opens (site history, search, reference index), or None when this
    #: viewset is not the model's home (a second list of the same model, such as the moderation queue).
    object_view: str | None = "inspect"

    def routed_view(self, name: str):
        """The view routed as `name` (also for a URL kept under an older name)."""
        if name in self.route_views:
            return self.route_views[name].as_view()
        return getattr(self, f"{name}_view")

    def get_urlpatterns(self):
        return [path(route, self.routed_view(name), name=name) for name, route in self.routes.items()]

    def construct_view(self, view_class, **kwargs):
        routed = {self.get_url_name(name) for name in self.routes}
        merged = {**self.get_common_view_kwargs(), **kwargs}
        for key, value in merged.items():
            if key.endswith("_url_name") and isinstance(value, str) and value not in routed:
                kwargs[key] = None
        return super().construct_view(view_class, **kwargs)

    @property
    def url_finder_class(self):
        """An object's admin link is its `object_view` page: there is no edit view."""
        return type("_ObjectURLFinder", (ModelAdminURLFinder,), {"edit_url_name": self.get_url_name(self.object_view)})

    def register_admin_url_finder(self):
        if self.object_view is not None:
            super().register_admin_url_finder()

    def register_permissions(self):
        # A second list of a model leaves the model's permissions to its home viewset (listed once in the
        # group editor).
        if self.object_view is not None:
            super().register_permissions()


class StaffViewSet(RoutedOnlyMixin, ModelViewSet):
    """A viewset of staff's screens: only the views in `routes` exist (no edit, delete, copy or history: these
    records change through the services only), and an object's admin link is its `object_view` page.

    Permissions are Wagtail's model policy, which asks `user.has_perm` for the permission each view names
    (view_…, add_…, or an action of the model's own such as comments.moderate_opinion), so the role groups
    and the rules backend answer as everywhere else.
    """

    add_to_admin_menu = False
    routes = {"index": "", "index_results": "results/", "inspect": "<int:pk>/"}


class StaffIndexView(generic.IndexView):
    """A staff list whose breadcrumb is its page title (「意见处理」), not the model's plural name."""

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]


class TemplateColumn(Column):
    """A list column whose cell is a template (it writes the whole <td>), given the row's object as `instance`
    and the column's value as `value`."""

    def __init__(self, name, template_name: str, **kwargs):
        super().__init__(name, **kwargs)
        self.cell_template_name = template_name
