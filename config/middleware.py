import re

from django.conf import settings
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.utils import translation
from django.utils.translation import gettext as _


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Vietnamese unless the user picked another language with the switch (a cookie).

    Officials' browsers are often set to English; the interface stays Vietnamese for them. API
    clients may still ask for a language with Accept-Language.
    """

    def process_request(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            if request.path.startswith("/api/"):
                language = translation.get_language_from_request(request)
            else:
                language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


# Control characters: no code, id or name in a URL holds one.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


class JunkPathMiddleware:
    """A URL path holding a control character (e.g. ``/units/%00/``) names nothing: 404 (JSON under
    /api/). A NUL in a query parameter, which no database text may hold, is a bad request (400)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if CONTROL_CHARACTERS.search(request.path):
            raise Http404
        if "%00" in request.META.get("QUERY_STRING", "") and any(
            "\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists()
        ):
            message = _("The request holds a character that is not allowed (NUL).")
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": str(message)}, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
