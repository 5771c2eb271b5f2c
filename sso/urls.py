from django.urls import path

from . import views

app_name = "sso"

urlpatterns = [
    path("sign-in/", views.StartView.as_view(), name="start"),
    path("callback/", views.CallbackView.as_view(), name="callback"),
    path("signed-out/", views.SignedOutView.as_view(), name="signed_out"),
    path("no-team/", views.NoTeamView.as_view(), name="no_team"),
]
