"""Who may open what: for every URL name the roles allowed, and what an allowed GET answers.

Roles are the demo accounts (cms/roles.py): anonymous, a citizen, the coordinator of a contact point
(`coordinator`; `coordinator2` coordinates another point and so is a stranger to the first one's
workspace), a department's liaison, a moderator, staff (法工委工作人员) and a superuser.

A rule is (roles allowed, statuses an allowed GET gives). Everyone else must be refused: a redirect to the
login page (to the admin's home for people who may enter the admin), 401/403/404, or 405 for a screen
that answers only POST. Non-admin URL names must all be listed (a new URL fails the probe until someone
decides who may open it). Admin URLs: our own screens are listed; Wagtail's are listed by prefix; an admin URL
that matches nothing is allowed to the superuser only, so every unlisted admin screen must refuse
non-superusers, and everyone outside the admin in any case.
"""

from dataclasses import dataclass

ROLES = {
    "anonymous": None,
    "citizen": "citizen",
    "coordinator": "coordinator",
    "coordinator2": "coordinator2",
    "liaison": "liaison",
    "moderator": "moderator",
    "staff": "staff",
    "superuser": "admin",
}

EVERYONE = frozenset(ROLES)
SIGNED_IN = EVERYONE - {"anonymous"}
ADMIN_USERS = frozenset({"moderator", "staff", "superuser"})
STAFF = frozenset({"staff", "superuser"})
SUPERUSER = frozenset({"superuser"})
COORDINATOR = frozenset({"coordinator", "superuser"})
NOBODY = frozenset()


@dataclass(frozen=True)
class Rule:
    roles: frozenset
    statuses: frozenset = frozenset({200})


def rule(roles, *statuses) -> Rule:
    return Rule(frozenset(roles), frozenset(statuses or {200}))


POST_ONLY = 405

