from django.contrib.auth.decorators import login_not_required
from django.db import connection, transaction
from django.http import JsonResponse
from django.views.decorators.cache import never_cache


@login_not_required
@never_cache
@transaction.non_atomic_requests
def live(request):
    """The process is up. Touches no database, so it is safe for a liveness probe."""
    return JsonResponse({"status": "ok"})


@login_not_required
@never_cache
@transaction.non_atomic_requests
def ready(request):
    """The app can serve: the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means not ready
        return JsonResponse({"status": "unavailable", "database": "error"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
