from django.urls import path

from . import views

app_name = "actions"

# Mounted at the site root: a checklist's actions live under the checklist's own address.
urlpatterns = [
    path("checklists/<uuid:pk>/actions/add/<slug:key>/", views.add, name="add"),
    path("checklists/<uuid:pk>/actions/<int:action_pk>/", views.change, name="change"),
    path("checklists/<uuid:pk>/actions/<int:action_pk>/remove/", views.remove, name="remove"),
]
