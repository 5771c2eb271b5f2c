"""Search over guidance content, grouped by type: one function, `search(query, user)`.

Each type of content is a `SearchSource`. Guidance registers its own below; apps built on
guidance (casestudies, checklists) register theirs in AppConfig.ready(), so guidance never
imports them.

A query is read into terms (`read_query`): words, "quoted phrases" and -excluded words, each with
the other forms that also find it: the parts and the joined form of a hyphenated or prefixed word
("non-engagement": "non engagement", nonengagement and engagement), and the synonyms editors
curate in admin (SearchSynonym). Common words are left out unless there is nothing else. Results
must match every term; when nothing does, they match any term, best first (`partial`).

PostgreSQL: full text with the `english` stemmer on each model's `search_vector` (filled by
triggers and GIN-indexed, see the search-vector migrations), ranked by SearchRank, with
SearchHeadline snippets. One query counts every source's matches first, and only sources with
matches are read. A query of only stop words ("What? So what?") has nothing for full text
to match, so it is searched with icontains, as any other database would be.
SQLite: an FTS5 table with the porter stemmer (migration 0005), ranked by bm25, with FTS5's
snippets. Signals from this registry keep it in step with every source's rows (`reindex`): one
mechanism for the sources of every app, as guidance.cache does for the content version.
Either way snippets are HTML-escaped except for the <mark class="app-search-highlight"> around matches,
and when a search finds little, one query reads the content's words for a "Did you mean" (`suggest`).
"""

import difflib
import json
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import reduce
from operator import and_, or_
from typing import Any

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import DEFAULT_DB_ALIAS, DatabaseError, OperationalError, connection, connections, models
from django.db.models import Count, F, Func, Q, TextField, Value
from django.db.models.functions import Concat
from django.db.models.signals import post_delete, post_save
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .models import KeyFact, PracticePoint, Resource, SearchSynonym, Section, Theme, split_terms

logger = logging.getLogger(__name__)

MAX_QUERY_LENGTH = 200
GROUP_LIMIT = 10
# Private-use characters mark matches while the text is still plain, so it can be escaped
# before the <mark> tags are put in. They are removed from stored text first.
START, STOP = "\ue000", "\ue001"
MARK_OPEN, MARK_CLOSE = '<mark class="app-search-highlight">', "</mark>"
SNIPPET_LENGTH = 240
SNIPPET_WORDS = 35

INDEX_TABLE = "guidance_search_index"
# bm25 weighs the index's columns: source and object_id (not searched), title, body, extra.
SEARCH_SQL = (
    "SELECT source, object_id, highlight(guidance_search_index, 2, %s, %s), "
    "snippet(guidance_search_index, 3, %s, %s, '…', %s), "
    "bm25(guidance_search_index, 0.0, 0.0, 10.0, 1.0, 0.5) AS score "
    "FROM guidance_search_index WHERE guidance_search_index MATCH %s "
    "AND source IN (SELECT value FROM json_each(%s)) "
    "ORDER BY score"
)
INSERT_SQL = "INSERT INTO guidance_search_index (source, object_id, title, body, extra) VALUES (%s, %s, %s, %s, %s)"
DELETE_SQL = "DELETE FROM guidance_search_index WHERE source = %s AND object_id = %s"


@dataclass(frozen=True)
class Hit:
    title: SafeString  # highlighted
    url: str
    snippet: SafeString  # highlighted
    context: str = ""
    figure: str = ""  # key facts: the value with its unit
    action_text: str = ""  # a second link, such as "Start this checklist"
    action_url: str = ""


