from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from comments.models import Department


class DepartmentViewSet(SnippetViewSet):
    model = Department
    icon = "group"
    menu_label = _("承办单位")
    menu_order = 220
    add_to_admin_menu = True
    list_display = ["name", "short_name", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "short_name"]
    panels = [FieldPanel("name"), FieldPanel("short_name"), FieldPanel("liaisons"), FieldPanel("is_active")]


register_snippet(DepartmentViewSet)
