"""Generate a realistic volume of teams, people and checklists for the benchmark (bench/run.sh).

Scale 1.0 is the national workforce: 50 teams, 2,000 FCAs (plus one or two supervisors per
team), 200,000 checklists spread over three years and 2,000,000 answers, with the comments
and timeline events their history implies. Every row it makes belongs to a user, team or
template whose name starts with "bench-", so --reset removes exactly what it made.

On PostgreSQL the big tables are filled with COPY; elsewhere with bulk_create in batches.
"""

import contextlib
import os
import random
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Membership, Team, User
from checklists.models import Answer, Checklist, ChecklistTemplate, Comment, Event, Question, Step

PREFIX = "bench-"
FALLBACK_TEMPLATE_SLUG = "bench-reflection"
DEFAULT_PASSWORD = "bench-practice-hub-not-a-secret"
FULL_SCALE = {"teams": 50, "fcas": 2_000, "checklists": 200_000, "answers": 2_000_000}
HISTORY_DAYS = 3 * 365
RECENT_DAYS = 60

Status = Checklist.Status
Kind = Event.Kind
STATUSES = (Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.SIGNED_OFF)
RECENT_MIX = (30, 25, 10, 35)
OLDER_MIX = (3, 1.5, 0.5, 95)


@dataclass(frozen=True)
class Volume:
    teams: int
    fcas: int
    checklists: int
    answers: int

    @classmethod
    def for_scale(cls, scale: float) -> "Volume":
        teams = max(2, round(FULL_SCALE["teams"] * scale))
        fcas = max(2 * teams, round(FULL_SCALE["fcas"] * scale))
        checklists = max(fcas, round(FULL_SCALE["checklists"] * scale))
        return cls(teams, fcas, checklists, max(checklists, round(FULL_SCALE["answers"] * scale)))


def bench_password() -> str:
    return os.environ.get("BENCH_PASSWORD") or DEFAULT_PASSWORD


def _username(role: str, number: int, width: int) -> str:
    return f"{PREFIX}{role}-{number:0{width}d}"


@contextlib.contextmanager
def _explicit_timestamps():
    """Let bulk_create keep the historical timestamps it is given instead of stamping 'now'."""
    fields = [
        field
        for model in (Checklist, Answer, Comment, Event)
        for field in model._meta.concrete_fields
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    ]
    saved = [(field, field.auto_now, field.auto_now_add) for field in fields]
    for field in fields:
        field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


class Writer:
    """Inserts rows given as tuples of field values, by COPY on PostgreSQL or bulk_create elsewhere."""

    def __init__(self, *, use_copy: bool, batch_size: int):
        self.use_copy = use_copy
        self.batch_size = batch_size
        self.rows: dict[str, int] = {}
        self.seconds: dict[str, float] = {}

    def insert(self, model, fields: list[str], rows: list[tuple]) -> None:
        if not rows:
            return
        started = time.perf_counter()
        if self.use_copy:
            columns = [model._meta.get_field(name).column for name in fields]
            quote = connection.ops.quote_name
            sql = f"COPY {quote(model._meta.db_table)} ({', '.join(map(quote, columns))}) FROM STDIN"
            with connection.cursor() as cursor, cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            model.objects.bulk_create(
                [model(**dict(zip(fields, row, strict=True))) for row in rows], batch_size=self.batch_size
            )
        label = model._meta.verbose_name_plural
        self.rows[label] = self.rows.get(label, 0) + len(rows)
        self.seconds[label] = self.seconds.get(label, 0.0) + time.perf_counter() - started


