"""Wagtail ModelViewSets of staff screens whose records change through services only."""

from django.urls import path
from wagtail.admin.admin_url_finder import ModelAdminURLFinder


class RoutedOnlyMixin:
    """Only the views named in `routes` ({view name: route}) exist, and no view links to one that does not:
    Wagtail would otherwise offer "add" (or edit, delete, history) to a user with the model permission and
    fail to reverse its address (found by the probe as the superuser)."""

    routes: dict[str, str] = {}

    def get_urlpatterns(self):
        return [path(route, getattr(self, f"{name}_view"), name=name) for name, route in self.routes.items()]

    def construct_view(self, view_class, **kwargs):
        routed = {self.get_url_name(name) for name in self.routes}
        merged = {**self.get_common_view_kwargs(), **kwargs}
        for key, value in merged.items():
            if key.endswith("_url_name") and isinstance(value, str) and value not in routed:
                kwargs[key] = None
        return super().construct_view(view_class, **kwargs)

    @property
    def url_finder_class(self):
        """An object's admin link (site history, search) is its inspect page: there is no edit view."""
        return type("_InspectURLFinder", (ModelAdminURLFinder,), {"edit_url_name": self.get_url_name("inspect")})
