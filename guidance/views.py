from collections import Counter

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import transaction
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe
from django.views.generic import DetailView, ListView, RedirectView, TemplateView

from config.pagination import pagination

from . import amendments, related
from .cache import content_version, page_cache_key
from .charts import charts_for
from .forms import ResourceFilterForm, SearchForm
from .models import Amendment, KeyFact, KnowledgeBite, Resource, Section, Theme
from .search import MAX_QUERY_LENGTH, search, sources

RESOURCES_PER_PAGE = 20
CHANGES_PER_PAGE = 20
SEARCH_RESULTS_PER_PAGE = 20
MAX_SEARCH_PAGE = 10_000  # far past any real result; keeps the OFFSET within the database's range
FILTER_HEADINGS = {"theme": "Theme", "kind": "Type", "availability": "Availability"}


def home_crumb() -> tuple[str, str]:
    return ("Home", reverse("home"))


def guidance_crumb() -> tuple[str, str]:
    return ("Guidance", reverse("guidance:home"))


def bite_crumb(bite: KnowledgeBite) -> tuple[str, str]:
    return (bite.title, bite.get_absolute_url())


def with_page_number(title: str, page_obj) -> str:
    return f"{title} (page {page_obj.number})" if page_obj and page_obj.number > 1 else title


class GuidancePageMixin:
    """A read-only page whose main content is cached for every reader until content changes.

    The view renders its content partial (`template_name`) as usual and names the page with
    `page_title()`. The content, title and breadcrumbs are cached under the content version, the
    reader's audience (editors see drafts and "Edit" links) and the address; guidance/page.html
    puts them in base.html for each request, with that request's CSRF token and CSP nonce.
    """

    cache_content = True

    @classmethod
    def as_view(cls, **initkwargs):
        # Read-only: no request transaction (on SQLite it would take the write lock).
        return transaction.non_atomic_requests(super().as_view(**initkwargs))

    def get(self, request, *args, **kwargs):
        # The version is read before the content: a write committed in between retires this copy.
        key = page_cache_key(request, content_version()) if self.cache_content else None
        page = cache.get(key) if key else None
        if page is None:
            response = super().get(request, *args, **kwargs)
            context = response.context_data
            page = {
                "title": self.page_title(context),
                "content": response.rendered_content,
                "breadcrumbs": context.get("breadcrumbs", []),
                "search_query": context.get("search_query", ""),
                "status": response.status_code,
            }
            if key:
                cache.set(key, page, settings.GUIDANCE_CACHE_SECONDS)
        context = {**page, "content": mark_safe(page["content"])}  # noqa: S308 - our templates, Markdown cleaned by nh3
        return render(request, "guidance/page.html", context, status=page["status"])

    def render_to_response(self, context, **response_kwargs):
        if context.get("page_obj"):  # for includes/_pagination.html
            context["pagination"] = pagination(context["page_obj"], query=context.get("page_query", ""))
        return super().render_to_response(context, **response_kwargs)

    def page_title(self, context) -> str:
        raise NotImplementedError


