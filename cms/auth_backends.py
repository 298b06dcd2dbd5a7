from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from cms.selectors import normalize_identifier, user_by_identifier
from cms.throttle import Throttle, client_ip, hit_all


def login_throttles() -> tuple[Throttle, Throttle]:
    """The sign-in limits per account and per address (read from settings at call time, so tests can change them)."""
    window = settings.LOGIN_THROTTLE_WINDOW_SECONDS
    return (
        Throttle("login-account", limit=settings.LOGIN_THROTTLE_PER_ACCOUNT, window_seconds=window),
        Throttle("login-ip", limit=settings.LOGIN_THROTTLE_PER_IP, window_seconds=window),
    )


def account_subject(identifier: str, user=None) -> str:
    """What the per-account limit counts: the account when the identifier names one (its user name, e-mail and
    phone share one count), otherwise the normalized identifier itself (unknown names are limited the same way)."""
    if user is not None:
        return f"user:{user.pk}"
    return f"id:{normalize_identifier(identifier).casefold()}"


class LoginThrottled(PermissionDenied):
    """Too many attempts: django.contrib.auth.authenticate() stops at it and returns None."""


def count_login_attempt(request, identifier: str, user=None) -> Callable[[], None]:
    """Count one sign-in attempt against the account's and the address's limits; return what to call on success.

    Raises LoginThrottled once a count passes its limit, even before the password is checked, so parallel
    guesses cannot all slip under it. Every backend that checks a password calls it (the project's and the
    directory's, cms.directory); when several try the same request, the attempt is counted once.
    """
    per_account, per_ip = login_throttles()
    account = account_subject(identifier, user)
    ip = client_ip(request, trusted_proxies=settings.TRUSTED_PROXY_COUNT) if request is not None else ""
    counted = getattr(request, "_login_attempts_counted", set()) if request is not None else set()
    if account not in counted:
        hits = [(per_account, account)]
        if ip:
            hits.append((per_ip, ip))
        counts = hit_all(hits)
        if any(count > throttle.limit for count, (throttle, _subject) in zip(counts, hits, strict=True)):
            if request is not None:
                request.login_throttled = True
            raise LoginThrottled
        if request is not None:
            request._login_attempts_counted = counted | {account}

    def succeeded() -> None:
        """A success clears the account's count and gives back its address's attempt."""
        per_account.reset(account)
        if ip:
            per_ip.undo(ip)

    return succeeded


class IdentifierBackend(ModelBackend):
    """Log in with a user name, an e-mail address or a mainland mobile number.

    Every sign-in path (accounts/login, the admin's login, Wagtail's /_util/login/ for private pages, the
    test client's login) authenticates here (or first in the directory's backend, cms.directory), so the
    login limit lives here: each attempt is counted first and refused once the count passes the limit
    (count_login_attempt).
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if not username or not password:
            return None
        user = user_by_identifier(username)
        succeeded = count_login_attempt(request, username, user)
        if user is None:
            # Spend the time of a hash anyway, so response time does not reveal who is registered.
            get_user_model()().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            succeeded()
            return user
        return None

    def get_user(self, user_id):
        """The session's user and the names of their roles in one query (every request asks for the user, and
        posting asks for the roles too: one round trip less a post)."""
        from django.db import connection

        model = get_user_model()
        aggregate = "string_agg(g.name, %s)" if connection.vendor == "postgresql" else "group_concat(g.name, %s)"
        sql = (
            f"SELECT u.*, ({model.role_names_sql(aggregate, 'u.id')}) AS role_names_joined "  # noqa: S608
            f"FROM {model._meta.db_table} u WHERE u.id = %s"
        )
        try:
            user = next(iter(model.objects.raw(sql, ["\t", int(user_id)])), None)
        except (TypeError, ValueError):
            return None
        if user is None or not self.user_can_authenticate(user):
            return None
        joined = user.__dict__.pop("role_names_joined", None)
        user._role_names = set(joined.split("\t")) if joined else set()
        return user
