from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.urls import reverse

from guidance.models import MARKDOWN_HELP, BiteContentQuerySet, KnowledgeBite, Theme


class CaseStudyQuerySet(BiteContentQuerySet):
    """Case studies follow their bite: drafts are for editors only."""


class LearningPointQuerySet(BiteContentQuerySet):
    bite_path = "case_study__knowledge_bite"


class CaseStudy(models.Model):
    knowledge_bite = models.ForeignKey(
        KnowledgeBite,
        on_delete=models.CASCADE,
        related_name="case_studies",
        help_text="The bite that presents this case study.",
    )
    slug = models.SlugField(max_length=120, unique=True, help_text="Part of the page address.")
    title = models.CharField(max_length=200, help_text="Use the names the published review uses.")
    partnership = models.CharField(max_length=200, help_text="The safeguarding partnership that ran the review.")
    review_type = models.CharField(max_length=200, help_text="e.g. Local child safeguarding practice review.")
    published = models.DateField(null=True, blank=True, help_text="When the review was published.")
    summary = models.TextField(help_text=MARKDOWN_HELP)
    what_cafcass_knew = models.TextField(blank=True, help_text=MARKDOWN_HELP)
    what_happened = models.TextField(blank=True, help_text=MARKDOWN_HELP)
    learning_intro = models.TextField(blank=True, help_text="Introduces the learning points. " + MARKDOWN_HELP)
    sources = models.TextField(blank=True, help_text="Where to read the review. " + MARKDOWN_HELP)
    themes = models.ManyToManyField(Theme, related_name="case_studies", blank=True, help_text="Themes it illustrates.")
    order = models.PositiveSmallIntegerField(default=0, help_text="Order in lists.")
    # Filled and GIN-indexed by a PostgreSQL trigger (see migrations); unused on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = CaseStudyQuerySet.as_manager()

    class Meta:
        ordering = ["order", "title"]
        verbose_name_plural = "case studies"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("casestudies:detail", kwargs={"slug": self.slug})


class LearningPoint(models.Model):
    case_study = models.ForeignKey(CaseStudy, on_delete=models.CASCADE, related_name="learning_points")
    key = models.SlugField(max_length=120, help_text="Stable name within the case study, used by checklists.")
    order = models.PositiveSmallIntegerField(default=0, help_text="Learning points show in this order.")
    text = models.TextField(help_text=MARKDOWN_HELP)
    theme = models.ForeignKey(
        Theme,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="learning_points",
        help_text="The learning theme this point relates to, if any.",
    )
    # Filled and GIN-indexed by a PostgreSQL trigger (see migrations); unused on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = LearningPointQuerySet.as_manager()

    class Meta:
        ordering = ["case_study", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["case_study", "key"], name="learning_point_unique_key")]

    def __str__(self) -> str:
        return f"{self.case_study}: {self.key}"

    def get_absolute_url(self) -> str:
        return f"{self.case_study.get_absolute_url()}#lp-{self.key}"
