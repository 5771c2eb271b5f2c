from django.shortcuts import render
from django.views.generic import TemplateView


class GuidanceHomeView(TemplateView):
    template_name = "guidance/home.html"


def search(request):
    return render(request, "guidance/search.html", {"query": request.GET.get("q", "")})
