import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import Membership, Team, User
from accounts.roles import ensure_content_editors_group, ensure_practice_leads_group

PRACTITIONER = Membership.Role.PRACTITIONER
SUPERVISOR = Membership.Role.SUPERVISOR

# username: (first name, last name, [(team, role)], editor, superuser)
DEMO_USERS = {
    "fca": ("Fran", "Adeyemi", [("North", PRACTITIONER)], False, False),
    "fca2": ("Sam", "Okafor", [("North", PRACTITIONER)], False, False),
    "supervisor": ("Pat", "Mensah", [("North", SUPERVISOR)], False, False),
    "fca3": ("Alex", "Nowak", [("South", PRACTITIONER)], False, False),
    "supervisor2": ("Jo", "Harris", [("South", SUPERVISOR)], False, False),
    "editor": ("Eden", "Clarke", [], True, False),
    "admin": ("Ari", "Singh", [], False, True),
    "lead": ("Lee", "Brennan", [], False, False),  # a practice lead, given both teams below
}
PRACTICE_LEAD = "lead"


def demo_password(path: Path) -> tuple[str, str]:
    """The password and where it came from: $DEMO_PASSWORD, else the file, else a new one saved there."""
    if password := os.environ.get("DEMO_PASSWORD"):
        return password, "from DEMO_PASSWORD"
    if path.exists():
        if password := path.read_text(encoding="utf-8").strip():
            return password, f"kept in {path}"
    password = secrets.token_urlsafe(12)
    # Readable by its owner only, as it signs in as a superuser too.
    path.touch(mode=0o600)
    path.write_text(password + "\n", encoding="utf-8")
    return password, f"new, kept in {path}"


class Command(BaseCommand):
    help = (
        "Create the demo users and teams. The password is $DEMO_PASSWORD, or the one kept in .demo-password "
        "(made on the first run). Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password-file",
            type=Path,
            default=Path(settings.BASE_DIR) / ".demo-password",
            help="Where the password is kept when DEMO_PASSWORD is not set (default: .demo-password).",
        )

    def handle(self, *args, **options):
        password, source = demo_password(options["password_file"])
        try:
            validate_password(password)
        except ValidationError as error:
            raise CommandError(f"The demo password ({source}) is too weak: " + " ".join(error.messages)) from None
        with transaction.atomic():
            editors = ensure_content_editors_group()
            teams = {
                name: Team.objects.get_or_create(name=name, defaults={"slug": name.lower()})[0]
                for name in ("North", "South")
            }
            for username, (first, last, memberships, editor, superuser) in DEMO_USERS.items():
                user, _ = User.objects.get_or_create(username=username)
                user.first_name, user.last_name = first, last
                user.email = f"{username}@practicehub.invalid"
                user.is_staff = editor or superuser
                user.is_superuser = superuser
                user.is_active = True
                user.set_password(password)
                user.save()
                if editor:
                    user.groups.add(editors)
                user.memberships.exclude(team__name__in=[team for team, _ in memberships]).delete()
                for team_name, role in memberships:
                    Membership.objects.update_or_create(user=user, team=teams[team_name], defaults={"role": role})
            lead = User.objects.get(username=PRACTICE_LEAD)
            lead.groups.add(ensure_practice_leads_group())
            lead.led_teams.set(teams.values())
        self.stdout.write("Demo users: " + ", ".join(DEMO_USERS))
        self.stdout.write(f"Password for every demo user ({source}): {password}")
