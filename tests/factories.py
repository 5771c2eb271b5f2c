"""factory_boy factories shared by the suite. Each app's factories live here, mirrored by module."""

import factory
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts.models import Membership, Team, User
from actions.models import Action
from checklists.models import Answer, Checklist, ChecklistTemplate, Comment, Event, Prompt, Question, Step

PASSWORD = "correct-horse-battery-staple"


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Team {n}")
    slug = factory.LazyAttribute(lambda team: team.name.lower().replace(" ", "-"))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda user: f"{user.username}@practicehub.invalid")
    password = factory.LazyFunction(lambda: make_password(PASSWORD))


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    team = factory.SubFactory(TeamFactory)
    role = Membership.Role.PRACTITIONER


# --- checklists ------------------------------------------------------------------------------------


class ChecklistTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChecklistTemplate

    slug = factory.Sequence(lambda n: f"reflective-checklist-{n}")
    version = 1
    title = factory.Sequence(lambda n: f"Reflective checklist {n}")
    status = ChecklistTemplate.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


class StepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Step

    template = factory.SubFactory(ChecklistTemplateFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Step title {n}")


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    step = factory.SubFactory(StepFactory)
    template = factory.LazyAttribute(lambda question: question.step.template)
    key = factory.Sequence(lambda n: f"question-{n}")
    order = factory.Sequence(lambda n: n)
    text = factory.Sequence(lambda n: f"What did you learn from source {n}?")
    kind = Question.Kind.LONG_TEXT


class PromptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Prompt

    question = factory.SubFactory(QuestionFactory)
    template = factory.LazyAttribute(lambda prompt: prompt.question.template)
    show_on_step = factory.LazyAttribute(lambda prompt: prompt.question.step)
    key = factory.Sequence(lambda n: f"prompt-{n}")
    title = factory.Sequence(lambda n: f"Prompt {n}")
    body = "Think about how these risks interact."
    any_of = factory.LazyFunction(lambda: ["yes"])


class ChecklistFactory(factory.django.DjangoModelFactory):
    """A draft by default; pass status and the matching timestamp for later states."""

    class Meta:
        model = Checklist

    template = factory.SubFactory(ChecklistTemplateFactory)
    author = factory.SubFactory(UserFactory)
    team = factory.LazyAttribute(lambda checklist: checklist.author.practice_team)
    case_reference = factory.Sequence(lambda n: f"ZE21P{n:05d}")
    title = factory.Sequence(lambda n: f"New information from school {n}")
    status = Checklist.Status.DRAFT
    submitted_at = factory.LazyAttribute(
        lambda checklist: timezone.now() if checklist.status != Checklist.Status.DRAFT else None
    )
    returned_at = factory.LazyAttribute(
        lambda checklist: timezone.now() if checklist.status == Checklist.Status.RETURNED else None
    )
    signed_off_at = factory.LazyAttribute(
        lambda checklist: timezone.now() if checklist.status == Checklist.Status.SIGNED_OFF else None
    )


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Answer

    checklist = factory.SubFactory(ChecklistFactory)
    question = factory.SubFactory(
        QuestionFactory,
        template=factory.SelfAttribute("..checklist.template"),
        step__template=factory.SelfAttribute("...checklist.template"),
    )
    value = factory.Sequence(lambda n: f"Answer text {n}")
    revision = 1


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    checklist = factory.SubFactory(ChecklistFactory)
    author = factory.SubFactory(UserFactory)
    body = factory.Sequence(lambda n: f"Comment {n}")


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    checklist = factory.SubFactory(ChecklistFactory)
    kind = Event.Kind.CREATED
    actor = factory.LazyAttribute(lambda event: event.checklist.author)


# --- guidance and casestudies ---------------------------------------------------------------------
import datetime  # noqa: E402
from decimal import Decimal  # noqa: E402

from casestudies.models import CaseStudy, LearningPoint  # noqa: E402
from guidance.models import KeyFact, KnowledgeBite, PracticePoint, Resource, Section, Theme  # noqa: E402


class KnowledgeBiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KnowledgeBite
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"bite-{n}")
    title = factory.Sequence(lambda n: f"Knowledge Bite {n}")
    source_report = "A safeguarding practice review"
    source_published = datetime.date(2021, 5, 14)
    created = datetime.date(2021, 6, 1)
    last_reviewed = datetime.date(2021, 6, 1)
    review_due = datetime.date(2099, 6, 1)
    status = KnowledgeBite.Status.PUBLISHED
    summary = "What the review found."


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    knowledge_bite = factory.SubFactory(KnowledgeBiteFactory)
    slug = factory.Sequence(lambda n: f"section-{n}")
    order = factory.Sequence(lambda n: n)
    title = factory.Sequence(lambda n: f"Section {n}")
    body = "Context for the learning."


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme

    knowledge_bite = factory.SubFactory(KnowledgeBiteFactory)
    number = factory.Sequence(lambda n: n + 1)
    slug = factory.Sequence(lambda n: f"theme-{n}")
    title = factory.Sequence(lambda n: f"Theme {n}")
    summary = "What this theme is about."
    key_messages = "The key messages."
    why_it_matters = "Why it matters for FCAs."


class PracticePointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PracticePoint

    theme = factory.SubFactory(ThemeFactory)
    key = factory.Sequence(lambda n: f"point-{n}")
    order = factory.Sequence(lambda n: n)
    title = factory.Sequence(lambda n: f"Practice point {n}")
    body = "Do this in practice."


class KeyFactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KeyFact

    knowledge_bite = factory.SubFactory(KnowledgeBiteFactory)
    key = factory.Sequence(lambda n: f"fact-{n}")
    group = "Figures"
    order = factory.Sequence(lambda n: n)
    label = factory.Sequence(lambda n: f"Figure {n}")
    value = Decimal("12.5")
    unit = "%"
    note = "Of all incidents."


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resource
        skip_postgeneration_save = True

    knowledge_bite = factory.SubFactory(KnowledgeBiteFactory)
    slug = factory.Sequence(lambda n: f"resource-{n}")
    title = factory.Sequence(lambda n: f"Resource {n}")
    kind = Resource.Kind.ELEARNING
    url = ""
    availability = Resource.Availability.INTERNAL
    description = "What it covers."

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create and extracted:
            self.themes.set(extracted)


class CaseStudyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseStudy
        skip_postgeneration_save = True

    knowledge_bite = factory.SubFactory(KnowledgeBiteFactory)
    slug = factory.Sequence(lambda n: f"case-study-{n}")
    title = factory.Sequence(lambda n: f"Case study {n}")
    partnership = "A Safeguarding Partnership"
    review_type = "Local child safeguarding practice review"
    published = datetime.date(2020, 9, 1)
    summary = "What the review was about."
    what_cafcass_knew = "What we knew."
    what_happened = "What happened."

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create and extracted:
            self.themes.set(extracted)


class LearningPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LearningPoint

    case_study = factory.SubFactory(CaseStudyFactory)
    key = factory.Sequence(lambda n: f"learning-{n}")
    order = factory.Sequence(lambda n: n)
    text = "What to do differently."


# --- actions ---------------------------------------------------------------------------------------


class ActionFactory(factory.django.DjangoModelFactory):
    """An open action on an action question of its checklist's template; due in a week."""

    class Meta:
        model = Action

    checklist = factory.SubFactory(ChecklistFactory)
    question = factory.SubFactory(
        QuestionFactory,
        template=factory.SelfAttribute("..checklist.template"),
        step__template=factory.SelfAttribute("...checklist.template"),
        collects_actions=True,
    )
    description = factory.Sequence(lambda n: f"Ask the school for attendance records, part {n}")
    owner = Action.Owner.ME
    due_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=7))
