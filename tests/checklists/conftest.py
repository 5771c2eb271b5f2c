"""Fixtures for the walkthrough tests (see walkthrough_support.py)."""

from .walkthrough_support import guidance, walkthrough_template  # noqa: F401
