"""Sign-in by username and password (Django's ``ModelBackend``); the signed-in user is read on
every request with SQL compiled once (``core.memo.kept_instance``)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from core.memo import kept_instance


class UserBackend(ModelBackend):
    def get_user(self, user_id):
        model = get_user_model()
        if type(user_id) is not int:
            return super().get_user(user_id)
        user = kept_instance(model, ("user",), lambda pk: model._default_manager.filter(pk=pk), user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
