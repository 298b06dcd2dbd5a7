"""Answer the load balancer's probe before any other middleware."""

from ops.views import health_response

HEALTH_PATHS = ("/healthz", "/healthz/")


class HealthCheckMiddleware:
    """/healthz, first in MIDDLEWARE.

    A load balancer probes each backend by its address, over plain HTTP, with no cookie: below this point
    CommonMiddleware would refuse the address as a host not in ALLOWED_HOSTS, SecurityMiddleware would
    redirect to HTTPS, and sessions, CSRF and the locale would be work for nothing. The answer names no host
    and carries no URL, so it is safe to give whatever the Host header says. ``?verbose`` goes on down to the
    URLconf's view, which needs the session to know an administrator.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path in HEALTH_PATHS and "verbose" not in request.GET:
            return health_response(request, verbose=False)
        return self.get_response(request)
