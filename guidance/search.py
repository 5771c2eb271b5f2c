"""Search over guidance content, grouped by type: one function, `search(query, user)`.

Each type of content is a `SearchSource`. Guidance registers its own below; apps built on
guidance (casestudies) register theirs in AppConfig.ready(), so guidance never imports them.

PostgreSQL: full-text search on each model's `search_vector` (kept up to date by triggers,
GIN-indexed; see the 0002 migrations), websearch syntax ("a phrase", -exclude, or), ranked by
SearchRank, with SearchHeadline snippets. SQLite: every word must appear somewhere in the
title or body (icontains), ranked by the number of hits with a bonus for the title, with a
snippet around the first hit. PostgreSQL uses that fallback too for a query made only of stop
words ("What? So what?"), which full text would otherwise ignore. Either way snippets are HTML-escaped except for the
<mark class="app-search-highlight"> around matches.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection, models
from django.db.models import Count, F, Q, TextField, Value, Window
from django.db.models.functions import Concat
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .models import KeyFact, PracticePoint, Resource, Section, Theme

MAX_QUERY_LENGTH = 200
GROUP_LIMIT = 10
# Private-use characters mark matches while the text is still plain, so it can be escaped
# before the <mark> tags are put in. They are removed from stored text first.
START, STOP = "\ue000", "\ue001"
MARK_OPEN, MARK_CLOSE = '<mark class="app-search-highlight">', "</mark>"
SNIPPET_LENGTH = 240


@dataclass(frozen=True)
class Hit:
    title: SafeString  # highlighted
    url: str
    snippet: SafeString  # highlighted
    context: str = ""
    figure: str = ""  # key facts: the value with its unit


@dataclass(frozen=True)
class SearchSource:
    key: str  # used in ?type=
    label: str  # "Practice points"
    queryset: Callable[[Any], models.QuerySet]  # the rows this user may see, with what `describe` needs
    body_fields: tuple[str, ...]
    describe: Callable[[models.Model], dict]  # url, and optionally title (plain), context, figure
    title_field: str | None = "title"
    extra_fields: tuple[str, ...] = ()  # searched, but not shown in snippets
    order: int = 100


@dataclass
class ResultGroup:
    source: SearchSource
    hits: list[Hit]
    total: int

    @property
    def has_more(self) -> bool:
        return self.total > len(self.hits)


@dataclass
class SearchResults:
    query: str
    groups: list[ResultGroup] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(group.total for group in self.groups)


_sources: dict[str, SearchSource] = {}


def register(source: SearchSource) -> None:
    """Add a type of content to search, or replace the one with the same key."""
    _sources[source.key] = source


def sources() -> list[SearchSource]:
    return sorted(_sources.values(), key=lambda source: (source.order, source.key))


def get_source(key: str) -> SearchSource | None:
    return _sources.get(key)


def search(query: str, user, *, only: str | None = None, limit: int = GROUP_LIMIT, offset: int = 0) -> SearchResults:
    """Search everything `user` may see; the best `limit` hits of each type, after `offset`.

    `only` restricts the search to one source's key (for paging through one type).
    Raises ValueError for a query longer than MAX_QUERY_LENGTH: the view checks it first.
    """
    query = " ".join(query.replace(START, " ").replace(STOP, " ").split())
    if len(query) > MAX_QUERY_LENGTH:
        raise ValueError(f"Search for {MAX_QUERY_LENGTH} characters or fewer.")
    results = SearchResults(query=query)
    if not query:
        return results
    selected = [s for s in sources() if only is None or s.key == only]
    if connection.vendor == "postgresql":
        results.groups = _groups(_search_postgres, selected, query, user, limit=limit, offset=offset)
        # Full text finds nothing for a query of only stop words ("What? So what?"): only then is it
        # worth asking PostgreSQL whether that is why, rather than before every search.
        if results.groups or _has_lexemes(query):
            return results
    results.groups = _groups(_search_fallback, selected, query, user, limit=limit, offset=offset)
    return results


def _groups(search_source, selected: list[SearchSource], query: str, user, *, limit: int, offset: int):
    groups = []
    for source in selected:
        hits, total = search_source(source, query, user, limit=limit, offset=offset)
        if total:
            groups.append(ResultGroup(source=source, hits=hits, total=total))
    return groups


# --- PostgreSQL --------------------------------------------------------------------------------


def _has_lexemes(query: str) -> bool:
    """Whether full text can search for the query: not when it is all stop words."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT numnode(websearch_to_tsquery('english', %s))", [query])
        return cursor.fetchone()[0] > 0


