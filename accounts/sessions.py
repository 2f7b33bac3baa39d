"""Sessions in the database (``SESSION_ENGINE = "accounts.sessions"``), read on every request with
SQL compiled once (``core.memo.kept_instance``); everything else is Django's database backend."""

from django.contrib.sessions.backends import db
from django.utils import timezone

from core.memo import kept_instance


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        model = self.model
        key = self.session_key
        session = None
        if isinstance(key, str):
            session = kept_instance(model, ("session",), lambda k: model.objects.filter(session_key=k), key)
        # Expiry is checked here rather than in the query: the key is the query's only value.
        if session is None or session.expire_date <= timezone.now():
            self._session_key = None
            return None
        return session