@dataclass(frozen=True)
class SearchSource:
    key: str  # used in ?type=
    label: str  # "Practice points"
    queryset: Callable[[Any], models.QuerySet]  # the rows this user may see, with what `describe` needs
    body_fields: tuple[str, ...]
    describe: Callable[[models.Model], dict]  # url; optionally title (plain), context, figure, action_text/url
    title_field: str | None = "title"
    extra_fields: tuple[str, ...] = ()  # searched, but not shown in snippets
    order: int = 100
    # PostgreSQL: the vector to search when the model has no search_vector column.
    vector: Callable[[], Any] | None = None
    # SQLite's index: every row to index, drafts included (default: all the model's rows) ...
    index_queryset: Callable[[], models.QuerySet] | None = None
    # ... its (title, body, extra) text (default: from the fields above) ...
    document: Callable[[models.Model], tuple[str, str, str]] | None = None
    # ... and other models whose rows are part of that text: (model, the field holding this row's pk).
    reindex_on: tuple[tuple[type[models.Model], str], ...] = ()
    # Fields that order hits of equal rank, before the primary key.
    ordering: tuple[str, ...] = ()

    @property
    def text_fields(self) -> tuple[str, ...]:
        return ((self.title_field,) if self.title_field else ()) + self.body_fields + self.extra_fields


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
    partial: bool = False  # no result matched every term: these match some of them
    suggestion: str = ""  # the query with close matches for words that no content uses

    @property
    def total(self) -> int:
        return sum(group.total for group in self.groups)


_sources: dict[str, SearchSource] = {}
_models: dict[str, type[models.Model]] = {}


def register(source: SearchSource) -> None:
    """Add a type of content to search, or replace the one with the same key."""
    _sources[source.key] = source
    model = source.queryset(None).model
    _models[source.key] = model
    for sender, attribute in [(model, None), *source.reindex_on]:
        receiver = _reindex_receiver(source.key, attribute)
        uid = f"guidance.search:{source.key}:{sender._meta.label_lower}"
        post_save.connect(receiver, sender=sender, weak=False, dispatch_uid=uid)
        post_delete.connect(receiver, sender=sender, weak=False, dispatch_uid=uid)


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
    read = read_query(query, synonym_groups())
    if not read.terms:
        return results
    if connection.vendor == "postgresql" and not _only_stop_words(read):
        full_text = _search_postgres
    elif connection.vendor == "sqlite":
        full_text = _search_sqlite
    else:
        # Any other database; and PostgreSQL's full text ignores stop words, so "What? So what?" comes here.
        results.groups = _groups(_search_fallback, selected, query, user, limit=limit, offset=offset)
        return results
    results.groups, results.partial = full_text(selected, read, user, limit=limit, offset=offset)
    if not results.groups or results.partial:
        results.suggestion = suggest(query, user)
    return results


def _groups(search_source, selected: list[SearchSource], query: str, user, *, limit: int, offset: int):
    groups = []
    for source in selected:
        hits, total = search_source(source, query, user, limit=limit, offset=offset)
        if total:
            groups.append(ResultGroup(source=source, hits=hits, total=total))
    return groups


# --- Reading a query ---------------------------------------------------------------------------

TOKEN = re.compile(r'(-?)"([^"]*)"|(-?)(\S+)')
WORD = re.compile(r"[^\W_]+(?:['-][^\W_]+)*")
# PostgreSQL's English stop words (which its full text ignores), and negatives such as "won't".
STOP_WORDS = frozenset(
    "i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers "
    "herself it its itself they them their theirs themselves what which who whom this that these those am is "
    "are was were be been being have has had having do does did doing a an the and but if or because as until "
    "while of at by for with about against between into through during before after above below to from up "
    "down in out on off over under again further then once here there when where why how all any both each few "
    "more most other some such no nor not only own same so than too very s t can will just don should now "
    "cannot wont dont doesnt didnt cant isnt arent wasnt werent hasnt havent hadnt wouldnt couldnt shouldnt".split()
)
# A hyphenated word starting with one of these also finds the rest of it alone: "non-engagement"
# finds "engagement". Written as a word of its own ("non engagement") it is read the same way.
PREFIXES = frozenset("non self re pre co anti multi inter post sub un mis over under semi cross de ex".split())
STANDALONE_PREFIXES = frozenset("non anti multi co re pre sub semi".split())
# Written solid, only these prefixes are split off ("nonengagement"), and re/pre only before an "e"
# ("reengage"): elsewhere the split would be wrong too often ("interview", "record").
SOLID_PREFIXES = ("non", "self", "anti", "multi")
SOLID_BEFORE_E = ("re", "pre")


