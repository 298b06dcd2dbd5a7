"""The platform's roles as Django groups, with the model, page and collection permissions each is given.

`ROLE_PERMISSIONS` is the single source; migrations call `sync_role_groups` after they add the
models whose permissions a role needs, and tests/cms/test_roles.py checks that every permission
listed exists and is granted.
"""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class Role(TextChoices):
    STAFF = "法工委工作人员", _("法工委工作人员")
    MODERATOR = "审核员", _("审核员")
    COORDINATOR = "联络员", _("基层立法联系点联络员")
    LIAISON = "承办单位联络人", _("承办单位联络人")
    ADMINISTRATOR = "系统管理员", _("系统管理员")


_ADMIN_ACCESS = ["wagtailadmin.access_admin"]
_DOCUMENTS = ["wagtaildocs.add_document", "wagtaildocs.change_document", "wagtaildocs.choose_document"]
_IMAGES = ["wagtailimages.add_image", "wagtailimages.change_image", "wagtailimages.choose_image"]
_MODERATION = [
    "comments.moderate_opinion",
    "comments.view_sensitiveword",
    "comments.add_sensitiveword",
    "comments.change_sensitiveword",
    "comments.delete_sensitiveword",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.STAFF: [
        *_ADMIN_ACCESS,
        *_DOCUMENTS,
        *_IMAGES,
        *_MODERATION,
        "contact_points.view_contactpoint",
        "contact_points.add_solicitation",
        "contact_points.view_solicitation",
        "contact_points.view_opinionbatch",
        "contact_points.receive_opinionbatch",
        "comments.view_opinion",
        "comments.dispose_opinion",
        "referrals.view_referral",
        "handling.add_reasontemplate",
        "handling.change_reasontemplate",
        "handling.delete_reasontemplate",
        "handling.view_reasontemplate",
        "referrals.view_department",
    ],
    Role.MODERATOR: [*_ADMIN_ACCESS, *_MODERATION],
    Role.COORDINATOR: [],
    Role.LIAISON: [],
    Role.ADMINISTRATOR: [
        *_ADMIN_ACCESS,
        "cms.add_user",
        "cms.change_user",
        "cms.delete_user",
        "cms.view_user",
        "auth.add_group",
        "auth.change_group",
        "auth.view_group",
        "contact_points.add_contactpoint",
        "contact_points.change_contactpoint",
        "contact_points.view_contactpoint",
        "referrals.add_department",
        "referrals.change_department",
        "referrals.view_department",
    ],
}

# Staff publish drafts: these page permissions apply from the home page down.
STAFF_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]


def sync_role_groups(apps, schema_editor=None) -> None:
    """Create the role groups and grant the permissions that exist so far (idempotent).

    Usable from a data migration (historical `apps`) or at run time (`django.apps.apps`).
    """
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, names in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=str(role))
        for name in names:
            app_label, codename = name.split(".")
            perm = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if perm is not None:
                group.permissions.add(perm)

    Page = apps.get_model("wagtailcore", "Page")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    home = Page.objects.filter(depth=2).order_by("path").first()
    staff = Group.objects.get(name=str(Role.STAFF))
    if home is not None:
        for codename in STAFF_PAGE_PERMISSIONS:
            perm = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
            GroupPagePermission.objects.get_or_create(group=staff, page=home, permission=perm)
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    root_collection = Collection.objects.filter(depth=1).first()
    if root_collection is not None:
        for name in [*_DOCUMENTS, *_IMAGES]:
            app_label, codename = name.split(".")
            perm = Permission.objects.get(content_type__app_label=app_label, codename=codename)
            GroupCollectionPermission.objects.get_or_create(group=staff, collection=root_collection, permission=perm)
