from django.conf import settings
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