FIRST_NAMES = (
    "Amina Ben Chloe Dev Ellie Femi Grace Hassan Imogen Jack Kiran Leah Marek Nia Omar Priya Rhys Sana Tom Zara"
).split()
LAST_NAMES = (
    "Ahmed Baker Campbell Davies Evans Fraser Gill Hughes Iqbal Jones Khan Lewis Morgan Novak Owusu Patel "
    "Quinn Roberts Shah Taylor Walsh Young"
).split()
TITLES = (
    "New information from the school",
    "Police callout reported by the local authority",
    "Child not seen at the home visit",
    "Father has not attended two appointments",
    "Health visitor concerns about the baby",
    "Change of address not explained",
    "Child's account differs from the parents'",
    "Referral decision before the hearing",
    "Mother has withdrawn from the process",
    "Information shared by the GP",
)
PHRASES = (
    "the child said that they feel safe at their grandmother's house",
    "school reported two unexplained absences in the last fortnight",
    "the police attended after neighbours heard shouting late at night",
    "the mother described the father's drinking as getting worse since the summer",
    "the local authority confirmed that the family is not known to children's social care",
    "the child's drawings show the father outside the family home",
    "the health visitor noted that the baby's weight has dropped below the expected range",
    "the father did not attend the arranged interview and did not reply to messages",
    "the accounts of the two parents differ about who was present that evening",
    "I triangulated this with the school, the GP and the police disclosure",
    "this is consistent with the pattern described in the earlier safeguarding letter",
    "I discussed this with my practice supervisor on the same day",
    "the risk of harm to the child has increased since the last report",
    "I will seek the child's wishes and feelings again before the next hearing",
    "there is no evidence yet that the new partner has been assessed",
    "the paternal grandmother is willing to support contact at her home",
    "the child is home educated and has not been seen by any other professional",
    "I have asked the local authority to confirm whether a section 47 enquiry is needed",
)


def _case_reference(rng: random.Random, year: int) -> str:
    letters = "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWZ") for _ in range(2))
    return f"{letters}{year % 100:02d}P{rng.randrange(100000):05d}"


def _text_pool(rng: random.Random, size: int, *, sentences: tuple[int, int]) -> list[str]:
    pool = []
    for _ in range(size):
        parts = [rng.choice(PHRASES) for _ in range(rng.randint(*sentences))]
        pool.append(" ".join(part[0].upper() + part[1:] + "." for part in parts))
    return pool


