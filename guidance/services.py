"""Writes to guidance that are more than an admin form's save: amendments and their notices."""

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from accounts.models import User

from .models import AMENDMENT_NOTE_MAX_LENGTH, Amendment, AmendmentDismissal, Theme


class AmendmentError(ValueError):
    """A refused amendment. The message is safe to show to the editor."""


def _placement(subject: models.Model) -> tuple[str, Theme | None]:
    """The subject's name and theme. Each amended model has a title or a label, and a theme or a bite."""
    title = getattr(subject, "title", None) or getattr(subject, "label", None) or str(subject)
    theme = subject if isinstance(subject, Theme) else getattr(subject, "theme", None)
    return title, theme


@transaction.atomic
def record_amendment(*, subject: models.Model, note: str, by: User | None) -> Amendment:
    """Tell readers that a theme, practice point, key fact or case study now says something different."""
    note = " ".join(note.split())
    if not note:
        raise AmendmentError("Enter a change note that says what changed.")
    if len(note) > AMENDMENT_NOTE_MAX_LENGTH:
        raise AmendmentError(f"The change note must be {AMENDMENT_NOTE_MAX_LENGTH} characters or fewer.")
    title, theme = _placement(subject)
    bite_id = getattr(subject, "knowledge_bite_id", None) or theme.knowledge_bite_id
    # Writing the amendment retires the cached guidance pages (see GuidanceConfig.ready).
    return Amendment.objects.create(
        content_type=ContentType.objects.get_for_model(subject),
        object_id=subject.pk,
        title=title[:200],
        knowledge_bite_id=bite_id,
        theme=theme,
        note=note,
        changed_by=by,
    )


@transaction.atomic
def dismiss_amendment(*, amendment: Amendment, by: User) -> AmendmentDismissal:
    """Put away the notice of an amendment for one person. Dismissing it again changes nothing."""
    dismissal, _ = AmendmentDismissal.objects.get_or_create(amendment=amendment, user=by)
    return dismissal
