"""Error pages in the service's own style. Each marks itself exempt from sign-in."""

from django.contrib.auth.decorators import login_not_required
from django.views import defaults


@login_not_required
def bad_request(request, exception):
    return defaults.bad_request(request, exception, template_name="400.html")


@login_not_required
def permission_denied(request, exception):
    return defaults.permission_denied(request, exception, template_name="403.html")


@login_not_required
def page_not_found(request, exception):
    return defaults.page_not_found(request, exception, template_name="404.html")


@login_not_required
def server_error(request):
    return defaults.server_error(request, template_name="500.html")
