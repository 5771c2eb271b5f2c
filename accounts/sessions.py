"""Sessions kept as Django's cached_db keeps them, loaded together with what a request reads next.

Loading a session fetches, in the same round trip, the cache versions and the person's cached
user (config.prefetch). Whose session it is comes from the last time this process loaded it: a
session new to the process fetches the versions only, and a guess that turns out wrong costs
nothing, since the user backend only takes the copy under its own person's key.
"""

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends import cached_db
from django.core.cache import DEFAULT_CACHE_ALIAS

from config import prefetch
from guidance.cache import RecentPages

from .backends import user_cache_key

# The person each recently loaded session belongs to, by session key (held in this process only).
_person_of_session = RecentPages(size=10_000)


class SessionStore(cached_db.SessionStore):
    def load(self):
        key = self.cache_key
        extra = self._keys_to_fetch_with()
        try:
            found = self._cache.get_many([key, *extra])
        except Exception:  # noqa: BLE001 - as Django's own load: a cache that fails means a fresh read
            found = {}
        prefetch.keep(found, extra)
        data = found.get(key)
        if data is None:
            data = super().load()  # from the database, and back into the cache
        person = data.get(SESSION_KEY)
        if person is not None:
            _person_of_session.put(self.session_key, person)
        return data

    def _keys_to_fetch_with(self) -> list[str]:
        # The versions and users live in the default cache: fetch them only if sessions do too.
        if settings.SESSION_CACHE_ALIAS != DEFAULT_CACHE_ALIAS:
            return []
        keys = prefetch.keys_with_session()
        person = _person_of_session.get(self.session_key)
        if person is not None and settings.AUTH_USER_CACHE_SECONDS:
            keys.append(user_cache_key(person))
        return keys
