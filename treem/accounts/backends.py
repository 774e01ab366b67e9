from django.contrib.auth.backends import ModelBackend

from .models import User


class UserWithUnitBackend(ModelBackend):
    """Django's own, reading the signed-in user's unit in the same query:
    nearly every page checks what the user's unit may see."""

    def get_user(self, user_id):
        # get(), not first(): an ORDER BY on every request costs more than it seems.
        try:
            user = User._default_manager.select_related("unit").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
