from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

# Paths anyone may open: the login page, the language switch, static files,
# the icon browsers ask for, and the provinces' public results pages.
PUBLIC_PREFIXES = ("/accounts/login/", "/i18n/", "/" + settings.STATIC_URL.lstrip("/"), "/healthz",
                   "/favicon.ico", "/public/")


class LoginRequiredMiddleware:
    """Every page needs a signed-in user unless it is listed as public."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.user.is_authenticated and not request.path.startswith(PUBLIC_PREFIXES):
            if request.path.startswith("/admin/"):
                return self.get_response(request)  # the admin has its own login
            if wants_json(request):
                return session_ended(request, status=401)
            return redirect_to_login(request.get_full_path())
        return self.get_response(request)


def wants_json(request):
    """A page's script (autosave) rather than the page itself: a redirect to
    the login page would reach it as HTML it cannot read, and it would say
    "connection lost" while the figures typed live only in the page."""
    return "application/json" in request.headers.get("Accept", "") or "X-CSRFToken" in request.headers


def session_ended(request, status):
    """What a page's script is told when its session has ended (or its CSRF
    token with it): say so, and where to sign in again, back to the page."""
    page = _calling_page(request)
    return JsonResponse({
        "ok": False, "expired": True,
        "message": _("Your session has ended. The figures just typed are not saved yet: sign in again "
                     "(in a new tab), then Treem saves them."),
        "login_url": redirect_to_login(page).url if page else resolve_url(settings.LOGIN_URL),
    }, status=status)


def _calling_page(request):
    """The page the script runs on (its Referer, when it is this site's),
    where signing in again should lead; else the address asked for, when
    it is a page (a GET), not an address only a script posts to."""
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()},
                                                   require_https=request.is_secure()):
        parts = urlsplit(referer)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return request.get_full_path() if request.method == "GET" else None


class LanguageMiddleware:
    """Vietnamese unless the user chose English with the switch (a cookie).

    Django's LocaleMiddleware would follow the browser's Accept-Language, and
    most government machines run English-language browsers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if request.path.startswith("/public/"):
            # The public pages carry their language in the address (?lang=en):
            # switching sets no cookie, so proxies may keep them.
            chosen = request.GET.get("lang") or chosen
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
