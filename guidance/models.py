import re
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

MARKDOWN_HELP = "Markdown: blank line between paragraphs, '- ' for bullets, **bold**. HTML is removed."


# Guidance pages whose addresses a bite's slug would otherwise shadow (/guidance/<slug>/).
RESERVED_BITE_SLUGS = frozenset({"search", "resources", "themes", "changes"})


def validate_bite_slug(value: str) -> None:
    if value in RESERVED_BITE_SLUGS:
        raise ValidationError(f"'{value}' is the address of another guidance page. Choose another slug.")


class KnowledgeBiteQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=KnowledgeBite.Status.PUBLISHED)

    def visible_to(self, user):
        """Editors preview drafts; everyone else sees published bites only."""
        if getattr(user, "is_content_editor", False):
            return self
        return self.published()


class BiteContentQuerySet(models.QuerySet):
    """Content that belongs to a bite is visible exactly when its bite is."""

    bite_path = "knowledge_bite"

    def visible_to(self, user):
        if getattr(user, "is_content_editor", False):
            return self
        return self.filter(**{f"{self.bite_path}__status": KnowledgeBite.Status.PUBLISHED})


class PracticePointQuerySet(BiteContentQuerySet):
    bite_path = "theme__knowledge_bite"


class ResourceQuerySet(BiteContentQuerySet):
    def visible_to(self, user):
        """A resource that no bite recommends is shown to everyone; otherwise it follows its bite."""
        if getattr(user, "is_content_editor", False):
            return self
        return self.filter(
            models.Q(knowledge_bite__isnull=True) | models.Q(knowledge_bite__status=KnowledgeBite.Status.PUBLISHED)
        )


