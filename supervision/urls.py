from django.urls import path

from . import views

app_name = "supervision"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("team/", views.team, name="team"),
    path("<uuid:pk>/", views.review, name="review"),
    path("<uuid:pk>/comment/", views.add_comment, name="comment"),
    path("<uuid:pk>/decide/", views.decide, name="decide"),
    path("<uuid:pk>/return/", views.return_for_reflection, name="return"),
    path("<uuid:pk>/sign-off/", views.sign_off, name="sign_off"),
    path("<uuid:pk>/discussed/", views.record_discussion, name="discussed"),
]
