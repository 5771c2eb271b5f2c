"""Load a Knowledge Bite from its data file: validation first, then idempotent writes.

The file is checked strictly before anything is written; a `ContentError` names the bad
entry. Rows are matched by natural keys (slugs, keys, theme numbers). An existing row is
only overwritten with `update=True`, so editors' changes in admin survive a plain rerun.
Case studies live in `casestudies.loader`, which builds on this module.
"""

import datetime
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models

from .models import (
    RESERVED_BITE_SLUGS,
    KeyFact,
    KnowledgeBite,
    PracticePoint,
    Resource,
    SearchSynonym,
    Section,
    Theme,
    split_terms,
)

SLUG = re.compile(r"^[-a-z0-9_]+$")


class ContentError(ValueError):
    """An entry in a data file is missing, malformed or inconsistent. The message names it."""


# --- Checking values ---------------------------------------------------------------------------


def check_text(value: Any, where: str, *, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise ContentError(f"{where}: must be text, not {type(value).__name__}.")
    value = value.strip()
    if required and not value:
        raise ContentError(f"{where}: must not be empty.")
    return value


def check_slug(value: Any, where: str) -> str:
    value = check_text(value, where)
    if not SLUG.match(value):
        raise ContentError(f"{where}: {value!r} is not a slug (lower-case letters, digits and hyphens).")
    return value


def check_integer(value: Any, where: str, *, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ContentError(f"{where}: must be a whole number of at least {minimum}, not {value!r}.")
    return value


def check_decimal(value: Any, where: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ContentError(f"{where}: must be a number, not {value!r}.")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ContentError(f"{where}: must be a number, not {value!r}.") from None
    if not number.is_finite() or number < 0 or number != number.quantize(Decimal("0.1")):
        raise ContentError(f"{where}: must be a positive number with at most one decimal place, not {value!r}.")
    if number >= Decimal("1e9"):
        raise ContentError(f"{where}: {value!r} is too large.")
    return number


def check_date(value: Any, where: str) -> datetime.date | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
        raise ContentError(f"{where}: must be a date written YYYY-MM-DD, or null, not {value!r}.")
    return value


def check_choice(value: Any, where: str, choices: type[models.TextChoices]) -> str:
    if value not in choices.values:
        allowed = ", ".join(choices.values)
        raise ContentError(f"{where}: {value!r} is not one of: {allowed}.")
    return value


def check_url(value: Any, where: str) -> str:
    value = check_text(value, where, required=False)
    if value:
        try:
            URLValidator(schemes=["http", "https"])(value)
        except ValidationError:
            raise ContentError(f"{where}: {value!r} is not a web address (http or https).") from None
    return value


def check_list(value: Any, where: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ContentError(f"{where}: must be a list, not {type(value).__name__}.")
    return value


def check_mapping(value: Any, where: str, *, required: set[str], optional: set[str] = frozenset()) -> dict:
    if not isinstance(value, dict):
        raise ContentError(f"{where}: must be a mapping of fields, not {type(value).__name__}.")
    missing = sorted(required - value.keys())
    if missing:
        raise ContentError(f"{where}: missing {', '.join(missing)}.")
    unknown = sorted(str(key) for key in value.keys() - required - optional)
    if unknown:
        raise ContentError(f"{where}: unknown field{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}.")
    return value


def entry_name(parent: str, index: int, entry: Any, key: str) -> str:
    """'knowledge_bite.themes[2] (slug critical-thinking)': where an entry is, and what it is called."""
    name = f"{parent}[{index}]"
    if isinstance(entry, dict) and isinstance(entry.get(key), str | int) and not isinstance(entry.get(key), bool):
        name += f" ({key} {entry[key]})"
    return name


def check_lengths(model: type[models.Model], values: dict[str, Any], where: str) -> None:
    """Fail with the field's name rather than a database error when text is too long."""
    for name, value in values.items():
        max_length = getattr(model._meta.get_field(name), "max_length", None)
        if max_length and isinstance(value, str) and len(value) > max_length:
            raise ContentError(f"{where}: {name} is {len(value)} characters long; the most is {max_length}.")


def unique(seen: set, value: Any, where: str, what: str) -> None:
    if value in seen:
        raise ContentError(f"{where}: {what} {value} is used twice.")
    seen.add(value)


def theme_numbers(value: Any, where: str, known: set[int]) -> list[int]:
    numbers = [check_integer(number, f"{where}[{i}]") for i, number in enumerate(check_list(value, where))]
    for number in numbers:
        if number not in known:
            raise ContentError(f"{where}: there is no theme {number} in this Knowledge Bite.")
    return sorted(set(numbers))


# --- Validating the file -----------------------------------------------------------------------

BITE_FIELDS = {"slug", "title", "source_report", "status"}
BITE_OPTIONAL = {
    "summary", "source_published", "created", "last_reviewed", "review_due", "foreword_quote",
    "foreword_attribution", "sections", "key_facts", "themes", "resources",
}  # fmt: skip
RESOURCE_FIELDS = {"slug", "title", "kind"}
RESOURCE_OPTIONAL = {"url", "availability", "description", "themes"}


def validate_bite(raw: Any, where: str = "knowledge_bite") -> dict:
    """Check the `knowledge_bite:` part of a file and return it cleaned (text stripped, numbers exact)."""
    raw = check_mapping(raw, where, required=BITE_FIELDS, optional=BITE_OPTIONAL)
    bite = {
        "slug": check_slug(raw["slug"], f"{where}.slug"),
        "title": check_text(raw["title"], f"{where}.title"),
        "source_report": check_text(raw["source_report"], f"{where}.source_report"),
        "status": check_choice(raw["status"], f"{where}.status", KnowledgeBite.Status),
        "summary": check_text(raw.get("summary"), f"{where}.summary", required=False),
        "foreword_quote": check_text(raw.get("foreword_quote"), f"{where}.foreword_quote", required=False),
        "foreword_attribution": check_text(
            raw.get("foreword_attribution"), f"{where}.foreword_attribution", required=False
        ),
    }
    for name in ("source_published", "created", "last_reviewed", "review_due"):
        bite[name] = check_date(raw.get(name), f"{where}.{name}")
    if bite["slug"] in RESERVED_BITE_SLUGS:
        raise ContentError(f"{where}.slug: {bite['slug']!r} is the address of another guidance page.")
    check_lengths(KnowledgeBite, bite, where)

    sections, section_slugs = [], set()
    for i, entry in enumerate(check_list(raw.get("sections"), f"{where}.sections")):
        at = entry_name(f"{where}.sections", i, entry, "slug")
        entry = check_mapping(entry, at, required={"slug", "title", "body"})
        section = {
            "slug": check_slug(entry["slug"], f"{at}.slug"),
            "title": check_text(entry["title"], f"{at}.title"),
            "body": check_text(entry["body"], f"{at}.body"),
        }
        unique(section_slugs, section["slug"], at, "section slug")
        check_lengths(Section, section, at)
        sections.append(section)
    bite["sections"] = sections

    themes, numbers, theme_slugs = [], set(), set()
    raw_themes = check_list(raw.get("themes"), f"{where}.themes")
    for i, entry in enumerate(raw_themes):
        at = entry_name(f"{where}.themes", i, entry, "slug")
        entry = check_mapping(
            entry,
            at,
            required={"number", "slug", "title"},
            optional={"summary", "key_messages", "why_it_matters", "practice_points", "resources"},
        )
        theme = {
            "number": check_integer(entry["number"], f"{at}.number"),
            "slug": check_slug(entry["slug"], f"{at}.slug"),
            "title": check_text(entry["title"], f"{at}.title"),
            "summary": check_text(entry.get("summary"), f"{at}.summary", required=False),
            "key_messages": check_text(entry.get("key_messages"), f"{at}.key_messages", required=False),
            "why_it_matters": check_text(entry.get("why_it_matters"), f"{at}.why_it_matters", required=False),
        }
        unique(numbers, theme["number"], at, "theme number")
        unique(theme_slugs, theme["slug"], at, "theme slug")
        check_lengths(Theme, theme, at)
        points, keys = [], set()
        for j, point in enumerate(check_list(entry.get("practice_points"), f"{at}.practice_points")):
            point_at = entry_name(f"{at}.practice_points", j, point, "key")
            point = check_mapping(point, point_at, required={"key", "title", "body"})
            cleaned = {
                "key": check_slug(point["key"], f"{point_at}.key"),
                "title": check_text(point["title"], f"{point_at}.title"),
                "body": check_text(point["body"], f"{point_at}.body"),
            }
            unique(keys, cleaned["key"], point_at, "practice point key")
            check_lengths(PracticePoint, cleaned, point_at)
            points.append(cleaned)
        theme["practice_points"] = points
        themes.append(theme)
    bite["themes"] = themes

    # Resources are checked once every theme number is known, as they may name later themes.
    resource_slugs: set[str] = set()
    for i, (theme, entry) in enumerate(zip(themes, raw_themes, strict=True)):
        at = entry_name(f"{where}.themes", i, entry, "slug")
        theme["resources"] = [
            _resource(resource, entry_name(f"{at}.resources", j, resource, "slug"), numbers, resource_slugs)
            for j, resource in enumerate(check_list(entry.get("resources"), f"{at}.resources"))
        ]
        for resource in theme["resources"]:
            resource["themes"] = sorted(set(resource["themes"]) | {theme["number"]})
    bite["resources"] = [
        _resource(resource, entry_name(f"{where}.resources", j, resource, "slug"), numbers, resource_slugs)
        for j, resource in enumerate(check_list(raw.get("resources"), f"{where}.resources"))
    ]

    facts, fact_keys, units = [], set(), {}
    for i, entry in enumerate(check_list(raw.get("key_facts"), f"{where}.key_facts")):
        at = entry_name(f"{where}.key_facts", i, entry, "key")
        entry = check_mapping(
            entry, at, required={"key", "group", "label", "value", "unit"}, optional={"note", "section", "theme"}
        )
        fact = {
            "key": check_slug(entry["key"], f"{at}.key"),
            "group": check_text(entry["group"], f"{at}.group"),
            "label": check_text(entry["label"], f"{at}.label"),
            "value": check_decimal(entry["value"], f"{at}.value"),
            "unit": check_text(entry["unit"], f"{at}.unit"),
            "note": check_text(entry.get("note"), f"{at}.note", required=False),
            "section": None,
            "theme": None,
        }
        if entry.get("section") is not None and entry.get("theme") is not None:
            raise ContentError(f"{at}: give a section or a theme, not both.")
        if entry.get("section") is not None:
            fact["section"] = check_slug(entry["section"], f"{at}.section")
            if fact["section"] not in section_slugs:
                raise ContentError(f"{at}.section: there is no section {fact['section']} in this Knowledge Bite.")
        if entry.get("theme") is not None:
            fact["theme"] = check_integer(entry["theme"], f"{at}.theme")
            if fact["theme"] not in numbers:
                raise ContentError(f"{at}.theme: there is no theme {fact['theme']} in this Knowledge Bite.")
        if fact["unit"] == "%" and fact["value"] > 100:
            raise ContentError(f"{at}.value: a percentage cannot be more than 100.")
        unique(fact_keys, fact["key"], at, "key fact key")
        # Figures in one group are charted on one scale, so they must share a unit.
        if units.setdefault(fact["group"], fact["unit"]) != fact["unit"]:
            raise ContentError(
                f"{at}.unit: {fact['unit']!r} differs from {units[fact['group']]!r}, used earlier in the group "
                f"{fact['group']!r}. Figures charted together need one unit."
            )
        check_lengths(KeyFact, {k: v for k, v in fact.items() if k not in ("section", "theme")}, at)
        facts.append(fact)
    bite["key_facts"] = facts
    return bite


def _resource(raw: Any, at: str, numbers: set[int], slugs: set[str]) -> dict:
    raw = check_mapping(raw, at, required=RESOURCE_FIELDS, optional=RESOURCE_OPTIONAL)
    resource = {
        "slug": check_slug(raw["slug"], f"{at}.slug"),
        "title": check_text(raw["title"], f"{at}.title"),
        "kind": check_choice(raw["kind"], f"{at}.kind", Resource.Kind),
        "url": check_url(raw.get("url"), f"{at}.url"),
        "availability": check_choice(
            raw.get("availability", Resource.Availability.AVAILABLE), f"{at}.availability", Resource.Availability
        ),
        "description": check_text(raw.get("description"), f"{at}.description", required=False),
        "themes": theme_numbers(raw.get("themes"), f"{at}.themes", numbers),
    }
    unique(slugs, resource["slug"], at, "resource slug")
    check_lengths(Resource, {k: v for k, v in resource.items() if k != "themes"}, at)
    return resource


# --- Writing -----------------------------------------------------------------------------------

CREATED, UPDATED, UNCHANGED, KEPT = "created", "updated", "unchanged", "kept"


@dataclass
class Tally:
    """What a load did to each kind of row, for the command's report."""

    counts: dict[str, Counter] = field(default_factory=dict)

    def record(self, label: str, outcome: str) -> None:
        self.counts.setdefault(label, Counter())[outcome] += 1

    def lines(self) -> list[str]:
        lines = []
        for label, count in self.counts.items():
            line = (
                f"{label}: {count[CREATED]} created, {count[UPDATED]} updated, "
                f"{count[UNCHANGED] + count[KEPT]} unchanged"
            )
            if count[KEPT]:
                line += f" ({count[KEPT]} differ from the file and were kept; --update overwrites them)"
            lines.append(line)
        return lines


def upsert(
    model: type[models.Model],
    lookup: dict[str, Any],
    values: dict[str, Any],
    *,
    update: bool,
    tally: Tally,
    label: str,
    themes: list[Theme] | None = None,
) -> models.Model:
    """Create the row if it is missing; overwrite it from the file only when `update` is set."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model.objects.create(**lookup, **values)
        if themes is not None:
            obj.themes.set(themes)
        tally.record(label, CREATED)
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    themes_differ = themes is not None and set(obj.themes.values_list("pk", flat=True)) != {t.pk for t in themes}
    if not changed and not themes_differ:
        tally.record(label, UNCHANGED)
    elif not update:
        tally.record(label, KEPT)
    else:
        for name in changed:
            setattr(obj, name, values[name])
        if changed:
            obj.save()
        if themes_differ:
            obj.themes.set(themes)
        tally.record(label, UPDATED)
    return obj


@dataclass
class LoadedBite:
    bite: KnowledgeBite
    themes: dict[int, Theme]


def load_bite(data: dict, *, update: bool, tally: Tally) -> LoadedBite:
    """Write a bite checked by `validate_bite`. Run it inside a transaction."""
    bite_values = {
        key: value for key, value in data.items() if key not in {"slug", "sections", "themes", "key_facts", "resources"}
    }
    bite = upsert(
        KnowledgeBite, {"slug": data["slug"]}, bite_values, update=update, tally=tally, label="Knowledge Bites"
    )

    sections = {}
    for position, section in enumerate(data["sections"], start=1):
        values = {"title": section["title"], "body": section["body"], "order": position * 10}
        sections[section["slug"]] = upsert(
            Section,
            {"knowledge_bite": bite, "slug": section["slug"]},
            values,
            update=update,
            tally=tally,
            label="Sections",
        )

    themes = {}
    for theme in data["themes"]:
        values = {key: theme[key] for key in ("slug", "title", "summary", "key_messages", "why_it_matters")}
        themes[theme["number"]] = upsert(
            Theme,
            {"knowledge_bite": bite, "number": theme["number"]},
            values,
            update=update,
            tally=tally,
            label="Themes",
        )
    for theme in data["themes"]:
        for position, point in enumerate(theme["practice_points"], start=1):
            upsert(
                PracticePoint,
                {"theme": themes[theme["number"]], "key": point["key"]},
                {"title": point["title"], "body": point["body"], "order": position * 10},
                update=update,
                tally=tally,
                label="Practice points",
            )

    for position, fact in enumerate(data["key_facts"], start=1):
        values = {key: fact[key] for key in ("group", "label", "value", "unit", "note")}
        values["order"] = position * 10
        values["section_id"] = sections[fact["section"]].pk if fact["section"] else None
        values["theme_id"] = themes[fact["theme"]].pk if fact["theme"] else None
        upsert(
            KeyFact,
            {"knowledge_bite": bite, "key": fact["key"]},
            values,
            update=update,
            tally=tally,
            label="Key facts",
        )

    resources = [resource for theme in data["themes"] for resource in theme["resources"]] + data["resources"]
    for position, resource in enumerate(resources, start=1):
        values = {key: resource[key] for key in ("title", "kind", "url", "availability", "description")}
        values.update(knowledge_bite_id=bite.pk, order=position * 10)
        upsert(
            Resource,
            {"slug": resource["slug"]},
            values,
            update=update,
            tally=tally,
            label="Resources",
            themes=[themes[number] for number in resource["themes"]],
        )
    return LoadedBite(bite=bite, themes=themes)


@dataclass(frozen=True)
class FilePart:
    """A top-level part of a Knowledge Bite data file that an app built on guidance loads.

    `validate(raw, known_themes=...)` checks it and returns it cleaned; `load(cleaned, bite=...,
    themes=..., update=..., tally=...)` writes it after the bite. Registered from AppConfig.ready(),
    so guidance never imports those apps.
    """

    key: str
    validate: Callable[..., Any]
    load: Callable[..., None]


_parts: dict[str, FilePart] = {}


def register_part(part: FilePart) -> None:
    _parts[part.key] = part


def file_parts() -> list[FilePart]:
    return list(_parts.values())


# --- Search synonyms: the file's `search_synonyms:` part ----------------------------------------


def validate_search_synonyms(raw: Any, *, known_themes: set[int], where: str = "search_synonyms") -> list[list[str]]:
    """Each entry is a list of words or phrases that mean the same thing to someone searching."""
    groups, first_terms = [], set()
    for i, entry in enumerate(check_list(raw, where)):
        at = f"{where}[{i}]"
        terms = split_terms(", ".join(check_text(term, f"{at}[{j}]") for j, term in enumerate(check_list(entry, at))))
        synonym = SearchSynonym(terms=", ".join(terms))
        try:
            synonym.clean()
        except ValidationError as error:
            raise ContentError(f"{at}: {' '.join(error.message_dict['terms'])}") from None
        unique(first_terms, terms[0], at, "first term")
        groups.append(terms)
    return groups


def load_search_synonyms(groups: list[list[str]], *, update: bool, tally: Tally, **_context) -> None:
    """Add each synonym that no editor's synonym starts from yet; with `update`, overwrite those that do."""
    existing = {synonym.term_list[0]: synonym for synonym in SearchSynonym.objects.all() if synonym.term_list}
    for terms in groups:
        text = ", ".join(terms)
        synonym = existing.get(terms[0])
        if synonym is None:
            SearchSynonym.objects.create(terms=text)
            tally.record("Search synonyms", CREATED)
        elif synonym.term_list == terms:
            tally.record("Search synonyms", UNCHANGED)
        elif update:
            synonym.terms = text
            synonym.save()
            tally.record("Search synonyms", UPDATED)
        else:
            tally.record("Search synonyms", KEPT)
