"""The walkthrough's three-step template (every kind of question), for reading real step pages."""

from tests.checklists.walkthrough_support import guidance, walkthrough_template  # noqa: F401
