import os
import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import Membership, Team, User
from accounts.roles import ensure_content_editors_group

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
}


class Command(BaseCommand):
    help = "Create the demo users and teams. Uses $DEMO_PASSWORD, or prints a generated password. Idempotent."

    def handle(self, *args, **options):
        password = os.environ.get("DEMO_PASSWORD") or secrets.token_urlsafe(12)
        try:
            validate_password(password)
        except ValidationError as error:
            raise CommandError("DEMO_PASSWORD is too weak: " + " ".join(error.messages)) from None
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
        self.stdout.write("Demo users: " + ", ".join(DEMO_USERS))
        self.stdout.write(f"Password for every demo user: {password}")
