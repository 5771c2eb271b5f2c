from django.urls import path

from . import views

app_name = "guidance"

urlpatterns = [
    path("", views.GuidanceHomeView.as_view(), name="home"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("changes/", views.ChangesView.as_view(), name="changes"),
    path("changes/<int:pk>/", views.AmendmentRedirectView.as_view(), name="amendment"),
    path("resources/", views.ResourceListView.as_view(), name="resources"),
    path("resources/<slug:slug>/", views.ResourceDetailView.as_view(), name="resource"),
    path("themes/<slug:slug>/", views.ThemeDetailView.as_view(), name="theme"),
    path("<slug:slug>/", views.KnowledgeBiteDetailView.as_view(), name="bite"),
]
