"""Give the benchmark's checklists the actions their authors would have recorded (bench/run.sh runs it
after generate_bench_data).

Checklists of the last year get up to three actions each, on their template's first action question
(or its last question, for a template without one). Those not yet due are open; of those past their
date, most are done, some no longer needed and some still open, so overdue. Only checklists by bench
accounts get actions, and generate_bench_data --reset removes them with their checklists.
"""

import random
import time
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from checklists.management.commands.generate_bench_data import PREFIX
from checklists.models import Checklist, Question

from ...models import Action

HISTORY_DAYS = 365
ACTIONS_PER_CHECKLIST = (0, 1, 1, 2, 2, 3)
# Of the actions past their date: done, no longer needed, still open (overdue).
PAST_DUE_MIX = (75, 12, 13)
DESCRIPTIONS = (
    "Ask the school for the child's attendance records for this term",
    "Speak to the allocated social worker about the police callout",
    "Seek the child's wishes and feelings again before the hearing",
    "Request police checks on the mother's new partner",
    "Discuss the case with my practice supervisor",
    "Ask the GP whether the father is engaging with treatment",
    "Visit the paternal grandmother to assess her offer of support",
    "Share the new information with the local authority in writing",
    "Read the health visitor's notes on the baby's weight",
    "Arrange an interpreter for the next meeting with the mother",
)
AGENCY_ROLES = ("Allocated social worker", "Health visitor", "Designated safeguarding lead", "Police liaison officer")


class Command(BaseCommand):
    help = "Give the bench checklists of the last year the actions FCAs would have recorded on them."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2020, help="Random seed, for repeatable data.")
        parser.add_argument("--batch-size", type=int, default=5000, help="Actions per insert (default 5000).")

    def handle(self, *args, **options):
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")
        bench = Checklist.objects.filter(author__username__startswith=PREFIX)
        if Action.objects.filter(checklist__in=bench).exists():
            self.stdout.write("The bench checklists already have actions: nothing to do.")
            return
        started = time.perf_counter()
        rng = random.Random(options["seed"])
        today = timezone.localdate()
        recent = bench.filter(created_at__gte=timezone.now() - timedelta(days=HISTORY_DAYS))
        questions = self._questions(set(recent.values_list("template_id", flat=True).distinct()))
        made = 0
        batch = []
        with transaction.atomic():
            rows = recent.order_by("pk").values_list("pk", "template_id", "created_at")
            for pk, template_id, created_at in rows.iterator(chunk_size=options["batch_size"]):
                for _ in range(rng.choice(ACTIONS_PER_CHECKLIST)):
                    batch.append(self._action(rng, today, pk, questions[template_id], created_at.date()))
                if len(batch) >= options["batch_size"]:
                    made += len(Action.objects.bulk_create(batch))
                    batch = []
            made += len(Action.objects.bulk_create(batch))
            if connection.vendor == "postgresql":
                # Fresh statistics, as autovacuum would have, so the plans are those of production.
                with connection.cursor() as cursor:
                    cursor.execute(f"ANALYZE {connection.ops.quote_name(Action._meta.db_table)}")
        open_count = Action.objects.filter(checklist__in=bench, status=Action.Status.OPEN).count()
        self.stdout.write(
            self.style.SUCCESS(
                f"Gave the bench checklists {made:,} actions ({open_count:,} open) "
                f"in {time.perf_counter() - started:.1f} s."
            )
        )

    def _questions(self, template_ids: set[int]) -> dict[int, int]:
        """Each template's first action question, or its last question if it has none."""
        found: dict[int, list[tuple[int, bool]]] = {}
        ordered = Question.objects.filter(template_id__in=template_ids).order_by("step__number", "order", "id")
        for question_id, template_id, collects_actions in ordered.values_list("pk", "template_id", "collects_actions"):
            found.setdefault(template_id, []).append((question_id, collects_actions))
        return {
            template_id: next((pk for pk, collects in questions if collects), questions[-1][0])
            for template_id, questions in found.items()
        }

    def _action(self, rng, today, checklist_id, question_id, started) -> Action:
        due = started + timedelta(days=rng.randint(3, 42))
        owner = rng.choices(list(Action.Owner), weights=(70, 15, 15))[0]
        status, closed_on, note = Action.Status.OPEN, None, ""
        if due < today:
            status = rng.choices(
                (Action.Status.DONE, Action.Status.NOT_NEEDED, Action.Status.OPEN), weights=PAST_DUE_MIX
            )[0]
            if status != Action.Status.OPEN:
                closed_on = min(max(due + timedelta(days=rng.randint(-5, 10)), started), today)
                note = "The family moved out of the area." if status == Action.Status.NOT_NEEDED else ""
        return Action(
            checklist_id=checklist_id,
            question_id=question_id,
            description=rng.choice(DESCRIPTIONS),
            owner=owner,
            agency_role=rng.choice(AGENCY_ROLES) if owner == Action.Owner.AGENCY else "",
            due_on=due,
            status=status,
            closed_on=closed_on,
            note=note,
        )