def _search_postgres(source: SearchSource, query: str, user, *, limit: int, offset: int) -> tuple[list[Hit], int]:
    search_query = SearchQuery(query, search_type="websearch", config="english")
    headline_options = {"config": "english", "start_sel": START, "stop_sel": STOP}
    annotations = {
        "rank": SearchRank(F("search_vector"), search_query),
        "total": Window(Count("pk")),
        "headline": SearchHeadline(
            _concat(source.body_fields),
            search_query,
            max_words=35,
            min_words=15,
            max_fragments=2,
            fragment_delimiter=" … ",
            **headline_options,
        ),
    }
    if source.title_field:
        annotations["title_headline"] = SearchHeadline(
            source.title_field, search_query, highlight_all=True, **headline_options
        )
    rows = list(
        source.queryset(user)
        .filter(search_vector=search_query)
        .annotate(**annotations)
        .order_by("-rank", "pk")[offset : offset + limit]
    )
    if rows:
        total = rows[0].total
    else:
        total = source.queryset(user).filter(search_vector=search_query).count() if offset else 0
    hits = []
    for row in rows:
        title = getattr(row, "title_headline", None)
        hits.append(_hit(source, row, title_marked=title, snippet_marked=_tidy(row.headline)))
    return hits, total


def _concat(fields: tuple[str, ...]):
    if len(fields) == 1:
        return F(fields[0])
    parts = []
    for name in fields:
        parts += [F(name), Value(" \n ")]
    return Concat(*parts[:-1], output_field=TextField())


# --- SQLite (and any other database) -----------------------------------------------------------

TOKEN = re.compile(r'(-?)"([^"]*)"|(-?)(\S+)')
STOP_WORDS = {"a", "an", "and", "or", "the", "of", "in", "on", "to", "for", "is", "are", "with", "by", "at"}


def parse_terms(query: str) -> tuple[list[str], list[str]]:
    """Words and "quoted phrases" that must appear, and -excluded ones, as websearch would read them."""
    wanted, excluded = [], []
    for match in TOKEN.finditer(query):
        negated = bool(match.group(1) or match.group(3))
        term = match.group(2) if match.group(2) is not None else match.group(4)
        term = " ".join(term.split()).strip(".,;:!?'\"()[]{}")
        if not term:
            continue
        (excluded if negated else wanted).append(term.lower())
    if any(term not in STOP_WORDS for term in wanted):
        wanted = [term for term in wanted if term not in STOP_WORDS]
    return list(dict.fromkeys(wanted)), list(dict.fromkeys(excluded))


def _search_fallback(source: SearchSource, query: str, user, *, limit: int, offset: int) -> tuple[list[Hit], int]:
    wanted, excluded = parse_terms(query)
    if not wanted:
        return [], 0
    fields = ([source.title_field] if source.title_field else []) + list(source.body_fields + source.extra_fields)
    queryset = source.queryset(user)
    for term in wanted:
        queryset = queryset.filter(_any_field_contains(fields, term))
    for term in excluded:
        queryset = queryset.exclude(_any_field_contains(fields, term))
    scored = []
    for row in queryset:
        title = getattr(row, source.title_field) if source.title_field else ""
        body = " \n ".join(getattr(row, name) or "" for name in source.body_fields)
        title_lower, body_lower = title.lower(), body.lower()
        hits = sum(title_lower.count(term) * 3 + body_lower.count(term) for term in wanted)
        in_title = sum(term in title_lower for term in wanted)
        scored.append((in_title * 10 + hits, row, title, body))
    scored.sort(key=lambda item: (-item[0], item[1].pk))
    hits = [
        _hit(
            source,
            row,
            title_marked=_mark_terms(title, wanted) if source.title_field else None,
            snippet_marked=_excerpt(plain_text(body), wanted),
        )
        for _, row, title, body in scored[offset : offset + limit]
    ]
    return hits, len(scored)


def _any_field_contains(fields: list[str], term: str) -> Q:
    condition = Q()
    for name in fields:
        condition |= Q(**{f"{name}__icontains": term})
    return condition


def _mark_terms(text: str, terms: list[str]) -> str:
    if not terms:
        return text
    pattern = re.compile("|".join(re.escape(term) for term in sorted(terms, key=len, reverse=True)), re.IGNORECASE)
    return pattern.sub(lambda match: f"{START}{match.group(0)}{STOP}", text)


