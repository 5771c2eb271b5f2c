from django import template
from django.utils.safestring import mark_safe

from guidance.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> str:
    """Markdown from editors, sanitised by nh3, with GOV.UK classes."""
    return mark_safe(render_markdown(text))  # noqa: S308 - sanitised by nh3 just above
