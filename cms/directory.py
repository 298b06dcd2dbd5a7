"""Sign-in with the organisation's LDAP directory (issue 19): staff, liaisons and coordinators.

The directory is asked only when LDAP_SERVER_URI is set (cms/settings/base.py then puts `DirectoryBackend`
before the project's own backend), and only for names that are not a local account with a password of its
own: citizens and local staff keep signing in locally, a citizen's sign-in never waits on the directory, and
the directory never takes over a local account. Every directory attempt passes the same login limits as a
local one (cms.auth_backends.count_login_attempt).

At each directory sign-in the person's directory groups decide, through LDAP_GROUP_ROLES, which of the roles
named there they hold (a role named in the mapping is added or removed to follow the directory; roles it
does not name are left to the administrators), and through LDAP_GROUP_UNITS which contact point or
department they belong to. cms knows nothing of contact points or departments: those apps register a
`DirectoryUnitKind` in `directory_unit_kinds` from their AppConfig.ready().
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass

import ldap
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone
from django_auth_ldap.backend import LDAPBackend, LDAPSettings, ldap_error
from django_auth_ldap.config import GroupOfNamesType, LDAPSearch

from cms.auth_backends import IdentifierBackend, count_login_attempt
from cms.extensions import ExtensionPoint
from cms.roles import Role
from cms.selectors import user_by_identifier

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DirectoryUnitKind:
    """A kind of unit a directory group can stand for ("contact_point", "department") and how to follow it.

    `sync(user=, member_of=, managed=)` gets the references (an id or a name) of the units of this kind
    named in LDAP_GROUP_UNITS (`managed`) and of those whose groups the user is in (`member_of`): it makes the
    user belong to the latter and to none of the rest of the former.
    """

    kind: str
    sync: Callable[..., None]


directory_unit_kinds = ExtensionPoint(
    "directory_unit_kinds", "DirectoryUnitKind items: the units LDAP_GROUP_UNITS may name, by kind."
)


class MappingError(ValueError):
    """A mapping setting that is not what it should be (the system checks report it in Chinese)."""


def normalize_dn(dn: str) -> str:
    """A DN as compared here: case and the spaces between its parts do not matter."""
    try:
        return ldap.dn.dn2str(ldap.dn.str2dn(dn.strip())).lower()
    except ldap.DECODING_ERROR:
        return dn.strip().lower()


def _json_mapping(name: str) -> dict[str, str]:
    raw = getattr(settings, name, "") or ""
    if not raw.strip():
        return {}
    try:
        value = json.loads(raw)
    except ValueError as exc:
        raise MappingError(f"{name}: {exc}") from None
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise MappingError(f"{name}: not an object of strings")
    return {normalize_dn(dn): target.strip() for dn, target in value.items()}


def group_roles() -> dict[str, str]:
    """LDAP_GROUP_ROLES: {normalized group DN: role name}."""
    return _json_mapping("LDAP_GROUP_ROLES")


def group_units() -> dict[str, tuple[str, str]]:
    """LDAP_GROUP_UNITS: {normalized group DN: (kind, reference)}, from values like "contact_point:12"."""
    units = {}
    for dn, target in _json_mapping("LDAP_GROUP_UNITS").items():
        kind, _sep, ref = target.partition(":")
        if not ref.strip():
            raise MappingError(f"LDAP_GROUP_UNITS: {target!r} is not kind:reference")
        units[dn] = (kind.strip(), ref.strip())
    return units


def known_unit_kinds() -> set[str]:
    return {item.kind for item in directory_unit_kinds}


def unknown_roles() -> list[str]:
    known = {str(role) for role in Role}
    return sorted({role for role in group_roles().values() if role not in known})


def units_by_reference(model, refs: set[str]) -> list:
    """The units the references name: a number is an id, anything else a name (unknown ones are logged)."""
    ids = {int(ref) for ref in refs if ref.isdigit()}
    names = {ref for ref in refs if not ref.isdigit()}
    found = list(model.objects.filter(pk__in=ids)) + list(model.objects.filter(name__in=names))
    missing = refs - {str(unit.pk) for unit in found} - {unit.name for unit in found}
    if missing:
        logger.warning("LDAP_GROUP_UNITS names %s that do not exist: %s", model._meta.label, sorted(missing))
    return found


def membership_follow(*, related, model, member_of: set[str], managed: set[str]) -> None:
    """Make a user's many-to-many `related` (user.contact_points, user.departments) hold the units of
    `member_of` and none of the other units of `managed`; units the mapping does not name are left alone."""
    keep = {unit.pk for unit in units_by_reference(model, member_of)}
    drop = [unit for unit in units_by_reference(model, managed - member_of) if unit.pk not in keep]
    related.add(*keep)
    related.remove(*drop)


def directory_options() -> dict:
    """django-auth-ldap's settings from ours (LDAP_*); an AUTH_LDAP_* setting, if given, still wins."""
    timeout = settings.LDAP_TIMEOUT_SECONDS
    options = {
        "SERVER_URI": settings.LDAP_SERVER_URI or "",
        "BIND_DN": settings.LDAP_BIND_DN,
        "BIND_PASSWORD": settings.LDAP_BIND_PASSWORD,
        "USER_SEARCH": LDAPSearch(settings.LDAP_USER_SEARCH_BASE, ldap.SCOPE_SUBTREE, settings.LDAP_USER_FILTER),
        "START_TLS": settings.LDAP_START_TLS,
        "USER_ATTR_MAP": {"first_name": "givenName", "last_name": "sn"},
        "ALWAYS_UPDATE_USER": True,
        # A directory that does not answer must not hold a sign-in page for long.
        "CONNECTION_OPTIONS": {ldap.OPT_NETWORK_TIMEOUT: timeout, ldap.OPT_TIMEOUT: timeout},
    }
    if settings.LDAP_GROUP_SEARCH_BASE:
        # Any entry under the base that lists the user as a `member` (groupOfNames, Active Directory's group).
        options["GROUP_SEARCH"] = LDAPSearch(settings.LDAP_GROUP_SEARCH_BASE, ldap.SCOPE_SUBTREE, "(objectClass=*)")
        options["GROUP_TYPE"] = GroupOfNamesType()
    return options


