"""Checklists as PDF documents, made with WeasyPrint from an HTML template."""

import logging

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import HTML

# WeasyPrint reports each layout step at INFO; the logs need none of it.
logging.getLogger("weasyprint").setLevel(logging.WARNING)
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def _refuse_fetch(url: str, *args, **kwargs):
    # Everything the PDF needs is in the HTML itself; never fetch anything, inside or outside.
    raise ValueError(f"PDF export does not fetch {url}")


def render_checklist_pdf(request, context: dict) -> bytes:
    html = render_to_string("checklists/export.html", {**context, "site_url": settings.SITE_URL}, request=request)
    return HTML(string=html, url_fetcher=_refuse_fetch).write_pdf()
