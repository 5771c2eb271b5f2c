"""Helpers for tests that need the real Knowledge Bite loaded."""

from io import StringIO
from pathlib import Path

import yaml
from django.conf import settings
from django.core.management import call_command

DATA_FILE = Path(settings.BASE_DIR) / "guidance" / "data" / "csprp-annual-report-2020.yaml"
BITE_SLUG = "csprp-annual-report-2020"


def load(*args: str) -> str:
    """Run load_knowledge_bite and return what it printed."""
    out = StringIO()
    call_command("load_knowledge_bite", *args, stdout=out)
    return out.getvalue()


def data() -> dict:
    return yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))
