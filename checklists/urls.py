from django.urls import path

from . import views

app_name = "checklists"

urlpatterns = [
    path("", views.checklist_list, name="list"),
    path("start/", views.start, name="start"),
    path("start/<slug:slug>/", views.details, name="details"),
    path("<uuid:pk>/", views.checklist_detail, name="detail"),
    path("<uuid:pk>/details/", views.edit_details, name="edit_details"),
    path("<uuid:pk>/resume/", views.resume, name="resume"),
    path("<uuid:pk>/steps/<int:number>/", views.step, name="step"),
    path("<uuid:pk>/answers/", views.autosave, name="autosave"),
    path("<uuid:pk>/check/", views.check_answers, name="check"),
    path("<uuid:pk>/submit/", views.submit, name="submit"),
    path("<uuid:pk>/submitted/", views.submitted, name="submitted"),
    path("<uuid:pk>/delete/", views.delete, name="delete"),
    path("<uuid:pk>/export.pdf", views.export_pdf, name="export"),
    path("guidance-notices/<int:pk>/dismiss/", views.dismiss_guidance_notice, name="dismiss_guidance_notice"),
]
