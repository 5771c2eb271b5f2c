from django.db.models import Prefetch
from django.urls import reverse
from django.views.generic import DetailView, ListView

from guidance import amendments
from guidance.models import Theme
from guidance.views import GuidancePageMixin, with_page_number

from .models import CaseStudy, LearningPoint


def case_studies_crumb() -> tuple[str, str]:
    return ("Case studies", reverse("casestudies:list"))


class CaseStudyListView(GuidancePageMixin, ListView):
    template_name = "casestudies/_list_content.html"
    context_object_name = "case_studies"
    paginate_by = 20

    def get_queryset(self):
        return (
            CaseStudy.objects.visible_to(self.request.user)
            .select_related("knowledge_bite")
            .prefetch_related(Prefetch("themes", queryset=Theme.objects.order_by("number")))
            .order_by("order", "title")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["breadcrumbs"] = [("Home", reverse("home")), ("Case studies", None)]
        return context

    def page_title(self, context) -> str:
        return with_page_number("Case studies", context.get("page_obj"))


class CaseStudyDetailView(GuidancePageMixin, DetailView):
    template_name = "casestudies/_detail_content.html"
    context_object_name = "case_study"

    def get_queryset(self):
        return (
            CaseStudy.objects.visible_to(self.request.user)
            .select_related("knowledge_bite")
            .prefetch_related(
                Prefetch("themes", queryset=Theme.objects.order_by("number")),
                Prefetch(
                    "learning_points",
                    queryset=LearningPoint.objects.select_related("theme").order_by("order", "id"),
                ),
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["bite"] = self.object.knowledge_bite
        context["amendments"] = amendments.for_subject(self.object, self.request.user)
        context["breadcrumbs"] = [("Home", reverse("home")), case_studies_crumb(), (self.object.title, None)]
        return context

    def page_title(self, context) -> str:
        return f"Case study: {self.object.title}"
