from django.urls import path

from . import supervision_views as views

app_name = "supervision"

urlpatterns = [
    path("", views.queue, name="queue"),
]
