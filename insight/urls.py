from django.urls import path

from . import views

app_name = "insight"

urlpatterns = [
    path("", views.overview, name="home"),
    path("download/<slug:table>.csv", views.download, name="download"),
]