RULES: dict[str, Rule] = {
    "?api/v1/^": rule(EVERYONE, 404),
    "?healthz/": rule(EVERYONE),
    "healthz": rule(EVERYONE),
    "set_language": rule(EVERYONE, 302),
    "search": rule(EVERYONE),
    "wagtail_serve": rule(EVERYONE),
    "wagtailcore_login": rule(EVERYONE),
    "wagtailcore_authenticate_with_password": rule(EVERYONE, 404),  # the demo restricts no page
    "wagtaildocs_serve": rule(EVERYONE, 404),  # the demo has no document
    "wagtaildocs_authenticate_with_password": rule(EVERYONE, 404),
    # Accounts
    "accounts:register": rule(EVERYONE),
    "accounts:confirm": rule(EVERYONE),
    "accounts:confirm_link": rule(EVERYONE, 400),  # a made-up token
    "accounts:login": rule(EVERYONE),
    "accounts:logout": rule(EVERYONE, POST_ONLY),
    "accounts:reset": rule(EVERYONE),
    "accounts:reset_code": rule(EVERYONE),
    "accounts:reset_link": rule(EVERYONE, 400),
    "accounts:profile": rule(SIGNED_IN),
    # The second factor: for the admin's users (a citizen gets 403). Verify sends anyone without a device on
    # (home, or setup); new backup codes and turning it off are POSTs.
    "accounts:otp_setup": rule(ADMIN_USERS, 200, 302),
    "accounts:otp_verify": rule(SIGNED_IN, 200, 302),
    **{f"accounts:otp_{name}": rule(ADMIN_USERS, POST_ONLY) for name in ["backup_codes", "disable"]},
    "my_opinions": rule(SIGNED_IN),
    # The public API: read by anyone; the token endpoints take no session at all.
    **{
        f"api:{name}": rule(EVERYONE)
        for name in [
            "schema",
            "docs",
            "drafts",
            "draft",
            "version",
            "draft_opinions",
            "feedback",
            "feedback_opinions",
            "statistics",
            "article",
            "article_opinions",
            "open_data",
            "open_data_dataset_json",
            "open_data_articles_csv",
            "open_data_opinions_csv",
            "open_data_polis_comments_csv",
            "open_data_polis_summary_csv",
        ]
    },
    **{
        f"api:{name}": rule(NOBODY)
        for name in ["staff_opinions", "batches", "referrals", "referral", "acknowledge", "reply"]
    },
    "api_admin:token_uses": rule(SUPERUSER),
    "api_admin:token_uses_results": rule(SUPERUSER),
    **{f"feeds:{name}": rule(EVERYONE) for name in ["drafts_rss", "drafts_atom", "feedback_rss", "feedback_atom"]},
    "feeds:contact_point_rss": rule(EVERYONE),
    "feeds:contact_point_atom": rule(EVERYONE),
    # Opinions
    "comments:new": rule(SIGNED_IN),
    "comments:article_thread": rule(EVERYONE),
    "comments:draft_thread": rule(EVERYONE),
    "comments:feedback": rule(EVERYONE),
    "comments:replies": rule(EVERYONE),
    "comments:support": rule(EVERYONE, POST_ONLY),
    "comments:report": rule(SIGNED_IN),
    "comments:withdraw": rule(SIGNED_IN, POST_ONLY),
    # Statistics and contact points, public
    "stats:index": rule(EVERYONE),
    "stats:year": rule(EVERYONE),
    "stats:year_report": rule(EVERYONE),
    "stats:draft": rule(EVERYONE),
    "contact_points_public:list": rule(EVERYONE),
    "contact_points_public:detail": rule(EVERYONE),
    "contact_points_public:poster": rule(EVERYONE),
    # A contact point's workspace: its coordinators (and the superuser); the list sends a coordinator home.
    "contact_points:workspace": rule(SIGNED_IN, 200, 302),
    **{
        f"contact_points:{name}": rule(COORDINATOR)
        for name in ["home", "meeting_new", "meeting", "note", "batch", "item", "template", "feedback", "feedback_xlsx"]
    },
    **{
        f"contact_points:{name}": rule(SIGNED_IN, POST_ONLY)
        for name in ["batch_open", "note_upload", "item_add", "review", "sheet_upload", "submit"]
    },
    # A department's referrals: its liaisons. The demo referral has no attachment and is not rated yet.
    "referrals:inbox": rule(SIGNED_IN),
    "referrals:detail": rule({"liaison"}),
    "referrals:attachment": rule(NOBODY),
    "referrals:rate": rule(SUPERUSER),
    **{f"referrals:{name}": rule(SIGNED_IN, POST_ONLY) for name in ["acknowledge", "reply", "extension"]},
    # Our admin screens
    "opinions_moderation": rule(ADMIN_USERS),
    "opinions_all": rule(STAFF),
    "opinions_handle": rule(STAFF),
    "opinions_exports": rule(STAFF),
    "opinions_export_status": rule(STAFF, 404),  # the demo has no export
    "opinions_export_download": rule(STAFF, 404),
    "referrals_board": rule(STAFF),
    "referrals_admin": rule(STAFF),
    "drafts_import": rule(STAFF),
    "drafts_import_version": rule(STAFF),
    "drafts_notes": rule(STAFF),
    "drafts_comparison": rule(STAFF),
    "revisions_workspace": rule(STAFF),
    "revisions_publish": rule(STAFF, 302),  # GET goes back to the workspace
    "revisions_node": rule(STAFF, 302),  # no revision in the demo: back to the workspace with a message
    "search_staff": rule(STAFF),
    "stats_home": rule(STAFF),
    "stats_year": rule(STAFF),
    "stats_year_report": rule(STAFF),
    "stats_draft": rule(STAFF),
    **{
        f"contact_points_admin:{name}": rule(STAFF)
        for name in [
            "solicitations",
            "solicitation_new",
            "solicitation",
            "batches",
            "batch",
            "note",
            "statistics",
            "statistics_results",
        ]
    },
    # Wagtail screens outside the login
    "wagtailadmin_sprite": rule(EVERYONE),
    "wagtailadmin_javascript_catalog": rule(EVERYONE),
    "wagtailadmin_logout": rule(EVERYONE, POST_ONLY),
    "?admin/login/": rule(EVERYONE, 302),
    "wagtailadmin_password_reset": rule(NOBODY),  # one password reset for everyone: accounts:reset
    "wagtailadmin_password_reset_done": rule(NOBODY),
    "wagtailadmin_password_reset_confirm": rule(NOBODY),
    "wagtailadmin_password_reset_complete": rule(NOBODY),
}

