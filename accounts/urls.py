from django.urls import path

from . import views

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    path("session/keep-alive/", views.keep_alive, name="keep_alive"),
    path("session/status/", views.session_status, name="session_status"),
]