def _excerpt(text: str, terms: list[str]) -> str:
    """About SNIPPET_LENGTH characters around the first hit, with every hit marked."""
    lower = text.lower()
    positions = [lower.find(term) for term in terms if term in lower]
    first = min(positions) if positions else 0
    start = max(0, first - SNIPPET_LENGTH // 3)
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < first else start
    end = min(len(text), start + SNIPPET_LENGTH)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > first else end
    excerpt = ("… " if start else "") + text[start:end].strip() + (" …" if end < len(text) else "")
    return _mark_terms(excerpt, terms)


# --- Both --------------------------------------------------------------------------------------

MARKDOWN_NOISE = [
    (re.compile(r"!?\[([^\]]*)\]\([^)]*\)"), r"\1"),  # links and images: keep the text
    (re.compile(r"(\*\*|__)"), ""),  # bold
    (re.compile(r"(?<![\w*\\])[*_](?=\S)|(?<=[^\s\\])[*_](?![\w*])"), ""),  # emphasis, not intra-word or escaped
    (re.compile(r"(?m)^\s*(?:[-+*]|\d+\.|#{1,6}|>)\s+"), ""),  # list markers, headings, quotes
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!>])"), r"\1"),  # backslash escapes
    (re.compile(r"`"), ""),
]


def plain_text(markdown_text: str) -> str:
    """Markdown as a reader sees it, on one line, for snippets."""
    text = markdown_text.replace("&lt;", "<")
    for pattern, replacement in MARKDOWN_NOISE:
        text = pattern.sub(replacement, text)
    return " ".join(text.split())


def _tidy(headline: str) -> str:
    return plain_text(headline or "")


def highlighted(marked: str) -> SafeString:
    """Escape text whose matches are wrapped in START/STOP, then turn those into <mark>s."""
    html = escape(marked).replace(START, MARK_OPEN).replace(STOP, MARK_CLOSE)
    return mark_safe(html)  # noqa: S308 - escaped just above; only our own <mark> tags are added


def _hit(source: SearchSource, row, *, title_marked: str | None, snippet_marked: str) -> Hit:
    described = source.describe(row)
    if title_marked is None:
        title_marked = described.get("title", str(row))
    return Hit(
        title=highlighted(title_marked),
        url=described["url"],
        snippet=highlighted(snippet_marked),
        context=described.get("context", ""),
        figure=described.get("figure", ""),
    )


# --- Guidance's own sources --------------------------------------------------------------------


def _theme_context(theme: Theme) -> str:
    return f"Theme {theme.number}: {theme.title}"


def _resource_context(resource: Resource) -> str:
    availability = {
        Resource.Availability.INTERNAL: "Cafcass intranet only",
        Resource.Availability.COMING_SOON: "Coming soon",
    }.get(resource.availability)
    return resource.get_kind_display() + (f" · {availability}" if availability else "")


register(
    SearchSource(
        key="themes",
        label="Themes",
        order=10,
        queryset=lambda user: Theme.objects.visible_to(user),
        body_fields=("summary", "key_messages", "why_it_matters"),
        describe=lambda theme: {"url": theme.get_absolute_url(), "context": f"Learning theme {theme.number}"},
    )
)
register(
    SearchSource(
        key="key-facts",
        label="Key figures",
        order=20,
        queryset=lambda user: KeyFact.objects.visible_to(user).select_related("knowledge_bite"),
        title_field="label",
        body_fields=("note",),
        extra_fields=("group",),
        describe=lambda fact: {"url": fact.get_absolute_url(), "context": fact.group, "figure": fact.display_value},
    )
)
register(
    SearchSource(
        key="practice-points",
        label="Practice points",
        order=30,
        queryset=lambda user: PracticePoint.objects.visible_to(user).select_related("theme"),
        body_fields=("body",),
        describe=lambda point: {"url": point.get_absolute_url(), "context": _theme_context(point.theme)},
    )
)
register(
    SearchSource(
        key="resources",
        label="Resources",
        order=60,
        queryset=lambda user: Resource.objects.visible_to(user),
        body_fields=("description",),
        describe=lambda resource: {"url": resource.get_absolute_url(), "context": _resource_context(resource)},
    )
)
register(
    SearchSource(
        key="sections",
        label="Background",
        order=70,
        queryset=lambda user: Section.objects.visible_to(user).select_related("knowledge_bite"),
        body_fields=("body",),
        describe=lambda section: {"url": section.get_absolute_url(), "context": section.knowledge_bite.title},
    )
)