class KnowledgeBite(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    slug = models.SlugField(
        max_length=120, unique=True, validators=[validate_bite_slug], help_text="Part of the page address."
    )
    title = models.CharField(max_length=200, help_text="As FCAs will see it.")
    source_report = models.CharField(max_length=200, help_text="The report or review this bite summarises.")
    source_published = models.DateField(null=True, blank=True, help_text="When the source report was published.")
    created = models.DateField(null=True, blank=True, help_text="When this Knowledge Bite was first written.")
    last_reviewed = models.DateField(null=True, blank=True, help_text="When the content was last checked.")
    review_due = models.DateField(null=True, blank=True, help_text="When the content must next be checked.")
    status = models.CharField(
        max_length=20,
        choices=Status.choices,
        default=Status.DRAFT,
        help_text="Only published bites are shown to FCAs.",
    )
    summary = models.TextField(blank=True, help_text=MARKDOWN_HELP)
    foreword_quote = models.TextField(blank=True, help_text="A quotation to open the bite with, without quote marks.")
    foreword_attribution = models.CharField(max_length=200, blank=True, help_text="Who said the quotation.")
    updated_at = models.DateTimeField(auto_now=True)

    objects = KnowledgeBiteQuerySet.as_manager()

    class Meta:
        ordering = ["-source_published", "title"]
        indexes = [models.Index(fields=["status", "-source_published"], name="bite_status_published")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("guidance:bite", kwargs={"slug": self.slug})

    @property
    def review_overdue(self) -> bool:
        return self.review_due is not None and self.review_due < timezone.localdate()


class Section(models.Model):
    """Context a bite gives outside its themes: the Panel, Covid-19, diversity, and so on."""

    knowledge_bite = models.ForeignKey(KnowledgeBite, on_delete=models.CASCADE, related_name="sections")
    slug = models.SlugField(max_length=120, help_text="Anchor on the bite page.")
    order = models.PositiveSmallIntegerField(default=0, help_text="Sections show in this order.")
    title = models.CharField(max_length=200)
    body = models.TextField(help_text=MARKDOWN_HELP)
    # Filled and GIN-indexed by a PostgreSQL trigger (see migrations); unused on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = BiteContentQuerySet.as_manager()

    class Meta:
        ordering = ["knowledge_bite", "order"]
        constraints = [models.UniqueConstraint(fields=["knowledge_bite", "slug"], name="section_unique_slug")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"{self.knowledge_bite.get_absolute_url()}#{self.slug}"


class Theme(models.Model):
    knowledge_bite = models.ForeignKey(KnowledgeBite, on_delete=models.CASCADE, related_name="themes")
    number = models.PositiveSmallIntegerField(help_text="Learning theme number within the bite, from 1.")
    slug = models.SlugField(max_length=120, unique=True, help_text="Part of the page address.")
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True, help_text="One or two sentences for lists. " + MARKDOWN_HELP)
    key_messages = models.TextField(blank=True, help_text=MARKDOWN_HELP)
    why_it_matters = models.TextField(blank=True, help_text="Why this matters for FCAs. " + MARKDOWN_HELP)
    # Filled and GIN-indexed by a PostgreSQL trigger (see migrations); unused on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = BiteContentQuerySet.as_manager()

    class Meta:
        ordering = ["knowledge_bite", "number"]
        constraints = [models.UniqueConstraint(fields=["knowledge_bite", "number"], name="theme_unique_number")]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("guidance:theme", kwargs={"slug": self.slug})


class PracticePoint(models.Model):
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="practice_points")
    key = models.SlugField(max_length=120, help_text="Stable name within the theme, used by checklists.")
    order = models.PositiveSmallIntegerField(default=0, help_text="Practice points show in this order.")
    title = models.CharField(max_length=200)
    body = models.TextField(help_text=MARKDOWN_HELP)
    # Filled and GIN-indexed by a PostgreSQL trigger (see migrations); unused on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = PracticePointQuerySet.as_manager()

    class Meta:
        ordering = ["theme", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["theme", "key"], name="practice_point_unique_key")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"{self.theme.get_absolute_url()}#pp-{self.key}"


class KeyFact(models.Model):
    """One figure from a report, with enough context to chart it and never show it bare."""

    knowledge_bite = models.ForeignKey(KnowledgeBite, on_delete=models.CASCADE, related_name="key_facts")
    theme = models.ForeignKey(
        Theme,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="key_facts",
        help_text="The learning theme this figure supports, if any.",
    )
    section = models.ForeignKey(
        Section,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="key_facts",
        help_text="The section this figure belongs to, if not a theme.",
    )
    key = models.SlugField(max_length=120, help_text="Stable name, used by checklists and prompts.")
    group = models.CharField(max_length=200, help_text="Figures in one group are charted together; give them one unit.")
    order = models.PositiveSmallIntegerField(default=0, help_text="Order within the group.")
    label = models.CharField(max_length=200, help_text="What is counted, e.g. 'Domestic abuse'.")
    value = models.DecimalField(max_digits=10, decimal_places=1, help_text="The figure, e.g. 42.6.")
    unit = models.CharField(max_length=40, help_text="'%' or a count noun such as 'incidents'.")
    note = models.TextField(blank=True, help_text="Context: the population or denominator the figure is about.")
    # Filled and GIN-indexed by a PostgreSQL trigger (see migrations); unused on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = BiteContentQuerySet.as_manager()

    class Meta:
        ordering = ["knowledge_bite", "group", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["knowledge_bite", "key"], name="key_fact_unique_key")]

    def __str__(self) -> str:
        return f"{self.label}: {self.display_value}"

    def get_absolute_url(self) -> str:
        return f"{self.knowledge_bite.get_absolute_url()}#fact-{self.key}"

    @property
    def display_value(self) -> str:
        number = f"{Decimal(self.value).normalize():f}"
        return f"{number}%" if self.unit == "%" else f"{number} {self.unit}"


