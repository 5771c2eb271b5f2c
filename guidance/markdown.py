"""Render editors' Markdown to HTML that can never carry script."""

import re
import threading

import markdown as md
import nh3

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "a", "blockquote", "h2", "h3", "h4", "code", "pre", "hr",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}}
# GOV.UK classes are added after sanitising, so editors cannot add their own.
CLASSES = {
    "<p>": '<p class="govuk-body">',
    "<ul>": '<ul class="govuk-list govuk-list--bullet">',
    "<ol>": '<ol class="govuk-list govuk-list--number">',
    "<h2>": '<h2 class="govuk-heading-m">',
    "<h3>": '<h3 class="govuk-heading-s">',
    "<h4>": '<h4 class="govuk-heading-s">',
    "<blockquote>": '<blockquote class="govuk-inset-text">',
    "<table>": '<table class="govuk-table">',
    "<a href=": '<a class="govuk-link" href=',
}


_local = threading.local()


def _converter() -> md.Markdown:
    """This thread's converter: building one costs more than converting a paragraph, and reset() clears it."""
    converter = getattr(_local, "converter", None)
    if converter is None:
        converter = _local.converter = md.Markdown(extensions=["sane_lists", "tables"], output_format="html")
    return converter.reset()


def render_markdown(text: str) -> str:
    html = _converter().convert(text or "")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    for plain, styled in CLASSES.items():
        clean = clean.replace(plain, styled)
    return clean


MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!>])")


def escape_markdown(text: str) -> str:
    """Text that Markdown will show as written, e.g. a file name with underscores."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", text).replace("<", "&lt;")
