from django.urls import path

from . import views

app_name = "guidance"

urlpatterns = [
    path("", views.GuidanceHomeView.as_view(), name="home"),
    path("search/", views.search, name="search"),
]