@dataclass(frozen=True)
class Form:
    """Words that match together: anywhere in a result, or next to each other as a phrase."""

    words: tuple[str, ...]
    phrase: bool = False


@dataclass(frozen=True)
class Term:
    """One part of a query, which a result matches through any of its forms."""

    forms: tuple[Form, ...]


@dataclass
class ReadQuery:
    terms: list[Term]
    excluded: list[Form]


@dataclass(frozen=True)
class _Piece:
    kind: str  # word, compound (hyphenated), phrase (quoted), synonym, or
    words: tuple[str, ...]
    forms: tuple[Form, ...] = ()  # synonyms only


_OR = _Piece("or", ())


def _is_negative(word: str) -> bool:
    return word.endswith("n't")


def _parts(word: str, *, possessive: bool = False) -> tuple[str, ...]:
    """A word's parts: 'non-engagement' -> ('non', 'engagement'); "child's" -> ('child',).

    In a phrase the possessive stays, as the 's' that both databases see between "child's" and the next word.
    """
    if _is_negative(word):
        return (word,)
    if not possessive:
        word = re.sub(r"'s$", "", word)
    return tuple(part for part in re.split(r"['-]", word) if part)


def _words(text: str) -> tuple[str, ...]:
    return tuple(part for word in WORD.findall(text.lower()) for part in _parts(word, possessive=True))


def _piece(word: str) -> _Piece:
    parts = _parts(word)
    return _Piece("word", parts) if len(parts) == 1 else _Piece("compound", parts)


def _is_stop(piece: _Piece) -> bool:
    return piece.kind == "word" and (piece.words[0] in STOP_WORDS or _is_negative(piece.words[0]))


def _forms(piece: _Piece) -> tuple[Form, ...]:
    words = piece.words
    if piece.kind == "synonym":
        return piece.forms
    if piece.kind == "phrase":
        return (Form(words, phrase=True),)
    if piece.kind == "compound":
        forms = [Form(words, phrase=True), Form(("".join(words),))]
        if words[0] in PREFIXES and len("".join(words[1:])) >= 3:
            forms.append(Form(words[1:], phrase=len(words) > 2))
        return tuple(forms)
    word = words[0]
    forms = [Form((word,))]
    for prefix in SOLID_PREFIXES + SOLID_BEFORE_E:
        rest = word[len(prefix) :]
        if word.startswith(prefix) and len(rest) >= 4 and (prefix in SOLID_PREFIXES or rest.startswith("e")):
            forms += [Form((prefix, rest), phrase=True), Form((rest,))]
            break
    return tuple(forms)


def read_query(query: str, synonyms: Iterable[list[str]] = ()) -> ReadQuery:
    """The terms a result must match, each with its other forms and synonyms, and the excluded words."""
    pieces: list[_Piece] = []
    excluded: list[Form] = []
    for match in TOKEN.finditer(query.replace("’", "'").lower()):
        negated = bool(match.group(1) or match.group(3))
        if match.group(2) is not None:
            words = _words(match.group(2))
            if words:
                (excluded.append(Form(words, phrase=True)) if negated else pieces.append(_Piece("phrase", words)))
            continue
        if match.group(4) == "or" and not negated:
            pieces.append(_OR)
            continue
        for word in WORD.findall(match.group(4)):
            piece = _piece(word)
            (excluded.append(Form(piece.words, phrase=True)) if negated else pieces.append(piece))
    pieces = _apply_synonyms(_join_prefixes(pieces), synonyms)
    anything_else = any(piece is not _OR and not _is_stop(piece) for piece in pieces)
    terms: list[Term] = []
    join = False
    for piece in pieces:
        if piece is _OR:
            join = bool(terms)
        elif not (anything_else and _is_stop(piece)):
            forms = _forms(piece)
            if join:
                terms[-1] = Term(tuple(dict.fromkeys(terms[-1].forms + forms)))
                join = False
            else:
                terms.append(Term(forms))
    return ReadQuery(terms=list(dict.fromkeys(terms)), excluded=list(dict.fromkeys(excluded)))


