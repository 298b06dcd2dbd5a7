"""/healthz: JSON for the load balancer and monitoring (ops.health says what is checked)."""

from django.http import HttpResponseNotAllowed, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from ops.health import health_report


def health_response(request, *, verbose: bool) -> JsonResponse:
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    status, body = health_report(verbose=verbose)
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-store, max-age=0"
    return response


@csrf_exempt
@never_cache
def healthz(request):
    """The same report; ``?verbose`` adds figures (ages, free space) for administrators only."""
    verbose = "verbose" in request.GET
    if verbose and not (request.user.is_authenticated and request.user.is_superuser):
        response = JsonResponse({"status": "forbidden", "message": _("详细信息仅限系统管理员查看。")}, status=403)
        response["Cache-Control"] = "no-store, max-age=0"
        return response
    return health_response(request, verbose=verbose)
