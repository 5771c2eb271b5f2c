"""The one write insight makes: the audit record of a download."""

from auditlog.models import LogEntry
from django.db import transaction

from accounts.models import Team, User

from .periods import Period


@transaction.atomic
def record_download(*, by: User, table: str, teams: list[Team], period: Period) -> LogEntry:
    """Audit a CSV download as PDF exports are: who, which table, which teams and which period.

    The entry sits in the audit log (superusers read it in admin) against the person who downloaded.
    It holds team names and dates only: a download is aggregate, so there is no case to name.
    """
    names = [team.name for team in teams]
    dates = f"{period.start:%-d %B %Y} to {period.end:%-d %B %Y}"
    return LogEntry.objects.log_create(
        by,
        force_log=True,
        action=LogEntry.Action.ACCESS,
        actor=by,
        changes_text=f"Downloaded insight ({table}) for {', '.join(names)}, {dates}",
        additional_data={
            "download": "insight-csv",
            "table": table,
            "teams": names,
            "from": period.start.isoformat(),
            "to": period.end.isoformat(),
        },
    )
