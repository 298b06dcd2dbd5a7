"""Token sign-in for the API: ``Authorization: Bearer lt_…``, checked against the stored hash."""

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, permissions

from api.errors import ApiError
from api.models import ApiToken, token_hash
from cms import access_audit
from cms.models import AccessEventKind
from cms.throttle import Throttle


class TokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = str(request.META.get("HTTP_AUTHORIZATION", "")).split()
        if not header:
            return None
        if len(header) != 2 or header[0] != self.keyword:
            raise ApiError("authentication_failed", _("请在 Authorization 头中以 Bearer 方式提供令牌。"), 401)
        raw = header[1] if header[1].isascii() else ""
        token = ApiToken.objects.filter(key_hash=token_hash(raw)).first() if raw else None
        if token is None:
            raise ApiError("authentication_failed", _("接口令牌无效。"), 401)
        request._request.api_token = token  # logged with the response, refused or not
        if token.revoked_at is not None:
            raise ApiError("token_revoked", _("接口令牌已撤销。"), 401)
        if token.expires_at <= timezone.now():
            raise ApiError("token_expired", _("接口令牌已过期。"), 401)
        access_audit.record(
            kind=AccessEventKind.TOKEN_USE,
            request=request._request,
            user=token.acting_user if token.acting_user_id else None,
            obj=token,
        )
        return (None, token)

    def authenticate_header(self, request):
        return self.keyword


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "api.auth.TokenAuthentication"
    name = "bearerToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "接口令牌，在管理后台创建 · API token"}


class HasScope(permissions.BasePermission):
    """The view's ``token_holder`` and ``token_scope`` must match the token's."""

    def has_permission(self, request, view):
        token = request.auth
        if not isinstance(token, ApiToken):
            raise ApiError("not_authenticated", _("需要有效的接口令牌。"), 401)
        if token.holder != view.token_holder or token.scope != view.token_scope:
            raise ApiError("permission_denied", _("这个令牌无权进行此操作。"), 403)
        return True


class TokenRateThrottle:
    """Per-token fixed window (cms.throttle): over ``rate_per_minute`` gets 429 with Retry-After."""

    window = 60

    def allow_request(self, request, view):
        token = request.auth
        if not isinstance(token, ApiToken):
            return True
        throttle = Throttle("api-token", limit=token.rate_per_minute, window_seconds=self.window)
        return throttle.hit(str(token.pk)) <= token.rate_per_minute

    def wait(self):
        return self.window