class Command(BaseCommand):
    help = (
        "Generate benchmark data: teams, FCAs, supervisors and checklists with answers, comments and events. "
        "Scale 1.0 is 50 teams, 2,000 FCAs, 200,000 checklists and 2,000,000 answers."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="Fraction of the full volume (default 1.0).")
        parser.add_argument("--seed", type=int, default=2020, help="Random seed, for repeatable data.")
        parser.add_argument("--reset", action="store_true", help="Delete the previous bench data first.")
        parser.add_argument(
            "--reuse", action="store_true", help="Do nothing if the bench data already present has this volume."
        )
        parser.add_argument("--batch-size", type=int, default=5000, help="Checklists per batch (default 5000).")
        parser.add_argument("--no-copy", action="store_true", help="Use bulk_create even on PostgreSQL.")
        parser.add_argument(
            "--allow-any-database",
            action="store_true",
            help="Write to a database whose name has neither 'bench' nor 'test' in it.",
        )

    def handle(self, *args, **options):
        scale = options["scale"]
        if not (0 < scale <= 10):
            raise CommandError("--scale must be more than 0 and at most 10.")
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")
        self._check_database(options["allow_any_database"])
        volume = Volume.for_scale(scale)
        started = time.perf_counter()

        if options["reuse"] and self._present_volume() == (volume.teams, volume.fcas, volume.checklists):
            self.stdout.write(
                f"Bench data for scale {scale:g} is already present ({volume.teams} teams, {volume.fcas} FCAs, "
                f"{volume.checklists:,} checklists): nothing to do."
            )
            return
        if self._has_bench_data():
            if not options["reset"]:
                raise CommandError("Bench data already exists. Pass --reset to replace it.")
            with self._timed("Deleted the previous bench data"):
                self._reset()

        rng = random.Random(options["seed"])
        use_copy = connection.vendor == "postgresql" and not options["no_copy"]
        writer = Writer(use_copy=use_copy, batch_size=options["batch_size"])
        with transaction.atomic(), _explicit_timestamps():
            templates = self._templates()
            with self._timed("Created teams and people"):
                teams, supervisors, fcas = self._people(rng, volume)
            with self._timed("Created checklists, answers, comments and events") as timing:
                self._checklists(rng, volume, templates, teams, supervisors, fcas, writer, options["batch_size"])
        if connection.vendor == "postgresql":
            # As autovacuum would in production: fresh statistics, and a visibility map that lets
            # counts (queue tabs, pagination) use index-only scans instead of visiting the heap.
            # VACUUM cannot run inside a transaction (as in the tests), where ANALYZE alone must do.
            command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
            with self._timed(f"Ran {command} on the tables"), connection.cursor() as cursor:
                for model in (User, Team, Membership, Checklist, Answer, Comment, Event):
                    cursor.execute(f"{command} {connection.ops.quote_name(model._meta.db_table)}")

        total_rows = sum(writer.rows.values())
        method = "COPY" if writer.use_copy else "bulk_create"
        for label, rows in writer.rows.items():
            seconds = writer.seconds[label]
            self.stdout.write(
                f"  {label}: {rows:,} rows, {seconds:.1f} s inserting ({rows / max(seconds, 1e-9):,.0f} rows/s)"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated scale {scale:g} with {method}: {volume.teams} teams, {len(fcas)} FCAs, "
                f"{len(supervisors)} supervisors, {total_rows:,} checklist rows in {timing['seconds']:.1f} s "
                f"({total_rows / max(timing['seconds'], 1e-9):,.0f} rows/s); {time.perf_counter() - started:.1f} s "
                "in all."
            )
        )
        self.stdout.write(f"Sign in as {PREFIX}fca-0001, {PREFIX}sup-01 or {PREFIX}admin with the bench password.")

    # -- safety, presence and reset -------------------------------------------------------------

    def _check_database(self, allow_any: bool) -> None:
        """Bench users share a published password, so keep them out of real databases."""
        name = str(connection.settings_dict.get("NAME") or "")
        if allow_any or "bench" in name.lower() or "test" in name.lower() or "memory" in name.lower():
            return
        raise CommandError(
            f"Refusing to write bench accounts (with a published password) into database {name!r}. "
            "Use a database whose name contains 'bench', or pass --allow-any-database."
        )

    def _has_bench_data(self) -> bool:
        return (
            User.objects.filter(username__startswith=PREFIX).exists()
            or Team.objects.filter(slug__startswith=PREFIX).exists()
        )

    def _present_volume(self) -> tuple[int, int, int]:
        """Teams, FCAs and checklists; answers are left out because autosaves in a run add some."""
        return (
            Team.objects.filter(slug__startswith=PREFIX).count(),
            User.objects.filter(username__startswith=f"{PREFIX}fca-").count(),
            Checklist.objects.filter(author__username__startswith=PREFIX).count(),
        )

    def _reset(self) -> None:
        """Delete bench rows with set-based SQL: the ORM's collector would load millions of rows."""
        # Table and column names come from model metadata; the only value is a bound parameter.
        quote = connection.ops.quote_name
        users = f"SELECT id FROM {quote(User._meta.db_table)} WHERE username LIKE %s"  # noqa: S608
        checklists = f"SELECT id FROM {quote(Checklist._meta.db_table)} WHERE author_id IN ({users})"  # noqa: S608
        # Every table that points at a checklist: answers, comments, events, and those of apps built on checklists.
        statements = [
            f"DELETE FROM {quote(relation.related_model._meta.db_table)} "  # noqa: S608
            f"WHERE {quote(relation.field.column)} IN ({checklists})"
            for relation in Checklist._meta.related_objects
        ] + [
            f"DELETE FROM {quote(Comment._meta.db_table)} WHERE author_id IN ({users})",  # noqa: S608
            f"DELETE FROM {quote(Event._meta.db_table)} WHERE actor_id IN ({users})",  # noqa: S608
            f"DELETE FROM {quote(Checklist._meta.db_table)} WHERE id IN ({checklists})",  # noqa: S608
        ]
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement, [PREFIX + "%"])
        User.objects.filter(username__startswith=PREFIX).delete()
        Team.objects.filter(slug__startswith=PREFIX).delete()
        ChecklistTemplate.objects.filter(slug=FALLBACK_TEMPLATE_SLUG, checklists__isnull=True).delete()

    @contextlib.contextmanager
    def _timed(self, label: str):
        timing = {"seconds": 0.0}
        started = time.perf_counter()
        yield timing
        timing["seconds"] = time.perf_counter() - started
        self.stdout.write(f"{label} in {timing['seconds']:.1f} s.")

    # -- templates --------------------------------------------------------------------------------

    def _templates(self) -> list[ChecklistTemplate]:
        """The published templates, most used first; a small stand-in only if none is published."""
        published = list(
            ChecklistTemplate.objects.filter(status=ChecklistTemplate.Status.PUBLISHED)
            .exclude(slug=FALLBACK_TEMPLATE_SLUG)
            .order_by("id")
            .prefetch_related("steps", "questions__step")
        )
        if not published:
            self.stdout.write(
                self.style.WARNING(
                    "No published checklist template: using a small stand-in. "
                    "Run load_checklist_templates first for realistic data."
                )
            )
            published = [self._fallback_template()]
        for template in published:
            template.bench_steps = sorted(template.steps.all(), key=lambda step: step.number)
            template.bench_questions = sorted(template.questions.all(), key=lambda q: (q.step.number, q.order, q.id))
            if not template.bench_questions:
                raise CommandError(f"Published template {template.slug!r} has no questions.")
        return published

    def _fallback_template(self) -> ChecklistTemplate:
        template, created = ChecklistTemplate.objects.get_or_create(
            slug=FALLBACK_TEMPLATE_SLUG,
            version=1,
            defaults={
                "title": "Bench reflection",
                "summary": "A stand-in used only by the benchmark when no real template is published.",
                "status": ChecklistTemplate.Status.PUBLISHED,
                "published_at": timezone.now(),
            },
        )
        if not created:
            return ChecklistTemplate.objects.prefetch_related("steps", "questions__step").get(pk=template.pk)
        kinds = Question.Kind
        yes_no_unsure = [{"value": v, "label": v.title()} for v in ("yes", "no", "unsure")]
        layout = [
            ("What? The information", [(kinds.LONG_TEXT, []), (kinds.SHORT_TEXT, []), (kinds.DATE, [])]),
            ("So What? What it means", [(kinds.LONG_TEXT, []), (kinds.YES_NO_UNSURE, yes_no_unsure)]),
            (
                "Then What? Next steps",
                [
                    (kinds.MULTIPLE_CHOICE, [{"value": f"option-{i}", "label": f"Option {i}"} for i in range(1, 5)]),
                    (kinds.SINGLE_CHOICE, [{"value": f"choice-{i}", "label": f"Choice {i}"} for i in range(1, 4)]),
                    (kinds.LONG_TEXT, []),
                ],
            ),
        ]
        for number, (title, questions) in enumerate(layout, start=1):
            step = Step.objects.create(template=template, number=number, title=title)
            for order, (kind, choices) in enumerate(questions, start=1):
                Question.objects.create(
                    template=template,
                    step=step,
                    key=f"q{number}-{order}",
                    order=order,
                    text=f"Question {order} of step {number}",
                    kind=kind,
                    choices=choices,
                    required=order == 1,
                )
        return ChecklistTemplate.objects.prefetch_related("steps", "questions__step").get(pk=template.pk)

    # -- people -----------------------------------------------------------------------------------

    def _people(self, rng: random.Random, volume: Volume):
        password = make_password(bench_password())  # hashed once: hashing 2,000 times would take minutes
        teams = Team.objects.bulk_create(
            [Team(name=f"Bench team {n:02d}", slug=f"{PREFIX}team-{n:02d}") for n in range(1, volume.teams + 1)]
        )
        teams = list(Team.objects.filter(slug__startswith=PREFIX).order_by("slug"))

        supervisor_counts = [1 + (rng.random() < 0.5) for _ in teams]
        width = max(2, len(str(sum(supervisor_counts))))
        fca_width = max(4, len(str(volume.fcas)))
        users, memberships = [], []

        def person(username: str, **extra) -> User:
            return User(
                username=username,
                first_name=rng.choice(FIRST_NAMES),
                last_name=rng.choice(LAST_NAMES),
                email=f"{username}@practicehub.invalid",
                password=password,
                **extra,
            )

        number = 0
        for team, count in zip(teams, supervisor_counts, strict=True):
            for _ in range(count):
                number += 1
                users.append(person(_username("sup", number, width)))
                memberships.append((users[-1].username, team, Membership.Role.SUPERVISOR))
        for n in range(1, volume.fcas + 1):
            # Every team gets an FCA before any team gets a second; then teams differ in size.
            team = teams[n - 1] if n <= len(teams) else rng.choice(teams)
            users.append(person(_username("fca", n, fca_width)))
            memberships.append((users[-1].username, team, Membership.Role.PRACTITIONER))
        users.append(person(f"{PREFIX}admin", is_staff=True, is_superuser=True))
        User.objects.bulk_create(users, batch_size=1000)

        by_name = dict(User.objects.filter(username__startswith=PREFIX).values_list("username", "id"))
        Membership.objects.bulk_create(
            [Membership(user_id=by_name[name], team=team, role=role) for name, team, role in memberships],
            batch_size=1000,
        )
        supervisors: dict[int, list[int]] = {}
        fcas: list[tuple[int, int]] = []  # (user id, team id)
        for name, team, role in memberships:
            if role == Membership.Role.SUPERVISOR:
                supervisors.setdefault(team.pk, []).append(by_name[name])
            else:
                fcas.append((by_name[name], team.pk))
        return teams, supervisors, fcas

    # -- checklists -------------------------------------------------------------------------------

    def _checklists(self, rng, volume, templates, teams, supervisors, fcas, writer, batch_size) -> None:
        now = timezone.now().replace(microsecond=0)
        long_texts = _text_pool(rng, 400, sentences=(2, 6))
        short_texts = _text_pool(rng, 100, sentences=(1, 1))
        # Templates used in order of prominence: the first published is used most.
        template_weights = [1 / (i + 1) for i in range(len(templates))]
        # Some FCAs reflect far more often than others.
        author_cum = list(_cumulative(rng.lognormvariate(0, 0.6) for _ in fcas))
        mean_answers = volume.answers / volume.checklists
        generator = _ChecklistHistory(rng, now, supervisors, long_texts, short_texts, mean_answers)

        checklist_fields = [
            "id",
            "template_id",
            "author_id",
            "team_id",
            "case_reference",
            "title",
            "status",
            "created_at",
            "updated_at",
            "submitted_at",
            "returned_at",
            "signed_off_at",
            "discussed_on",
        ]
        answer_fields = ["checklist_id", "question_id", "value", "revision", "returned_value", "updated_at"]
        comment_fields = ["checklist_id", "step_id", "author_id", "body", "created_at"]
        event_fields = ["checklist_id", "kind", "actor_id", "created_at", "detail"]

        made = 0
        while made < volume.checklists:
            count = min(batch_size, volume.checklists - made)
            authors = rng.choices(fcas, cum_weights=author_cum, k=count)
            chosen = rng.choices(templates, weights=template_weights, k=count)
            checklists, answers, comments, events = [], [], [], []
            for (author_id, team_id), template in zip(authors, chosen, strict=True):
                row, its_answers, its_comments, its_events = generator.make(template, author_id, team_id)
                checklists.append(row)
                answers.extend(its_answers)
                comments.extend(its_comments)
                events.extend(its_events)
            writer.insert(Checklist, checklist_fields, checklists)
            writer.insert(Answer, answer_fields, answers)
            writer.insert(Comment, comment_fields, comments)
            writer.insert(Event, event_fields, events)
            made += count
            self.stdout.write(f"  {made:,} of {volume.checklists:,} checklists")


