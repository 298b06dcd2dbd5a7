from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from contact_points.models import ContactPoint
from contact_points.selectors import contact_point_count_active


class ContactPointViewSet(SnippetViewSet):
    model = ContactPoint
    icon = "site"
    menu_label = _("基层立法联系点")
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["name", "kind", "district", "is_active"]
    list_filter = ["kind", "district", "is_active"]
    search_fields = ["name", "district", "address"]
    panels = [
        FieldPanel("name"),
        FieldPanel("kind"),
        FieldPanel("district"),
        FieldPanel("address"),
        FieldPanel("phone"),
        FieldPanel("established_on"),
        FieldPanel("coordinators"),
        FieldPanel("is_active"),
    ]


register_snippet(ContactPointViewSet)


@hooks.register("home_page_context")
def home_page_contact_points(*, request, now):
    return {"contact_point_count": contact_point_count_active()}
