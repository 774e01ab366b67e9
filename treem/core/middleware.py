from django.conf import settings
from django.contrib.auth.views import redirect_to_login

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
            return redirect_to_login(request.get_full_path())
        return self.get_response(request)


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
