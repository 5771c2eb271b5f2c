from django.urls import path

from . import views

app_name = "checklists"

urlpatterns = [
    path("", views.checklist_list, name="list"),
    path("<uuid:pk>/", views.checklist_detail, name="detail"),
]
