"""The admin site with Practice Hub's titles."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig


class PracticeHubAdminSite(admin.AdminSite):
    site_header = "Practice Hub administration"
    site_title = "Practice Hub admin"
    index_title = "Content and accounts"


class PracticeHubAdminConfig(AdminConfig):
    default_site = "config.admin_site.PracticeHubAdminSite"
