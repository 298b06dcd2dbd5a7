import re

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import translation


class ChineseFirstLocaleMiddleware:
    """Serve Chinese unless the visitor chose another language with the switcher.

    Django's LocaleMiddleware follows the browser's Accept-Language, which would show English to
    a clerk whose office computer happens to be set up in English; here only an explicit choice
    (the language cookie set by the switcher) changes the language.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class ContentSecurityPolicyMiddleware:
    """A Content-Security-Policy on every response: scripts, styles, images, fonts and connections from this
    site only, no plugins, no framing, forms posting only here.

    The project's pages carry no inline script or style (tests/e2e fail on any violation), so every public
    page gets the strict policy. Wagtail 8's admin still writes inline scripts of its own (the page editor's
    date and document choosers, inline panels) and style attributes, so admin pages (settings.CSP_ADMIN_PREFIX,
    staff only, behind a login) allow inline scripts and styles, and nothing from elsewhere.
    ``settings.CSP_REPORT_ONLY`` sends the same policy as report-only, for a deployer trying it out.
    """

    BASE = {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self' data:",
        "font-src": "'self'",
        "connect-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }

    def __init__(self, get_response):
        self.get_response = get_response
        admin = {
            **self.BASE,
            "script-src": "'self' 'unsafe-inline'",
            "style-src": "'self' 'unsafe-inline'",
            "frame-ancestors": "'self'",
        }
        self.policy = self._join(self.BASE)
        self.admin_policy = self._join(admin)
        self.header = (
            "Content-Security-Policy-Report-Only"
            if getattr(settings, "CSP_REPORT_ONLY", False)
            else "Content-Security-Policy"
        )
        self.admin_prefix = getattr(settings, "CSP_ADMIN_PREFIX", "/admin/")

    @staticmethod
    def _join(directives: dict[str, str]) -> str:
        return "; ".join(f"{name} {value}" for name, value in directives.items())

    def __call__(self, request):
        response = self.get_response(request)
        if self.header not in response.headers:
            admin = request.path.startswith(self.admin_prefix)
            response.headers[self.header] = self.admin_policy if admin else self.policy
        return response


class SnippetChooserPermissionMiddleware:
    """Wagtail's snippet choosers (/admin/snippets/choose/<app>/<model>/...) list every row of a model to anyone
    allowed into the admin; here they list a model only to people with some permission on it (add, change,
    delete or view), so a moderator sees neither the API tokens nor the reason templates and departments
    (found by the probe, tests/probe)."""

    PATH = re.compile(r"^/admin/snippets/choose/(?P<app>\w+)/(?P<model>\w+)/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        match = self.PATH.match(request.path_info)
        if match and not _may_use_model(request.user, match["app"], match["model"]):
            raise PermissionDenied
        return self.get_response(request)


def _may_use_model(user, app_label: str, model_name: str) -> bool:
    if not user.is_authenticated:
        return True  # the admin itself sends strangers to the login page
    return any(user.has_perm(f"{app_label}.{action}_{model_name}") for action in ("add", "change", "delete", "view"))
