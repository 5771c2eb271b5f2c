"""Each filter and ordering has an index, and no foreign key keeps an index of its own that a
composite index leading with the same column already covers (each one is written on every change)."""

import pytest
from django.db import connection

from checklists.models import Answer, Checklist, Comment, Event

pytestmark = pytest.mark.django_db

# Each foreign key's column, and the composite index that serves lookups by it.
COVERED = [
    (Answer, "checklist_id", ["checklist_id", "question_id"]),
    (Checklist, "author_id", ["author_id", "updated_at"]),
    (Checklist, "team_id", ["team_id", "status", "submitted_at"]),
    (Comment, "checklist_id", ["checklist_id", "created_at"]),
    (Event, "checklist_id", ["checklist_id", "created_at", "id"]),
]


def _indexes(model) -> dict[str, dict]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
    # A unique constraint is served by an index too.
    return {name: c for name, c in constraints.items() if (c["index"] or c["unique"]) and not c["primary_key"]}


@pytest.mark.parametrize(("model", "column", "composite"), COVERED)
def test_a_covered_foreign_key_has_no_index_of_its_own(model, column, composite):
    indexes = _indexes(model)
    assert not [name for name, c in indexes.items() if c["columns"] == [column]]
    assert any(c["columns"] == composite for c in indexes.values())
    # The foreign key itself stays.
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
    assert any(c["foreign_key"] and c["columns"] == [column] for c in constraints.values())


def test_the_timeline_is_read_newest_first_off_its_index():
    """The timeline's ORDER BY (created_at, id) matches event_timeline exactly."""
    indexes = _indexes(Event)
    assert indexes["event_timeline"]["columns"] == ["checklist_id", "created_at", "id"]
    assert "event_checklist" not in indexes
