"""Site-wide parts of the Wagtail admin: the stylesheet and the behaviours our own admin screens share."""

from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks


@hooks.register("insert_global_admin_css")
def admin_stylesheet():
    return format_html('<link rel="stylesheet" href="{}">', static("cms/css/admin.css"))


@hooks.register("insert_global_admin_js")
def admin_behaviours():
    return format_html('<script src="{}" defer></script>', static("cms/js/admin.js"))