def _cumulative(weights):
    total = 0.0
    for weight in weights:
        total += weight
        yield total


class _ChecklistHistory:
    """Makes one checklist's row and the answers, comments and events its history implies."""

    def __init__(self, rng, now, supervisors, long_texts, short_texts, mean_answers):
        self.rng = rng
        self.now = now
        self.supervisors = supervisors
        self.long_texts = long_texts
        self.short_texts = short_texts
        self.mean_answers = mean_answers

    def _status(self, age_days: float) -> str:
        # Recent work is still moving through the workflow; older work is almost all signed off.
        mix = RECENT_MIX if age_days < RECENT_DAYS else OLDER_MIX
        return self.rng.choices(STATUSES, weights=mix)[0]

    def _after(self, moment: datetime, low_hours: float, high_hours: float) -> datetime:
        return moment + timedelta(hours=self.rng.uniform(low_hours, high_hours))

    def make(self, template, author_id: int, team_id: int):
        rng = self.rng
        # More checklists in recent months than three years ago, as use grows.
        age_days = HISTORY_DAYS * rng.random() ** 1.3
        created = self.now - timedelta(days=age_days, seconds=rng.randrange(86400))
        status = self._status(age_days)
        reviewer = rng.choice(self.supervisors[team_id])
        was_returned = status == Status.RETURNED or (status != Status.DRAFT and rng.random() < 0.15)

        # The sequence of moments, compressed if a recent checklist's history would run past now.
        moments = {"created": created}
        if status != Status.DRAFT:
            moments["submitted"] = self._after(created, 2, 24 * 10)
            if was_returned:
                moments["returned"] = self._after(moments["submitted"], 2, 24 * 5)
                if status != Status.RETURNED:
                    moments["resubmitted"] = self._after(moments["returned"], 2, 24 * 5)
            if status == Status.SIGNED_OFF:
                moments["signed_off"] = self._after(max(moments.values()), 1, 24 * 7)
        moments["last_edit"] = self._after(max(moments.values()), 0, 24 * 3) if status in Checklist.EDITABLE else None
        latest = max(m for m in moments.values() if m)
        if latest > self.now:
            ratio = (self.now - created) / (latest - created) * 0.99
            moments = {key: m and created + (m - created) * ratio for key, m in moments.items()}
        updated = max(m for m in moments.values() if m)
        submitted = moments.get("resubmitted") or moments.get("submitted")
        signed_off = moments.get("signed_off")
        discussed = signed_off.date() if signed_off and rng.random() < 0.3 else None

        checklist_id = uuid.UUID(int=rng.getrandbits(128), version=4)
        row = (
            checklist_id,
            template.pk,
            author_id,
            team_id,
            _case_reference(rng, created.year),
            rng.choice(TITLES),
            status,
            created,
            updated,
            submitted,
            moments.get("returned"),
            signed_off,
            discussed,
        )

        answers = self._answers(template, checklist_id, status, was_returned, created, updated)

        comments, events = [], [(checklist_id, Kind.CREATED, author_id, created, "")]
        if "submitted" in moments:
            events.append((checklist_id, Kind.SUBMITTED, author_id, moments["submitted"], ""))
            viewed = min(moments["submitted"] + timedelta(minutes=5), updated)
            events.append((checklist_id, Kind.VIEWED, reviewer, viewed, ""))
        if "returned" in moments:
            step = rng.choice(template.bench_steps) if rng.random() < 0.6 else None
            body = "Please reflect further: " + rng.choice(PHRASES) + "."
            comments.append((checklist_id, step and step.pk, reviewer, body, moments["returned"]))
            events.append((checklist_id, Kind.RETURNED, reviewer, moments["returned"], ""))
        if "resubmitted" in moments:
            events.append((checklist_id, Kind.SUBMITTED, author_id, moments["resubmitted"], "Resubmitted"))
        if signed_off:
            if rng.random() < 0.2:
                comments.append(
                    (checklist_id, None, reviewer, "Signed off: a clear, well-evidenced reflection.", signed_off)
                )
            events.append((checklist_id, Kind.SIGNED_OFF, reviewer, signed_off, ""))
            if discussed:
                events.append((checklist_id, Kind.DISCUSSED, reviewer, signed_off, f"On {discussed:%d %B %Y}"))
        return row, answers, comments, events

    def _answers(self, template, checklist_id, status, was_returned, created, updated):
        rng = self.rng
        questions = template.bench_questions
        # Drafts are part-way through; the rest average out to the requested total.
        mean = self.mean_answers * (0.5 if status == Status.DRAFT else 1.03)
        count = max(1, min(len(questions), round(rng.gauss(mean, mean / 3))))
        if status == Status.DRAFT:
            picked = questions[:count]  # drafts are filled in from the first step onwards
        else:
            picked = sorted(rng.sample(questions, count), key=questions.index)
        span = max((updated - created).total_seconds(), 1.0)
        rows = []
        for question in picked:
            value = self._value(question)
            returned_value = value if was_returned and rng.random() < 0.8 else None
            answered = created + timedelta(seconds=rng.uniform(0, span))
            revision = rng.randint(1, 4 if status == Status.DRAFT else 12)
            rows.append((checklist_id, question.pk, value, revision, returned_value, answered))
        return rows

    def _value(self, question: Question) -> str:
        rng = self.rng
        kind = question.kind
        choices = [choice["value"] for choice in question.choices or []]
        if kind == Question.Kind.LONG_TEXT:
            return rng.choice(self.long_texts)[: question.max_length]
        if kind == Question.Kind.SHORT_TEXT:
            return rng.choice(self.short_texts)[: min(question.max_length, 200)]
        if kind == Question.Kind.YES_NO:
            return rng.choice(("yes", "no"))
        if kind == Question.Kind.YES_NO_UNSURE:
            return rng.choice(("yes", "no", "unsure"))
        if kind == Question.Kind.SINGLE_CHOICE and choices:
            return rng.choice(choices)
        if kind == Question.Kind.MULTIPLE_CHOICE and choices:
            chosen = set(rng.sample(choices, rng.randint(1, min(3, len(choices)))))
            return "\n".join(value for value in choices if value in chosen)
        if kind == Question.Kind.DATE:
            return (self.now.date() - timedelta(days=rng.randrange(HISTORY_DAYS))).isoformat()
        return rng.choice(self.short_texts)