class Resource(models.Model):
    class Kind(models.TextChoices):
        ELEARNING = "elearning", "eLearning"
        KNOWLEDGE_BITE = "knowledge_bite", "Knowledge Bite"
        POLICY = "policy", "Policy"
        TOOL = "tool", "Tool"
        SERVICE = "service", "Service"
        WEBINAR = "webinar", "Webinar"
        FURTHER_READING = "further_reading", "Further reading"

    class Availability(models.TextChoices):
        AVAILABLE = "available", "Available"
        INTERNAL = "internal", "Internal (on the Cafcass intranet)"
        COMING_SOON = "coming_soon", "Coming soon"

    knowledge_bite = models.ForeignKey(
        KnowledgeBite,
        on_delete=models.CASCADE,
        related_name="resources",
        null=True,
        blank=True,
        help_text="The bite that recommends this resource.",
    )
    slug = models.SlugField(max_length=120, unique=True, help_text="Stable name.")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, help_text="What sort of resource it is.")
    url = models.URLField(blank=True, help_text="Public address. Leave blank for internal or coming-soon items.")
    availability = models.CharField(
        max_length=20,
        choices=Availability.choices,
        default=Availability.AVAILABLE,
        help_text="Internal and coming-soon items are never shown as links.",
    )
    description = models.TextField(blank=True, help_text=MARKDOWN_HELP)
    themes = models.ManyToManyField(Theme, related_name="resources", blank=True, help_text="Themes it supports.")
    order = models.PositiveSmallIntegerField(default=0, help_text="Order in lists.")
    # Filled and GIN-indexed by a PostgreSQL trigger (see migrations); unused on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = ResourceQuerySet.as_manager()

    class Meta:
        ordering = ["order", "title"]
        indexes = [
            models.Index(fields=["kind", "order"], name="resource_kind"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("guidance:resource", kwargs={"slug": self.slug})

    @property
    def is_link(self) -> bool:
        return bool(self.url) and self.availability == self.Availability.AVAILABLE


SYNONYM_TERM = re.compile(r"^[\w][\w '’-]*$")
SYNONYM_TERM_MAX_LENGTH = 60


def split_terms(text: str) -> list[str]:
    """'Drugs,  substance misuse' -> ['drugs', 'substance misuse']: lower-case, single spaces, no repeats."""
    terms = (" ".join(term.replace("’", "'").split()).lower() for term in text.split(","))
    return list(dict.fromkeys(term for term in terms if term))


class SearchSynonym(models.Model):
    """Words and phrases that search treats as meaning the same: a search for one also finds the others."""

    terms = models.TextField(
        help_text=(
            "Two or more words or phrases, separated by commas, for example 'drugs, substance misuse'. "
            "A search for any of them also finds the others. Search already finds plurals and other "
            "endings of each word."
        )
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["terms"]

    def __str__(self) -> str:
        return ", ".join(self.term_list)

    @property
    def term_list(self) -> list[str]:
        return split_terms(self.terms)

    def clean(self) -> None:
        terms = self.term_list
        for term in terms:
            if len(term) > SYNONYM_TERM_MAX_LENGTH:
                raise ValidationError(
                    {"terms": f"‘{term[:20]}…’ is too long: keep each term to {SYNONYM_TERM_MAX_LENGTH} characters."}
                )
            if not SYNONYM_TERM.match(term):
                raise ValidationError(
                    {"terms": f"‘{term}’ can only use letters, numbers, spaces, hyphens and apostrophes."}
                )
        if len(terms) < 2:
            raise ValidationError({"terms": "Enter at least two different words or phrases, separated by commas."})
        self.terms = ", ".join(terms)


AMENDMENT_NOTE_MAX_LENGTH = 300


class AmendmentQuerySet(BiteContentQuerySet):
    def about(self, subject: models.Model):
        """Amendments to one theme, practice point, key fact or case study."""
        return self.filter(
            content_type__app_label=subject._meta.app_label,
            content_type__model=subject._meta.model_name,
            object_id=subject.pk,
        )


class Amendment(models.Model):
    """A substantive change to a theme, practice point, key fact or case study, as readers are told of it."""

    # The indexes below lead with the content type, the bite and the theme: no index of their own.
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+", db_index=False)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    title = models.CharField(max_length=200, help_text="What changed, named as it was when it changed.")
    knowledge_bite = models.ForeignKey(
        KnowledgeBite,
        on_delete=models.CASCADE,
        related_name="amendments",
        help_text="The Knowledge Bite the changed guidance belongs to.",
        db_index=False,
    )
    theme = models.ForeignKey(
        Theme,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="amendments",
        help_text="The learning theme the changed guidance belongs to, if any.",
        db_index=False,
    )
    note = models.CharField(
        max_length=AMENDMENT_NOTE_MAX_LENGTH,
        help_text="What changed, for FCAs to read: on the guidance page, on “What’s changed” and in notices.",
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The editor who saved the change.",
    )
    changed_at = models.DateTimeField(default=timezone.now, help_text="When the change was saved.")

    objects = AmendmentQuerySet.as_manager()

    class Meta:
        ordering = ["-changed_at", "-id"]
        indexes = [
            models.Index(fields=["-changed_at", "-id"], name="amendment_recent"),
            models.Index(fields=["knowledge_bite", "-changed_at"], name="amendment_bite"),
            models.Index(fields=["theme", "-changed_at"], name="amendment_theme"),
            models.Index(fields=["content_type", "object_id", "-changed_at"], name="amendment_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.title}, changed on {timezone.localtime(self.changed_at):%-d %B %Y}"

    def get_absolute_url(self) -> str:
        return reverse("guidance:amendment", kwargs={"pk": self.pk})


class AmendmentDismissal(models.Model):
    """A person has read the notice of an amendment to guidance they used, and put it away."""

    amendment = models.ForeignKey(Amendment, on_delete=models.CASCADE, related_name="dismissals")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    dismissed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "amendment"], name="amendment_dismissed_once")]

    def __str__(self) -> str:
        return f"{self.user} dismissed the notice of {self.amendment}"
