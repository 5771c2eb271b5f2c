"""The admin site: Practice Hub's titles, and each person's navigation built once per process.

Every admin page lists the apps and models that the person may use, in the navigation sidebar
and on the index. Django builds that list on every request: a permission check and two URL
lookups for each registered model. It depends only on what the person may do (whether they
are active, staff or a superuser, and their permissions, their groups' included) and on their
language, so it is kept under those, and people with the same permissions share one. A change of
role or permissions gives a new key at once.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.urls import get_script_prefix
from django.utils import translation

from guidance.cache import RecentPages


class PracticeHubAdminSite(admin.AdminSite):
    site_header = "Practice Hub administration"
    site_title = "Practice Hub admin"
    index_title = "Content and accounts"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._app_lists = RecentPages(size=256)

    def get_app_list(self, request, app_label=None):
        user = request.user
        permissions = None if user.is_superuser else frozenset(user.get_all_permissions())
        key = (
            app_label,
            user.is_active,
            user.is_staff,
            user.is_superuser,
            permissions,
            translation.get_language(),
            get_script_prefix(),
        )
        app_list = self._app_lists.get(key)
        if app_list is None:
            app_list = super().get_app_list(request, app_label)
            self._app_lists.put(key, app_list)
        return app_list


class PracticeHubAdminConfig(AdminConfig):
    default_site = "config.admin_site.PracticeHubAdminSite"
