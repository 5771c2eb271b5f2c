from django.contrib import admin
from django.urls import include, path

from accounts import views as account_views
from checklists import views as checklist_views
from sso import views as sso_views

from . import health

urlpatterns = [
    path("", checklist_views.home, name="home"),
    # Sign-out also ends the identity provider's session for someone who signed in there.
    path("accounts/logout/", sso_views.SignOutView.as_view(), name="logout"),
    path("accounts/", include("accounts.urls")),
    path("sso/", include("sso.urls")),
    path("guidance/", include("guidance.urls")),
    path("case-studies/", include("casestudies.urls")),
    path("checklists/", include("checklists.urls")),
    path("supervision/", include("supervision.urls")),
    path("insight/", include("insight.urls")),
    path("", include("actions.urls")),
    path("healthz/live", health.live, name="health_live"),
    path("healthz/ready", health.ready, name="health_ready"),
    # Before the admin's own URLs: staff sign in on the one sign-in page.
    path("admin/login/", account_views.admin_login),
    path("admin/", admin.site.urls),
]

handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"
