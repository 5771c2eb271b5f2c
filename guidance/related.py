"""Panels that apps built on guidance add to its pages, so that guidance never imports them.

Apps depend downwards (checklists -> casestudies -> guidance), yet a theme page shows the
case studies (and, later, the checklists) that relate to it. Those apps register a panel in
their AppConfig.ready(); each panel loads its own items in a fixed number of queries and
renders its own template:

    related.register(related.Panel(key="case-studies", title="Case studies", template_name="casestudies/_related.html",
                                   for_theme=case_studies_for_theme, for_bite=case_studies_for_bite))
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .models import KnowledgeBite, Theme

# Loader functions return the items to show, or an empty sequence to leave the panel out.
ThemeLoader = Callable[[Theme, Any], Any]
BiteLoader = Callable[[KnowledgeBite, Any], Any]


@dataclass(frozen=True)
class Panel:
    key: str  # also the panel's anchor on the page
    title: str  # its heading, and its entry in the page's contents
    template_name: str
    for_theme: ThemeLoader | None = None
    for_bite: BiteLoader | None = None
    order: int = 100


@dataclass(frozen=True)
class RenderedPanel:
    key: str
    title: str
    template_name: str
    items: Any


_panels: dict[str, Panel] = {}


def register(panel: Panel) -> None:
    """Add a panel, or replace the one with the same key (so registering twice is harmless)."""
    _panels[panel.key] = panel


def _ordered() -> list[Panel]:
    return sorted(_panels.values(), key=lambda panel: (panel.order, panel.key))


def for_theme(theme: Theme, user) -> list[RenderedPanel]:
    return [
        RenderedPanel(panel.key, panel.title, panel.template_name, items)
        for panel in _ordered()
        if panel.for_theme and (items := panel.for_theme(theme, user))
    ]


def for_bite(bite: KnowledgeBite, user) -> list[RenderedPanel]:
    return [
        RenderedPanel(panel.key, panel.title, panel.template_name, items)
        for panel in _ordered()
        if panel.for_bite and (items := panel.for_bite(bite, user))
    ]
