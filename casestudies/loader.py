"""Load the case studies of a Knowledge Bite data file, the same way `guidance.loader` loads the bite."""

from typing import Any

from guidance.loader import (
    ContentError,
    Tally,
    check_date,
    check_integer,
    check_lengths,
    check_list,
    check_mapping,
    check_slug,
    check_text,
    check_url,
    entry_name,
    theme_numbers,
    unique,
    upsert,
)
from guidance.markdown import escape_markdown
from guidance.models import KnowledgeBite, Theme

from .models import CaseStudy, LearningPoint

__all__ = ["ContentError", "load_case_studies", "sources_markdown", "validate_case_studies"]

CASE_STUDY_FIELDS = {"slug", "title", "partnership", "review_type", "summary"}
CASE_STUDY_OPTIONAL = {
    "published", "what_cafcass_knew", "what_happened", "learning_intro", "themes", "sources", "learning_points",
}  # fmt: skip


def validate_case_studies(raw: Any, *, known_themes: set[int], where: str = "case_studies") -> list[dict]:
    """Check the `case_studies:` part of a file against the bite's theme numbers; return it cleaned."""
    case_studies, slugs = [], set()
    for i, entry in enumerate(check_list(raw, where)):
        at = entry_name(where, i, entry, "slug")
        entry = check_mapping(entry, at, required=CASE_STUDY_FIELDS, optional=CASE_STUDY_OPTIONAL)
        case_study = {
            "slug": check_slug(entry["slug"], f"{at}.slug"),
            "title": check_text(entry["title"], f"{at}.title"),
            "partnership": check_text(entry["partnership"], f"{at}.partnership"),
            "review_type": check_text(entry["review_type"], f"{at}.review_type"),
            "published": check_date(entry.get("published"), f"{at}.published"),
            "summary": check_text(entry["summary"], f"{at}.summary"),
            "what_cafcass_knew": check_text(entry.get("what_cafcass_knew"), f"{at}.what_cafcass_knew", required=False),
            "what_happened": check_text(entry.get("what_happened"), f"{at}.what_happened", required=False),
            "learning_intro": check_text(entry.get("learning_intro"), f"{at}.learning_intro", required=False),
            "themes": theme_numbers(entry.get("themes"), f"{at}.themes", known_themes),
        }
        unique(slugs, case_study["slug"], at, "case study slug")
        check_lengths(CaseStudy, {k: v for k, v in case_study.items() if k != "themes"}, at)

        sources = []
        for j, source in enumerate(check_list(entry.get("sources"), f"{at}.sources")):
            source_at = entry_name(f"{at}.sources", j, source, "title")
            source = check_mapping(source, source_at, required={"title"}, optional={"url", "note"})
            sources.append(
                {
                    "title": check_text(source["title"], f"{source_at}.title"),
                    "url": check_url(source.get("url"), f"{source_at}.url"),
                    "note": check_text(source.get("note"), f"{source_at}.note", required=False),
                }
            )
        case_study["sources"] = sources_markdown(sources)

        points, keys = [], set()
        for j, point in enumerate(check_list(entry.get("learning_points"), f"{at}.learning_points")):
            point_at = entry_name(f"{at}.learning_points", j, point, "key")
            point = check_mapping(point, point_at, required={"key", "text"}, optional={"theme"})
            cleaned = {
                "key": check_slug(point["key"], f"{point_at}.key"),
                "text": check_text(point["text"], f"{point_at}.text"),
                "theme": None,
            }
            if point.get("theme") is not None:
                cleaned["theme"] = check_integer(point["theme"], f"{point_at}.theme")
                if cleaned["theme"] not in known_themes:
                    raise ContentError(
                        f"{point_at}.theme: there is no theme {cleaned['theme']} in this Knowledge Bite."
                    )
            unique(keys, cleaned["key"], point_at, "learning point key")
            check_lengths(LearningPoint, {"key": cleaned["key"]}, point_at)
            points.append(cleaned)
        case_study["learning_points"] = points
        case_studies.append(case_study)
    return case_studies


def sources_markdown(sources: list[dict]) -> str:
    """A Markdown list of sources: a link only where there is a public address."""
    lines = []
    for source in sources:
        title = escape_markdown(source["title"])
        if source["url"]:
            url = source["url"].replace(" ", "%20").replace("(", "%28").replace(")", "%29")
            line = f"- [{title}]({url})"
        else:
            line = f"- **{title}**"
        if source["note"]:
            line += f": {escape_markdown(source['note'])}"
        lines.append(line)
    return "\n".join(lines)


def load_case_studies(
    case_studies: list[dict], *, bite: KnowledgeBite, themes: dict[int, Theme], update: bool, tally: Tally
) -> None:
    """Write case studies checked by `validate_case_studies`. Run it inside a transaction."""
    for position, case_study in enumerate(case_studies, start=1):
        values = {key: value for key, value in case_study.items() if key not in {"slug", "themes", "learning_points"}}
        values.update(knowledge_bite_id=bite.pk, order=position * 10)
        obj = upsert(
            CaseStudy,
            {"slug": case_study["slug"]},
            values,
            update=update,
            tally=tally,
            label="Case studies",
            themes=[themes[number] for number in case_study["themes"]],
        )
        for point_position, point in enumerate(case_study["learning_points"], start=1):
            upsert(
                LearningPoint,
                {"case_study": obj, "key": point["key"]},
                {
                    "text": point["text"],
                    "order": point_position * 10,
                    "theme_id": themes[point["theme"]].pk if point["theme"] else None,
                },
                update=update,
                tally=tally,
                label="Learning points",
            )
