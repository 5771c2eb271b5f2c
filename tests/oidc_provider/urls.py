from django.contrib.auth.views import LoginView
from django.http import HttpResponse
from django.urls import include, path

urlpatterns = [
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
    path("login/", LoginView.as_view(template_name="provider/login.html"), name="login"),
    # Browsers ask for it; a 404 would show as an error in the browser tests' console.
    path("favicon.ico", lambda request: HttpResponse(status=204)),
]
