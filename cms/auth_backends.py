from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from cms.selectors import user_by_identifier


class IdentifierBackend(ModelBackend):
    """Log in with a user name, an e-mail address or a mainland mobile number."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if not username or not password:
            return None
        user = user_by_identifier(username)
        if user is None:
            # Spend the time of a hash anyway, so response time does not reveal who is registered.
            get_user_model()().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
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
