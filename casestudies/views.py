from django.views.generic import ListView

from .models import CaseStudy


class CaseStudyListView(ListView):
    template_name = "casestudies/list.html"
    context_object_name = "case_studies"
    paginate_by = 20

    def get_queryset(self):
        return CaseStudy.objects.visible_to(self.request.user).order_by("order", "title")