@transaction.atomic
def directory_user_sync(*, user, group_dns: set[str], email: str = "") -> None:
    """Make the user's roles and units follow their directory groups (each sign-in); take the directory's e-mail
    address when no other account has it (the directory may list one a citizen registered with)."""
    groups = {normalize_dn(dn) for dn in group_dns}
    roles = group_roles()
    held = {role for dn, role in roles.items() if dn in groups}
    for group in Group.objects.filter(name__in=set(roles.values())):
        if group.name in held:
            user.groups.add(group)
        else:
            user.groups.remove(group)
    user.__dict__.pop("_role_names", None)

    units = group_units()
    for kind in directory_unit_kinds:
        managed = {ref for k, ref in units.values() if k == kind.kind}
        if managed:
            member_of = {ref for dn, (k, ref) in units.items() if k == kind.kind and dn in groups}
            kind.sync(user=user, member_of=member_of, managed=managed)

    changed = []
    if user.confirmed_at is None:  # the organisation vouches for its directory's people
        user.confirmed_at = timezone.now()
        changed.append("confirmed_at")
    model = type(user)
    if email and not user.email and not model.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
        user.email = email.lower()
        changed.append("email")
    if changed:
        user.save(update_fields=changed)


class DirectoryBackend(LDAPBackend):
    """django-auth-ldap's backend, configured from LDAP_* and kept to the rules in this module's docstring."""

    def _get_settings(self):
        if self._settings is None:
            self._settings = LDAPSettings(self.settings_prefix, directory_options())
        return self._settings

    settings = property(_get_settings, LDAPBackend.settings.fset)

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or not password or not settings.LDAP_SERVER_URI:
            return None
        local = user_by_identifier(username)
        if local is not None and local.has_usable_password():
            return None  # a local account: the project's own backend answers
        succeeded = count_login_attempt(request, username, local)
        user = super().authenticate(request, username=username, password=password)
        if user is None or not user.is_active:
            return None
        ldap_user = user.ldap_user
        group_dns = ldap_user.group_dns if self.settings.GROUP_SEARCH is not None else set()
        mail = (ldap_user.attrs.get("mail") or [""])[0]
        directory_user_sync(user=user, group_dns=set(group_dns), email=mail)
        succeeded()
        return user

    def get_or_build_user(self, username, ldap_user):
        user, built = super().get_or_build_user(username, ldap_user)
        if not built and user.has_usable_password():
            # The same name as a local account with its own password (by letter case): never merged.
            raise ldap_user.AuthenticationFailed("a local account has this name")
        return user, built

    def get_user(self, user_id):
        # The session's user as the project's backend loads it (active accounts only, roles in the same query).
        return IdentifierBackend().get_user(user_id)

    def get_all_permissions(self, user, obj=None):
        return set()  # permissions come from the role groups, through the project's backend


@receiver(ldap_error, dispatch_uid="cms.directory.unavailable")
def _directory_unavailable(sender, context, user, request, exception, **kwargs):
    """Mark the request so the login page can say the directory is down (local accounts still sign in);
    django-auth-ldap has logged the error."""
    if request is not None:
        request.directory_unavailable = True
