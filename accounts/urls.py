from django.urls import path

from . import passwords, two_factor, views

urlpatterns = [
    path("", views.account, name="account"),
    path("login/", views.SignInView.as_view(), name="login"),
    path("two-factor/", two_factor.verify, name="two_factor_verify"),
    path("two-factor/set-up/", two_factor.setup, name="two_factor_setup"),
    path("two-factor/backup-codes/", two_factor.backup_codes, name="two_factor_backup_codes"),
    path("two-factor/cancel/", two_factor.cancel, name="two_factor_cancel"),
    path("password/change/", passwords.ChangePasswordView.as_view(), name="password_change"),
    path("password/reset/", passwords.RequestResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", passwords.ResetSentView.as_view(), name="password_reset_done"),
    path("password/reset/<uidb64>/<token>/", passwords.ResetConfirmView.as_view(), name="password_reset_confirm"),
    path("password/reset/done/", passwords.ResetDoneView.as_view(), name="password_reset_complete"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    path("session/keep-alive/", views.keep_alive, name="keep_alive"),
    path("session/status/", views.session_status, name="session_status"),
]