def _join_prefixes(pieces: list[_Piece]) -> list[_Piece]:
    """'non engagement' is read as 'non-engagement'."""
    joined: list[_Piece] = []
    for piece in pieces:
        before = joined[-1] if joined else None
        if (
            before is not None
            and before.kind == "word"
            and before.words[0] in STANDALONE_PREFIXES
            and piece.kind in ("word", "compound")
            and not _is_stop(piece)
        ):
            joined[-1] = _Piece("compound", before.words + piece.words)
        else:
            joined.append(piece)
    return joined


def _apply_synonyms(pieces: list[_Piece], synonyms: Iterable[list[str]]) -> list[_Piece]:
    """Replace words that an editor's synonym names with a piece matching any of that synonym's terms."""
    starts: dict[str, list[tuple[tuple[str, ...], list[tuple[str, ...]]]]] = {}
    for terms in synonyms:
        term_words = [words for words in map(_words, terms) if words]
        for words in term_words:
            typed = tuple(word for word in words if word != "s")  # as a query's words are read
            others = [other for other in term_words if other != words]
            if typed:
                starts.setdefault(typed[0], []).append((typed, others))
    if not starts:
        return pieces
    result: list[_Piece] = []
    i = 0
    while i < len(pieces):
        piece = pieces[i]
        matched = None
        if piece.kind in ("word", "compound"):
            for words, others in sorted(starts.get(piece.words[0], []), key=lambda entry: -len(entry[0])):
                end, covered = i, ()
                while end < len(pieces) and pieces[end].kind in ("word", "compound") and len(covered) < len(words):
                    covered += pieces[end].words
                    end += 1
                if covered == words:
                    matched = (end, words, others)
                    break
        if matched is None:
            result.append(piece)
            i += 1
            continue
        end, words, others = matched
        typed = pieces[i:end]
        if len(typed) == 1:
            forms = _forms(typed[0])
        else:
            meaningful = tuple(word for word in words if word not in STOP_WORDS and not _is_negative(word)) or words
            forms = (Form(meaningful),)
        forms += tuple(Form(other, phrase=len(other) > 1) for other in others)
        result.append(_Piece("synonym", words, forms=tuple(dict.fromkeys(forms))))
        i = end
    return result


def synonym_groups() -> list[list[str]]:
    return [split_terms(terms) for terms in SearchSynonym.objects.values_list("terms", flat=True)]


# --- Spelling ----------------------------------------------------------------------------------

VOCABULARY_WORD = re.compile(r"[^\W\d_]{3,}")
SPELLING_WORD = re.compile(r"[^\W\d_]+")


def suggest(query: str, user) -> str:
    """The query with close matches for misspelt words, or "" if there are none.

    A word is misspelt if no content the reader may see has it in any form that full text matches
    (the stemmer finds "carers" in content that says "carer", so that needs no suggestion).
    """
    typed = [
        word
        for word in dict.fromkeys(match.lower() for match in SPELLING_WORD.findall(query))
        if len(word) >= 4 and word not in STOP_WORDS
    ]
    if not typed:
        return ""
    vocabulary, found = _vocabulary(user, typed)
    close = {}
    for word in typed:
        if word not in vocabulary and word not in found:
            matches = difflib.get_close_matches(word, vocabulary, n=1, cutoff=0.8)
            if matches:
                close[word] = matches[0]
    if not close:
        return ""
    return SPELLING_WORD.sub(lambda match: close.get(match.group(0).lower(), match.group(0)), query)


