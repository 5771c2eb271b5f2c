"""Case studies and their learning points in guidance's search (registered from AppConfig.ready)."""

from guidance.search import SearchSource, register

from .models import CaseStudy, LearningPoint


def register_sources() -> None:
    register(
        SearchSource(
            key="case-studies",
            label="Case studies",
            order=40,
            queryset=lambda user: CaseStudy.objects.visible_to(user),
            body_fields=("summary", "what_cafcass_knew", "what_happened", "learning_intro"),
            describe=lambda case_study: {
                "url": case_study.get_absolute_url(),
                "context": f"{case_study.review_type}, {case_study.partnership}",
            },
        )
    )
    register(
        SearchSource(
            key="case-study-learning",
            label="Learning from case studies",
            order=50,
            queryset=lambda user: LearningPoint.objects.visible_to(user).select_related("case_study"),
            title_field=None,
            body_fields=("text",),
            describe=lambda point: {
                "url": point.get_absolute_url(),
                "title": f"Learning from the {point.case_study.title} case study",
                "context": "Case study learning",
            },
        )
    )
