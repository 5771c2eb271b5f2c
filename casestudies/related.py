"""The case studies panel on guidance's bite and theme pages (registered from AppConfig.ready)."""

from django.db.models import Prefetch, Q

from guidance import related

from .models import CaseStudy, LearningPoint


def case_studies_for_theme(theme, user) -> list[CaseStudy]:
    """Case studies that illustrate the theme, or have learning tied to it, with that learning."""
    theme_learning = LearningPoint.objects.filter(theme=theme).order_by("order", "id")
    # Subqueries, not joins: joining both relations repeats each case study, and DISTINCT over
    # their long texts costs more than the rest of the query.
    illustrates = CaseStudy.themes.through.objects.filter(theme=theme).values("casestudy_id")
    has_learning = theme_learning.values("case_study_id")
    return list(
        CaseStudy.objects.visible_to(user)
        .filter(Q(pk__in=illustrates) | Q(pk__in=has_learning))
        .prefetch_related(Prefetch("learning_points", queryset=theme_learning, to_attr="theme_learning"))
        .order_by("order", "title")
    )


def case_studies_for_bite(bite, user) -> list[CaseStudy]:
    return list(CaseStudy.objects.visible_to(user).filter(knowledge_bite=bite).order_by("order", "title"))


def register_panels() -> None:
    related.register(
        related.Panel(
            key="case-studies",
            title="Case studies",
            template_name="casestudies/_related.html",
            for_theme=case_studies_for_theme,
            for_bite=case_studies_for_bite,
            order=10,
        )
    )