# Wagtail's admin by name prefix, first match wins: who may use it besides the superuser.
ADMIN_PREFIXES: list[tuple[str, frozenset]] = [
    ("wagtaildocs_chooser:create", STAFF),
    ("wagtailimages_chooser:create", STAFF),
    # Anyone allowed into the admin
    ("wagtailadmin_home", ADMIN_USERS),
    ("wagtailadmin_account", ADMIN_USERS),
    ("wagtailadmin_dismissibles", ADMIN_USERS),
    ("wagtailadmin_choose_page", ADMIN_USERS),  # lists live public pages only to those without page rights
    ("wagtailadmin_tag_autocomplete", ADMIN_USERS),
    ("wagtailadmin_tag_model_autocomplete", ADMIN_USERS),
    ("wagtailadmin_editing_sessions", ADMIN_USERS),
    ("wagtailadmin_block_preview", ADMIN_USERS),
    ("wagtailadmin_reports:site_history", ADMIN_USERS),  # each sees the history of what they may see
    ("wagtailadmin_workflows:task_chooser", ADMIN_USERS),
    ("wagtailadmin_workflows:task_chosen", ADMIN_USERS),
    ("wagtailembeds:", ADMIN_USERS),
    ("wagtaildocs_chooser:", ADMIN_USERS),  # lists the collections each may choose from
    ("wagtailimages_chooser:", ADMIN_USERS),
    ("wagtailadmin_api:", ADMIN_USERS),
    ("wagtailsnippets_comments_sensitiveword:", ADMIN_USERS),
    ("wagtailsnippetchoosers_comments_sensitiveword:", ADMIN_USERS),
    ("?admin/test404/", ADMIN_USERS),
    ("?admin/^.*/$", ADMIN_USERS),
    ("wagtailadmin_error_test", ADMIN_USERS),
    # answers {"step": "no_confirmation_needed"} without a word about the page when no workflow runs
    ("wagtailadmin_pages:confirm_workflow_cancellation", ADMIN_USERS),
    # Staff: pages (drafts), documents, images, reason templates, departments and contact points (read)
    ("wagtailadmin_explore", STAFF),
    ("wagtailadmin_pages:", STAFF),
    ("wagtailadmin_reports:", STAFF),
    ("wagtaildocs:", STAFF),
    ("wagtailimages:", STAFF),
    ("wagtailsnippets_handling_reasontemplate:", STAFF),
    ("wagtailsnippetchoosers_handling_reasontemplate:", STAFF),
    # departments and contact points: staff read them, administrators edit them
    *[
        (f"wagtailsnippets_{model}:{view}", STAFF)
        for model in ("referrals_department", "contact_points_contactpoint")
        for view in ("list", "list_results", "inspect")
    ],
    *[
        (f"wagtailsnippetchoosers_{model}:{view}", STAFF)
        for model in ("referrals_department", "contact_points_contactpoint")
        for view in ("choose", "choose_results", "chosen")
    ],
    ("wagtailsnippets:", STAFF),  # the snippet index lists only the models each may see
    ("wagtail_bulk_action", ADMIN_USERS),
    # Staff screens as Wagtail viewsets (contact points' solicitations and batches, the referral board).
    ("contact_point_solicitations:", STAFF),
    ("contact_point_batches:", STAFF),
    ("referral_board:", STAFF),
    # The opinions' screens as viewsets: the moderation queue (its view refuses all but moderators and staff
    # with comments.moderate_opinion), the workspace with an opinion's handling page, the exports.
    ("opinion_moderation:", ADMIN_USERS),
    ("opinion_workspace:", STAFF),
    ("opinion_exports:", STAFF),
]


def rule_for(name: str, route: str) -> Rule | None:
    """The rule of a URL; None for a non-admin URL nobody has decided on yet (the probe fails it)."""
    if name in RULES:
        return RULES[name]
    if route.startswith("admin/") or name.startswith("wagtail"):
        for prefix, roles in ADMIN_PREFIXES:
            if name.startswith(prefix):
                return Rule(frozenset(roles | SUPERUSER), ADMIN_STATUSES)
        return Rule(SUPERUSER, ADMIN_STATUSES)
    return None


# Allowed, and answered with a redirect to the login page on purpose.
SENDS_TO_LOGIN = {"?admin/login/", "wagtailadmin_login"}
# Refusals by way of a redirect to another admin screen that refuses in turn.
REFUSES_ONWARDS = {"wagtailadmin_pages:revisions_index": "/history/"}

# Wagtail's own screens answer a GET with a page, a redirect onwards (not to a refusal), or 405 (POST-only);
# with a made-up id (what the demo has none of), 404.
ADMIN_STATUSES = frozenset({200, 302, 404, 405})
