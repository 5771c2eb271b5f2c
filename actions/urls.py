from django.urls import path

from . import cases, tracking, views

app_name = "actions"

# Mounted at the site root: a checklist's actions live under the checklist's own address.
urlpatterns = [
    path("actions/", tracking.action_list, name="list"),
    path("actions/<int:pk>/", tracking.action_detail, name="detail"),
    path("actions/<int:pk>/close/", tracking.close, name="close"),
    path("checklists/<uuid:pk>/case/", cases.case, name="case"),
    path("checklists/<uuid:pk>/actions/add/<slug:key>/", views.add, name="add"),
    path("checklists/<uuid:pk>/actions/<int:action_pk>/", views.change, name="change"),
    path("checklists/<uuid:pk>/actions/<int:action_pk>/remove/", views.remove, name="remove"),
]
