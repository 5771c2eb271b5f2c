"""What an FCA will do next ("Then What?"): actions recorded on a checklist and followed up."""

from django.db import models
from django.urls import reverse
from django.utils import timezone

from checklists.models import Checklist, Question

MAX_DESCRIPTION_LENGTH = 500


class ActionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Actions on the checklists a person may see, by the same rule as the checklists."""
        return self.filter(checklist__in=Checklist.objects.visible_to(user))

    def owned_by(self, user):
        """The person's own actions: those on checklists they wrote."""
        return self.filter(checklist__author=user)

    def open(self):
        return self.filter(status=Action.Status.OPEN)

    def overdue(self, today=None):
        return self.open().filter(due_on__lt=today or timezone.localdate())


class Action(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        NOT_NEEDED = "not_needed", "No longer needed"
        CARRIED_FORWARD = "carried_forward", "Carried forward"

    class Owner(models.TextChoices):
        ME = "me", "Me"
        SUPERVISOR = "supervisor", "My supervisor"
        AGENCY = "agency", "Another agency"

    CLOSED = {Status.DONE, Status.NOT_NEEDED, Status.CARRIED_FORWARD}

    # action_checklist leads with the checklist: no index of its own.
    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="actions", db_index=False)
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="actions", help_text="The action question it answers."
    )
    description = models.CharField(max_length=MAX_DESCRIPTION_LENGTH, help_text="What will be done.")
    owner = models.CharField(max_length=20, choices=Owner.choices, default=Owner.ME)
    agency_role = models.CharField(
        max_length=100, blank=True, help_text="For another agency: a role, such as 'Allocated social worker'."
    )
    due_on = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    closed_on = models.DateField(null=True, blank=True, help_text="When it was done, dropped or carried forward.")
    note = models.CharField(
        max_length=MAX_DESCRIPTION_LENGTH, blank=True, help_text="How it went, or why it is no longer needed."
    )
    # Set on the copy in a later checklist. A purge of the earlier one clears it, keeping nothing alive.
    carried_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="carried_into"
    )
    # Every change increments this; a change based on an older revision is refused as stale.
    revision = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["checklist", "question", "id"], name="action_checklist"),
            models.Index(fields=["status", "due_on"], name="action_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(owner="agency") | ~models.Q(agency_role=""), name="action_agency_named_by_role"
            ),
        ]

    def __str__(self) -> str:
        return f"Action due {self.due_on:%-d %B %Y} ({self.get_status_display().lower()})"

    def get_absolute_url(self) -> str:
        return reverse("actions:detail", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def who(self) -> str:
        """Who does it, as the FCA reads it."""
        if self.owner == self.Owner.AGENCY:
            return self.agency_role
        return self.get_owner_display()

    def days_overdue(self, today=None) -> int:
        """How many days past due an open action is; 0 if it is not overdue."""
        if not self.is_open:
            return 0
        return max(((today or timezone.localdate()) - self.due_on).days, 0)
