"""What a request reads from the shared cache, fetched in the same round trip as its session.

Before its view does anything of its own, a signed-in request reads its session from Redis, then
its user, then the cache versions that key its pages: three round trips one after another, most
of them spent waiting: sampled under load, about a quarter of a worker's time. The session store
(accounts.sessions) asks for all three at once. The user backend and the versions take their value
from what came back, once, and ask the cache as before for anything not fetched.

What was fetched belongs to one request (`PrefetchMiddleware`) and is taken at most once. A key
the request changes is dropped first (`discard`), so that a later read sees the change.
"""

from contextvars import ContextVar

# Read by nearly every request: fetched with every session.
_with_every_session: list[str] = []
# For the request under way: key -> value, or None for a key the cache did not hold.
_fetched: ContextVar[dict | None] = ContextVar("prefetched_from_cache", default=None)
NOT_FETCHED = object()


def fetch_with_sessions(key: str) -> None:
    """Fetch `key` with every session from now on."""
    if key not in _with_every_session:
        _with_every_session.append(key)


def keys_with_session() -> list[str]:
    return list(_with_every_session)


def keep(found: dict, keys: list[str]) -> None:
    """Keep what a fetch of `keys` found, for the request under way (if there is one)."""
    fetched = _fetched.get()
    if fetched is not None:
        for key in keys:
            fetched[key] = found.get(key)


def take(key: str):
    """The value fetched for `key` in this request, or None if the cache did not hold it; once.

    NOT_FETCHED when it was not fetched (or was taken already): ask the cache.
    """
    fetched = _fetched.get()
    if fetched is None:
        return NOT_FETCHED
    return fetched.pop(key, NOT_FETCHED)


def discard(keys) -> None:
    """Forget what was fetched for `keys`: the request is changing them."""
    fetched = _fetched.get()
    if fetched:
        for key in keys:
            fetched.pop(key, None)


class PrefetchMiddleware:
    """Gives each request its own place for what is fetched with its session, and clears it after."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _fetched.set({})
        try:
            return self.get_response(request)
        finally:
            _fetched.reset(token)
