from django.contrib.auth.backends import ModelBackend

from .models import User


class UserWithUnitBackend(ModelBackend):
    """Django's own, reading the signed-in user's unit in the same query:
    nearly every page checks what the user's unit may see."""

    def get_user(self, user_id):
        user = User._default_manager.select_related("unit").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