def _vocabulary(user, typed: list[str]) -> tuple[set[str], set[str]]:
    """In one query: the words of the content `user` may see, and which `typed` words full text finds in it."""
    if connection.vendor == "postgresql":
        sql, params = _vocabulary_sql_postgres(user, typed)
    elif connection.vendor == "sqlite":
        sql, params = _vocabulary_sql_sqlite(user, typed)
    else:
        return set(), set()
    vocabulary, found = set(), set()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for is_typed, text in cursor.fetchall():
            if is_typed:
                found.add(text)
            elif text:
                vocabulary.update(VOCABULARY_WORD.findall(text.lower()))
    return vocabulary, found


def _vocabulary_sql_postgres(user, typed: list[str]) -> tuple[str, list]:
    # Each source's words, unstemmed ('simple'), from the rows the reader may see: one UNION.
    words = [
        source.queryset(user)
        .order_by()
        .annotate(
            word=Func(
                Func(SearchVector(*source.text_fields, config="simple"), function="tsvector_to_array"),
                function="unnest",
                output_field=TextField(),
            )
        )
        .values_list("word", flat=True)
        for source in sources()
    ]
    vocabulary, params = words[0].union(*words[1:]).query.sql_with_params()
    # Only SQL that the ORM compiled is put into the text; every value is a parameter.
    sql = (
        f"WITH vocabulary (word) AS ({vocabulary}) "  # noqa: S608
        "SELECT false, word FROM vocabulary "
        "UNION ALL SELECT true, typed FROM unnest(%s::text[]) AS typed "
        "WHERE ts_lexize('english_stem', typed) IN (SELECT ts_lexize('english_stem', word) FROM vocabulary)"
    )
    return sql, [*params, typed]


def _vocabulary_sql_sqlite(user, typed: list[str]) -> tuple[str, list]:
    visible, params = _visible_in_index(user)
    # As on PostgreSQL: only SQL that the ORM compiled is put into the text; every value is a parameter.
    sql = (
        f"SELECT 0, title || ' ' || body || ' ' || extra FROM guidance_search_index WHERE {visible} "  # noqa: S608
        "UNION ALL SELECT 1, value FROM json_each(%s) WHERE EXISTS (SELECT 1 FROM guidance_search_index "
        f"WHERE guidance_search_index MATCH '\"' || value || '\"' AND {visible})"
    )
    return sql, [*params, json.dumps(typed), *params]


def _visible_in_index(user) -> tuple[str, list]:
    """A condition on SQLite's index (which holds drafts too): the rows of every source that `user` may see."""
    conditions, params = [], []
    for source in sources():
        rows, rows_params = source.queryset(user).order_by().values("pk").query.sql_with_params()
        conditions.append(f"(source = %s AND object_id IN ({rows}))")
        params += [source.key, *rows_params]
    return "(" + " OR ".join(conditions) + ")", params


# --- PostgreSQL --------------------------------------------------------------------------------


def _only_stop_words(read: ReadQuery) -> bool:
    """Whether PostgreSQL's full text would have nothing to search for: every word is a stop word."""
    parts = (
        part
        for term in read.terms
        for form in term.forms
        for word in form.words
        for part in re.split(r"['-]", word)
        if part
    )
    return all(part in STOP_WORDS for part in parts)


def _postgres_form(form: Form) -> SearchQuery:
    return SearchQuery(" ".join(form.words), search_type="phrase" if form.phrase else "plain", config="english")


def postgres_query(read: ReadQuery, *, every: bool):
    terms = [reduce(or_, map(_postgres_form, term.forms)) for term in read.terms]
    combined = reduce(and_ if every else or_, terms)
    for form in read.excluded:
        combined &= ~_postgres_form(form)
    return combined


