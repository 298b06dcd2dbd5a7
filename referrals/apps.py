from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = _("转办督办")

    def ready(self):
        from comments.extensions import opinion_notes
        from handling.extensions import export_replies, opinion_history, staff_notes
        from referrals import selectors

        staff_notes.register(selectors.referral_notes_for_staff)
        export_replies.register(selectors.referral_replies_for_export)
        opinion_notes.register(selectors.referral_notes_for_proposers)
        opinion_history.register(selectors.referral_events_of_opinion)

        from cms.directory import DirectoryUnitKind, directory_unit_kinds
        from referrals.services import liaison_departments_follow_directory

        directory_unit_kinds.register(DirectoryUnitKind(kind="department", sync=liaison_departments_follow_directory))
