"""How the HTML floors find the signed-in user, the way a Django page does, without Django.

The session key from the cookie; the session from Redis when REDIS_URL is set (the app's sessions
are then ``cached_db``, kept under the cache's key prefix) or else from ``django_session``, its
signature checked; then the user's row, active, with the session's password hash checked as
Django's ``get_user`` does.
"""

import hmac
import pickle
from http.cookies import SimpleCookie

from django.core.signing import JSONSerializer, TimestampSigner
from django.utils.crypto import salted_hmac

SESSION_SALT = "django.contrib.sessions.SessionStore"
HASH_SALT = "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash"


class SessionReader:
    def __init__(self, secret_key, redis_url=None, cache_prefix="bienche"):
        self.secret_key = secret_key
        self.signer = TimestampSigner(key=secret_key, salt=SESSION_SALT, fallback_keys=[])
        self.redis = None
        if redis_url:
            import redis

            self.redis = redis.Redis.from_url(redis_url)
        self.cache_key = f"{cache_prefix}:1:django.contrib.sessions.cached_db"

    def session(self, key, cur):
        if self.redis is not None:
            raw = self.redis.get(self.cache_key + key)
            if raw is not None:
                # Django's Redis cache stores pickles (the session dict, already decoded).
                return pickle.loads(raw)  # noqa: S301 — written by the app's own cache
        cur.execute("SELECT session_data FROM django_session WHERE session_key = %s AND expire_date > now()", (key,))
        row = cur.fetchone()
        return self.signer.unsign_object(row[0], serializer=JSONSerializer) if row else None

    def user(self, environ, cur, columns):
        """The signed-in user's row: ``columns`` (SQL) of ``accounts_user``, or None."""
        cookie = SimpleCookie(environ.get("HTTP_COOKIE", ""))
        if "sessionid" not in cookie:
            return None
        session = self.session(cookie["sessionid"].value, cur)
        if not session or "_auth_user_id" not in session:
            return None
        cur.execute(
            f"SELECT password, {columns} FROM accounts_user WHERE id = %s AND is_active",
            (int(session["_auth_user_id"]),),
        )
        row = cur.fetchone()
        if row is None:
            return None
        expected = salted_hmac(HASH_SALT, row[0], secret=self.secret_key, algorithm="sha256").hexdigest()
        if not hmac.compare_digest(expected, session.get("_auth_user_hash", "")):
            return None
        return row[1:]