def _search_postgres(selected, read: ReadQuery, user, *, limit: int, offset: int) -> tuple[list[ResultGroup], bool]:
    """Hits that match every term, or if there are none, any term (partial).

    One query counts both kinds of match for every source, so that a search that finds little reads little.
    """
    if not selected:
        return [], False
    every = postgres_query(read, every=True)
    widest = postgres_query(read, every=False) if len(read.terms) > 1 else every
    counts = _postgres_counts(selected, user, every=every, widest=widest)
    partial = not any(matched_every for matched_every, _ in counts.values())
    search_query, column = (widest, 1) if partial else (every, 0)
    groups = []
    for source in selected:
        total = counts.get(source.key, (0, 0))[column]
        if total:
            hits = _postgres_hits(source, search_query, user, limit=limit, offset=offset) if offset < total else []
            groups.append(ResultGroup(source=source, hits=hits, total=total))
    return groups, partial and bool(groups)


def _matching(source: SearchSource, user, search_query) -> models.QuerySet:
    vector = source.vector() if source.vector else F("search_vector")
    return source.queryset(user).annotate(document=vector).filter(document=search_query)


def _postgres_counts(selected: list[SearchSource], user, *, every, widest) -> dict[str, tuple[int, int]]:
    """Each source's number of matches for `every` and for `widest` (which includes them)."""
    parts = [
        _matching(source, user, widest)
        .order_by()
        .values(source_key=Value(source.key, output_field=models.CharField()))
        .annotate(every_count=Count("pk", filter=Q(document=every)), widest_count=Count("pk"))
        .values_list("source_key", "every_count", "widest_count")
        for source in selected
    ]
    rows = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return {key: (every_count, widest_count) for key, every_count, widest_count in rows}


