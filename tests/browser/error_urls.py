"""The project's URLs, plus three that fail on purpose, so that the browser tests can see every error page."""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from config import urls as project_urls


@login_not_required
def forbidden(request):
    raise PermissionDenied("Only supervisors can do that.")


@login_not_required
def bad_request(request):
    raise SuspiciousOperation("Tampered with.")


@login_not_required
def broken(request):
    raise RuntimeError("A failure the browser tests cause on purpose.")


urlpatterns = [
    path("test-errors/403/", forbidden),
    path("test-errors/400/", bad_request),
    path("test-errors/500/", broken),
    *project_urls.urlpatterns,
]
handler400 = project_urls.handler400
handler403 = project_urls.handler403
handler404 = project_urls.handler404
handler500 = project_urls.handler500
