from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_FAILURES = 5
LOCK_SECONDS = 15 * 60


class ThrottledAuthenticationForm(AuthenticationForm):
    """Five wrong passwords for one account lock it for fifteen minutes, so a
    password cannot be guessed from the intranet."""

    def _key(self):
        return "login-failures:" + (self.data.get("username") or "").strip().casefold()

    def clean(self):
        cache = caches["shared"]  # every server process counts the same failures
        if cache.get(self._key(), 0) >= MAX_FAILURES:
            raise ValidationError(
                _("Too many wrong passwords for this account. Try again in 15 minutes."), code="locked"
            )
        try:
            cleaned = super().clean()
        except ValidationError:
            try:
                cache.incr(self._key())
            except ValueError:
                cache.set(self._key(), 1, LOCK_SECONDS)
            raise
        cache.delete(self._key())
        return cleaned


class ThrottledAdminAuthenticationForm(ThrottledAuthenticationForm, AdminAuthenticationForm):
    """The admin's own sign-in page counts wrong passwords the same way."""