class GuidanceHomeView(GuidancePageMixin, ListView):
    """Knowledge Bites with their themes, newest first."""

    template_name = "guidance/_home_content.html"
    context_object_name = "bites"
    paginate_by = 10

    def get_queryset(self):
        return (
            KnowledgeBite.objects.visible_to(self.request.user)
            .prefetch_related(Prefetch("themes", queryset=Theme.objects.order_by("number")))
            .order_by("-source_published", "title")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["breadcrumbs"] = [home_crumb(), ("Guidance", None)]
        return context

    def page_title(self, context) -> str:
        return "Guidance"


class KnowledgeBiteDetailView(GuidancePageMixin, DetailView):
    template_name = "guidance/_bite_content.html"
    context_object_name = "bite"

    def get_queryset(self):
        return KnowledgeBite.objects.visible_to(self.request.user).prefetch_related(
            Prefetch("sections", queryset=Section.objects.order_by("order", "id")),
            Prefetch("themes", queryset=Theme.objects.order_by("number")),
            Prefetch("key_facts", queryset=KeyFact.objects.order_by("order", "id")),
            # All of them, to count each kind; the page lists services and further reading.
            Prefetch("resources", queryset=Resource.objects.order_by("order", "title"), to_attr="all_resources"),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        bite = self.object
        kinds = Counter(resource.kind for resource in bite.all_resources)
        context.update(
            breadcrumbs=[home_crumb(), guidance_crumb(), (bite.title, None)],
            charts=charts_for(bite.key_facts.all()),
            services=[r for r in bite.all_resources if r.kind == Resource.Kind.SERVICE],
            further_reading=[r for r in bite.all_resources if r.kind == Resource.Kind.FURTHER_READING],
            resource_kinds=[(value, label, kinds[value]) for value, label in Resource.Kind.choices if kinds[value]],
            resource_count=sum(kinds.values()),
            related_panels=related.for_bite(bite, self.request.user),
            amendments=amendments.for_bite(bite, self.request.user),
        )
        return context

    def page_title(self, context) -> str:
        return self.object.title


class ThemeDetailView(GuidancePageMixin, DetailView):
    template_name = "guidance/_theme_content.html"
    context_object_name = "theme"

    def get_object(self, queryset=None):
        # The theme comes with its bite's other themes (for "previous" and "next") in one query.
        siblings = list(
            Theme.objects.visible_to(self.request.user)
            .filter(knowledge_bite__themes__slug=self.kwargs["slug"])
            .select_related("knowledge_bite")
            .defer("search_vector")
            .order_by("number")
        )
        position = next((i for i, sibling in enumerate(siblings) if sibling.slug == self.kwargs["slug"]), None)
        if position is None:
            raise Http404("There is no such theme.")
        theme = siblings[position]
        prefetch_related_objects(
            [theme],
            "practice_points",
            Prefetch("key_facts", queryset=KeyFact.objects.order_by("order", "id")),
            Prefetch("resources", queryset=Resource.objects.order_by("order", "title")),
        )
        self.previous_theme = siblings[position - 1] if position > 0 else None
        self.next_theme = siblings[position + 1] if position + 1 < len(siblings) else None
        return theme

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        theme = self.object
        bite = theme.knowledge_bite
        theme_amendments = amendments.for_theme(theme, self.request.user)
        # Each practice point shows its own latest change beside it, too.
        latest = {}
        for amendment in reversed(theme_amendments):
            if amendment.subject_model == "practicepoint":
                latest[amendment.object_id] = amendment
        for point in theme.practice_points.all():
            point.latest_amendment = latest.get(point.pk)
        context.update(
            amendments=theme_amendments,
            bite=bite,
            breadcrumbs=[home_crumb(), guidance_crumb(), bite_crumb(bite), (f"Theme {theme.number}", None)],
            previous_theme=self.previous_theme,
            next_theme=self.next_theme,
            related_panels=related.for_theme(theme, self.request.user),
        )
        return context

    def page_title(self, context) -> str:
        return f"Theme {self.object.number}: {self.object.title}"


class ChangesView(GuidancePageMixin, ListView):
    """What's changed: every substantive amendment to the guidance, newest first."""

    template_name = "guidance/_changes_content.html"
    context_object_name = "amendments"
    paginate_by = CHANGES_PER_PAGE

    def get_queryset(self):
        visible = Amendment.objects.visible_to(self.request.user).select_related("knowledge_bite", "theme")
        return amendments.with_kinds(visible).order_by("-changed_at", "-id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["breadcrumbs"] = [home_crumb(), guidance_crumb(), ("What’s changed", None)]
        return context

    def page_title(self, context) -> str:
        return with_page_number("What’s changed in the guidance", context.get("page_obj"))


class AmendmentRedirectView(RedirectView):
    """From an amendment to the guidance it changed, wherever that guidance now lives."""

    @classmethod
    def as_view(cls, **initkwargs):
        return transaction.non_atomic_requests(super().as_view(**initkwargs))

    def get_redirect_url(self, *args, **kwargs):
        amendment = get_object_or_404(
            Amendment.objects.visible_to(self.request.user).select_related("knowledge_bite", "theme"), pk=kwargs["pk"]
        )
        subject = amendment.subject
        if subject is not None:
            return subject.get_absolute_url()
        # The item has since been deleted: its theme or bite is the nearest page.
        return (amendment.theme or amendment.knowledge_bite).get_absolute_url()


class ResourceListView(GuidancePageMixin, ListView):
    """The resources library, filtered by theme, kind and availability through GET parameters."""

    template_name = "guidance/_resource_list_content.html"
    context_object_name = "resources"
    paginate_by = RESOURCES_PER_PAGE

    @cached_property
    def form(self) -> ResourceFilterForm:
        themes = (
            Theme.objects.visible_to(self.request.user)
            .select_related("knowledge_bite")
            .order_by("knowledge_bite__title", "number")
        )
        return ResourceFilterForm(self.request.GET or None, themes=themes)

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if self.form.is_bound and not self.form.is_valid():
            response.status_code = 400
        return response

    def filters(self) -> dict[str, list[str]]:
        if not self.form.is_bound or not self.form.is_valid():
            return {name: [] for name in FILTER_HEADINGS}
        return self.form.cleaned_data

    def get_queryset(self):
        filters = self.filters()
        resources = Resource.objects.visible_to(self.request.user)
        if filters["theme"]:
            # A subquery, not a join: a join repeats resources with several themes, and DISTINCT
            # over their descriptions costs more than the query.
            tagged = Resource.themes.through.objects.filter(theme__slug__in=filters["theme"])
            resources = resources.filter(pk__in=tagged.values("resource_id"))
        if filters["kind"]:
            resources = resources.filter(kind__in=filters["kind"])
        if filters["availability"]:
            resources = resources.filter(availability__in=filters["availability"])
        visible_themes = Theme.objects.visible_to(self.request.user).order_by("knowledge_bite", "number")
        return resources.prefetch_related(Prefetch("themes", queryset=visible_themes)).order_by(
            "kind", "order", "title"
        )

    def selected_filters(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """Each filter in use, with a link that removes just that value (MoJ filter tags)."""
        filters, selected = self.filters(), []
        for name, heading in FILTER_HEADINGS.items():
            labels = dict(self.form.fields[name].choices)
            tags = []
            for value in filters[name]:
                query = self.request.GET.copy()
                query.setlist(name, [other for other in filters[name] if other != value])
                query.pop("page", None)
                remaining = query.urlencode()
                tags.append((labels[value], reverse("guidance:resources") + (f"?{remaining}" if remaining else "")))
            if tags:
                selected.append((heading, tags))
        return selected

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filters = self.filters()
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            form=self.form,
            selected_filters=self.selected_filters(),
            filter_options=[
                (
                    name,
                    heading,
                    [(value, label, value in filters[name]) for value, label in self.form.fields[name].choices],
                    self.form.errors.get(name, []),
                )
                for name, heading in FILTER_HEADINGS.items()
            ],
            page_query=query.urlencode(),
            breadcrumbs=[home_crumb(), guidance_crumb(), ("Resources library", None)],
        )
        return context

    def page_title(self, context) -> str:
        title = with_page_number("Resources library", context.get("page_obj"))
        return f"Error: {title}" if self.form.errors else title


class ResourceDetailView(GuidancePageMixin, DetailView):
    template_name = "guidance/_resource_content.html"
    context_object_name = "resource"

    def get_queryset(self):
        visible_themes = Theme.objects.visible_to(self.request.user).select_related("knowledge_bite")
        return (
            Resource.objects.visible_to(self.request.user)
            .select_related("knowledge_bite")
            .prefetch_related(Prefetch("themes", queryset=visible_themes.order_by("knowledge_bite", "number")))
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["breadcrumbs"] = [
            home_crumb(),
            guidance_crumb(),
            ("Resources library", reverse("guidance:resources")),
            (self.object.title, None),
        ]
        return context

    def page_title(self, context) -> str:
        return self.object.title


class SearchView(GuidancePageMixin, TemplateView):
    """Results grouped by type; `type` pages through all the results of one type."""

    template_name = "guidance/_search_content.html"
    # People may search for anything, a case number or a name included: never keep what they typed.
    cache_content = False

    @cached_property
    def form(self) -> SearchForm:
        return SearchForm(self.request.GET or None, sources=sources())

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if self.form.is_bound and not self.form.is_valid():
            response.status_code = 400
        return response

    def page_title(self, context) -> str:
        title = f"{context['query']} – Search guidance" if context.get("query") else "Search guidance"
        return f"Error: {title}" if self.form.errors else title

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(form=self.form, breadcrumbs=[home_crumb(), guidance_crumb(), ("Search", None)])
        if not self.form.is_bound:
            context["browse_themes"] = self.browse_themes()
            return context
        if not self.form.is_valid():
            context["search_query"] = self.request.GET.get("q", "")[:MAX_QUERY_LENGTH]
            return context
        query, only = self.form.cleaned_data["q"], self.form.cleaned_data["type"] or None
        context["search_query"] = query
        if not query:
            context["browse_themes"] = self.browse_themes()
            return context
        if only:
            page_number = self.request.GET.get("page") or 1
            try:
                page_number = int(page_number)
                if not 1 <= page_number <= MAX_SEARCH_PAGE:
                    raise ValueError
            except ValueError:
                raise Http404("That page of results does not exist.") from None
            offset = (page_number - 1) * SEARCH_RESULTS_PER_PAGE
            results = search(query, self.request.user, only=only, limit=SEARCH_RESULTS_PER_PAGE, offset=offset)
            total = results.groups[0].total if results.groups else 0
            try:
                page = Paginator(range(total), SEARCH_RESULTS_PER_PAGE, allow_empty_first_page=True).page(page_number)
            except (EmptyPage, PageNotAnInteger):
                raise Http404("That page of results does not exist.") from None
            base = self.request.GET.copy()
            base.pop("page", None)
            context.update(page_obj=page, page_query=base.urlencode(), only=only)
        else:
            results = search(query, self.request.user)
        all_types = self.request.GET.copy()
        all_types.pop("type", None)
        all_types.pop("page", None)
        context.update(results=results, query=query, all_types_query=all_types.urlencode())
        if results.suggestion:
            suggested = self.request.GET.copy()
            suggested["q"] = results.suggestion
            suggested.pop("page", None)
            context["suggestion_query"] = suggested.urlencode()
        if not results.groups:
            context["browse_themes"] = self.browse_themes()
        return context

    def browse_themes(self):
        return Theme.objects.visible_to(self.request.user).order_by("-knowledge_bite__source_published", "number")
