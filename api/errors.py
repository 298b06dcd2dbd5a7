"""Every API error as JSON: {"code": "...", "message": "<Chinese>", "detail": ...}; never an HTML page."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

CODES = {
    exceptions.ParseError: ("malformed", lambda: _("请求内容格式有误，无法解析。")),
    exceptions.NotFound: ("not_found", lambda: _("没有找到请求的内容。")),
    Http404: ("not_found", lambda: _("没有找到请求的内容。")),
    exceptions.MethodNotAllowed: ("method_not_allowed", lambda: _("不支持这种请求方法。")),
    exceptions.NotAcceptable: ("not_acceptable", lambda: _("无法提供请求的格式，请接受 application/json。")),
    exceptions.UnsupportedMediaType: ("unsupported_media_type", lambda: _("请以 application/json 提交。")),
    exceptions.NotAuthenticated: ("not_authenticated", lambda: _("需要有效的接口令牌。")),
    exceptions.AuthenticationFailed: ("authentication_failed", lambda: _("接口令牌无效、已过期或已撤销。")),
    exceptions.PermissionDenied: ("permission_denied", lambda: _("这个令牌无权进行此操作。")),
    exceptions.Throttled: ("throttled", lambda: _("请求过于频繁，请稍后再试。")),
    exceptions.ValidationError: ("invalid", lambda: _("请求参数有误。")),
}


class ApiError(exceptions.APIException):
    """An error with its own code and Chinese message."""

    def __init__(self, code: str, message: str, status_code: int = status.HTTP_400_BAD_REQUEST, detail=None):
        self.status_code = status_code
        self.code = code
        self.message = message
        self.extra = detail
        super().__init__(message, code)


def exception_handler(exc, context):
    if isinstance(exc, RequestDataTooBig):  # Django's own limit on a body, met while a view reads it
        size = f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 2**20:.1f}"
        message = _("请求内容超过 %(size)s MB 的上限。") % {"size": size}
        return Response({"code": "too_large", "message": message}, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a real bug: let it surface (tests fail on it)
    if isinstance(exc, ApiError):
        body = {"code": exc.code, "message": exc.message}
        if exc.extra is not None:
            body["detail"] = exc.extra
    else:
        code, message = next(
            ((c, m()) for kind, (c, m) in CODES.items() if isinstance(exc, kind)), ("error", _("请求无法处理。"))
        )
        body = {"code": code, "message": message}
        if isinstance(exc, exceptions.ValidationError):
            body["detail"] = response.data
        if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            body["retry_after"] = int(exc.wait + 0.999)
    response.data = body
    return response


def not_found_json(request, exception=None):
    return JsonResponse({"code": "not_found", "message": _("没有找到请求的内容。")}, status=404)
