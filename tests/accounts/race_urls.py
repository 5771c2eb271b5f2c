"""The whole site, plus /held/<path>: the same page, held at a gate until the test opens it.

Mounted with @pytest.mark.urls by test_revocation_race.py, so that a request can be in flight,
signed in and past its permission checks, while the test takes that person's access away.
"""

import threading
from contextlib import nullcontext

from django.db import transaction
from django.urls import path, resolve

from config import urls as site


class Gate:
    def __init__(self):
        self.entered = threading.Event()
        self.opened = threading.Event()


gate = Gate()


@transaction.non_atomic_requests  # wait outside a transaction: on SQLite it would hold the write lock
def held(request, rest):
    user = request.user
    # What a request has read by the time it acts: the person, their roles and their permissions.
    (user.is_supervisor, user.is_content_editor, user.get_all_permissions())
    gate.entered.set()
    if not gate.opened.wait(timeout=20):
        raise RuntimeError("The test never opened the gate.")
    match = resolve(f"/{rest}")
    # Then the page's own view, in a transaction as ATOMIC_REQUESTS would have run it.
    atomic = nullcontext() if getattr(match.func, "_non_atomic_requests", None) else transaction.atomic()
    with atomic:
        return match.func(request, *match.args, **match.kwargs)


urlpatterns = [path("held/<path:rest>", held), *site.urlpatterns]

handler400 = site.handler400
handler403 = site.handler403
handler404 = site.handler404
handler500 = site.handler500
