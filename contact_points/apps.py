from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactPointsConfig(AppConfig):
    name = "contact_points"
    verbose_name = _("基层立法联系点")

    def ready(self):
        from django.urls import reverse

        from comments.sources import SourceProvider, register_source

        register_source(
            SourceProvider(
                key="contact_point",
                id_path="contact_point_link__contact_point_id",
                name_path="contact_point_link__contact_point__name",
                speaker_path="contact_point_link__contact_point__coordinators",
                page_url=lambda pk: reverse("contact_points:feedback", args=[pk]),
            )
        )

        from cms.directory import DirectoryUnitKind, directory_unit_kinds
        from contact_points.services import coordinator_points_follow_directory

        directory_unit_kinds.register(DirectoryUnitKind(kind="contact_point", sync=coordinator_points_follow_directory))