def _postgres_hits(source: SearchSource, search_query, user, *, limit: int, offset: int) -> list[Hit]:
    headline_options = {"config": "english", "start_sel": START, "stop_sel": STOP}
    annotations = {
        "rank": SearchRank(F("document"), search_query),
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
    matching = _matching(source, user, search_query).annotate(**annotations)
    rows = matching.order_by("-rank", *source.ordering, "pk")[offset : offset + limit]
    return [
        _hit(source, row, title_marked=getattr(row, "title_headline", None), snippet_marked=_tidy(row.headline))
        for row in rows
    ]


def _concat(fields: tuple[str, ...]):
    if len(fields) == 1:
        return F(fields[0])
    parts = []
    for name in fields:
        parts += [F(name), Value(" \n ")]
    return Concat(*parts[:-1], output_field=TextField())


# --- SQLite ------------------------------------------------------------------------------------


def _fts_quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _fts_form(form: Form) -> str:
    if form.phrase or len(form.words) == 1:
        return _fts_quote(" ".join(form.words))
    return "(" + " AND ".join(map(_fts_quote, form.words)) + ")"


def fts_expression(read: ReadQuery, *, every: bool) -> str:
    """An FTS5 MATCH expression; every word is quoted, so nothing typed is read as an operator."""
    terms = ["(" + " OR ".join(map(_fts_form, term.forms)) + ")" for term in read.terms]
    expression = (" AND " if every else " OR ").join(terms)
    if read.excluded:
        expression = f"({expression}) NOT (" + " OR ".join(map(_fts_form, read.excluded)) + ")"
    return expression


def _search_sqlite(selected, read: ReadQuery, user, *, limit: int, offset: int) -> tuple[list[ResultGroup], bool]:
    """Hits that match every term, or if there are none, any term (partial)."""
    groups = _search_sqlite_index(selected, read, user, every=True, limit=limit, offset=offset)
    if groups or len(read.terms) == 1:
        return groups, False
    groups = _search_sqlite_index(selected, read, user, every=False, limit=limit, offset=offset)
    return groups, bool(groups)


def _search_sqlite_index(selected, read: ReadQuery, user, *, every: bool, limit: int, offset: int) -> list[ResultGroup]:
    params = [START, STOP, START, STOP, SNIPPET_WORDS, fts_expression(read, every=every)]
    params.append(json.dumps([source.key for source in selected]))
    try:
        with connection.cursor() as cursor:
            cursor.execute(SEARCH_SQL, params)
            found = cursor.fetchall()
    except OperationalError:
        logger.exception("The search index refused a query")
        return []
    by_source: dict[str, list[tuple[Any, str, str, float]]] = {}
    for key, object_id, title, snippet, score in found:
        by_source.setdefault(key, []).append((object_id, title, snippet, score))
    groups = []
    for source in selected:
        matches = by_source.get(source.key)
        if not matches:
            continue
        rows = source.queryset(user).in_bulk([object_id for object_id, *_ in matches])
        visible = [
            (rows[object_id], title, snippet, score)
            for object_id, title, snippet, score in matches
            if object_id in rows
        ]
        if not visible:
            continue
        if source.ordering:  # the index returns them best first; this orders those of equal rank
            visible.sort(key=lambda match: (match[3], *_ordering_key(source, match[0])))
        hits = [
            _hit(
                source,
                row,
                title_marked=title if source.title_field else None,
                snippet_marked=" ".join(snippet.replace("…", " … ").split()),
            )
            for row, title, snippet, _ in visible[offset : offset + limit]
        ]
        groups.append(ResultGroup(source=source, hits=hits, total=len(visible)))
    return groups


def _index_queryset(source: SearchSource) -> models.QuerySet:
    if source.index_queryset:
        return source.index_queryset()
    return _models[source.key]._default_manager.all()


def _document(source: SearchSource, row) -> tuple[str, str, str]:
    if source.document:
        texts = source.document(row)
    else:
        texts = (
            getattr(row, source.title_field) if source.title_field else "",
            " \n ".join(plain_text(getattr(row, name) or "") for name in source.body_fields),
            " ".join(str(getattr(row, name) or "") for name in source.extra_fields),
        )
    return tuple(text.replace(START, " ").replace(STOP, " ") for text in texts)


def reindex(source: SearchSource, pks: Iterable, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Bring SQLite's index up to date for these rows of one source (removing those that are gone)."""
    if connections[using].vendor != "sqlite":
        return
    pks = [pk for pk in pks if pk is not None]
    if not pks:
        return
    rows = _index_queryset(source).using(using).in_bulk(pks)
    with connections[using].cursor() as cursor:
        cursor.executemany(DELETE_SQL, [(source.key, pk) for pk in pks])
        if rows:
            cursor.executemany(INSERT_SQL, [(source.key, pk, *_document(source, row)) for pk, row in rows.items()])


def rebuild_index(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """Index every row of every source again, on SQLite; after migrations, and after a flush."""
    database = connections[using]
    if database.vendor != "sqlite" or INDEX_TABLE not in database.introspection.table_names():
        return
    with database.cursor() as cursor:
        cursor.execute("DELETE FROM guidance_search_index")
        for source in sources():
            rows = [(source.key, row.pk, *_document(source, row)) for row in _index_queryset(source).using(using)]
            if rows:
                cursor.executemany(INSERT_SQL, rows)


def rebuild_index_after_migrate(*, using: str = DEFAULT_DB_ALIAS, **_signal_kwargs) -> None:
    try:
        rebuild_index(using=using)
    except DatabaseError:
        # Another app's migrations are still to run; the next full migrate rebuilds the index.
        logger.warning("The search index was not rebuilt: the database is not fully migrated.")


def _reindex_receiver(key: str, attribute: str | None):
    def receiver(sender, instance, using=DEFAULT_DB_ALIAS, **_signal_kwargs):
        source = _sources.get(key)
        if source is not None and connections[using].vendor == "sqlite":
            reindex(source, [instance.pk if attribute is None else getattr(instance, attribute)], using=using)

    return receiver


# --- Any other database, and PostgreSQL for stop words: icontains --------------------------------


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
    fields = list(source.text_fields)
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
    scored.sort(key=lambda item: (-item[0], *_ordering_key(source, item[1])))
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


def _ordering_key(source: SearchSource, row) -> tuple:
    """How hits of equal rank are ordered: by the source's `ordering`, then by primary key."""
    return (*(getattr(row, name) for name in source.ordering), row.pk)


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
        action_text=described.get("action_text", ""),
        action_url=described.get("action_url", ""),
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
