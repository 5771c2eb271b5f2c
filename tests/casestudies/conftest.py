import pytest

from tests.guidance.content import load


@pytest.fixture
def loaded(db):
    """The whole Knowledge Bite, loaded from its data file."""
    load()
