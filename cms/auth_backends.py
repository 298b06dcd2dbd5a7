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
