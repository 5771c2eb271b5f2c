"""Reading the app's pages for the workforce load: URL patterns, form controls and step questions.

Everything is found by URL pattern (from URL names) and by form field name, never by layout, so
the load keeps working when templates are rearranged. Plain Python, so the tests can check it
against pages the app really renders.
"""

import html
import json
import re
from urllib.parse import urlsplit

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
PLACEHOLDERS = {
    "pk": f"(?P<pk>{UUID})",
    "number": r"(?P<number>\d+)",
    "slug": r"(?P<slug>[-\w]+)",
    "id": r"(?P<id>\d+)",  # an integer id, such as an action's
}
ACTION_ID = re.compile(r"/actions/\d+/")
TAG = re.compile(r"<(input|textarea|select|option)\b([^>]*)>", re.IGNORECASE)
ATTRIBUTE = re.compile(r"""([\w:.@-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?""")
HX_VALS = re.compile(r"""hx-vals\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
SAVED_REVISION = re.compile(r'data-saved-revision="(\d+)"')
ERROR_TEXT = re.compile(r"(?:error-message|error-summary__list|--error)[^>]*>(.*?)</(?:p|ul|div)>", re.DOTALL)


def url_regex(pattern: str) -> re.Pattern:
    """A URL pattern such as "/checklists/{pk}/steps/{number}/" as a regex that finds it in a Location or an href."""
    parts = re.split(r"(\{\w+\})", pattern)
    body = "".join(PLACEHOLDERS[part[1:-1]] if part.startswith("{") else re.escape(part) for part in parts)
    # Not a prefix of a longer path: /supervision/<pk>/ must not match /supervision/<pk>/comment/.
    return re.compile(body + r"(?=$|[\"'?#])")


def attributes(text: str) -> dict[str, str]:
    return {
        match.group(1).lower(): html.unescape(next((g for g in match.groups()[1:] if g is not None), ""))
        for match in ATTRIBUTE.finditer(text)
    }


def controls(page: str, start: int = 0, end: int | None = None) -> list[dict]:
    """The form controls between two offsets of a page: tag, name, type, value, checked."""
    found = []
    for match in TAG.finditer(page, start, len(page) if end is None else end):
        attrs = attributes(match.group(2))
        attrs["tag"] = match.group(1).lower()
        attrs["at"] = match.start()
        found.append(attrs)
    return found


def parse_questions(page: str) -> list[dict]:
    """A step page's questions, read from the names the step form and autosave use (checklists/walkthrough.py).

    Each question's autosave carries `{"question": <id>}` in hx-vals; its inputs are named
    q-<key> (q-<key>.day/.month/.year for a date) and revision-<key>. Anything between one
    question's hx-vals and the next belongs to it, whatever the markup around them.
    """
    starts = []
    for match in HX_VALS.finditer(page):
        raw = html.unescape(match.group(1) or match.group(2) or "")
        try:
            values = json.loads(raw)
        except ValueError:
            continue
        if isinstance(values, dict) and str(values.get("question", "")).isdigit():
            starts.append((match.start(), int(values["question"])))
    questions = []
    for index, (start, question_id) in enumerate(starts):
        end = starts[index + 1][0] if index + 1 < len(starts) else None
        inputs = [c for c in controls(page, start, end) if c.get("name", "").startswith(("q-", "revision-"))]
        answer_inputs = [c for c in inputs if c["name"].startswith("q-")]
        if not answer_inputs:
            continue
        key = answer_inputs[0]["name"][2:].split(".")[0]
        name = f"q-{key}"
        mine = [c for c in answer_inputs if c["name"].split(".")[0] == name]
        revision = next((c.get("value", "0") for c in inputs if c["name"] == f"revision-{key}"), "0")
        kinds = {c.get("type", "text").lower() if c["tag"] == "input" else c["tag"] for c in mine}
        if any(c["name"].endswith((".day", ".month", ".year")) for c in mine):
            kind = "date"
        elif "radio" in kinds:
            kind = "radio"
        elif "checkbox" in kinds:
            kind = "checkbox"
        elif "textarea" in kinds:
            kind = "long text"
        else:
            kind = "short text"
        questions.append(
            {
                "id": question_id,
                "key": key,
                "kind": kind,
                "options": [c["value"] for c in mine if c.get("type") in ("radio", "checkbox") and "value" in c],
                "revision": int(revision) if revision.isdigit() else 0,
            }
        )
    return questions


def select_options(page: str, name: str) -> list[str]:
    """The option values of the <select name=...> on a page."""
    match = re.search(rf"<select\b[^>]*\bname=[\"']{re.escape(name)}[\"'][^>]*>(.*?)</select>", page, re.DOTALL)
    return (
        [attributes(m.group(1)).get("value", "") for m in re.finditer(r"<option\b([^>]*)>", match.group(1))]
        if match
        else []
    )


def comment_steps(page: str) -> list[str]:
    """The steps a review page offers to comment on: each step's comment form carries its step id."""
    return [c["value"] for c in controls(page) if c.get("name") == "comment-step" and c.get("value")]


def error_reason(text: str) -> str:
    """The first error message a page or fragment shows, to say why a request was refused."""
    match = ERROR_TEXT.search(text or "")
    words = re.sub(r"<[^>]+>", " ", html.unescape(match.group(1) if match else ""))
    return " ".join(words.split())[:160]


def mask(path: str) -> str:
    """A path without its ids, so that errors group by kind rather than by checklist or action."""
    return ACTION_ID.sub("/actions/<id>/", re.sub(UUID, "<pk>", urlsplit(path).path)) if path else ""


def autosave_form(question: dict, values: dict) -> dict:
    """What htmx posts for one question: its hx-vals (the question id), its answer fields and its revision."""
    return {"question": str(question["id"]), **values, f"revision-{question['key']}": str(question["revision"])}


def revision_after_save(status: int, reply: str, question: dict) -> int:
    """The revision the next save builds on: the one a successful save's reply carries (out of band), or,
    on a conflict, the saved one (as "Use the saved version" does)."""
    if status == 200:
        found = next(
            (c.get("value", "") for c in controls(reply) if c.get("name") == f"revision-{question['key']}"), ""
        )
        return int(found) if found.isdigit() else question["revision"] + 1
    if status == 409:
        saved = SAVED_REVISION.search(reply)
        if saved:
            return int(saved.group(1))
    return question["revision"]
