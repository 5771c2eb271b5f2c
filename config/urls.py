from django.contrib import admin
from django.urls import include, path

from checklists import views as checklist_views

from . import health

urlpatterns = [
    path("", checklist_views.home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("guidance/", include("guidance.urls")),
    path("case-studies/", include("casestudies.urls")),
    path("checklists/", include("checklists.urls")),
    path("supervision/", include("supervision.urls")),
    path("", include("actions.urls")),
    path("healthz/live", health.live, name="health_live"),
    path("healthz/ready", health.ready, name="health_ready"),
    path("admin/", admin.site.urls),
]

handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"
